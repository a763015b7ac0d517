/**
 * The consumer loop keeps its group membership while a chunk takes longer than the session timeout
 * (long documents, a slow machine): it heartbeats on a ticker while the handler works, not only
 * after each commit, so the broker does not evict it and start a rebalance loop. The loop runs here
 * on a kafkajs-like consumer object of our own, under mocked timers: no broker, no waiting.
 */
import { expect } from 'chai';
import { mock } from 'node:test';
import type { CommitStrategy } from '../../common/kafka/consumer/commit';
import { batch, fakeKafka, stuckHandler, testLoop } from './helpers/consumer-loop';

/** What the loop sets for the group (kafka.consumer({ sessionTimeout })). */
const SESSION_TIMEOUT_MS = 30_000;

describe('consumer loop: heartbeats while a chunk is handled', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('heartbeats at least every 3 s while one chunk takes longer than the session timeout', async () => {
    const { kafka, seen } = fakeKafka();
    const stuck = stuckHandler();
    const commits: string[] = [];
    const commit: CommitStrategy = {
      kind: 'after-write',
      start: async () => undefined,
      commit: async (chunk) => void commits.push(chunk.next),
      stop: async () => undefined,
    };
    const loop = testLoop({ name: 'heartbeat-test', kafka, commit, handler: stuck.handler });
    await loop.start();
    expect(seen.sessionTimeout).to.equal(SESSION_TIMEOUT_MS);

    let heartbeats = 0;
    const batchDone = seen.eachBatch!(batch(0, 2, async () => void heartbeats++));
    await stuck.called;

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

    stuck.finish({ outcomes: [undefined, undefined] });
    await batchDone;
    expect(commits).to.deep.equal(['2']);
    // The ticker stops with the batch: no heartbeats for a batch that is over.
    const after = heartbeats;
    mock.timers.tick(30_000);
    expect(heartbeats).to.equal(after);
    await loop.stop();
  });
});
