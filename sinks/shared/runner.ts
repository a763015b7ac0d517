/**
 * What makes a sink a sink, over the project's consumer loop (common/kafka/consumer) with the
 * after-write commit: a sink only says how to check and write a batch of events.
 *
 * For each chunk: `validate` each event (refused → dead-lettered), `write` the rest as one batch.
 * A retriable failure (the store unavailable, read-only, refusing our credentials, a deadlock) is
 * left to the loop, which waits and hands the same chunk in again: nothing is dead-lettered during
 * an outage. A fatal failure of the whole batch is narrowed down by halving it until the refused
 * event is alone; only that event is dead-lettered. The writer may also refuse single events
 * (per-item results). The offset is committed once the batch is written and the dead letters sent.
 *
 * Writers must be idempotent (keyed by event id): a chunk may be written again after a crash between
 * the write and the commit, after a rebalance, or after an outage in the middle of a chunk.
 */
import type { Kafka } from 'kafkajs';
import { isRetriable } from '../../common/errors/index';
import { AfterWriteCommit } from '../../common/kafka/consumer/commit';
import { ConsumerLoop, type Consumed, type Handled } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import type { SinkSettings } from './config';

/** One store write of a sink. */
export interface SinkWriter<T> {
  /**
   * Writes the events, idempotently. Resolves with one entry per event, in order: undefined when
   * written, the error when the store refused that event for good (it goes to the DLQ). Throws when
   * the batch as a whole failed: a retriable error has it written again later, a fatal one splits it.
   */
  write(events: T[]): Promise<Array<unknown | undefined>>;
  /** Checks an event before writing; returns the error that sends it to the DLQ instead. */
  validate?(event: T): Error | undefined;
}

export interface SinkRunnerOptions<T> {
  /** Names the sink in metrics, logs and dead letters, e.g. sink-postgres. */
  name: string;
  version?: string;
  kafka: Kafka;
  registry: RegistryClient;
  logger: Logger;
  metrics: Metrics;
  topics: string[];
  settings: SinkSettings;
  writer: SinkWriter<T>;
}

/** Writes events; a fatal failure of the whole batch is narrowed down by halving. */
export async function writeNarrowing<T>(
  writer: SinkWriter<T>,
  events: T[],
): Promise<Array<unknown | undefined>> {
  try {
    return await writer.write(events);
  } catch (err) {
    if (isRetriable(err)) throw err;
    if (events.length === 1) return [err];
    const mid = Math.ceil(events.length / 2);
    return [
      ...(await writeNarrowing(writer, events.slice(0, mid))),
      ...(await writeNarrowing(writer, events.slice(mid))),
    ];
  }
}

export class SinkRunner<T> {
  readonly loop: ConsumerLoop<T>;

  constructor(options: SinkRunnerOptions<T>) {
    const { settings, writer } = options;
    this.loop = new ConsumerLoop<T>({
      name: options.name,
      version: options.version,
      kafka: options.kafka,
      registry: options.registry,
      logger: options.logger,
      metrics: options.metrics,
      groupId: settings.groupId,
      topics: options.topics,
      fromBeginning: settings.fromBeginning,
      commit: new AfterWriteCommit(),
      maxChunk: settings.batchSize,
      partitionsConcurrently: settings.concurrency,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      outageBackoff: {
        initialMs: settings.retryInitialMs,
        maxMs: settings.retryMaxMs,
        multiplier: 2,
        jitter: 0.5,
      },
      handler: {
        handle: async (items: Array<Consumed<T>>): Promise<Handled> => {
          const outcomes: Array<unknown | undefined> = items.map((i) => writer.validate?.(i.value));
          const valid = items.flatMap((item, i) =>
            outcomes[i] === undefined ? [{ event: item.value, i }] : [],
          );
          if (valid.length > 0) {
            const results = await writeNarrowing(
              writer,
              valid.map((v) => v.event),
            );
            results.forEach((error, j) => (outcomes[valid[j]!.i] = error));
          }
          return { outcomes };
        },
      },
    });
  }

  readiness(): ReadinessCheck[] {
    return this.loop.readiness();
  }

  /** Waits (without exiting) for a dependency a sink sets up at start, e.g. migrations. */
  untilAvailable<V>(what: string, step: () => Promise<V>): Promise<V> {
    return this.loop.untilAvailable(what, step);
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Finishes the in-flight chunk (a write in progress completes and is committed), leaves the group. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
