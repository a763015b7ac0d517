/**
 * `npm run bench:processor`: documents/s and sentences/s through the ABSA processor alone (Kafka in,
 * Kafka out, transactions included), against the model's own sentences/s on the same sentences in
 * the same process, so the ratio says what the pipeline costs beyond the model.
 *
 * The bundled sample corpus (producers/file/sample/reviews.jsonl) is written BENCH_COPIES times, with
 * distinct ids, to a fresh input topic; the processor is started in this process and timed from its
 * start until every document is committed (documents produced + dead letters = documents written).
 * The model figure is `analyze` over all sentences of the corpus in one call (batches of ABSA_BATCH_SIZE,
 * length-sorted over the whole corpus, which the processor's per-chunk calls cannot match), timed
 * before and after the processor in each run.
 *
 * Env: BENCH_COPIES (2), BENCH_RUNS (3), ABSA_THREADS (cores).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import kafkajs from 'kafkajs';
import { parseConfig, withEnv } from '../../common/config/index';
import { documentEventId } from '../../common/ids/index';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { schemas, type RawDocument } from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { absaProcessorConfigSpec } from '../../stream-processors/absa/config';
import { SentenceSplitter } from '../../stream-processors/absa/enrichment/sentence-splitter';
import { AbsaProcessor } from '../../stream-processors/absa/processor';
import { buildProcessorParts } from '../../stream-processors/absa/wiring';
import { publishRaw } from '../integration/helpers/raw-input';

const COPIES = Number(process.env.BENCH_COPIES ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const logger = createLogger({ service: 'bench-processor', level: 'warn' });

interface Sample {
  source: string;
  source_id: string;
  entity?: string;
  text: string;
  created_at: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x * 10) / 10;

async function writeInput(
  kafka: kafkajs.Kafka,
  registry: RegistryClient,
  run: string,
): Promise<{ topic: string; docs: RawDocument[] }> {
  const samples = readFileSync('producers/file/sample/reviews.jsonl', 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Sample);
  const tenant = `bench-${run}`;
  const docs: RawDocument[] = [];
  for (let copy = 0; copy < COPIES; copy++) {
    for (const s of samples) {
      const sourceId = `${s.source_id}-${copy}`;
      docs.push({
        event_id: documentEventId(tenant, s.source, sourceId),
        tenant,
        source: s.source,
        source_id: sourceId,
        entity: s.entity ?? null,
        author_id: null,
        url: null,
        lang: null,
        text: s.text,
        created_at: Date.parse(s.created_at),
        ingested_at: Date.now(),
        collector: 'bench',
        metadata: {},
      });
    }
  }
  const topic = `bench.raw.${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 6, replicationFactor: 1 },
      { topic: dlqTopic(topic), numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  const schemaId = await registry.registerSchema(valueSubject(TOPICS.rawText), schemas.rawDocument);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await publishRaw(producer, registry, topic, schemaId, docs);
  await producer.disconnect();
  return { topic, docs };
}

async function deleteTopic(kafka: kafkajs.Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, dlqTopic(topic)] }).catch(() => undefined);
  await admin.disconnect();
}

async function main(): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-processor',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  const config = parseConfig(absaProcessorConfigSpec, withEnv({}));
  const parts = await buildProcessorParts(config, logger, 'bench-processor');
  const splitter = new SentenceSplitter();

  let documentsPerRun = 0;
  const results: {
    docsPerSecond: number;
    sentencesPerSecond: number;
    modelSentencesPerSecond: number;
    ratio: number;
  }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = `${process.pid}-${Date.now()}`;
    const { topic, docs } = await writeInput(kafka, registry, run);
    documentsPerRun = docs.length;
    const sentences = docs.flatMap((d) => splitter.split(d.text.normalize('NFC'), 'en').map((s) => s.text));

    // The model alone, on the same sentences, timed before and after the processor: other load on
    // the machine then weighs on both figures alike instead of on whichever ran at the busy moment.
    const modelSeconds = async (): Promise<number> => {
      const modelStart = performance.now();
      await parts.primaryModel.analyze(sentences);
      return (performance.now() - modelStart) / 1000;
    };
    const modelBefore = await modelSeconds();

    const processor = new AbsaProcessor(
      parts.kafka,
      parts.registry,
      parts.analyzer,
      {
        groupId: `bench-${run}`,
        inputTopic: topic,
        transactionalIdPrefix: `bench-${run}`,
        chunkSize: config.chunkSize,
        partitionsConcurrently: config.partitionsConcurrently,
        maxBytesPerPartition: config.maxBytesPerPartition,
      },
      logger,
      parts.metrics,
      parts.processorMetrics,
      'bench-processor',
    );
    const consumed = async (): Promise<number> => {
      const metric = await parts.processorMetrics.documentsConsumed.get();
      return metric.values.reduce((sum, v) => sum + v.value, 0);
    };
    const before = await consumed();
    await processor.start();
    // Timed from the first committed chunk (the group join is not processing), counted after each
    // committed transaction, so this is "committed", not "fetched".
    const poll = () => new Promise((res) => setTimeout(res, 50));
    while ((await consumed()) === before) await poll();
    const started = performance.now();
    const first = (await consumed()) - before;
    while ((await consumed()) - before < docs.length) await poll();
    const seconds = (performance.now() - started) / 1000;
    const share = (docs.length - first) / docs.length;
    await processor.stop();
    await deleteTopic(kafka, topic);
    const modelSentencesPerSecond = (2 * sentences.length) / (modelBefore + (await modelSeconds()));
    const sentencesPerSecond = (sentences.length * share) / seconds;
    const result = {
      docsPerSecond: (docs.length * share) / seconds,
      sentencesPerSecond,
      modelSentencesPerSecond,
      ratio: sentencesPerSecond / modelSentencesPerSecond,
    };
    results.push(result);
    process.stderr.write(
      `run ${r + 1}: ${JSON.stringify({ documents: docs.length, sentences: sentences.length, seconds: round(seconds), ...result })}\n`,
    );
  }
  await parts.closeModels();

  const summary = (key: keyof (typeof results)[number]) => ({
    median: round(median(results.map((x) => x[key]))),
    min: round(Math.min(...results.map((x) => x[key]))),
    max: round(Math.max(...results.map((x) => x[key]))),
  });
  const processorSentences = summary('sentencesPerSecond');
  const modelSentences = summary('modelSentencesPerSecond');
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        load_average: os.loadavg().map(round),
        model: parts.primaryModel.info,
        threads: config.threads,
        runs: RUNS,
        documents_per_run: documentsPerRun,
        processor_documents_per_second: summary('docsPerSecond'),
        processor_sentences_per_second: processorSentences,
        model_sentences_per_second: modelSentences,
        ratio_processor_to_model: round((processorSentences.median / modelSentences.median) * 100) / 100,
        // The same ratio taken within each run (processor and model under the same load), then the median.
        ratio_within_runs: {
          median: round(median(results.map((x) => x.ratio)) * 100) / 100,
          min: round(Math.min(...results.map((x) => x.ratio)) * 100) / 100,
          max: round(Math.max(...results.map((x) => x.ratio)) * 100) / 100,
        },
      },
      null,
      2,
    )}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:processor failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
