/**
 * Runtime settings of the ABSA model adapter: one variable group, spread into the processor's spec
 * and parsed on its own by the model CLIs (`absa:predict`, `absa:eval`; their flags override it).
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { defineConfig, v, type VarSpec } from '../../../common/config/index.js';

export const DEFAULT_BATCH_SIZE = 32;

export const modelVars = {
  modelDir: {
    env: 'ABSA_MODEL_DIR',
    schema: z.string(),
    default: '',
    doc: 'ABSA model artifact folders, comma-separated (blank: every artifact under models/absa/). The processor loads them all, each language served by the artifact listing it first; the CLIs take the first folder, or the one serving English.',
  } satisfies VarSpec<string>,
  threads: {
    env: 'ABSA_THREADS',
    schema: v.int(1, 256),
    default: String(availableParallelism()),
    doc: 'ONNX Runtime threads for the ABSA model (default: CPU cores).',
  } satisfies VarSpec<number>,
  batchSize: {
    env: 'ABSA_BATCH_SIZE',
    schema: v.int(1, 4096),
    default: String(DEFAULT_BATCH_SIZE),
    doc: 'Sentences per model inference batch.',
  } satisfies VarSpec<number>,
};

/** `npm run absa:predict` / `absa:eval` */
export const modelCliConfigSpec = defineConfig('absa-model-cli', modelVars);
