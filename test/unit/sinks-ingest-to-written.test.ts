import { expect } from 'chai';
import { createMetrics } from '../../common/metrics/index';
import { ingestToWrittenHistogram, observeIngestToWritten } from '../../sinks/shared/metrics';

describe('sinks: ingest-to-written latency', () => {
  it('observes each document’s seconds from ingested_at to the write, and none in the future', async () => {
    const m = createMetrics('sink-test', { defaultMetrics: false });
    const h = ingestToWrittenHistogram(m);
    const now = 1_700_000_100_000;
    observeIngestToWritten(
      h,
      [{ ingested_at: now - 1500 }, { ingested_at: now - 90_000 }, { ingested_at: now + 5000 }],
      now,
    );

    const text = await m.registry.metrics();
    const value = (le: string): number =>
      Number(
        new RegExp(
          `absa_sink_ingest_to_written_seconds_bucket\\{le="${le}",service="sink-test"\\} (\\S+)`,
        ).exec(text)![1],
      );
    expect(value('0.1')).to.equal(1); // the skewed one, clamped to 0
    expect(value('1')).to.equal(1);
    expect(value('2')).to.equal(2);
    expect(value('60')).to.equal(2);
    expect(value('120')).to.equal(3);
    expect(text).to.match(/absa_sink_ingest_to_written_seconds_sum\{service="sink-test"\} 91.5\b/);
    expect(text).to.match(/absa_sink_ingest_to_written_seconds_count\{service="sink-test"\} 3\b/);
  });
});
