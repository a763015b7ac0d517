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

let turn: Promise<unknown> = Promise.resolve();

/**
 * Schedules one batch's ONNX runs (any model in the process). A partial batch waits for the partial
 * batches before it: it is the end of a small chunk, so the pipeline is nearly caught up and what counts
 * is each document's latency, while overlapping runs would split the same cores and all finish late
 * (at half capacity, all runs in turn gave p50 1.0 s against 2.0-3.4 s overlapping). A full batch
 * means a backlog and starts at once: overlapping runs keep both cores busy through the parts of a run
 * that leave one idle (all runs in turn cost about 20 % of the throughput).
 */
export function runInTurn<T>(fullBatch: boolean, run: () => Promise<T>): Promise<T> {
  if (fullBatch) return run();
  const result = turn.then(run);
  turn = result.catch(() => undefined);
  return result;
}
