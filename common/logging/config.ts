import { v, type VarSpec } from '../config/index';

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Logging variables every process shares; spread into a component spec. */
export const loggingVars = {
  logLevel: {
    env: 'LOG_LEVEL',
    schema: v.oneOf(LOG_LEVELS),
    default: 'info',
    doc: 'Lowest level written to stdout as ECS JSON lines (error, warn, info, http, verbose, debug, silly).',
  } satisfies VarSpec,
};
