/** Builds the processor's parts from its config; shared by the long-running processor and `reprocess`. */
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import type { RawDocument } from '../../schemas/index';
import type { AbsaProcessorConfig } from './config';
import { Coalescer } from './coalescer';
import { DocumentAnalyzer, type LanguageSetup } from './document-analyzer';
import type { Embedder } from './embedding';
import { LanguageDetector } from './enrichment/language-detector';
import { textHandling } from './languages';
import { processorMetrics, type ProcessorMetrics } from './metrics';
import { languageServers, ModelArtifactError, resolveModelDirs } from './model/model-artifact';
import { OnnxSentimentModel } from './model/onnx-sentiment-model';
import type { Analysis, SentenceSentiment, SentimentModel } from './model/sentiment-model';
import { CategoryAssigner, DOMAINS, loadTaxonomy } from './taxonomy/taxonomy';
import { createdAtBounds } from '../../schemas/bounds';

export async function buildProcessorParts(config: AbsaProcessorConfig, logger: Logger, service: string) {
  const metrics = createMetrics(service);
  const measured = processorMetrics(metrics);
  const loaded = await Promise.all(
    resolveModelDirs(config.modelDir.trim() || undefined).map((dir) => loadModel(dir, config, measured)),
  );
  const servers = languageServers(loaded.map((m) => m.onnx.info));
  // The fallback language's model is named in the events of documents no model analysed.
  const primary = loaded[servers.get(config.fallbackLanguage) ?? 0]!;

  // Per language: its model, text steps and one category assigner per domain. Assigners embed with
  // their language's model, so seeds and unknown terms share that model's vector space.
  const setups = new Map<string, LanguageSetup>();
  const taxonomies: Record<string, string[]> = {};
  for (const [language, index] of servers) {
    const { model, embedder } = loaded[index]!;
    const text = textHandling(language);
    const assigners = new Map<string, CategoryAssigner>();
    for (const domain of DOMAINS) {
      assigners.set(domain, await CategoryAssigner.create(text.taxonomy(loadTaxonomy(domain)), embedder));
    }
    // A document may name its own domain (metadata.domain), e.g. a retailer whose tenant sells both
    // electronics and apps; otherwise its tenant's configured domain applies.
    const categoriesFor = (doc: RawDocument): CategoryAssigner =>
      assigners.get(doc.metadata['domain'] ?? '') ??
      assigners.get(config.tenantDomains.get(doc.tenant) ?? config.defaultDomain)!;
    setups.set(language, { model, text, categoriesFor });
    taxonomies[language] = [...assigners.values()].map((a) => a.version);
  }
  const analyzer = new DocumentAnalyzer({
    languages: new LanguageDetector(config.fallbackLanguage),
    setups,
    defaultModel: primary.onnx.info,
    maxTextChars: config.maxTextChars,
    maxAspectsPerDocument: config.maxAspectsPerDocument,
    maxMentionSentenceChars: config.maxMentionSentenceChars,
    createdAt: createdAtBounds(config),
  });
  for (const { onnx, dir } of loaded) {
    logger.info('ABSA model loaded', {
      event: { action: 'model-loaded' },
      model: { ...onnx.info, dir, threads: config.threads, embedding_dimensions: onnx.dimensions },
      serves: [...servers].filter(([, i]) => loaded[i]!.onnx === onnx).map(([language]) => language),
    });
  }
  logger.info('ABSA languages set up', {
    event: { action: 'languages-set-up' },
    taxonomy: taxonomies,
  });
  return {
    analyzer,
    /** The fallback language's model (the processor's models are logged at start-up). */
    primaryModel: primary.model,
    closeModels: async () => {
      await Promise.all(loaded.map((m) => m.onnx.close()));
    },
    metrics,
    processorMetrics: measured,
    kafka: createKafka(service, config, logger),
    registry: new RegistryClient(config.schemaRegistryUrl),
  };
}

/**
 * Opens one artifact with its run queues: concurrent partitions share model runs instead of competing
 * for the same cores. Larger runs sort into batches of more even length (less padding); the cap bounds
 * one run at about a full default chunk (ABSA_CHUNK_SIZE documents of ~3 sentences) plus whatever
 * smaller chunks wait with it.
 */
async function loadModel(dir: string, config: AbsaProcessorConfig, measured: ProcessorMetrics) {
  const onnx = await OnnxSentimentModel.load(dir, {
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
  const analyzeQueue = new Coalescer<string, Analysis>(async (texts) => {
    const analyses = await onnx.analyze(texts);
    measured.modelSentences.inc(texts.length);
    return analyses;
  }, 2048);
  const sentimentQueue = new Coalescer<string, SentenceSentiment>((texts) => onnx.sentiment(texts), 2048);
  const model: SentimentModel = {
    info: onnx.info,
    analyze: (texts) => analyzeQueue.run(texts),
    sentiment: (texts) => sentimentQueue.run(texts),
    classify: (requests) => onnx.classify(requests),
    close: () => onnx.close(),
  };
  const embedQueue = new Coalescer<string, Float32Array>((texts) => onnx.embed(texts), 256);
  const embedder: Embedder = { dimensions: onnx.dimensions, embed: (texts) => embedQueue.run(texts) };
  return { dir, onnx, model, embedder };
}
