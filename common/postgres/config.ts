import { defineConfig, v, type VarSpec } from '../config/index';
import { loggingVars } from '../logging/config';

export const PG_SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
  'no-verify',
] as const;
export type PgSslMode = (typeof PG_SSL_MODES)[number];

/** PostgreSQL variables every database client shares; spread into a component spec. */
export const postgresVars = {
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: v.url(['postgres', 'postgresql']),
    default: 'postgres://absa:absa@127.0.0.1:5432/absa',
    doc: 'PostgreSQL connection URL (the password is never logged).',
    secret: false,
  } satisfies VarSpec,
  pgSslMode: {
    env: 'PGSSLMODE',
    schema: v.oneOf(PG_SSL_MODES),
    default: 'disable',
    doc: 'TLS to PostgreSQL: disable, prefer, require (encrypt, no certificate check), verify-ca / verify-full (check the certificate), no-verify. An sslmode in DATABASE_URL wins.',
  } satisfies VarSpec,
  pgPoolMax: {
    env: 'PG_POOL_MAX',
    schema: v.int(1, 200),
    default: '10',
    doc: 'Most connections one process keeps open to PostgreSQL.',
  } satisfies VarSpec,
  pgStatementTimeoutMs: {
    env: 'PG_STATEMENT_TIMEOUT_MS',
    schema: v.int(0, 3_600_000),
    default: '30000',
    doc: 'Server-side limit per statement in ms (0: none).',
  } satisfies VarSpec,
};

export interface PostgresSettings {
  databaseUrl: string;
  pgSslMode: PgSslMode;
  pgPoolMax: number;
  pgStatementTimeoutMs: number;
}

/** `npm run migrate` */
export const migrateConfigSpec = defineConfig('migrate', { ...postgresVars, ...loggingVars });
