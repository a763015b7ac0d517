import { defineConfig, v, type VarSpec } from '../config/index';
import { loggingVars } from '../logging/config';
import { postgresVars } from '../postgres/config';

/** For every process that verifies API keys. */
export const apiKeyVars = {
  apiKeyCacheTtlMs: {
    env: 'APIKEY_CACHE_TTL_MS',
    schema: v.int(0, 600_000),
    default: '5000',
    doc: 'How long a verified API key is cached in memory, in ms; a revoked key stops working within this time (0: check the database on every request).',
  } satisfies VarSpec,
};

/** `npm run apikey` */
export const apiKeyCliConfigSpec = defineConfig('apikey', { ...postgresVars, ...loggingVars });
