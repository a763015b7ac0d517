/**
 * The consumer loop keeps its group membership while a chunk takes longer than the session timeout
 * (long documents, a slow machine): it heartbeats on a ticker while the handler works, not only
 * after each commit, so the broker does not evict it and start a rebalance loop. The loop runs here
 * on a kafkajs-like consumer object of our own, under mocked timers: no broker, no waiting.
 */
import { expect } from 'chai';
import { mock } from 'node:test';
import avro from 'avsc';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { CommitStrategy } from '../../common/kafka/consumer/commit';
import { ConsumerLoop, type Handled } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';

/** What the loop sets for the group (kafka.consumer({ sessionTimeout })). */
const SESSION_TIMEOUT_MS = 30_000;

const type = avro.Type.forSchema({ type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] });
const wire = (n: number): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), type.toBuffer({ n })]);

/** The parts of kafkajs the loop uses, recording what it was given. */
function fakeKafka() {
  const seen: { sessionTimeout?: number; eachBatch?: (p: EachBatchPayload) => Promise<void> } = {};
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    disconnect: async () => undefined,
    run: async (config: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      seen.eachBatch = config.eachBatch;
    },
  };
  const kafka = {
    consumer: (config: { sessionTimeout?: number }) => {
      seen.sessionTimeout = config.sessionTimeout;
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, seen };
}

describe('consumer loop: heartbeats while a chunk is handled', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('heartbeats at least every 3 s while one chunk takes longer than the session timeout', async () => {
    const { kafka, seen } = fakeKafka();
    let handling!: () => void;
    const handlerCalled = new Promise<void>((resolve) => (handling = resolve));
    let finish!: (h: Handled) => void;
    const commits: string[] = [];
    const commit: CommitStrategy = {
      kind: 'after-write',
      start: async () => undefined,
      commit: async (chunk) => void commits.push(chunk.next),
      stop: async () => undefined,
    };
    const registry = {
      schemaById: async () => type,
      ping: async () => undefined,
    } as unknown as RegistryClient;
    const loop = new ConsumerLoop<{ n: number }>({
      name: 'heartbeat-test',
      kafka,
      registry,
      logger: silentLogger(),
      metrics: createMetrics('test', { defaultMetrics: false }),
      groupId: 'heartbeat-test',
      topics: ['t'],
      fromBeginning: true,
      commit,
      handler: {
        // A chunk that takes as long as the test says: it answers only when finish() is called.
        handle: () => {
          handling();
          return new Promise<Handled>((resolve) => (finish = resolve));
        },
      },
      maxChunk: 100,
      partitionsConcurrently: 1,
      maxBytesPerPartition: 1_000_000,
    });
    await loop.start();
    expect(seen.sessionTimeout).to.equal(SESSION_TIMEOUT_MS);

    const messages = [0, 1].map((i) => ({ offset: String(i), value: wire(i), headers: {} }) as KafkaMessage);
    let heartbeats = 0;
    const payload = {
      batch: {
        topic: 't',
        partition: 0,
        messages,
        offsetLag: () => '0',
        lastOffset: () => '1',
      },
      resolveOffset: () => undefined,
      heartbeat: async () => void heartbeats++,
      isRunning: () => true,
      isStale: () => false,
      commitOffsetsIfNecessary: async () => undefined,
    } as unknown as EachBatchPayload;
    const batchDone = seen.eachBatch!(payload);
    await handlerCalled;

    // Well past the session timeout, in steps of 3 s: each step must have sent a heartbeat.
    const perStep: number[] = [];
    for (let elapsed = 0; elapsed < SESSION_TIMEOUT_MS + 6_000; elapsed += 3_000) {
      const before = heartbeats;
      mock.timers.tick(3_000);
      await Promise.resolve();
      perStep.push(heartbeats - before);
    }
    expect(commits, 'nothing is committed while the chunk is handled').to.deep.equal([]);
    expect(
      perStep.every((n) => n >= 1),
      `heartbeats per 3 s step: ${perStep.join(', ')}`,
    ).to.equal(true);

    finish({ outcomes: [undefined, undefined] });
    await batchDone;
    expect(commits).to.deep.equal(['2']);
    // The ticker stops with the batch: no heartbeats for a batch that is over.
    const after = heartbeats;
    mock.timers.tick(30_000);
    expect(heartbeats).to.equal(after);
    await loop.stop();
  });
});
