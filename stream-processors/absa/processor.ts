/**
 * The Kafka side of the ABSA processor: consume `text.raw.v1` (read_committed), analyse, and write
 * outputs, dead letters and the consumed offsets in one transaction per chunk of a partition batch.
 *
 * Exactly once: each input partition has its own transactional producer (`<prefix>-<topic>-<p>`).
 * When a partition moves to another instance, the new owner's producer takes the same
 * transactional id, which fences the old one and aborts whatever it left open, so a crashed or
 * stale instance can never commit outputs for offsets it no longer owns.
 *
 * Backpressure: kafkajs fetches a partition again only after its batch handler returns, and fetch
 * sizes are capped, so in-flight work is bounded by `partitionsConcurrently × maxBytesPerPartition`;
 * a slow model slows consumption instead of growing a buffer.
 *
 * Throughput: while one chunk's transaction commits, the next chunk of the same batch is already
 * being analysed, so the model does not idle on broker round trips; commits stay one at a time and in
 * offset order, and a chunk prepared ahead of a failed one is dropped and read again.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer, TopicMessages } from 'kafkajs';
import { FatalError, RetriableError, classifyError, errorMessage } from '../../common/errors/index';
import { DeadLetterWriter } from '../../common/kafka/dlq';
import { createIdempotentProducer } from '../../common/kafka/client';
import { valueSubject, type RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import { schemas, type AspectMention, type DocumentSentiment, type RawDocument } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import type { AnalysisOutcome, DocumentAnalyzer } from './document-analyzer';
import type { ProcessorMetrics } from './metrics';

export interface ProcessorOptions {
  groupId: string;
  inputTopic: string;
  /** Prefix of the per-partition transactional ids; distinct per consumer group. */
  transactionalIdPrefix: string;
  /** Messages per transaction (a partition batch is cut into chunks of this size). */
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
  /** Called when the consumer crashed for good; the process should exit so it is restarted. */
  onFatal?: (err: unknown) => void;
}

/** A chunk analysed and encoded, ready for its transaction. */
interface PreparedChunk {
  messages: KafkaMessage[];
  /** Status of each document event written. */
  produced: DocumentSentiment['status'][];
  failed: { message: KafkaMessage; error: unknown }[];
  topicMessages: TopicMessages[];
  /** Aspect-mention events written. */
  aspects: number;
  started: number;
}

/** The value is not an event we can read: not the registry wire format, or bytes Avro rejects. */
export class UndecodableError extends FatalError {}
/** The schema id in the value is not known to the registry. */
export class UnknownSchemaError extends FatalError {}

export class AbsaProcessor {
  private consumer: Consumer | undefined;
  private readonly producers = new Map<number, Promise<Producer>>();
  private readonly dlq: DeadLetterWriter;
  private schemaIds: { documents: number; aspects: number } | undefined;
  private readonly done = new Set<number>();
  private readonly schemas = new Map<number, Promise<unknown>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly registry: RegistryClient,
    private readonly analyzer: DocumentAnalyzer,
    private readonly options: ProcessorOptions,
    private readonly logger: Logger,
    private readonly metrics: ProcessorMetrics,
    processorName = 'absa-processor',
  ) {
    this.dlq = new DeadLetterWriter(registry, { name: processorName });
  }

  async start(): Promise<void> {
    this.schemaIds = {
      documents: await this.registry.registerSchema(
        valueSubject(TOPICS.documents),
        schemas.documentSentiment,
      ),
      aspects: await this.registry.registerSchema(valueSubject(TOPICS.aspects), schemas.aspectMention),
    };
    // Fetched and compiled once here: the serde's cache fills only after a fetch returns, so the
    // first chunk's concurrent encodes would each fetch and compile the same schema.
    await this.schemaReady(this.schemaIds.documents);
    await this.schemaReady(this.schemaIds.aspects);
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxBytes: this.options.maxBytesPerPartition * this.options.partitionsConcurrently,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Poison input is dead-lettered per message, so what fails a whole chunk is the infrastructure
      // (a broker, the registry, a fenced or still-aborting transaction): always restart and retry
      // from the committed offsets instead of leaving the group and idling.
      retry: {
        retries: 8,
        restartOnFailure: async (err) => {
          this.logger.warn('consumer restarting after a failure', {
            event: { action: 'ConsumerRestarting' },
            error: { type: classifyError(err).errorClass, message: errorMessage(err) },
          });
          return true;
        },
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error('consumer crashed', {
        event: { action: 'ConsumerCrashed' },
        error: { message: errorMessage(payload.error) },
        restart: payload.restart,
      });
      if (!payload.restart) this.options.onFatal?.(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.logger.info('joined consumer group', { event: { action: 'ConsumerGroupJoined' }, kafka: payload });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    if (this.options.fromTimestamp !== undefined) await this.seekToTimestamp(this.options.fromTimestamp);
  }

  /** Stops consuming after the in-flight transactions finish, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    const producers = await Promise.allSettled([...this.producers.values()]);
    await Promise.allSettled(
      producers.flatMap((p) => (p.status === 'fulfilled' ? [p.value.disconnect()] : [])),
    );
    this.producers.clear();
  }

  private async seekToTimestamp(timestamp: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(this.options.inputTopic, timestamp);
      for (const { partition, offset } of offsets) {
        this.consumer!.seek({ topic: this.options.inputTopic, partition, offset });
        // A partition with nothing after the timestamp never gets a batch: it is done already.
        const stopAt = this.options.stopAt?.get(partition);
        if (stopAt !== undefined) this.markDoneIfReached(partition, (BigInt(offset) - 1n).toString(), stopAt);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private producerFor(partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      const transactionalId = `${this.options.transactionalIdPrefix}-${this.options.inputTopic}-${partition}`;
      producer = (async () => {
        // Taking over a partition can meet the previous owner's transaction still being aborted
        // (CONCURRENT_TRANSACTIONS): give the broker time rather than the client's short default.
        const p = createIdempotentProducer(this.kafka, {
          transactionalId,
          maxInFlightRequests: 1,
          retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
        });
        await p.connect();
        return p;
      })();
      producer.catch(() => this.producers.delete(partition));
      this.producers.set(partition, producer);
    }
    return producer;
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const stopAt = this.options.stopAt?.get(partition);
    const lag = Number(batch.offsetLag());
    this.metrics.consumerLag.set({ topic: batch.topic, partition: String(partition) }, lag);
    const chunks: KafkaMessage[][] = [];
    for (let i = 0; i < batch.messages.length; i += this.options.chunkSize) {
      let chunk = batch.messages.slice(i, i + this.options.chunkSize);
      if (stopAt !== undefined) chunk = chunk.filter((m) => BigInt(m.offset) < stopAt);
      if (chunk.length === 0) break;
      chunks.push(chunk);
    }
    // Pipelined as the header says: chunk i + 1 is prepared while chunk i commits.
    const prepare = (chunk: KafkaMessage[]): Promise<PreparedChunk> => {
      const prepared = this.prepareChunk(batch.topic, partition, chunk);
      prepared.catch(() => undefined); // awaited below, or dropped after an earlier failure
      return prepared;
    };
    const running = () => isRunning() && !isStale();
    let next = chunks.length > 0 && running() ? prepare(chunks[0]!) : undefined;
    try {
      for (let i = 0; next; i++) {
        const prepared = await next;
        next = i + 1 < chunks.length && running() ? prepare(chunks[i + 1]!) : undefined;
        if (!running()) return;
        try {
          await this.commitChunk(batch.topic, partition, prepared);
        } catch (err) {
          if (/fenced|epoch/i.test(errorMessage(err))) {
            // Another instance took this partition's transactional id (it owns or owned the
            // partition): drop our producer, and restart the consumer rather than crash, so a
            // partition that comes back gets a fresh producer. kafkajs wraps the broker's error as
            // non-retriable, which would stop the consumer for good.
            this.producers.delete(partition);
            throw new RetriableError(`producer fenced on partition ${partition}: ${errorMessage(err)}`, {
              cause: err,
            });
          }
          throw err;
        }
        resolveOffset(prepared.messages[prepared.messages.length - 1]!.offset);
        await heartbeat();
      }
    } finally {
      // Work prepared ahead never outlives its batch: a restart or stop starts from a quiet model.
      await next?.catch(() => undefined);
    }
    if (stopAt !== undefined) this.markDoneIfReached(partition, batch.lastOffset(), stopAt);
  }

  private markDoneIfReached(partition: number, lastOffset: string, stopAt: bigint): void {
    if (BigInt(lastOffset) + 1n < stopAt) return;
    this.done.add(partition);
    if (this.done.size === this.options.stopAt!.size) this.options.onCaughtUp?.();
  }

  /** Decodes, analyses and encodes a chunk: everything but the transaction. */
  private async prepareChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
  ): Promise<PreparedChunk> {
    const started = performance.now();
    const decoded = await Promise.all(messages.map((m) => this.decode(m)));
    const docs: { message: KafkaMessage; doc: RawDocument }[] = [];
    const failed: { message: KafkaMessage; error: unknown }[] = [];
    decoded.forEach((d, i) => {
      const message = messages[i]!;
      if (d instanceof Error) failed.push({ message, error: d });
      else if (!this.options.tenant || d.tenant === this.options.tenant) docs.push({ message, doc: d });
    });

    const inference = performance.now();
    const outcomes: AnalysisOutcome[] = await this.analyzer.analyze(docs.map((d) => d.doc));
    this.metrics.inferenceSeconds.observe((performance.now() - inference) / 1000);

    const produced: DocumentSentiment[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) produced.push(outcome.document);
      else failed.push({ message: docs[i]!.message, error: outcome.error });
    });
    const ids = this.schemaIds!;
    const documents = await Promise.all(
      produced.map(async (d) => ({ key: d.event_id, value: await this.registry.encode(ids.documents, d) })),
    );
    const aspects = await Promise.all(
      outcomes
        .flatMap((o) => (o.ok ? o.mentions : []))
        .map(async (m) => ({
          key: aspectKey(m),
          value: await this.registry.encode(ids.aspects, m),
        })),
    );
    const dlqRecords = await Promise.all(
      failed.map((f) => this.dlq.record({ topic, partition, message: f.message }, f.error)),
    );
    return {
      messages,
      produced: produced.map((d) => d.status),
      failed,
      topicMessages: [
        { topic: TOPICS.documents, messages: documents },
        { topic: TOPICS.aspects, messages: aspects },
        ...dlqRecords.map((r) => ({ topic: r.topic, messages: r.messages })),
      ].filter((t) => t.messages.length > 0),
      aspects: aspects.length,
      started,
    };
  }

  /** Writes a prepared chunk's outputs, dead letters and next offset in one transaction. */
  private async commitChunk(topic: string, partition: number, chunk: PreparedChunk): Promise<void> {
    const { messages, failed } = chunk;
    const producer = await this.producerFor(partition);
    const transaction = await producer.transaction();
    try {
      if (chunk.topicMessages.length > 0)
        await transaction.sendBatch({ topicMessages: chunk.topicMessages, acks: -1 });
      const next = (BigInt(messages[messages.length - 1]!.offset) + 1n).toString();
      await transaction.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [{ topic, partitions: [{ partition, offset: next }] }],
      });
      await transaction.commit();
    } catch (err) {
      await transaction
        .abort()
        .catch((abortErr: unknown) =>
          this.logger.warn('transaction abort failed', { error: { message: errorMessage(abortErr) } }),
        );
      throw err;
    }
    // Counted once committed, so the metrics say what downstream readers can see.
    this.metrics.documentsConsumed.inc(messages.length);
    this.metrics.batchSize.observe(messages.length);
    for (const status of chunk.produced) this.metrics.documentsProduced.inc({ status });
    this.metrics.aspectsEmitted.inc(chunk.aspects);
    for (const f of failed) {
      const errorClass = classifyError(f.error).errorClass;
      this.metrics.deadLetters.inc({ error_class: errorClass });
      this.logger.warn('document dead-lettered', {
        event: { action: 'DocumentDeadLettered' },
        error: { type: errorClass, message: errorMessage(f.error) },
        kafka: { topic, partition, offset: f.message.offset },
      });
    }
    this.metrics.chunkSeconds.observe((performance.now() - chunk.started) / 1000);
  }

  /** One registry fetch (and Avro compile) per schema id, however many messages wait for it. */
  private schemaReady(id: number): Promise<unknown> {
    let ready = this.schemas.get(id);
    if (!ready) {
      ready = this.registry.serde.getSchema(id);
      // A failed fetch is not kept: the next message asks again, and decode reports the error.
      ready.catch(() => this.schemas.delete(id));
      this.schemas.set(id, ready);
    }
    return ready;
  }

  private async decode(message: KafkaMessage): Promise<RawDocument | Error> {
    const value = message.value;
    if (!value || value.length < 5 || value[0] !== 0) {
      return new UndecodableError(
        'value is not in the schema registry wire format (magic byte 0 + schema id)',
        {
          code: 'undecodable',
        },
      );
    }
    try {
      await this.schemaReady(value.readInt32BE(1));
      return await this.registry.decode<RawDocument>(value);
    } catch (err) {
      const { retriable } = classifyError(err);
      // The registry being down is not the message's fault: fail the chunk, retry later.
      if (retriable) throw err;
      const message = errorMessage(err);
      if (/not found|404|40403/i.test(message)) {
        return new UnknownSchemaError(
          `schema id ${value.readInt32BE(1)} is not in the registry: ${message}`,
          {
            cause: err,
            code: 'unknown_schema_id',
          },
        );
      }
      return new UndecodableError(`value cannot be decoded as Avro: ${message}`, {
        cause: err,
        code: 'undecodable',
      });
    }
  }
}

/** Every mention of one aspect of one entity lands in one partition, so aggregations stay local. */
function aspectKey(m: AspectMention): string {
  return `${m.tenant}\u001f${m.entity ?? ''}\u001f${m.normalized_aspect}`;
}
