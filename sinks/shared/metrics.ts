import type client from 'prom-client';
import type { Metrics } from '../../common/metrics/index';

/**
 * End-to-end latency as a sink sees it: from the collector's `ingested_at` (stamped by the service,
 * unlike the sender's `created_at`) to the moment the sink's write of the document succeeded.
 * Both sinks register it under the same name; their `service` label tells them apart.
 */
export function ingestToWrittenHistogram(metrics: Metrics): client.Histogram<never> {
  return metrics.histogram(
    'sink_ingest_to_written_seconds',
    'Seconds from the collector accepting a document (ingested_at) to this sink committing it',
    [] as const,
    [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
  );
}

/** Observes each written document's age at `nowMs`; a clock skew that puts ingest in the future counts as 0. */
export function observeIngestToWritten(
  histogram: client.Histogram<never> | undefined,
  docs: ReadonlyArray<{ ingested_at: number }>,
  nowMs = Date.now(),
): void {
  if (!histogram) return;
  for (const d of docs) histogram.observe(Math.max(0, nowMs - d.ingested_at) / 1000);
}
