import type { Metrics } from '../../common/metrics/index';

export type ProcessorMetrics = ReturnType<typeof processorMetrics>;

export function processorMetrics(m: Metrics) {
  return {
    documentsConsumed: m.counter(
      'processor_documents_consumed_total',
      'Raw documents read from the input topic and committed (analysed, skipped or dead-lettered).',
    ),
    documentsProduced: m.counter(
      'processor_documents_produced_total',
      'Document events written, by status.',
      ['status'],
    ),
    aspectsEmitted: m.counter('processor_aspects_emitted_total', 'Aspect mention events written.'),
    inferenceSeconds: m.histogram(
      'processor_inference_duration_seconds',
      'Time to analyse one chunk (language, sentences, model, embeddings, categories).',
      [],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
  };
}
