import type { Metrics } from '../../common/metrics/index';
import { ingestToWrittenHistogram } from '../shared/metrics';

export function elasticsearchSinkMetrics(metrics: Metrics) {
  return {
    docs: metrics.counter(
      'sink_elasticsearch_docs_written_total',
      'Elasticsearch documents the sink indexed, by alias (documents, mentions)',
      ['alias'] as const,
    ),
    itemFailures: metrics.counter(
      'sink_elasticsearch_item_failures_total',
      'Bulk items Elasticsearch refused, by HTTP status (429/5xx are retried, other 4xx dead-lettered)',
      ['status'] as const,
    ),
    bulk: metrics.histogram(
      'sink_elasticsearch_bulk_duration_seconds',
      'Time of one bulk request',
      [] as const,
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    ingestToWritten: ingestToWrittenHistogram(metrics),
  };
}

export type ElasticsearchSinkMetrics = ReturnType<typeof elasticsearchSinkMetrics>;
