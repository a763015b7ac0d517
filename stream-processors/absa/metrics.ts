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
    // The model's own figures (absa_model_*), observed where the processor calls it.
    modelSentences: m.counter(
      'model_sentences_total',
      'Sentences the model analysed (successful analyze calls; embeddings and targeted runs not counted).',
    ),
    modelBatchSequences: m.histogram(
      'model_batch_sequences',
      'Sequences (sentence windows, or sentence-target pairs) in one ONNX run.',
      [],
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
    ),
    modelBatchSeconds: m.histogram(
      'model_batch_duration_seconds',
      'Time of one ONNX run (one batch of sequences).',
      [],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  };
}
