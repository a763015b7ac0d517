/**
 * Hostile input at the two HTTP edges (read API, HTTP collector), on the real express apps with
 * in-memory stores behind their ports: what a caller can make the service spend, and what it answers.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createApiApp, type ApiDeps } from '../../api/app';
import { apiConfigSpec, type ApiConfig } from '../../api/config';
import { write } from '../../api/routes/mentions.routes';
import { encodeCursor } from '../../api/routes/params';
import type { MentionStore, MentionView, SearchIndex } from '../../api/stores';
import type { Principal } from '../../common/apikeys/store';
import { parseConfig, withEnv } from '../../common/config/index';
import { FailureLimiter, RefusalLogSampler } from '../../common/http/limits';
import { createLogger, redactString, silentLogger } from '../../common/logging/index';
import { cachedReadiness, createMetrics, startOpsServer } from '../../common/metrics/index';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { batchSchemaValidator, createHttpCollectorApp } from '../../producers/http/app';
import { httpCollectorConfigSpec } from '../../producers/http/config';
import { collectorOpenApi } from '../../producers/http/openapi';

/** The collector's real configuration with its defaults, the per-key rate limit and per-address limit off. */
const collectorConfig = (env: Record<string, string> = {}) =>
  parseConfig(
    httpCollectorConfigSpec,
    withEnv({ COLLECTOR_HTTP_RATE_LIMIT_RPS: '0', COLLECTOR_HTTP_RATE_LIMIT_IP_PER_MIN: '0', ...env }),
  );

const TENANT = 'edge-a';
const principals: Record<string, Principal> = {
  'key-reader': { keyId: 'k1', tenant: TENANT, name: 'r', role: 'reader', prefix: 'p1' },
  'key-reader-2': { keyId: 'k2', tenant: TENANT, name: 'r2', role: 'reader', prefix: 'p2' },
  'key-analyst': { keyId: 'k3', tenant: TENANT, name: 'a', role: 'analyst', prefix: 'p3' },
  'key-analyst-2': { keyId: 'k4', tenant: TENANT, name: 'a2', role: 'analyst', prefix: 'p4' },
  'key-other': { keyId: 'k5', tenant: 'edge-b', name: 'o', role: 'reader', prefix: 'p5' },
  'key-ingest': { keyId: 'k6', tenant: TENANT, name: 'i', role: 'ingest', prefix: 'p6' },
};

class Keys {
  lookups = 0;
  async verify(key: string): Promise<Principal | null> {
    this.lookups++;
    return principals[key] ?? null;
  }
}

const mention = (i: number): MentionView => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  document_id: '00000000-0000-4000-8000-000000000000',
  term: 'battery',
  from: 0,
  to: 7,
  polarity: 'positive',
  confidence: 0.9,
  category: null,
  normalized: 'battery',
  entity: null,
  source: 's',
  lang: 'en',
  created_at: new Date(1_700_000_000_000 - i).toISOString(),
  sentence: { index: 0, text: `battery ${'x'.repeat(2000)}`, from: 0, to: 2008 },
  highlight: { from: 0, to: 7 },
  opinions: null,
});

/** A store whose aggregate queries wait until the test lets them finish. */
class Store implements MentionStore {
  pages = 0;
  private waiting: Array<() => void> = [];
  hold = false;
  private gate(): Promise<void> {
    return this.hold ? new Promise((r) => this.waiting.push(r)) : Promise.resolve();
  }
  releaseAll(): void {
    for (const r of this.waiting.splice(0)) r();
  }
  get held(): number {
    return this.waiting.length;
  }
  async aspectCounts() {
    await this.gate();
    return [];
  }
  async trend() {
    await this.gate();
    return [];
  }
  async mentions(_t: string, _r: unknown, _f: unknown, _a: unknown, limit: number) {
    await this.gate();
    this.pages++;
    return Array.from({ length: limit }, (_, i) => ({
      mention: mention(i),
      cursor: { createdAt: '2026-01-01T00:00:00.000000Z', id: mention(i).id },
    }));
  }
  async entities() {
    await this.gate();
    return [];
  }
  async document() {
    return undefined;
  }
  async similar() {
    return undefined;
  }
  async sources() {
    return [];
  }
  async ping() {}
}

class Search implements SearchIndex {
  calls = 0;
  async search() {
    this.calls++;
    return { hits: [], total: 0, facets: { aspects: [], categories: [], polarity: [], languages: [] } };
  }
  async sources() {
    return [];
  }
  async ping() {}
}

interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(app: http.RequestListener): Promise<Running> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function apiDeps(overrides: Partial<ApiConfig> = {}, store = new Store(), keys = new Keys()): ApiDeps {
  const config = { ...parseConfig(apiConfigSpec, withEnv({})), ...overrides };
  return {
    config,
    keys,
    keyAdmin: {
      list: async () => [],
      create: async () => {
        throw new Error('not here');
      },
      revoke: async () => false,
    },
    mentions: store,
    search: new Search(),
    logger: silentLogger(),
    metrics: createMetrics('edge-test', { defaultMetrics: false }),
    ready: async () => ({ ready: true, checks: {} }),
  };
}

const get = (url: string, key?: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { ...(key ? { 'X-API-Key': key } : {}), ...(init.headers as object) } });

describe('HTTP edges: hostile input', function () {
  this.timeout(20_000);

  describe('log redaction', () => {
    it('a 16 KB path costs no more than a short one: redaction is linear in the input', () => {
      // The former URL-password regex backtracked over runs of scheme characters: quadratic.
      const hostile = 'a.'.repeat(32 * 1024); // 64 KB; quadratic cost was about 3 s here
      const started = performance.now();
      redactString(hostile);
      redactString(`/${hostile}://x`);
      expect(performance.now() - started).to.be.below(250);
      expect(redactString('see postgres://absa:s3cret@db:5432/absa and x://u:p@h')).to.equal(
        'see postgres://absa:***@db:5432/absa and x://u:***@h',
      );
      expect(redactString('http://host:8080/path@x')).to.equal('http://host:8080/path@x');
    });

    it('writes at most 512 characters of a path to the access log, with the full length', async () => {
      const stream = new PassThrough();
      let out = '';
      stream.on('data', (d: Buffer) => (out += d.toString()));
      const deps = apiDeps();
      const app = await listen(createApiApp({ ...deps, logger: createLogger({ service: 'edge', stream }) }));
      try {
        // 14 KB: Node refuses request heads over 16 KB (431) before any of our code runs.
        const path = `/${'a.'.repeat(7 * 1024)}`;
        expect((await get(`${app.url}${path}`)).status).to.equal(404);
        await new Promise((r) => setTimeout(r, 50));
        const line = JSON.parse(out.trim().split('\n').pop()!) as { url: { path: string }; message: string };
        expect(line.url.path.length).to.be.below(600);
        expect(line.url.path).to.match(/…\(14337 chars\)$/);
        expect(line.message.length).to.be.below(650);
      } finally {
        await app.close();
      }
    });
  });

  describe('per-address limit on failures', () => {
    it('does not count requests in flight or aborted requests: 30 concurrent requests from one address all succeed', async () => {
      const store = new Store();
      store.hold = true;
      const app = await listen(createApiApp(apiDeps({ rateLimitPerIpPerMinute: 5 }, store)));
      try {
        // /v1/mentions: no concurrency limit of its own, so only the per-address limit could refuse.
        const aborts = Array.from({ length: 10 }, () => new AbortController());
        const aborted = aborts.map((c) =>
          get(`${app.url}/v1/mentions?limit=5`, 'key-reader', { signal: c.signal }).catch(() => 'aborted'),
        );
        while (store.held < 10) await new Promise((r) => setTimeout(r, 10));
        for (const c of aborts) c.abort();
        expect(new Set(await Promise.all(aborted))).to.deep.equal(new Set(['aborted']));
        store.releaseAll();
        store.hold = false;
        const statuses = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            get(`${app.url}/v1/mentions?limit=5`, i % 2 ? 'key-reader' : 'key-reader-2').then(
              (r) => r.status,
            ),
          ),
        );
        expect(statuses.filter((s) => s !== 200)).to.deep.equal([]);
      } finally {
        await app.close();
      }
    });

    it('refuses an address with 429 after its failed authentications, even with a valid key, naming the limit', async () => {
      const app = await listen(createApiApp(apiDeps({ rateLimitPerIpPerMinute: 5 })));
      try {
        for (let i = 0; i < 3; i++) expect((await get(`${app.url}/v1/entities`)).status).to.equal(401);
        for (let i = 0; i < 2; i++)
          expect((await get(`${app.url}/v1/entities`, 'bogus')).status).to.equal(401);
        const r = await get(`${app.url}/v1/entities`, 'key-reader');
        expect(r.status).to.equal(429);
        expect(Number(r.headers.get('retry-after'))).to.be.within(1, 60);
        expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(((await r.json()) as { limit: unknown }).limit).to.deep.equal({
          name: 'failures-per-address',
          max: 5,
          window_s: 60,
        });
        expect((await get(`${app.url}/healthz`)).status).to.equal(200);
      } finally {
        await app.close();
      }
    });

    it('counts unknown paths (404) against the address like failed authentications', async () => {
      const app = await listen(createApiApp(apiDeps({ rateLimitPerIpPerMinute: 5 })));
      try {
        for (let i = 0; i < 5; i++) expect((await get(`${app.url}/v1/no-such-${i}`)).status).to.equal(404);
        expect((await get(`${app.url}/wp-admin`)).status).to.equal(429);
        expect((await get(`${app.url}/v1/entities`, 'key-reader')).status).to.equal(429);
      } finally {
        await app.close();
      }
    });

    it('the collector refuses an address after its failed authentications without looking its keys up', async () => {
      const keys = new Keys();
      const app = await listen(
        createHttpCollectorApp({
          config: collectorConfig({
            COLLECTOR_HTTP_MAX_DOCUMENTS: '10',
            COLLECTOR_HTTP_RATE_LIMIT_IP_PER_MIN: '5',
          }),
          keys,
          publisher: { publish: async () => [] },
          logger: silentLogger(),
          metrics: createMetrics('edge-collector', { defaultMetrics: false }),
          ready: async () => ({ ready: true, checks: {} }),
          isShuttingDown: () => false,
        }),
      );
      try {
        const post = (key: string) =>
          fetch(`${app.url}/v1/documents`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'X-API-Key': key },
            body: JSON.stringify({ documents: [{ source: 's', source_id: '1', text: 'hi' }] }),
          });
        for (let i = 0; i < 5; i++) expect((await post(`ask_bogus${i}`)).status).to.equal(401);
        const lookups = keys.lookups;
        const r = await post('ask_bogus-next');
        expect(r.status).to.equal(429);
        expect(((await r.json()) as { limit: { name: string } }).limit.name).to.equal('failures-per-address');
        expect((await post('key-ingest')).status).to.equal(429);
        expect(keys.lookups).to.equal(lookups);
        expect((await fetch(`${app.url}/v1/documents`)).status).to.equal(429);
      } finally {
        await app.close();
      }
    });

    it('keeps its memory bounded however many addresses fail', () => {
      const limiter = new FailureLimiter(3, 60_000, Date.now, 1000);
      for (let i = 0; i < 5000; i++) limiter.record(`10.0.${i >> 8}.${i & 255}`);
      expect(limiter.size).to.be.at.most(1000);
    });

    it("a limited address's refusals are logged once per interval with the count of suppressed lines", async () => {
      const stream = new PassThrough();
      let out = '';
      stream.on('data', (d: Buffer) => (out += d.toString()));
      const deps = apiDeps({ rateLimitPerIpPerMinute: 2 });
      const app = await listen(createApiApp({ ...deps, logger: createLogger({ service: 'edge', stream }) }));
      try {
        for (let i = 0; i < 2; i++) expect((await get(`${app.url}/v1/no-such-${i}`)).status).to.equal(404);
        for (let i = 0; i < 6; i++)
          expect((await get(`${app.url}/v1/entities`, 'bogus')).status).to.equal(429);
        await new Promise((r) => setTimeout(r, 50));
        const lines = out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { event: { action: string }; labels?: { suppressed: number } });
        // One access line per request before the limit; for the six refusals, one line.
        expect(lines.map((l) => l.event.action)).to.deep.equal([
          'http-request',
          'http-request',
          'http-request-refused',
        ]);
        expect(lines[2]).to.deep.include({ client: { address: '127.0.0.1' } });
        expect(lines[2]!.labels).to.deep.equal({ suppressed: 0 });
      } finally {
        await app.close();
      }

      let now = 0;
      const sampler = new RefusalLogSampler(60_000, () => now);
      expect(sampler.take('10.0.0.1')).to.equal(0);
      for (let i = 0; i < 5; i++) expect(sampler.take('10.0.0.1')).to.equal(undefined);
      expect(sampler.take('10.0.0.2')).to.equal(0);
      now = 59_999;
      expect(sampler.take('10.0.0.1')).to.equal(undefined);
      now = 60_000;
      expect(sampler.take('10.0.0.1')).to.equal(6);
      expect(sampler.take('10.0.0.1')).to.equal(undefined);
    });

    it('keeps the refusal log memory bounded however many addresses are refused', () => {
      const sampler = new RefusalLogSampler(60_000, Date.now, 1000);
      for (let i = 0; i < 5000; i++) sampler.take(`10.0.${i >> 8}.${i & 255}`);
      expect(sampler.size).to.equal(1000);
    });

    it('answers a limited address without echoing its path: a 14 KB path gets the same small 429 as a short one', async () => {
      const app = await listen(createApiApp(apiDeps({ rateLimitPerIpPerMinute: 1 })));
      try {
        expect((await get(`${app.url}/v1/no-such`)).status).to.equal(404);
        const long = await get(`${app.url}/${'a.'.repeat(7 * 1024)}`);
        const short = await get(`${app.url}/v1/entities`);
        expect([long.status, short.status]).to.deep.equal([429, 429]);
        const [a, b] = [await long.text(), await short.text()];
        expect(a).to.equal(b);
        expect(a.length).to.be.below(400);
        expect(JSON.parse(a)).to.not.have.property('instance');
        expect(long.headers.get('x-content-type-options')).to.equal('nosniff');
      } finally {
        await app.close();
      }
    });
  });

  describe('health details', () => {
    it('the public /readyz says ready or not and nothing else, and a flood of probes costs one dependency check per refresh', async () => {
      let checks = 0;
      const ready = cachedReadiness(
        [
          {
            name: 'postgres',
            check: async () => {
              checks++;
              throw new Error('password authentication failed for user "absa" at db.internal:5432');
            },
          },
        ],
        60_000,
      );
      const deps = { ...apiDeps(), ready };
      const app = await listen(createApiApp(deps));
      const ops = await startOpsServer(0, { metrics: deps.metrics, ready }, '127.0.0.1');
      try {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () =>
            get(`${app.url}/readyz`).then(async (r) => [r.status, await r.text()]),
          ),
        );
        expect(new Set(answers.map((a) => JSON.stringify(a)))).to.deep.equal(
          new Set([JSON.stringify([503, '{"ready":false}'])]),
        );
        expect(checks).to.equal(1);
        expect((await get(`${app.url}/metrics`)).status).to.equal(404);
        const opsUrl = `http://127.0.0.1:${(ops.address() as AddressInfo).port}`;
        const detailed = (await (await get(`${opsUrl}/readyz`)).json()) as {
          checks: { postgres: { error: string } };
        };
        expect(detailed.checks.postgres.error).to.include('password authentication failed');
        expect((await get(`${opsUrl}/metrics`)).status).to.equal(200);
      } finally {
        ops.closeAllConnections();
        await new Promise((r) => ops.close(r));
        await app.close();
      }
    });
  });

  describe('search cursor', () => {
    it('answers a forged search cursor with 400 naming cursor, never passing it to the search', async () => {
      const deps = apiDeps();
      const app = await listen(createApiApp(deps));
      try {
        for (const forged of [
          ['a', 'b', 'c'],
          [null, 1, 'x'],
          [1, 1e20, '00000000-0000-4000-8000-000000000000'],
          [1, 1.5, '00000000-0000-4000-8000-000000000000'],
          [1, 1, 'not-a-uuid'],
          { t: 1 },
        ]) {
          const r = await get(`${app.url}/v1/search?cursor=${encodeCursor(forged)}`, 'key-reader');
          expect(r.status, JSON.stringify(forged)).to.equal(400);
          const body = (await r.json()) as { errors: Array<{ parameter: string }> };
          expect(body.errors[0]!.parameter).to.equal('cursor');
        }
        expect((deps.search as Search).calls).to.equal(0);
        const ok = encodeCursor([0.42, 1_700_000_000_000, '00000000-0000-4000-8000-000000000000']);
        expect((await get(`${app.url}/v1/search?cursor=${ok}`, 'key-reader')).status).to.equal(200);
      } finally {
        await app.close();
      }
    });
  });

  describe('exports and aggregates: limits per credential and per tenant', () => {
    it('an export write stops waiting when the client hangs up under backpressure', async () => {
      let result: Promise<boolean> | undefined;
      const server = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const chunk = 'x'.repeat(64 * 1024);
        result = (async () => {
          for (;;) if (!(await write(res as never, chunk))) return false;
        })();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      try {
        await new Promise<void>((resolve) => {
          const req = http.get({ port, host: '127.0.0.1', path: '/' }, (res) => {
            res.pause(); // read nothing: the server's buffer fills and write() waits for drain
            setTimeout(() => {
              req.destroy();
              resolve();
            }, 200);
          });
          req.on('error', () => undefined);
        });
        const outcome = await Promise.race([
          result!,
          new Promise((r) => setTimeout(() => r('still waiting'), 3000)),
        ]);
        expect(outcome).to.equal(false);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    });

    it('answers a second export of one credential with 429 naming the limit, and frees the slot when the first is aborted', async () => {
      const app = await listen(createApiApp(apiDeps({ exportConcurrencyPerKey: 1, exportMaxRows: 1e7 })));
      try {
        const first = new AbortController();
        const res = await get(`${app.url}/v1/export/mentions`, 'key-analyst', { signal: first.signal });
        expect(res.status).to.equal(200);
        const second = await get(`${app.url}/v1/export/mentions`, 'key-analyst');
        expect(second.status).to.equal(429);
        expect(second.headers.get('retry-after')).to.match(/^\d+$/);
        expect(((await second.json()) as { limit: unknown }).limit).to.deep.equal({
          name: 'export-concurrency-per-key',
          max: 1,
        });
        first.abort();
        await res.body?.cancel().catch(() => undefined);
        let status = 0;
        for (let i = 0; i < 50 && status !== 200; i++) {
          await new Promise((r) => setTimeout(r, 20));
          const again = await get(`${app.url}/v1/export/mentions`, 'key-analyst', {
            signal: AbortSignal.timeout(8000),
          });
          status = again.status;
          await again.body?.cancel().catch(() => undefined);
        }
        expect(status).to.equal(200);
      } finally {
        await app.close();
      }
    });

    it('runs at most the configured aggregates per tenant at once; other tenants go on', async () => {
      const store = new Store();
      store.hold = true;
      const app = await listen(
        createApiApp(apiDeps({ aggregateConcurrencyPerKey: 2, aggregateConcurrencyPerTenant: 3 }, store)),
      );
      try {
        const running = [
          get(`${app.url}/v1/aspects/summary?lang=en`, 'key-reader'),
          get(`${app.url}/v1/aspects/summary?lang=en`, 'key-reader'),
          get(`${app.url}/v1/aspects/trends`, 'key-reader-2'),
        ];
        while (store.held < 3) await new Promise((r) => setTimeout(r, 10));
        const perKey = await get(`${app.url}/v1/entities`, 'key-reader');
        expect(perKey.status).to.equal(429);
        expect(((await perKey.json()) as { limit: { name: string } }).limit.name).to.equal(
          'aggregate-concurrency-per-key',
        );
        const perTenant = await get(`${app.url}/v1/entities`, 'key-analyst');
        expect(perTenant.status).to.equal(429);
        expect(((await perTenant.json()) as { limit: { name: string; max: number } }).limit).to.deep.equal({
          name: 'aggregate-concurrency-per-tenant',
          max: 3,
        });
        const other = get(`${app.url}/v1/entities`, 'key-other');
        while (store.held < 4) await new Promise((r) => setTimeout(r, 10));
        store.releaseAll();
        expect((await Promise.all([...running, other])).map((r) => r.status)).to.deep.equal([
          200, 200, 200, 200,
        ]);
        store.hold = false;
        expect((await get(`${app.url}/v1/entities`, 'key-analyst')).status).to.equal(200);
      } finally {
        await app.close();
      }
    });
  });

  describe('methods', () => {
    it('answers a method the document does not declare with 405 and Allow, on both edges', async () => {
      const api = await listen(createApiApp(apiDeps()));
      const collector = await listen(
        createHttpCollectorApp({
          config: collectorConfig({ COLLECTOR_HTTP_MAX_DOCUMENTS: '10' }),
          keys: new Keys(),
          publisher: { publish: async () => [] },
          logger: silentLogger(),
          metrics: createMetrics('edge-collector', { defaultMetrics: false }),
          ready: async () => ({ ready: true, checks: {} }),
          isShuttingDown: () => false,
        }),
      );
      try {
        const r = await fetch(`${api.url}/v1/mentions`, { method: 'PUT' });
        expect(r.status).to.equal(405);
        expect(r.headers.get('allow')).to.equal('GET, HEAD');
        const d = await fetch(`${api.url}/v1/admin/keys`, { method: 'PATCH' });
        expect(d.headers.get('allow')).to.equal('GET, POST, HEAD');
        const c = await fetch(`${collector.url}/v1/documents`, { method: 'GET' });
        expect(c.status).to.equal(405);
        expect(c.headers.get('allow')).to.equal('POST');
      } finally {
        await api.close();
        await collector.close();
      }
    });
  });
});

describe('HTTP collector OpenAPI document', () => {
  const doc = collectorOpenApi({ maxDocuments: 1000 });

  it('accepts every example request of its document and answers with bodies its schemas describe', async () => {
    const published: unknown[] = [];
    const app = await listen(
      createHttpCollectorApp({
        config: collectorConfig(),
        keys: new Keys(),
        publisher: {
          publish: async (events) => {
            published.push(...events);
            return [];
          },
        },
        logger: silentLogger(),
        metrics: createMetrics('edge-collector', { defaultMetrics: false }),
        ready: async () => ({ ready: true, checks: {} }),
        isShuttingDown: () => false,
      }),
    );
    const ajv = new Ajv2020({ strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'c', components: doc.components });
    const op = doc.paths['/documents'].post;
    try {
      const served = await (await fetch(`${app.url}/v1/openapi.json`)).json();
      expect(served).to.deep.equal(JSON.parse(JSON.stringify(doc)));
      for (const [name, example] of Object.entries(op.requestBody.content['application/json'].examples)) {
        const r = await fetch(`${app.url}/v1/documents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-API-Key': 'key-ingest' },
          body: JSON.stringify(example.value),
        });
        expect(r.status, name).to.equal(202);
        expect(ajv.validate({ $ref: 'c#/components/schemas/Accepted' }, await r.json())).to.equal(true);
      }
      expect(published).to.have.length(2);
      for (const [status, response] of Object.entries(op.responses)) {
        const content = (response as { content: Record<string, { example: unknown }> }).content;
        const [type, media] = Object.entries(content)[0]!;
        const schema = type === 'application/json' ? 'Accepted' : 'Problem';
        expect(ajv.validate({ $ref: `c#/components/schemas/${schema}` }, media.example), status).to.equal(
          true,
        );
      }
    } finally {
      await app.close();
    }
  });

  it('refuses what its schema refuses, even where the document rules would let it pass', () => {
    const check = batchSchemaValidator(doc);
    const ok = { source: 's', source_id: '1', text: 'fine' };
    expect(check({ documents: [ok] })).to.deep.equal([]);
    expect(check({ documents: [{ ...ok, url: 'http://1.2.3.999/' }] })[0]!.pointer).to.equal(
      '/documents/0/url',
    );
    expect(check({ documents: [{ ...ok, text: '\ufeff' }] })).to.not.deep.equal([]);
  });
});
