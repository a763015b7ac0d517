/**
 * The two ways a consumer of this project commits what it consumed, over the same loop (loop.ts):
 *
 * - transactional (the ABSA processor, the alert service): the chunk's outputs, its dead letters and
 *   the next offset go in one Kafka transaction. Each input partition has its own transactional
 *   producer (`<prefix>-<topic>-<partition>`); a new owner of the partition takes the same id and so
 *   fences the old one, which can then never commit outputs for offsets it no longer owns.
 * - after-write (the sinks): the handler has written to its store (idempotently, keyed by event id);
 *   the dead letters are sent, then the offset is committed. A crash in between replays the chunk,
 *   which the store absorbs.
 */
import type { EachBatchPayload, Kafka, Producer, TopicMessages } from 'kafkajs';
import { RETRY_POLICIES, RetriableError, errorMessage } from '../../errors/index';
import { createIdempotentProducer } from '../client';
import { messageSize, splitBySize, topicMessageLimit } from '../record-size';

/**
 * The records as produce calls the broker accepts: call i takes the i-th part of every topic, so the
 * usual chunk (every topic within its limit) is still one call.
 */
export function sendsOf(records: TopicMessages[]): TopicMessages[][] {
  const parts = records.map(({ topic, messages }) =>
    splitBySize(
      messages.map((m) => ({ m, size: messageSize(m) })),
      topicMessageLimit(topic),
    ).map((part) => ({ topic, messages: part.map((p) => p.m) })),
  );
  const calls: TopicMessages[][] = [];
  for (const topicParts of parts) topicParts.forEach((part, i) => (calls[i] ??= []).push(part));
  return calls;
}

export interface ChunkCommit {
  topic: string;
  partition: number;
  /** The offset after the chunk's last message. */
  next: string;
  /** Outputs and dead letters to publish with the offset. */
  records: TopicMessages[];
  groupId: string;
  payload: Pick<EachBatchPayload, 'commitOffsetsIfNecessary'>;
}

export interface CommitStrategy {
  readonly kind: 'transactional' | 'after-write';
  start(kafka: Kafka): Promise<void>;
  commit(chunk: ChunkCommit): Promise<void>;
  stop(): Promise<void>;
}

/** kafkajs's protocol error types (and codes) that mean another producer took our transactional id. */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'TRANSACTION_COORDINATOR_FENCED', 'PRODUCER_FENCED']);
const FENCED_CODES = new Set([47, 52, 90]);

export function isFenced(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const { type, code } = e as { type?: unknown; code?: unknown };
    if (
      (typeof type === 'string' && FENCED_TYPES.has(type)) ||
      (typeof code === 'number' && FENCED_CODES.has(code))
    )
      return true;
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.cause ?? next.originalError;
  }
  return false;
}

export class TransactionalCommit implements CommitStrategy {
  readonly kind = 'transactional';
  private kafka: Kafka | undefined;
  private readonly producers = new Map<string, Promise<Producer>>();

  /** `transactionalIdPrefix` must be distinct per consumer group. */
  constructor(private readonly transactionalIdPrefix: string) {}

  async start(kafka: Kafka): Promise<void> {
    this.kafka = kafka;
  }

  private producerFor(topic: string, partition: number): Promise<Producer> {
    const key = `${topic}-${partition}`;
    let producer = this.producers.get(key);
    if (!producer) {
      producer = (async () => {
        const p = createIdempotentProducer(this.kafka!, {
          transactionalId: `${this.transactionalIdPrefix}-${key}`,
          maxInFlightRequests: 1,
          retry: RETRY_POLICIES.kafkaTransaction,
        });
        await p.connect();
        return p;
      })();
      producer.catch(() => this.producers.delete(key));
      this.producers.set(key, producer);
    }
    return producer;
  }

  async commit({ topic, partition, next, records, groupId }: ChunkCommit): Promise<void> {
    const producer = await this.producerFor(topic, partition);
    try {
      const transaction = await producer.transaction();
      try {
        for (const call of sendsOf(records)) await transaction.sendBatch({ topicMessages: call, acks: -1 });
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition, offset: next }] }],
        });
        await transaction.commit();
      } catch (err) {
        await transaction.abort().catch(() => undefined);
        throw err;
      }
    } catch (err) {
      // A producer whose transaction failed is not trusted again: the chunk is read again from the
      // committed offset with a fresh producer (the broker aborted or will abort what it left).
      this.producers.delete(`${topic}-${partition}`);
      void producer.disconnect().catch(() => undefined);
      if (isFenced(err)) {
        // kafkajs wraps the broker's answer as non-retriable, which would stop the consumer for good;
        // the partition has (or had) another owner, so restart and let the group decide.
        throw new RetriableError(`producer fenced on ${topic}[${partition}]: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async stop(): Promise<void> {
    const producers = await Promise.allSettled([...this.producers.values()]);
    this.producers.clear();
    await Promise.allSettled(
      producers.flatMap((p) => (p.status === 'fulfilled' ? [p.value.disconnect()] : [])),
    );
  }
}

export class AfterWriteCommit implements CommitStrategy {
  readonly kind = 'after-write';
  private producer: Producer | undefined;

  async start(kafka: Kafka): Promise<void> {
    this.producer = createIdempotentProducer(kafka, {
      retry: RETRY_POLICIES.kafkaAfterWrite,
    });
    await this.producer.connect();
  }

  async commit({ topic, partition, next, records, payload }: ChunkCommit): Promise<void> {
    for (const call of sendsOf(records)) await this.producer!.sendBatch({ topicMessages: call, acks: -1 });
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: next }] }],
    });
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }
}
