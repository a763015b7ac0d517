/**
 * `npm run bench:api`: latency (p50/p99) and requests/s of the read API over the `bench-api` tenant
 * (1,000,002 aspect mentions of 333,334 documents over 28 days, 100,000 of the documents in
 * Elasticsearch; loaded directly by SQL, reused when already there: test/performance/api-data.ts).
 *
 * Starts the real API (`api/main.ts`) as a child process (per-key limit off, LOG_LEVEL=warn), creates
 * a reader key, then drives each scenario with autocannon from this process (same machine, same
 * CPUs): summary and trends at a fixed 200 requests/s (the target: p99 < 50 ms), then every scenario
 * at full speed. Prints a JSON summary and a markdown table for docs/benchmarks.md.
 *
 * Env: BENCH_SECONDS (10 per run), BENCH_CONNECTIONS (20), BENCH_API_DOCS (333334),
 * BENCH_API_ES_DOCS (100000), BENCH_RATE (200).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import { Client } from '@elastic/elasticsearch';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { freePort, startProcess, waitFor } from '../integration/helpers/processes';
import { ASPECTS, BENCH_TENANT, ENTITIES, ensureBenchData } from './api-data';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DOCS = Number(process.env.BENCH_API_DOCS ?? 333_334);
const ES_DOCS = Number(process.env.BENCH_API_ES_DOCS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const DAY = 86_400_000;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const qs = (p: Record<string, string | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined) s.set(k, v);
  return s.toString();
};

interface Scenario {
  name: string;
  what: string;
  path: () => string;
}

interface Row {
  scenario: string;
  mode: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

async function run(url: string, key: string, s: Scenario, rate?: number): Promise<Row> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    headers: { 'X-API-Key': key },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: s.path() }) }],
  });
  return {
    scenario: s.name,
    mode: rate ? `fixed ${rate} req/s` : `max, ${CONNECTIONS} connections`,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const es = new Client({ node: ELASTICSEARCH_URL, requestTimeout: 120_000 });
  const data = await ensureBenchData(db, es, {
    documents: DOCS,
    esDocuments: ES_DOCS,
    alias: 'absa-documents',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const { key } = await new ApiKeyStore(db, 0).create({
    tenant: BENCH_TENANT,
    name: `bench-${randomUUID()}`,
    role: 'reader',
  });
  await db.end();
  await es.close();

  const port = await freePort();
  const api = startProcess('api/main.ts', [], {
    API_PORT: String(port),
    API_OPS_PORT: String(await freePort()), // not 0: the OS could pick the port reserved above
    API_HOST: '127.0.0.1',
    API_RATE_LIMIT_KEY_PER_MIN: '0',
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 60_000, 'the API to be ready');
    const to = data.to;
    const week = new Date(to.getTime() - 7 * DAY).toISOString();
    const all = data.from.toISOString();
    const end = to.toISOString();
    const aspects = ASPECTS.map((a) => a[1]);
    const terms = ASPECTS.map((a) => a[0]);
    const polarities = ['positive', 'negative', 'neutral'];
    const scenarios: Record<string, Scenario> = {
      summary: {
        name: 'summary',
        what: 'GET /v1/aspects/summary, one of 10 entities, last 7 days',
        path: () => `/v1/aspects/summary?${qs({ entity: pick(ENTITIES), from: week, to: end })}`,
      },
      trends: {
        name: 'trends',
        what: 'GET /v1/aspects/trends, one of 12 aspects, all entities, 28 days by day',
        path: () =>
          `/v1/aspects/trends?${qs({ aspect: pick(aspects), interval: 'day', from: all, to: end })}`,
      },
      mentions: {
        name: 'mentions',
        what: 'GET /v1/mentions, one of 12 aspects, half the time with a polarity, last 7 days, 50 per page',
        path: () =>
          `/v1/mentions?${qs({ aspect: pick(aspects), polarity: Math.random() < 0.5 ? pick(polarities) : undefined, from: week, to: end, limit: '50' })}`,
      },
      search: {
        name: 'search',
        what: 'GET /v1/search, one aspect word, half the time with a polarity, 20 per page, highlights + facets',
        path: () =>
          `/v1/search?${qs({ q: pick(terms), polarity: Math.random() < 0.5 ? pick(polarities) : undefined, limit: '20' })}`,
      },
      summaryAll: {
        name: 'summary (all entities, 28 days)',
        what: 'GET /v1/aspects/summary, whole tenant, 28 days (~150,000 rollup rows)',
        path: () => `/v1/aspects/summary?${qs({ from: all, to: end })}`,
      },
    };
    // Warm-up: plans, pools, JIT, Elasticsearch caches.
    for (const s of Object.values(scenarios)) {
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${url}${s.path()}`, { headers: { 'X-API-Key': key } });
        if (!r.ok) throw new Error(`${s.name} warm-up answered ${r.status}: ${await r.text()}`);
      }
    }
    const rows: Row[] = [];
    for (const name of ['summary', 'trends'] as const) {
      rows.push(await run(url, key, scenarios[name]!, RATE));
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
    }
    for (const name of ['summary', 'trends', 'mentions', 'search', 'summaryAll'] as const) {
      rows.push(await run(url, key, scenarios[name]!));
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
    }
    const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${os.loadavg()[0]!.toFixed(1)} at the end`;
    console.log(JSON.stringify({ data, seconds: SECONDS, connections: CONNECTIONS, machine, rows }, null, 2));
    console.log(
      '\n| Scenario | Load | Requests | Requests/s | p50 ms | p99 ms | max ms | non-2xx | errors |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.scenario} | ${r.mode} | ${r.requests} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.max} | ${r.non2xx} | ${r.errors} |`,
      );
    }
    console.log('');
    for (const s of Object.values(scenarios)) console.log(`- ${s.name}: ${s.what}`);
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
