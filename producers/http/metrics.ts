import type { Metrics } from '../../common/metrics/index';

export function collectorMetrics(metrics: Metrics) {
  return {
    documents: metrics.counter(
      'collector_documents_total',
      'Documents received by a collector, by outcome (accepted: acknowledged by Kafka; rejected: invalid input; failed: Kafka unavailable)',
      ['collector', 'outcome'] as const,
    ),
    batchSize: metrics.histogram(
      'collector_batch_documents',
      'Documents per accepted request',
      ['collector'] as const,
      [1, 5, 10, 50, 100, 250, 500, 1000],
    ),
    kafkaSend: metrics.histogram(
      'collector_kafka_send_duration_seconds',
      'Time from sending a batch to Kafka acknowledging it (acks=all)',
      ['collector', 'outcome'] as const,
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    rateLimited: metrics.counter('collector_rate_limited_total', 'Requests refused with 429', [
      'collector',
    ] as const),
  };
}

export type CollectorMetrics = ReturnType<typeof collectorMetrics>;
