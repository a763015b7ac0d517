/**
 * Plain-SQL migrations: `common/postgres/migrations/NNN_name.sql`, applied in order, each in its own
 * transaction, recorded in `schema_migrations` with a checksum. A pg_advisory_lock makes two
 * instances starting at once safe: the second waits, then finds nothing left to do. An applied file
 * that was edited afterwards stops the run (write a new migration instead).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary constant: the advisory lock key that serializes migration runs. */
const MIGRATION_LOCK_KEY = 4_142_017_001;

export interface Migration {
  version: number;
  name: string;
  /** File name, e.g. 001_api_keys.sql. */
  file: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${file} must be named NNN_name.sql (lower-case name)`);
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash) throw new Error(`migrations ${clash} and ${file} share version ${version}`);
    seen.set(version, file);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return { version, name: match[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrateResult {
  applied: Migration[];
  alreadyApplied: number;
}

export async function migrate(
  pool: pg.Pool,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const done = new Map(rows.map((r) => [r.version, r]));
      for (const m of migrations) {
        const row = done.get(m.version);
        if (row && row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.file} changed after it was applied (checksum differs); add a new migration instead`,
          );
        }
      }
      const applied: Migration[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${m.file} failed: ${(err as Error).message}`, { cause: err });
        }
        options.log?.(`applied ${m.file}`);
        applied.push(m);
      }
      return { applied, alreadyApplied: migrations.length - applied.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
