/**
 * API keys in PostgreSQL (migration 001). Plain keys exist only in the return value of `create`;
 * `verify` finds the row by the key's public prefix and compares hashes in constant time.
 * Verified keys are cached for `cacheTtlMs` (0 disables), so a revoked key stops working within
 * that time in every process.
 *
 * What a caller with made-up keys can cost: with the cache on, the store keeps the set of live key
 * prefixes (one query, refreshed at most every min(cacheTtlMs, 1 s) and only when a prefix is not in
 * it), so a key whose prefix is not live is refused without a database query, however many such keys
 * arrive. The cache holds rows by prefix of live keys only: made-up keys never enter it and cannot
 * push the valid keys out. A key created in another process works here within that refresh time.
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
  /** Rows of live prefixes (undefined: no live key has it any more), with their expiry. */
  private byPrefix = new Map<string, { row: Row | undefined; expires: number }>();
  private live?: { prefixes: Set<string>; loadedAt: number };
  private loadingLive?: Promise<Set<string>>;
  /** Database queries `verify` made: what made-up keys cost is observable (tests, metrics). */
  verifyQueries = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly cacheTtlMs = 5000,
    private readonly maxCachedKeys = 100_000,
  ) {}

  private get liveRefreshMs(): number {
    return Math.min(this.cacheTtlMs, 1000);
  }

  /** Live prefixes, reloaded when older than the refresh time; concurrent callers share one query. */
  private async livePrefixes(forceFresh: boolean): Promise<Set<string>> {
    const now = Date.now();
    if (this.live && (!forceFresh || now - this.live.loadedAt < this.liveRefreshMs))
      return this.live.prefixes;
    this.loadingLive ??= (async () => {
      try {
        this.verifyQueries++;
        const { rows } = await this.pool.query<{ key_prefix: string }>(
          'SELECT key_prefix FROM api_keys WHERE revoked_at IS NULL',
        );
        const prefixes = new Set(rows.map((r) => r.key_prefix));
        this.live = { prefixes, loadedAt: Date.now() };
        return prefixes;
      } finally {
        this.loadingLive = undefined;
      }
    })();
    return this.loadingLive;
  }

  private forget(): void {
    this.byPrefix.clear();
    this.live = undefined;
  }

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
          this.live?.prefixes.add(generated.prefix);
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
    this.forget();
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The principal for a live key, or null for a malformed, unknown or revoked key. */
  async verify(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const { prefix } = parsed;
    const hash = hashApiKey(key);
    if (this.cacheTtlMs <= 0) return principalOf(await this.rowOf(prefix), hash);

    const now = Date.now();
    const cached = this.byPrefix.get(prefix);
    if (cached && cached.expires > now) return principalOf(cached.row, hash);
    // Not a live prefix as of the last refresh: look again only if that list is old enough.
    if (!(await this.livePrefixes(false)).has(prefix) && !(await this.livePrefixes(true)).has(prefix)) {
      return null;
    }
    const row = await this.rowOf(prefix);
    this.byPrefix.delete(prefix);
    if (this.byPrefix.size >= this.maxCachedKeys) this.byPrefix.delete(this.byPrefix.keys().next().value!);
    this.byPrefix.set(prefix, { row, expires: now + this.cacheTtlMs });
    return principalOf(row, hash);
  }

  private async rowOf(prefix: string): Promise<Row | undefined> {
    this.verifyQueries++;
    const { rows } = await this.pool.query<Row>(
      `SELECT id, tenant, name, role, key_prefix, key_hash, created_at, revoked_at FROM api_keys
       WHERE key_prefix = $1 AND revoked_at IS NULL`,
      [prefix],
    );
    return rows[0];
  }
}

function principalOf(row: Row | undefined, hash: Buffer): Principal | null {
  return row && hashesEqual(row.key_hash, hash)
    ? { keyId: row.id, tenant: row.tenant, name: row.name, role: row.role as Role, prefix: row.key_prefix }
    : null;
}
