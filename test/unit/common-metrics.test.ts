import { expect } from 'chai';
import { createMetrics, runReadinessChecks } from '../../common/metrics/index';
import { Progress } from '../../producers/file/progress';

describe('common/metrics', () => {
  it('prefixes every metric with absa_ and includes default process metrics', async () => {
    const metrics = createMetrics('unit');
    metrics.counter('things_total', 'Things').inc();
    const text = await metrics.registry.metrics();
    expect(text).to.include('absa_things_total{service="unit"} 1');
    expect(text).to.include('absa_process_cpu_seconds_total');
  });

  it('reports a dependency that fails or does not answer in time as not ready, naming it', async () => {
    const result = await runReadinessChecks(
      [
        { name: 'ok', check: async () => undefined },
        { name: 'broken', check: async () => Promise.reject(new Error('refused')) },
        { name: 'hanging', check: () => new Promise(() => undefined) },
      ],
      50,
    );
    expect(result.ready).to.equal(false);
    expect(result.checks.ok!.ok).to.equal(true);
    expect(result.checks.broken).to.include({ ok: false, error: 'refused' });
    expect(result.checks.hanging).to.include({ ok: false, error: 'no answer within 50 ms' });
  });
});

describe('import: progress', () => {
  it('draws a bar with rate and ETA on a terminal and plain lines otherwise', () => {
    const state = { bytesRead: 50, totalBytes: 100, read: 10, published: 9, rejected: 1 };
    expect(new Progress(process.stderr, true).line(state)).to.match(
      /^\[#{15}\.{15}\] {2}50\.0% 10 read, 9 published, 1 rejected \| \d+ docs\/s \| ETA \d+:\d{2}$/,
    );
    expect(new Progress(process.stderr, false).line(state)).to.match(
      /^progress: 50\.0% 10 read, 9 published, 1 rejected, \d+ docs\/s, ETA \d+:\d{2}$/,
    );
  });
});
