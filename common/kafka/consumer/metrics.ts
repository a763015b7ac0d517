/**
 * Metrics of the consumer loop, the same for every consumer (label `consumer` = its name, e.g.
 * absa-processor, sink-postgres). Label values stay bounded: topics, partitions and dependencies are
 * few, error classes are class names.
 */
import type { Metrics } from '../../metrics/index';

export type ConsumerMetrics = ReturnType<typeof createConsumerMetrics>;

/** One set per metrics registry: a process may run several loops (the alert service runs three). */
const perRegistry = new WeakMap<Metrics['registry'], ConsumerMetrics>();

export function consumerMetrics(metrics: Metrics): ConsumerMetrics {
  let m = perRegistry.get(metrics.registry);
  if (!m) perRegistry.set(metrics.registry, (m = createConsumerMetrics(metrics)));
  return m;
}

function createConsumerMetrics(metrics: Metrics) {
  return {
    messages: metrics.counter(
      'consumer_messages_total',
      'Kafka messages a consumer committed, by outcome (done, dead_lettered)',
      ['consumer', 'topic', 'outcome'] as const,
    ),
    deadLetters: metrics.counter(
      'consumer_dead_letters_total',
      'Messages sent to <topic>.dlq, by error class',
      ['consumer', 'topic', 'error_class'] as const,
    ),
    chunkSeconds: metrics.histogram(
      'consumer_chunk_duration_seconds',
      'Time from decoding a chunk to its committed offset, waits for dependencies included',
      ['consumer'] as const,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    ),
    chunkMessages: metrics.histogram(
      'consumer_chunk_messages',
      'Messages per committed chunk',
      ['consumer'] as const,
      [1, 5, 16, 50, 100, 250, 500, 1000, 2500],
    ),
    commits: metrics.counter(
      'consumer_commits_total',
      'Chunks committed (one offset commit or transaction each)',
      ['consumer'] as const,
    ),
    lag: metrics.gauge(
      'consumer_lag_messages',
      'Messages behind the partition high watermark: set when a batch is fetched and read from the broker every 15 s between batches',
      ['consumer', 'topic', 'partition'] as const,
    ),
    dependencyAvailable: metrics.gauge(
      'consumer_dependency_available',
      '0 while a dependency the consumer needs is unavailable and its messages wait, 1 once it answers again',
      ['consumer', 'dependency'] as const,
    ),
    outageRetries: metrics.counter(
      'consumer_outage_retries_total',
      'Chunks handled again after waiting for an unavailable dependency',
      ['consumer', 'dependency'] as const,
    ),
  };
}
