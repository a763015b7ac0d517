import type { Metrics } from '../../common/metrics/index';
import { ingestToWrittenHistogram } from '../shared/metrics';

export function postgresSinkMetrics(metrics: Metrics) {
  return {
    rows: metrics.counter(
      'sink_postgres_rows_written_total',
      'Rows the PostgreSQL sink inserted (documents, aspect_mentions) or upserted (aspect_rollups_hourly)',
      ['table'] as const,
    ),
    duplicates: metrics.counter(
      'sink_postgres_rows_skipped_total',
      'Rows already present (replayed events), skipped by ON CONFLICT DO NOTHING',
      ['table'] as const,
    ),
    transaction: metrics.histogram(
      'sink_postgres_transaction_duration_seconds',
      'Time of one write transaction (BEGIN to COMMIT)',
      [] as const,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    ingestToWritten: ingestToWrittenHistogram(metrics),
    partitionsCreated: metrics.counter(
      'sink_postgres_partitions_created_total',
      'Monthly partitions created (ahead of time or for late events)',
    ),
    partitionsDropped: metrics.counter(
      'sink_postgres_partitions_dropped_total',
      'Monthly partitions dropped by retention',
    ),
  };
}

export type PostgresSinkMetrics = ReturnType<typeof postgresSinkMetrics>;
