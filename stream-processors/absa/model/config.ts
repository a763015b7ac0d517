/**
 * Runtime settings of the ABSA model adapter, from the environment (the CLIs' flags override them).
 *
 * | variable         | default                               | meaning                                      |
 * |------------------|---------------------------------------|----------------------------------------------|
 * | ABSA_MODEL_DIR   | the only artifact under models/absa/  | model artifact folder                        |
 * | ABSA_THREADS     | number of CPU cores                   | ONNX Runtime intra-op threads                |
 * | ABSA_BATCH_SIZE  | 32                                    | sequences per inference batch                |
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

export const modelRuntimeEnvSchema = z.object({
  ABSA_MODEL_DIR: z.string().min(1).optional(),
  ABSA_THREADS: positiveInt(256).optional(),
  ABSA_BATCH_SIZE: positiveInt(4096).optional(),
});

export interface ModelRuntimeConfig {
  /** undefined: resolveModelDir's default */
  modelDir: string | undefined;
  threads: number;
  batchSize: number;
}

export const DEFAULT_BATCH_SIZE = 32;

/** Reads the settings; every bad variable is reported at once, by name. */
export function readModelRuntimeConfig(env: NodeJS.ProcessEnv = process.env): ModelRuntimeConfig {
  const picked = Object.fromEntries(
    Object.keys(modelRuntimeEnvSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = modelRuntimeEnvSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message} (got "${env[String(i.path[0])]}")`)
        .join('; '),
    );
  }
  return {
    modelDir: parsed.data.ABSA_MODEL_DIR,
    threads: parsed.data.ABSA_THREADS ?? availableParallelism(),
    batchSize: parsed.data.ABSA_BATCH_SIZE ?? DEFAULT_BATCH_SIZE,
  };
}
