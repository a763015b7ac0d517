/**
 * A consumer that stops fetching (stuck on a chunk, waiting out an outage) must still show its lag
 * rising while input piles up, or the lag alerts cannot fire: the loop reads the partitions' high
 * watermarks from the broker between batches. The loop runs on kafkajs-like objects of our own,
 * under mocked timers.
 */
import { expect } from 'chai';
import { mock } from 'node:test';
import avro from 'avsc';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { CommitStrategy } from '../../common/kafka/consumer/commit';
import { ConsumerLoop, LAG_REFRESH_MS, type Handled } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import { silentLogger } from '../../common/logging/index';
import { createMetrics, type Metrics } from '../../common/metrics/index';

const type = avro.Type.forSchema({ type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] });
const wire = (n: number): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), type.toBuffer({ n })]);

/** The broker as the loop sees it: high watermarks and committed offsets the test moves. */
function fakeKafka() {
  const broker = {
    high: new Map<number, number>(),
    committed: new Map<number, number>(),
    adminDown: false,
  };
  const seen: {
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
  const kafka = { consumer: () => consumer, admin: () => admin } as unknown as Kafka;
  return { kafka, seen, broker };
}

async function lagOf(metrics: Metrics, partition: number): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric('absa_consumer_lag_messages')!.get();
  return values.find((v) => v.labels.partition === String(partition))?.value;
}

/** Lets the refresh's awaits run (setImmediate is not mocked). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('consumer loop: lag keeps rising while no batch is fetched', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('reads the high watermarks every 15 s against its own position while a chunk is stuck', async () => {
    const { kafka, seen, broker } = fakeKafka();
    const metrics = createMetrics('test', { defaultMetrics: false });
    let handling!: () => void;
    const handlerCalled = new Promise<void>((resolve) => (handling = resolve));
    let finish!: (h: Handled) => void;
    const commit: CommitStrategy = {
      kind: 'after-write',
      start: async () => undefined,
      commit: async () => undefined,
      stop: async () => undefined,
    };
    const registry = {
      schemaById: async () => type,
      ping: async () => undefined,
    } as unknown as RegistryClient;
    const loop = new ConsumerLoop<{ n: number }>({
      name: 'lag-test',
      kafka,
      registry,
      logger: silentLogger(),
      metrics,
      groupId: 'lag-test',
      topics: ['t'],
      fromBeginning: true,
      commit,
      // The store stalls: the first chunk never finishes until the test says so.
      handler: {
        handle: () => {
          handling();
          return new Promise<Handled>((resolve) => (finish = resolve));
        },
      },
      maxChunk: 100,
      partitionsConcurrently: 2,
      maxBytesPerPartition: 1_000_000,
    });
    await loop.start();
    broker.high.set(0, 2).set(1, 30);
    broker.committed.set(1, 10);
    seen.join!({ payload: { memberAssignment: { t: [0, 1] } } });

    // Partition 0: one batch of two messages, caught up when fetched; partition 1 never fetched.
    const messages = [0, 1].map((i) => ({ offset: String(i), value: wire(i), headers: {} }) as KafkaMessage);
    const batchDone = seen.eachBatch!({
      batch: { topic: 't', partition: 0, messages, offsetLag: () => '0', lastOffset: () => '1' },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
      commitOffsetsIfNecessary: async () => undefined,
    } as unknown as EachBatchPayload);
    await handlerCalled;
    expect(await lagOf(metrics, 0)).to.equal(0);

    // Input keeps arriving while the chunk is stuck: each refresh shows the new backlog.
    const seenLag: number[] = [];
    for (const high of [50, 120, 400]) {
      broker.high.set(0, high);
      mock.timers.tick(LAG_REFRESH_MS);
      await settle();
      seenLag.push((await lagOf(metrics, 0))!);
    }
    expect(seenLag, 'lag of the stalled partition after each refresh').to.deep.equal([48, 118, 398]);
    // A partition without a batch yet is measured from the group's committed offset.
    expect(await lagOf(metrics, 1)).to.equal(20);

    // The broker unreachable: the last values stay, and the next refresh after it answers moves on.
    broker.adminDown = true;
    broker.high.set(0, 500);
    mock.timers.tick(LAG_REFRESH_MS);
    await settle();
    expect(await lagOf(metrics, 0)).to.equal(398);
    broker.adminDown = false;
    mock.timers.tick(LAG_REFRESH_MS);
    await settle();
    expect(await lagOf(metrics, 0)).to.equal(498);

    // A rebalance that takes partition 1 away: its series goes, another member reports it.
    seen.join!({ payload: { memberAssignment: { t: [0] } } });
    expect(await lagOf(metrics, 1)).to.equal(undefined);

    finish({ outcomes: [undefined, undefined] });
    await batchDone;
    await loop.stop();
  });

  it('stops refreshing once the loop stops', async () => {
    const { kafka, seen, broker } = fakeKafka();
    const metrics = createMetrics('test', { defaultMetrics: false });
    const loop = new ConsumerLoop<{ n: number }>({
      name: 'lag-test',
      kafka,
      registry: { schemaById: async () => type, ping: async () => undefined } as unknown as RegistryClient,
      logger: silentLogger(),
      metrics,
      groupId: 'lag-test',
      topics: ['t'],
      fromBeginning: true,
      commit: {
        kind: 'after-write',
        start: async () => undefined,
        commit: async () => undefined,
        stop: async () => undefined,
      },
      handler: { handle: async (items) => ({ outcomes: items.map(() => undefined) }) },
      maxChunk: 100,
      partitionsConcurrently: 1,
      maxBytesPerPartition: 1_000_000,
    });
    await loop.start();
    broker.high.set(0, 5);
    broker.committed.set(0, 5);
    seen.join!({ payload: { memberAssignment: { t: [0] } } });
    mock.timers.tick(LAG_REFRESH_MS);
    await settle();
    expect(await lagOf(metrics, 0)).to.equal(0);
    await loop.stop();
    broker.high.set(0, 100);
    mock.timers.tick(LAG_REFRESH_MS * 4);
    await settle();
    expect(await lagOf(metrics, 0)).to.equal(0);
  });
});
