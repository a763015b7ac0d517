/** Opens an ONNX Runtime CPU session on one of an artifact's graphs, as every graph here is run. */
import * as ort from 'onnxruntime-node';
import { ModelArtifactError } from './model-artifact.js';

export async function openSession(
  file: string,
  threads: number,
  /** keep freed buffers for the next run (faster for large runs, holds their peak) */
  memArena = true,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      enableCpuMemArena: memArena,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
      // ONNX Runtime's worker threads spin after each run by default: with small batches several
      // times a second that burned about 2.7x the CPU of the runs themselves (60 runs of 8 × 24
      // tokens, 30 ms apart: 3.5 s of CPU against 1.3 s), CPU the sinks, Kafka and the stores
      // beside the processor need. Blocking costs nothing measurable per run.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (cause) {
    throw new ModelArtifactError(`is not a loadable ONNX model (${(cause as Error).message})`, file, {
      cause,
    });
  }
}
