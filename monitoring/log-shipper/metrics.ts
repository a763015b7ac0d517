/**
 * Metrics of the log shipper. `log_service` is the service whose log file a line came from (one of
 * the few services of the stack); the shipper's own series carry `service="log-shipper"`.
 */
import type { Metrics } from '../../common/metrics/index';

export function logShipperMetrics(metrics: Metrics) {
  return {
    lines: metrics.counter(
      'log_shipper_lines_total',
      'Log lines indexed into Elasticsearch, by source service and outcome (indexed: as written; fallback: refused by the mapping, indexed as plain text)',
      ['log_service', 'outcome'] as const,
    ),
    backlog: metrics.gauge(
      'log_shipper_backlog_bytes',
      'Bytes of a log file not yet indexed (file size minus the committed read position)',
      ['log_service'] as const,
    ),
    bulk: metrics.histogram(
      'log_shipper_bulk_duration_seconds',
      'Time of one successful bulk request to Elasticsearch',
      [] as const,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    retries: metrics.counter(
      'log_shipper_retries_total',
      'Bulk requests retried after a retriable failure (Elasticsearch unreachable, 429, 5xx), by error class',
      ['error_class'] as const,
    ),
    files: metrics.gauge('log_shipper_files', 'Log files the shipper follows'),
  };
}

export type LogShipperMetrics = ReturnType<typeof logShipperMetrics>;
