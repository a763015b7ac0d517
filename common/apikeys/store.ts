/**
 * API keys in PostgreSQL (migration 001). Plain keys exist only in the return value of `create`;
 * `verify` finds the row by the key's public prefix and compares hashes in constant time.
 * Verified keys are cached for `cacheTtlMs` (0 disables), so a revoked key stops working within
 * that time in every process.
 */
import type pg from 'pg';
import { FatalError } from '../errors/index';
import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from './keys';
import { isRole, type Role } from './roles';

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export interface ApiKeyRecord {
  id: string;
  tenant: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Who is calling: what a verified key grants. */
export interface Principal {
  keyId: string;
  tenant: string;
  name: string;
  role: Role;
  prefix: string;
}

export class ApiKeyInputError extends FatalError {}

interface Row {
  id: string;
  tenant: string;
  name: string;
  role: string;
  key_prefix: string;
  key_hash: Buffer;
  created_at: Date;
  revoked_at: Date | null;
}

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    role: row.role as Role,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export class ApiKeyStore {
  private cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly cacheTtlMs = 5000,
  ) {}

  async create(input: {
    tenant: string;
    name: string;
    role: string;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    const problems: string[] = [];
    if (!TENANT_PATTERN.test(input.tenant)) {
      problems.push(
        `tenant '${input.tenant}' must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit`,
      );
    }
    if (!input.name.trim() || input.name.length > 200) problems.push('name must be 1-200 characters');
    if (!isRole(input.role))
      problems.push(`role '${input.role}' must be one of ingest, reader, analyst, admin`);
    if (problems.length) throw new ApiKeyInputError(problems.join('; '), { code: 'invalid_api_key_input' });

    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT DO NOTHING', [input.tenant]);
      const live = await client.query(
        'SELECT 1 FROM api_keys WHERE tenant = $1 AND name = $2 AND revoked_at IS NULL',
        [input.tenant, input.name],
      );
      if (live.rowCount) {
        throw new ApiKeyInputError(
          `tenant ${input.tenant} already has a live key named '${input.name}'; revoke it first or pick another name`,
          {
            code: 'api_key_name_taken',
          },
        );
      }
      for (let attempt = 0; ; attempt++) {
        const generated = generateApiKey();
        try {
          const { rows } = await client.query<Row>(
            `INSERT INTO api_keys (tenant, name, role, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
             RETURNING id, tenant, name, role, key_prefix, key_hash, created_at, revoked_at`,
            [input.tenant, input.name, input.role, generated.prefix, generated.hash],
          );
          await client.query('COMMIT');
          return { key: generated.key, record: toRecord(rows[0]!) };
        } catch (err) {
          // A prefix collision (1 in 62^8 per pair) is the one failure worth a new key.
          const isPrefixClash = (err as { constraint?: string }).constraint === 'api_keys_key_prefix_key';
          if (!isPrefixClash || attempt >= 3) throw err;
          await client.query('ROLLBACK');
          await client.query('BEGIN');
        }
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async list(options: { tenant?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT id, tenant, name, role, key_prefix, key_hash, created_at, revoked_at FROM api_keys
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2 OR revoked_at IS NULL)
       ORDER BY tenant, created_at`,
      [options.tenant ?? null, options.includeRevoked ?? false],
    );
    return rows.map(toRecord);
  }

  /** Revokes by key id or public prefix; returns the revoked record, or undefined when none was live. */
  async revoke(idOrPrefix: string): Promise<ApiKeyRecord | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix);
    const { rows } = await this.pool.query<Row>(
      `UPDATE api_keys SET revoked_at = now()
       WHERE ${isUuid ? 'id = $1::uuid' : 'key_prefix = $1'} AND revoked_at IS NULL
       RETURNING id, tenant, name, role, key_prefix, key_hash, created_at, revoked_at`,
      [idOrPrefix],
    );
    this.cache.clear();
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The principal for a live key, or null for a malformed, unknown or revoked key. */
  async verify(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const hash = hashApiKey(key);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expires > now) return cached.principal;

    const { rows } = await this.pool.query<Row>(
      `SELECT id, tenant, name, role, key_prefix, key_hash, created_at, revoked_at FROM api_keys
       WHERE key_prefix = $1 AND revoked_at IS NULL`,
      [parsed.prefix],
    );
    const row = rows[0];
    const principal =
      row && hashesEqual(row.key_hash, hash)
        ? {
            keyId: row.id,
            tenant: row.tenant,
            name: row.name,
            role: row.role as Role,
            prefix: row.key_prefix,
          }
        : null;
    if (this.cacheTtlMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(cacheKey, { principal, expires: now + this.cacheTtlMs });
    }
    return principal;
  }
}
