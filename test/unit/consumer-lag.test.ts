/**
 * A consumer that stops fetching (stuck on a chunk, waiting out an outage) must still show its lag
 * rising while input piles up, or the lag alerts cannot fire: the loop reads the partitions' high
 * watermarks from the broker between batches. The loop runs on kafkajs-like objects of our own,
 * under mocked timers.
 */
import { expect } from 'chai';
import { mock } from 'node:test';
import { LAG_REFRESH_MS } from '../../common/kafka/consumer/loop';
import { createMetrics, type Metrics } from '../../common/metrics/index';
import { batch, fakeKafka, stuckHandler, testLoop } from './helpers/consumer-loop';

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
    // The store stalls: the first chunk never finishes until the test says so.
    const stuck = stuckHandler();
    const loop = testLoop({
      name: 'lag-test',
      kafka,
      metrics,
      handler: stuck.handler,
      partitionsConcurrently: 2,
    });
    await loop.start();
    broker.high.set(0, 2).set(1, 30);
    broker.committed.set(1, 10);
    seen.join!({ payload: { memberAssignment: { t: [0, 1] } } });

    // Partition 0: one batch of two messages, caught up when fetched; partition 1 never fetched.
    const batchDone = seen.eachBatch!(batch(0, 2));
    await stuck.called;
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

    stuck.finish({ outcomes: [undefined, undefined] });
    await batchDone;
    await loop.stop();
  });

  it('stops refreshing once the loop stops', async () => {
    const { kafka, seen, broker } = fakeKafka();
    const metrics = createMetrics('test', { defaultMetrics: false });
    const loop = testLoop({
      name: 'lag-test',
      kafka,
      metrics,
      handler: { handle: async (items) => ({ outcomes: items.map(() => undefined) }) },
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
