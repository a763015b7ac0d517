/**
 * The one aggregate the rollups cannot answer, the summary with `lang`, counts raw mentions. These
 * tests run the real app and the real PgMentionStore over a pool stand-in that hands out a fixed
 * number of connections, as pg's Pool does, and records what each connection ran.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../api/app';
import { apiConfigSpec, type ApiConfig } from '../../api/config';
import { PgMentionStore, rawScanLimits } from '../../api/mention.repository';
import { absolutize, createAjv } from '../../api/openapi/validate';
import type { MentionStore } from '../../api/stores';
import type { Principal } from '../../common/apikeys/store';
import { ConfigError, parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';

const DAY = 86_400_000;
const principals: Record<string, Principal> = Object.fromEntries(
  ['t1', 't2', 't3'].map((t, i) => [
    `key-${t}`,
    { keyId: `k${i}`, tenant: t, name: `reader-${t}`, role: 'reader', prefix: `p${i}` },
  ]),
);

/** Rows of a scan (the raw-mention count) as opposed to the rollup queries. */
const isScan = (sql: string) => /FROM aspect_mentions WHERE/.test(sql) && /GROUP BY/.test(sql);

/** pg.Pool's contract in small: at most `max` connections out, the rest wait for one. */
class FakePool {
  held = 0;
  scansRunning = 0;
  maxScansRunning = 0;
  /** Statements per connection handed out, in order. */
  readonly sessions: Array<{ statements: Array<{ sql: string; params: unknown[] }>; destroyed?: boolean }> =
    [];
  holdScans = false;
  scanError?: Error;
  private readonly waiting: Array<() => void> = [];
  private readonly parked: Array<() => void> = [];

  constructor(readonly max: number) {}

  async connect() {
    while (this.held >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.held++;
    const session: (typeof this.sessions)[number] = { statements: [] };
    this.sessions.push(session);
    let released = false;
    return {
      query: async (sql: string, params: unknown[] = []) => {
        session.statements.push({ sql, params });
        return this.run(sql);
      },
      release: (destroy?: boolean) => {
        if (released) return;
        released = true;
        session.destroyed = destroy === true;
        this.held--;
        this.waiting.shift()?.();
      },
    };
  }

  async query(sql: string, params: unknown[] = []) {
    const client = await this.connect();
    try {
      return await client.query(sql, params);
    } finally {
      client.release();
    }
  }

  get scansParked(): number {
    return this.parked.length;
  }

  releaseScans(): void {
    for (const r of this.parked.splice(0)) r();
  }

  private async run(sql: string) {
    if (isScan(sql)) {
      this.scansRunning++;
      this.maxScansRunning = Math.max(this.maxScansRunning, this.scansRunning);
      try {
        if (this.holdScans) await new Promise<void>((r) => this.parked.push(r));
        if (this.scanError) throw this.scanError;
      } finally {
        this.scansRunning--;
      }
    }
    return { rows: [], rowCount: 0 };
  }
}

function config(env: Record<string, string> = {}, overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    ...parseConfig(apiConfigSpec, withEnv(env)),
    rateLimitPerIpPerMinute: 0,
    rateLimitPerKeyPerMinute: 0,
    ...overrides,
  };
}

async function listen(c: ApiConfig, mentions: MentionStore) {
  const app = createApiApp({
    config: c,
    keys: { verify: async (key: string) => principals[key] ?? null },
    keyAdmin: {
      list: async () => [],
      create: () => Promise.reject(new Error('no')),
      revoke: async () => false,
    },
    mentions,
    search: {
      search: async () => ({
        hits: [],
        total: 0,
        facets: { aspects: [], categories: [], polarity: [], languages: [] },
      }),
      ping: async () => undefined,
    },
    logger: silentLogger(),
    metrics: createMetrics('raw-scan-test', { defaultMetrics: false }),
    ready: async () => ({ ready: true, checks: {} }),
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    get: (path: string, key = 'key-t1') =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        headers: { 'X-API-Key': key },
        signal: AbortSignal.timeout(3000),
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An in-memory store that records the ranges it was asked for. */
function recordingStore() {
  const ranges: Array<{ from: Date; to: Date; lang?: string; source?: string }> = [];
  const store: MentionStore = {
    aspectCounts: async (_t, range, filter) => {
      ranges.push({ ...range, lang: filter.lang, source: filter.source });
      return [];
    },
    trend: async () => [],
    mentions: async () => [],
    entities: async () => [],
    document: async () => undefined,
    similar: async () => undefined,
    sources: async () => [],
    ping: async () => undefined,
  };
  return { store, ranges };
}

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

const isProblem = createAjv().compile(absolutize({ $ref: '#/components/schemas/Problem' }) as object);

/** The body of a problem answer, checked against the document's Problem schema. */
async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  const body = (await res.json()) as Problem;
  expect(isProblem(body), JSON.stringify(isProblem.errors)).to.equal(true);
  return body;
}

interface Problem {
  type: string;
  detail: string;
  errors?: Array<{ parameter: string; reason: string }>;
  limit?: { name: string; max: number };
}

describe('read API: aggregates that scan raw mentions', function () {
  this.timeout(15_000);

  describe('range', () => {
    it('a lang aggregate over a year is refused with 400 naming from, to and lang, and nothing is queried', async () => {
      const { store, ranges } = recordingStore();
      const api = await listen(config(), store);
      try {
        const year = { from: '2025-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
        const res = await api.get(`/v1/aspects/summary?${qs({ ...year, lang: 'en' })}`);
        expect(res.status).to.equal(400);
        const body = await problemOf(res);
        expect(body.errors!.map((e) => e.parameter)).to.deep.equal(['from', 'to', 'lang']);
        expect(body.detail).to.match(/365 days; with lang it may span at most 31/);
        expect(body.errors![2]!.reason).to.match(/rollups carry no language/);
        expect(ranges).to.deep.equal([]);

        // The same year without lang comes from the rollups; exactly the bound with lang is fine.
        expect((await api.get(`/v1/aspects/summary?${qs(year)}`)).status).to.equal(200);
        const bound = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', lang: 'en' };
        expect((await api.get(`/v1/aspects/summary?${qs(bound)}`)).status).to.equal(200);
        expect(ranges.map((r) => r.lang)).to.deep.equal([undefined, 'en']);
      } finally {
        await api.close();
      }
    });

    it('a source filter and the list of sources are bounded the same way, and the 400 names what made the scan raw', async () => {
      const { store, ranges } = recordingStore();
      const api = await listen(config(), store);
      try {
        const year = { from: '2025-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
        const both = await problemOf(
          await api.get(`/v1/aspects/summary?${qs({ ...year, lang: 'en', source: 'app-store' })}`),
        );
        expect(both.errors!.map((e) => e.parameter)).to.deep.equal(['from', 'to', 'lang', 'source']);
        expect(both.detail).to.match(/with lang or source it may span at most 31/);
        const sources = await api.get(`/v1/sources?${qs(year)}`);
        expect(sources.status).to.equal(400);
        expect((await problemOf(sources)).errors!.map((e) => e.parameter)).to.deep.equal(['from', 'to']);
        expect(ranges).to.deep.equal([]);

        const month = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
        expect(
          (await api.get(`/v1/aspects/summary?${qs({ ...month, source: 'app-store' })}`)).status,
        ).to.equal(200);
        expect(ranges.map((r) => r.source)).to.deep.equal(['app-store']);
        expect((await api.get(`/v1/sources?${qs(month)}`)).status).to.equal(200);
        // a source the collector would never accept is refused before any query
        const bad = await api.get(`/v1/aspects/summary?${qs({ ...month, source: '-x y' })}`);
        expect(bad.status).to.equal(400);
        expect((await problemOf(bad)).errors!.map((e) => e.parameter)).to.deep.equal(['source']);
      } finally {
        await api.close();
      }
    });

    it('a lang aggregate without from covers the shorter of the default range and the bound', async () => {
      const { store, ranges } = recordingStore();
      const api = await listen(
        config({ API_DEFAULT_RANGE_DAYS: '90', API_RAW_AGGREGATE_MAX_DAYS: '7' }),
        store,
      );
      try {
        const to = '2026-11-01T00:00:00Z';
        const res = await api.get(`/v1/aspects/summary?${qs({ to, lang: 'de' })}`);
        expect(res.status).to.equal(200);
        expect(((await res.json()) as { from: string }).from).to.equal('2026-10-25T00:00:00.000Z');
        expect((await api.get(`/v1/aspects/summary?${qs({ to })}`)).status).to.equal(200);
        expect(ranges.map((r) => (r.to.getTime() - r.from.getTime()) / DAY)).to.deep.equal([7, 90]);
      } finally {
        await api.close();
      }
    });
  });

  describe('connections', () => {
    it('raw-mention scans across all tenants never hold more than 2 of 4 connections; rollup aggregates still get one', async () => {
      const pool = new FakePool(4);
      pool.holdScans = true;
      const c = config({ PG_POOL_MAX: '4', API_RAW_AGGREGATE_CONCURRENCY: '2' });
      const api = await listen(c, new PgMentionStore(pool as never, rawScanLimits(c)));
      try {
        const summary = `/v1/aspects/summary?${qs({ lang: 'en' })}`;
        const scans = ['t1', 't2', 't3', 't1', 't2', 't3'].map((t) => api.get(summary, `key-${t}`));
        while (pool.scansParked < 2) await new Promise((r) => setTimeout(r, 5));
        // Give the other four every chance to reach the pool before looking.
        await new Promise((r) => setTimeout(r, 100));
        expect(pool.scansRunning).to.equal(2);

        // Every tenant's cheap aggregates find a connection while the scans run.
        for (const t of ['t1', 't2', 't3']) {
          expect((await api.get('/v1/aspects/trends', `key-${t}`)).status).to.equal(200);
          expect((await api.get('/v1/aspects/summary', `key-${t}`)).status).to.equal(200);
        }

        pool.releaseScans();
        const answers = await Promise.all(scans);
        const statuses = answers.map((r) => r.status).sort();
        expect(statuses).to.deep.equal([200, 200, 429, 429, 429, 429]);
        const refused = answers.find((r) => r.status === 429)!;
        expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
        expect((await problemOf(refused)).limit).to.deep.equal({
          name: 'raw-scan-concurrency',
          max: 2,
        });
        expect(pool.maxScansRunning).to.equal(2);

        // The slots came back: the next scan runs.
        pool.holdScans = false;
        expect((await api.get(summary, 'key-t3')).status).to.equal(200);
        expect(pool.held).to.equal(0);
      } finally {
        pool.releaseScans();
        await api.close();
      }
    });

    it('runs a scan in a transaction with its own statement timeout, on one connection', async () => {
      const pool = new FakePool(4);
      const c = config({ API_RAW_AGGREGATE_TIMEOUT_MS: '1500' });
      const api = await listen(c, new PgMentionStore(pool as never, rawScanLimits(c)));
      try {
        expect((await api.get(`/v1/aspects/summary?${qs({ lang: 'en' })}`)).status).to.equal(200);
        const scan = pool.sessions.find((s) => s.statements.some((q) => isScan(q.sql)))!;
        expect(
          scan.statements.map((q) => q.sql.split(/\s+/)[0] + (isScan(q.sql) ? ' scan' : '')),
        ).to.deep.equal(['BEGIN', 'SELECT', 'SELECT scan', 'COMMIT']);
        expect(scan.statements[1]!.sql).to.match(/set_config\('statement_timeout', \$1, true\)/);
        expect(scan.statements[1]!.params).to.deep.equal(['1500']);
        // The rollup path is one plain statement, under the pool's own timeout.
        await api.get('/v1/aspects/summary');
        expect(pool.sessions.at(-1)!.statements.map((q) => q.sql.split(/\s+/)[0])).to.deep.equal(['SELECT']);
      } finally {
        await api.close();
      }
    });

    it('a lang aggregate that outlives its statement timeout gets 503 with Retry-After, not 500, and its connection is rolled back', async () => {
      const pool = new FakePool(4);
      pool.scanError = Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
        severity: 'ERROR',
      });
      const c = config({ API_RAW_AGGREGATE_TIMEOUT_MS: '2000' });
      const api = await listen(c, new PgMentionStore(pool as never, rawScanLimits(c)));
      try {
        const res = await api.get(`/v1/aspects/summary?${qs({ lang: 'en' })}`);
        expect(res.status).to.equal(503);
        expect(res.headers.get('retry-after')).to.match(/^\d+$/);
        const body = await problemOf(res);
        expect(body.type).to.match(/\/query-timeout$/);
        expect(body.detail).to.match(/longer than 2 s/);
        const session = pool.sessions.at(-1)!;
        expect(session.statements.at(-1)!.sql).to.equal('ROLLBACK');
        expect(session.destroyed).to.equal(false);
        expect(pool.held).to.equal(0);

        // Any other failure of the scan is not dressed up as a timeout.
        pool.scanError = Object.assign(new Error('column "x" does not exist'), {
          code: '42703',
          severity: 'ERROR',
        });
        expect((await api.get(`/v1/aspects/summary?${qs({ lang: 'en' })}`)).status).to.equal(500);
      } finally {
        await api.close();
      }
    });
  });

  describe('configuration', () => {
    it('refuses a scan cap that could take the whole pool, naming both variables', () => {
      expect(() => config({ PG_POOL_MAX: '4', API_RAW_AGGREGATE_CONCURRENCY: '4' }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/API_RAW_AGGREGATE_CONCURRENCY.*PG_POOL_MAX/);
    });

    it('takes the pool’s statement timeout for scans when it is the shorter one', () => {
      expect(rawScanLimits(config({ PG_STATEMENT_TIMEOUT_MS: '800' })).timeoutMs).to.equal(800);
      expect(rawScanLimits(config({ PG_STATEMENT_TIMEOUT_MS: '0' })).timeoutMs).to.equal(5000);
      expect(rawScanLimits(config()).maxConcurrent).to.equal(3);
    });
  });
});
