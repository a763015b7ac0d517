/**
 * PostgreSQL errors, classified where they are raised: a server answer by its SQLSTATE (see
 * sqlstate.ts), anything the pg client throws without one (connection refused or lost, pool
 * timeout) as the server being unavailable.
 */
import {
  AspectStreamError,
  DependencyUnavailableError,
  FatalError,
  RetriableError,
  errorMessage,
} from '../errors/index';
import { postgresFault } from './sqlstate';

export const POSTGRES = 'postgres';

/** The pg client's server error shape: a five-character SQLSTATE and a severity. */
export function sqlstateOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('severity' in err)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A statement refused because of its data (integrity or data exception): the message is at fault. */
export class PostgresDataError extends FatalError {}

/**
 * Wraps what a PostgreSQL call threw into our hierarchy. Programmer errors (TypeError, RangeError)
 * and our own errors pass through unchanged.
 */
export function asPostgresError(err: unknown): unknown {
  if (err instanceof AspectStreamError || err instanceof TypeError || err instanceof RangeError) return err;
  const code = sqlstateOf(err);
  const message = errorMessage(err);
  if (code === undefined) {
    return new DependencyUnavailableError(POSTGRES, `PostgreSQL unavailable: ${message}`, { cause: err });
  }
  switch (postgresFault(code)) {
    case 'data':
      return new PostgresDataError(`PostgreSQL refused the data (${code}): ${message}`, { cause: err, code });
    case 'transient':
      return new RetriableError(`PostgreSQL conflict (${code}): ${message}`, { cause: err, code });
    case 'outage':
      return new DependencyUnavailableError(POSTGRES, `PostgreSQL cannot write (${code}): ${message}`, {
        cause: err,
        code,
      });
  }
}
