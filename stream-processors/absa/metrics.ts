import type { Metrics } from '../../common/metrics/index';

export type ProcessorMetrics = ReturnType<typeof processorMetrics>;

export function processorMetrics(m: Metrics) {
  return {
    documentsConsumed: m.counter(
      'processor_documents_consumed_total',
      'Raw documents read from the input topic.',
    ),
    documentsProduced: m.counter(
      'processor_documents_produced_total',
      'Document events written, by status.',
      ['status'],
    ),
    aspectsEmitted: m.counter('processor_aspects_emitted_total', 'Aspect mention events written.'),
    deadLetters: m.counter(
      'processor_dead_letters_total',
      'Input messages sent to the dead-letter topic, by error class.',
      ['error_class'],
    ),
    batchSize: m.histogram(
      'processor_batch_size_messages',
      'Messages per transaction.',
      [],
      [1, 5, 10, 25, 50, 100, 250, 500],
    ),
    inferenceSeconds: m.histogram(
      'processor_inference_duration_seconds',
      'Time to analyse one chunk (language, sentences, model, embeddings, categories).',
      [],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    chunkSeconds: m.histogram(
      'processor_transaction_duration_seconds',
      'Time from decoding a chunk to its committed transaction.',
      [],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    consumerLag: m.gauge(
      'processor_consumer_lag_messages',
      'Messages behind the end of the partition, per partition.',
      ['topic', 'partition'],
    ),
  };
}
