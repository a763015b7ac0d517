/** Builds the processor's parts from its config; shared by the long-running processor and `reprocess`. */
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import type { RawDocument } from '../../schemas/index';
import type { AbsaProcessorConfig } from './config';
import { Coalescer } from './coalescer';
import { DocumentAnalyzer } from './document-analyzer';
import type { Embedder } from './embedding';
import { LanguageDetector } from './enrichment/language-detector';
import { SentenceSplitter } from './enrichment/sentence-splitter';
import { processorMetrics } from './metrics';
import { ModelArtifactError, resolveModelDir } from './model/model-artifact';
import { OnnxSentimentModel } from './model/onnx-sentiment-model';
import type { Analysis, SentimentModel } from './model/sentiment-model';
import { CategoryAssigner, DOMAINS, loadTaxonomy } from './taxonomy/taxonomy';
import { createdAtBounds } from '../../schemas/bounds';

export async function buildProcessorParts(config: AbsaProcessorConfig, logger: Logger, service: string) {
  const modelDir = resolveModelDir(config.modelDir.trim() || undefined);
  const metrics = createMetrics(service);
  const measured = processorMetrics(metrics);
  const onnx = await OnnxSentimentModel.load(modelDir, {
    threads: config.threads,
    batchSize: config.batchSize,
    onBatch: ({ sequences, seconds }) => {
      measured.modelBatchSequences.observe(sequences);
      measured.modelBatchSeconds.observe(seconds);
    },
  });
  if (onnx.dimensions === 0) {
    // Aspect categories and similarity search need the model's encoder states.
    throw new ModelArtifactError(
      'has no "hidden_states" output; the processor needs embeddings',
      onnx.artifact.modelPath,
    );
  }
  // Concurrent partitions share model runs instead of competing for the same cores. Larger runs sort
  // into batches of more even length (less padding); the cap bounds one run at about a full default
  // chunk (ABSA_CHUNK_SIZE documents of ~3 sentences) plus whatever smaller chunks wait with it.
  const analyzeQueue = new Coalescer<string, Analysis>(async (texts) => {
    const analyses = await onnx.analyze(texts);
    measured.modelSentences.inc(texts.length);
    return analyses;
  }, 2048);
  const model: SentimentModel = {
    info: onnx.info,
    analyze: (texts) => analyzeQueue.run(texts),
    classify: (requests) => onnx.classify(requests),
    close: () => onnx.close(),
  };
  const embedQueue = new Coalescer<string, Float32Array>((texts) => onnx.embed(texts), 256);
  const embedder: Embedder = { dimensions: onnx.dimensions, embed: (texts) => embedQueue.run(texts) };

  const assigners = new Map<string, CategoryAssigner>();
  for (const domain of DOMAINS) {
    assigners.set(domain, await CategoryAssigner.create(loadTaxonomy(domain), embedder));
  }
  // A document may name its own domain (metadata.domain), e.g. a retailer whose tenant sells both
  // electronics and apps; otherwise its tenant's configured domain applies.
  const categoriesFor = (doc: RawDocument): CategoryAssigner =>
    assigners.get(doc.metadata['domain'] ?? '') ??
    assigners.get(config.tenantDomains.get(doc.tenant) ?? config.defaultDomain)!;
  const analyzer = new DocumentAnalyzer({
    model,
    languages: new LanguageDetector(config.fallbackLanguage),
    sentences: new SentenceSplitter(),
    categoriesFor,
    maxTextChars: config.maxTextChars,
    maxAspectsPerDocument: config.maxAspectsPerDocument,
    maxMentionSentenceChars: config.maxMentionSentenceChars,
    createdAt: createdAtBounds(config),
  });
  logger.info('ABSA model loaded', {
    event: { action: 'model-loaded' },
    model: { ...onnx.info, dir: modelDir, threads: config.threads, embedding_dimensions: onnx.dimensions },
    taxonomy: [...assigners.values()].map((a) => a.version),
  });
  return {
    analyzer,
    model,
    metrics,
    processorMetrics: measured,
    kafka: createKafka(service, config, logger),
    registry: new RegistryClient(config.schemaRegistryUrl),
  };
}
