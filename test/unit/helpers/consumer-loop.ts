/**
 * The consumer loop without a broker: kafkajs-like consumer and admin objects of our own that record
 * what the loop gives them, a handler that holds its chunk until the test lets it go, and batches
 * of small Avro records in the registry's wire format.
 */
import avro from 'avsc';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { ConsumerLoop, type ConsumerLoopOptions, type Handled } from '../../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../../common/kafka/registry';
import { silentLogger } from '../../../common/logging/index';
import { createMetrics } from '../../../common/metrics/index';

export type Item = { n: number };

export const type = avro.Type.forSchema({ type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] });
export const wire = (n: number): Buffer =>
  Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), type.toBuffer({ n })]);

/**
 * The parts of kafkajs the loop uses. `seen` holds what the loop set (session timeout, batch and
 * group-join callbacks); `broker` holds high watermarks and committed offsets the test moves.
 */
export function fakeKafka() {
  const broker = {
    high: new Map<number, number>(),
    committed: new Map<number, number>(),
    adminDown: false,
  };
  const seen: {
    sessionTimeout?: number;
    eachBatch?: (p: EachBatchPayload) => Promise<void>;
    join?: (e: { payload: { memberAssignment: Record<string, number[]> } }) => void;
  } = {};
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (event: string, listener: NonNullable<typeof seen.join>) => {
      if (event === 'consumer.group_join') seen.join = listener;
      return () => undefined;
    },
    connect: async () => undefined,
    subscribe: async () => undefined,
    disconnect: async () => undefined,
    run: async (config: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      seen.eachBatch = config.eachBatch;
    },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () => {
      if (broker.adminDown) throw new Error('Connection error: connect ECONNREFUSED');
      return [...broker.high].map(([partition, high]) => ({
        partition,
        offset: String(high),
        high: String(high),
        low: '0',
      }));
    },
    fetchOffsets: async ({ topics }: { topics: string[] }) =>
      topics.map((topic) => ({
        topic,
        partitions: [...broker.high.keys()].map((partition) => ({
          partition,
          offset: String(broker.committed.get(partition) ?? -1),
        })),
      })),
  };
  const kafka = {
    consumer: (config: { sessionTimeout?: number }) => {
      seen.sessionTimeout = config.sessionTimeout;
      return consumer;
    },
    admin: () => admin,
  } as unknown as Kafka;
  return { kafka, seen, broker };
}

/** A loop on topic `t` reading from the beginning; the test names it and gives its handler. */
export function testLoop(
  options: Pick<ConsumerLoopOptions<Item, unknown>, 'name' | 'kafka' | 'handler'> &
    Partial<ConsumerLoopOptions<Item, unknown>>,
): ConsumerLoop<Item> {
  return new ConsumerLoop<Item>({
    registry: { schemaById: async () => type, ping: async () => undefined } as unknown as RegistryClient,
    logger: silentLogger(),
    metrics: createMetrics('test', { defaultMetrics: false }),
    groupId: options.name,
    topics: ['t'],
    fromBeginning: true,
    commit: {
      kind: 'after-write',
      start: async () => undefined,
      commit: async () => undefined,
      stop: async () => undefined,
    },
    maxChunk: 100,
    partitionsConcurrently: 1,
    maxBytesPerPartition: 1_000_000,
    ...options,
  });
}

/** A handler whose chunk takes as long as the test says: it answers only when `finish` is called. */
export function stuckHandler() {
  let handling!: () => void;
  const called = new Promise<void>((resolve) => (handling = resolve));
  let finish!: (h: Handled) => void;
  const handler = {
    handle: () => {
      handling();
      return new Promise<Handled>((resolve) => (finish = resolve));
    },
  };
  return { handler, called, finish: (h: Handled) => finish(h) };
}

/** One fetched batch of records 0..n-1 of topic `t`, caught up when fetched. */
export function batch(partition: number, n: number, heartbeat = async () => undefined): EachBatchPayload {
  const messages = Array.from(
    { length: n },
    (_, i) => ({ offset: String(i), value: wire(i), headers: {} }) as KafkaMessage,
  );
  return {
    batch: { topic: 't', partition, messages, offsetLag: () => '0', lastOffset: () => String(n - 1) },
    resolveOffset: () => undefined,
    heartbeat,
    isRunning: () => true,
    isStale: () => false,
    commitOffsetsIfNecessary: async () => undefined,
  } as unknown as EachBatchPayload;
}
