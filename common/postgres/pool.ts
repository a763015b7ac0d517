/**
 * A bounded pg Pool from config. PGSSLMODE is honoured (an `sslmode` in DATABASE_URL wins), pool
 * errors on idle clients are logged instead of crashing the process, and every connection gets the
 * configured statement timeout and an application_name for pg_stat_activity.
 */
import pg from 'pg';
import type { Logger } from '../logging/index';
import type { PgSslMode, PostgresSettings } from './config';

export function sslOption(mode: PgSslMode): pg.PoolConfig['ssl'] {
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // node-postgres cannot "try TLS then fall back"; prefer/allow behave like disable here.
      return false;
    case 'require':
    case 'no-verify':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

export function createPool(settings: PostgresSettings, applicationName: string, logger?: Logger): pg.Pool {
  const urlHasSslMode = new URL(settings.databaseUrl).searchParams.has('sslmode');
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    ...(urlHasSslMode ? {} : { ssl: sslOption(settings.pgSslMode) }),
    max: settings.pgPoolMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: applicationName,
    statement_timeout: settings.pgStatementTimeoutMs || undefined,
  });
  pool.on('error', (err) => logger?.warn('idle PostgreSQL client failed', { err }));
  return pool;
}

/** Readiness probe. */
export async function pingPool(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
