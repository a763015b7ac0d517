/**
 * The Kafka side of the ABSA processor: `text.raw.v1` through the project's consumer loop
 * (common/kafka/consumer) with the transactional commit: each chunk's document and aspect events,
 * its dead letters and its consumed offsets are written in one transaction, so downstream
 * `read_committed` readers see every document exactly once.
 *
 * The loop owns decoding, outage waits, dead letters, heartbeats and commits; this file says what a
 * chunk becomes: analyse the decoded documents (language, sentences, model, embeddings, categories),
 * encode the results, and return a dead-letter outcome for each document the analyzer refused.
 *
 * Backpressure: kafkajs fetches a partition again only after its batch handler returns, and fetch
 * sizes are capped, so in-flight work is bounded by `partitionsConcurrently × maxBytesPerPartition`;
 * a slow model slows consumption instead of growing a buffer.
 */
import type { Kafka, Message } from 'kafkajs';
import { FatalError } from '../../common/errors/index';
import { TransactionalCommit } from '../../common/kafka/consumer/commit';
import { ConsumerLoop, type Consumed, type Handled } from '../../common/kafka/consumer/loop';
import { messageSize, topicMessageLimit } from '../../common/kafka/record-size';
import { valueSubject, type RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import { childKafkaTraceHeaders } from '../../common/tracing/index';
import { schemas, type AspectMention, type DocumentSentiment, type RawDocument } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import type { DocumentAnalyzer } from './document-analyzer';
import type { ProcessorMetrics } from './metrics';

export interface ProcessorOptions {
  groupId: string;
  inputTopic: string;
  /** Prefix of the per-partition transactional ids; distinct per consumer group. */
  transactionalIdPrefix: string;
  /** Most messages per transaction. */
  chunkSize: number;
  partitionsConcurrently: number;
  maxBytesPerPartition: number;
  /** Only documents of this tenant are analysed (reprocessing); others are skipped. */
  tenant?: string;
  /** Start from this time instead of the committed offsets (reprocessing). */
  fromTimestamp?: number;
  /** Stop once these end offsets per partition are reached (reprocessing). */
  stopAt?: Map<number, bigint>;
  onCaughtUp?: () => void;
}

/** What a committed chunk produced, for the processor's own metrics. */
interface ChunkReport {
  statuses: DocumentSentiment['status'][];
  aspects: number;
}

export class AbsaProcessor {
  private readonly loop: ConsumerLoop<RawDocument, ChunkReport>;
  private schemaIds: { documents: number; aspects: number } | undefined;

  constructor(
    kafka: Kafka,
    private readonly registry: RegistryClient,
    private readonly analyzer: DocumentAnalyzer,
    options: ProcessorOptions,
    logger: Logger,
    metrics: Metrics,
    private readonly processorMetrics: ProcessorMetrics,
    processorName = 'absa-processor',
  ) {
    this.loop = new ConsumerLoop<RawDocument, ChunkReport>({
      name: processorName,
      version: process.env.npm_package_version,
      kafka,
      registry,
      logger,
      metrics,
      groupId: options.groupId,
      topics: [options.inputTopic],
      fromBeginning: true,
      commit: new TransactionalCommit(options.transactionalIdPrefix),
      maxChunk: options.chunkSize,
      partitionsConcurrently: options.partitionsConcurrently,
      maxBytesPerPartition: options.maxBytesPerPartition,
      fromTimestamp: options.fromTimestamp,
      stopAt: options.stopAt,
      onCaughtUp: options.onCaughtUp,
      handler: {
        handle: (items) => this.handle(items, options.tenant),
        committed: ({ report, messages }) => {
          // Counted once committed, so the metrics say what downstream readers can see.
          this.processorMetrics.documentsConsumed.inc(messages);
          for (const status of report?.statuses ?? [])
            this.processorMetrics.documentsProduced.inc({ status });
          this.processorMetrics.aspectsEmitted.inc(report?.aspects ?? 0);
        },
      },
    });
  }

  readiness(): ReadinessCheck[] {
    return this.loop.readiness();
  }

  /** Registers the output schemas (waiting for the registry if it is down), then consumes. */
  async start(): Promise<void> {
    this.schemaIds = await this.loop.untilAvailable('schema-registry', async () => {
      const ids = {
        documents: await this.registry.registerSchema(
          valueSubject(TOPICS.documents),
          schemas.documentSentiment,
        ),
        aspects: await this.registry.registerSchema(valueSubject(TOPICS.aspects), schemas.aspectMention),
      };
      // Fetched and compiled once here: the serde's cache fills only after a fetch returns, so the
      // first chunk's concurrent encodes would each fetch and compile the same schema.
      await this.registry.serde.getSchema(ids.documents);
      await this.registry.serde.getSchema(ids.aspects);
      return ids;
    });
    await this.loop.start();
  }

  /** Stops consuming after the in-flight transaction finishes, and leaves the group. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async handle(items: Array<Consumed<RawDocument>>, tenant?: string): Promise<Handled<ChunkReport>> {
    const outcomes: Array<unknown | undefined> = items.map(() => undefined);
    const docs = items.flatMap((item, i) =>
      !tenant || item.value.tenant === tenant ? [{ i, doc: item.value }] : [],
    );

    const inference = performance.now();
    const analysed = await this.analyzer.analyze(docs.map((d) => d.doc));
    this.processorMetrics.inferenceSeconds.observe((performance.now() - inference) / 1000);

    const ids = this.schemaIds!;
    const encoded = await Promise.all(
      analysed.map(async (outcome, k) => {
        if (!outcome.ok) return outcome.error;
        // A document's outputs continue the trace of its raw record, as this processor's span.
        const headers = childKafkaTraceHeaders(items[docs[k]!.i]!.message.headers);
        const document: Message = {
          key: outcome.document.event_id,
          value: await this.registry.encode(ids.documents, outcome.document),
          headers,
        };
        const aspects: Message[] = await Promise.all(
          outcome.mentions.map(async (m) => ({
            key: aspectKey(m),
            value: await this.registry.encode(ids.aspects, m),
            headers,
          })),
        );
        return (
          oversized(TOPICS.documents, [document]) ??
          oversized(TOPICS.aspects, aspects) ?? { status: outcome.document.status, document, aspects }
        );
      }),
    );
    const documents: Message[] = [];
    const aspects: Message[] = [];
    const statuses: DocumentSentiment['status'][] = [];
    encoded.forEach((e, k) => {
      if (e instanceof Error) {
        outcomes[docs[k]!.i] = e;
        return;
      }
      documents.push(e.document);
      aspects.push(...e.aspects);
      statuses.push(e.status);
    });
    return {
      outcomes,
      records: [
        { topic: TOPICS.documents, messages: documents },
        { topic: TOPICS.aspects, messages: aspects },
      ],
      report: { statuses, aspects: aspects.length },
    };
  }
}

/** An output larger than its topic accepts; the document is dead-lettered instead of failing the chunk. */
export class OutputTooLargeError extends FatalError {}

/**
 * The error for the first message over its topic's max.message.bytes. The analyzer's bounds keep
 * outputs under it (output-bounds.ts); this catches what they cannot, e.g. a raised ABSA_MAX_TEXT_CHARS.
 */
function oversized(topic: string, messages: Message[]): OutputTooLargeError | undefined {
  const limit = topicMessageLimit(topic);
  const size = Math.max(0, ...messages.map(messageSize));
  return size > limit
    ? new OutputTooLargeError(
        `a ${topic} record would be ${size} bytes, over the topic's limit of ${limit}`,
        {
          code: 'output_too_large',
        },
      )
    : undefined;
}

/** Every mention of one aspect of one entity lands in one partition, so aggregations stay local. */
function aspectKey(m: AspectMention): string {
  return `${m.tenant}\u001f${m.entity ?? ''}\u001f${m.normalized_aspect}`;
}
