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
 * Orders one batch's ONNX runs (any model in the process). Runs never overlap: onnxruntime-node runs a
 * session synchronously on this thread, so each run blocks the event loop until it ends. What the turn
 * decides is the order. A partial batch (the end of a small chunk: the pipeline is nearly caught up and
 * each document's latency counts) waits for the partial batches before it, and then its encoder run
 * and its heads' runs follow one another, instead of its heads queueing behind other batches' encoder
 * runs: at half capacity p50 1.0 s against 2.0-3.4 s without. A full batch (a backlog) does not wait:
 * putting every run in turn cost about 20 % of the throughput (docs/benchmarks.md).
 */
export function runInTurn<T>(fullBatch: boolean, run: () => Promise<T>): Promise<T> {
  if (fullBatch) return run();
  const result = turn.then(run);
  turn = result.catch(() => undefined);
  return result;
}
