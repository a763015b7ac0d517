/**
 * Metrics every sink emits (label `sink` = postgres | elasticsearch). Label values stay bounded:
 * topics and partitions are few, error classes are class names.
 */
import type { Metrics } from '../../common/metrics/index';

export function sinkMetrics(metrics: Metrics) {
  return {
    messages: metrics.counter(
      'sink_messages_total',
      'Kafka messages a sink finished, by outcome (written: in the store; dead_lettered: on <topic>.dlq)',
      ['sink', 'topic', 'outcome'] as const,
    ),
    batchDuration: metrics.histogram(
      'sink_batch_duration_seconds',
      'Time to write one batch, retries included, from decoding to the committed offset',
      ['sink'] as const,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    ),
    batchSize: metrics.histogram(
      'sink_batch_events',
      'Events per written batch',
      ['sink'] as const,
      [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    ),
    retries: metrics.counter(
      'sink_retries_total',
      'Writes retried after a retriable failure (store unreachable, 429/5xx, deadlock), by error class',
      ['sink', 'error_class'] as const,
    ),
    deadLetters: metrics.counter('sink_dead_letters_total', 'Messages sent to <topic>.dlq, by error class', [
      'sink',
      'topic',
      'error_class',
    ] as const),
    lag: metrics.gauge(
      'sink_consumer_lag_messages',
      'Messages behind the partition high watermark after the last written batch',
      ['sink', 'topic', 'partition'] as const,
    ),
    commits: metrics.counter('sink_offset_commits_total', 'Offset commits after a written batch', [
      'sink',
    ] as const),
  };
}

export type SinkMetrics = ReturnType<typeof sinkMetrics>;
