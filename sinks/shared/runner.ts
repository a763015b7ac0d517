/**
 * The consume → write → commit loop every sink shares, so a sink only says how to write a batch.
 *
 * For each Kafka batch (per partition, up to `batchSize` messages at a time):
 *   1. decode each message with the registry (undecodable → that message is dead-lettered);
 *   2. `validate` each event (refused → dead-lettered);
 *   3. `write` the rest as one batch. A retriable failure (store unreachable, 429/5xx, deadlock)
 *      retries the whole batch with capped, jittered backoff until it succeeds or the sink stops,
 *      heartbeating so the group keeps the partition. A fatal failure of the whole batch is narrowed
 *      down by splitting the batch in halves until the refused message is alone; it is dead-lettered
 *      and the rest is written. The writer may also refuse single events (per-item results);
 *   4. send the refused messages to `<topic>.dlq` (envelope of common/kafka/dlq.ts);
 *   5. only then commit the offset after the last message of the batch.
 *
 * Writers must be idempotent (keyed by event id): a batch may be written again after a crash between
 * the write and the commit, or after a rebalance.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  FatalError,
  RetriableError,
  backoffDelay,
  classifyError,
  errorMessage,
  isRetriable,
  sleep,
  type BackoffOptions,
} from '../../common/errors/index';
import { createIdempotentProducer } from '../../common/kafka/client';
import { DeadLetterWriter } from '../../common/kafka/dlq';
import type { RegistryClient } from '../../common/kafka/registry';
import type { ReadinessCheck } from '../../common/metrics/index';
import type { Logger } from '../../common/logging/index';
import type { SinkSettings } from './config';
import type { SinkMetrics } from './metrics';

/** One store write of a sink. */
export interface SinkWriter<T> {
  /**
   * Writes the events, idempotently. Resolves with one entry per event, in order: undefined when
   * written, the error when the store refused that event for good (it goes to the DLQ). Throws when
   * the batch as a whole failed: a retriable error retries it, a fatal one splits it.
   */
  write(events: T[]): Promise<Array<unknown | undefined>>;
  /** Checks an event before writing; returns the error that sends it to the DLQ instead. */
  validate?(event: T): Error | undefined;
}

/** The message is not a valid event of the topic (no value, wrong wire format, unknown schema id). */
export class UndecodableMessageError extends FatalError {}
/** The sink was asked to stop while waiting to retry; the batch stays uncommitted and is replayed. */
export class SinkStoppedError extends FatalError {}

export interface SinkRunnerOptions<T> {
  /** Short name for metrics and logs: postgres, elasticsearch. */
  sink: string;
  /** Name written into dead letters, e.g. sink-postgres. */
  processor: { name: string; version?: string };
  kafka: Kafka;
  registry: RegistryClient;
  logger: Logger;
  metrics: SinkMetrics;
  topics: string[];
  settings: SinkSettings;
  writer: SinkWriter<T>;
}

interface Item<T> {
  message: KafkaMessage;
  event: T;
}

type BatchContext = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'> & { topic: string };

export class SinkRunner<T> {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly dlq: DeadLetterWriter;
  private readonly abort = new AbortController();
  private readonly backoff: BackoffOptions;
  private stopping = false;
  private joined = false;
  private crashed?: Error;
  private retryLogCount = 0;

  constructor(private readonly options: SinkRunnerOptions<T>) {
    const { kafka, settings } = options;
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // read_committed (kafkajs default): the ABSA processor writes its outputs in transactions.
      readUncommitted: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.producer = createIdempotentProducer(kafka, {
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
    this.dlq = new DeadLetterWriter(options.registry, options.processor);
    this.backoff = {
      initialMs: settings.retryInitialMs,
      maxMs: settings.retryMaxMs,
      multiplier: 2,
      jitter: 0.5,
    };
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      options.logger.info(`joined consumer group ${settings.groupId}`, {
        event: { action: 'sink-group-joined' },
        labels: { sink: options.sink },
        kafka: { assignment: e.payload.memberAssignment },
      });
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload;
      options.logger.error(`consumer crashed${restart ? ', restarting' : ''}: ${error.message}`, {
        err: error,
        event: { action: 'sink-consumer-crashed' },
      });
      if (!restart) this.crashed = error;
    });
  }

  /** True once the group was joined and the consumer has not crashed for good (for /readyz). */
  get healthy(): boolean {
    return this.joined && !this.crashed && !this.stopping;
  }

  get crashError(): Error | undefined {
    return this.crashed;
  }
  /** Readiness of what every sink reads through: the schema registry and its consumer group. */
  readiness(): ReadinessCheck[] {
    return [
      { name: 'schema-registry', check: () => this.options.registry.ping() },
      {
        name: 'kafka',
        check: async () => {
          if (!this.healthy) throw new Error(this.crashError?.message ?? 'consumer group not joined');
        },
      },
    ];
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.settings.fromBeginning });
    }
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.settings.concurrency,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Finishes the in-flight batches (a write in progress completes and is committed), leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort(new SinkStoppedError('sink stopping'));
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    const { sink, metrics, settings } = this.options;
    const ctx: BatchContext = { heartbeat, isRunning, isStale, topic: batch.topic };
    for (let i = 0; i < batch.messages.length; i += settings.batchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = batch.messages.slice(i, i + settings.batchSize);
      const timer = metrics.batchDuration.startTimer({ sink });

      const failed: Array<{ message: KafkaMessage; error: unknown }> = [];
      const items: Array<Item<T>> = [];
      for (const message of chunk) {
        const decoded = await this.decode(message, ctx);
        const error = decoded.error ?? this.options.writer.validate?.(decoded.event as T);
        if (error) failed.push({ message, error });
        else items.push({ message, event: decoded.event as T });
      }

      const results = items.length > 0 ? await this.writeNarrowing(items, ctx) : [];
      results.forEach((error, j) => {
        if (error !== undefined) failed.push({ message: items[j]!.message, error });
      });

      for (const f of failed) {
        const { errorClass } = classifyError(f.error);
        await this.withRetry(
          () =>
            this.dlq.send(
              this.producer,
              { topic: batch.topic, partition: batch.partition, message: f.message },
              f.error,
            ),
          ctx,
        );
        metrics.deadLetters.inc({ sink, topic: batch.topic, error_class: errorClass });
        this.options.logger.warn(
          `dead-lettered ${batch.topic}[${batch.partition}]@${f.message.offset}: ${errorMessage(f.error)}`,
          {
            event: { action: 'sink-message-dead-lettered' },
            error: { type: errorClass, message: errorMessage(f.error) },
            kafka: { topic: batch.topic, partition: batch.partition, offset: f.message.offset },
          },
        );
      }

      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
          },
        ],
      });
      metrics.commits.inc({ sink });
      metrics.messages.inc({ sink, topic: batch.topic, outcome: 'written' }, chunk.length - failed.length);
      if (failed.length)
        metrics.messages.inc({ sink, topic: batch.topic, outcome: 'dead_lettered' }, failed.length);
      metrics.batchSize.observe({ sink }, chunk.length);
      metrics.lag.set(
        { sink, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
      );
      timer();
      await heartbeat();
    }
  }

  private async decode(message: KafkaMessage, ctx: BatchContext): Promise<{ event?: T; error?: unknown }> {
    if (!message.value || message.value.length === 0) {
      return { error: new UndecodableMessageError('message has no value') };
    }
    if (message.value[0] !== 0 || message.value.length < 5) {
      return {
        error: new UndecodableMessageError(
          'value is not in the registry wire format (magic byte 0, schema id)',
        ),
      };
    }
    try {
      const event = await this.withRetry(async () => {
        try {
          return await this.options.registry.decode<T>(message.value!);
        } catch (err) {
          // The message or the registry? When the registry answers, the message is at fault.
          const registryUp = await this.options.registry.ping().then(
            () => true,
            () => false,
          );
          if (registryUp) throw err;
          throw new RetriableError(`schema registry unreachable while decoding: ${errorMessage(err)}`, {
            cause: err,
          });
        }
      }, ctx);
      return { event };
    } catch (err) {
      if (err instanceof SinkStoppedError) throw err;
      return {
        error: new UndecodableMessageError(
          `cannot decode the value with the registry: ${errorMessage(err)}`,
          {
            cause: err,
            code: 'undecodable',
          },
        ),
      };
    }
  }

  /** Writes items; a fatal failure of the whole batch is narrowed down by halving. */
  private async writeNarrowing(
    items: Array<Item<T>>,
    ctx: BatchContext,
  ): Promise<Array<unknown | undefined>> {
    try {
      return await this.withRetry(() => this.options.writer.write(items.map((x) => x.event)), ctx);
    } catch (err) {
      if (err instanceof SinkStoppedError || isRetriable(err)) throw err;
      if (items.length === 1) return [err];
      const mid = Math.ceil(items.length / 2);
      return [
        ...(await this.writeNarrowing(items.slice(0, mid), ctx)),
        ...(await this.writeNarrowing(items.slice(mid), ctx)),
      ];
    }
  }

  /** Retries retriable failures until success or stop; heartbeats between attempts. */
  private async withRetry<R>(fn: () => Promise<R>, ctx: BatchContext): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRetriable(err)) throw err;
        if (this.stopping || !ctx.isRunning())
          throw new SinkStoppedError('sink stopping; batch left uncommitted', { cause: err });
        const { errorClass } = classifyError(err);
        const delay = backoffDelay(attempt, this.backoff);
        this.options.metrics.retries.inc({ sink: this.options.sink, error_class: errorClass });
        if (attempt === 1 || attempt % 10 === 0 || this.retryLogCount++ % 50 === 0) {
          this.options.logger.warn(
            `write failed (attempt ${attempt}), retrying in ${delay} ms: ${errorMessage(err)}`,
            {
              event: { action: 'sink-write-retry' },
              error: { type: errorClass, message: errorMessage(err) },
              labels: { sink: this.options.sink, attempt },
              kafka: { topic: ctx.topic },
            },
          );
        }
        try {
          await sleep(delay, this.abort.signal);
        } catch {
          throw new SinkStoppedError('sink stopping; batch left uncommitted', { cause: err });
        }
        await ctx.heartbeat();
      }
    }
  }
}
