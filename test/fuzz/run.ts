/**
 * `make test-fuzz`: schemathesis against both OpenAPI documents, on services this script starts
 * itself (the real entry points, on free ports, against the local stack) with keys of a tenant of
 * its own. A fixed seed and a bounded number of cases per operation; every check on. Fails on any
 * 5xx, any response that violates its schema, any schema-valid request refused, or any check failure.
 *
 * Rate limits are off for the run (FUZZ: the fuzzer sends thousands of requests from one address and
 * would otherwise test the limiter); the limits have their own tests. Writes the per-operation case
 * counts to test/fuzz/out/<edge>.json and prints them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { freePort, REPO, startProcess, waitFor, type Started } from '../integration/helpers/processes';

const VENV = path.join(REPO, 'test/fuzz/.venv/bin/schemathesis');
const OUT = path.join(REPO, 'test/fuzz/out');
const SEED = process.env.FUZZ_SEED ?? '20261203';
const CASES = process.env.FUZZ_CASES ?? '200';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

interface Edge {
  name: string;
  script: string;
  env: (port: number, opsPort: number) => Record<string, string>;
  role: 'admin' | 'ingest';
}

const EDGES: Edge[] = [
  {
    name: 'api',
    script: 'api/main.ts',
    role: 'admin',
    env: (port, opsPort) => ({
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      API_OPS_HOST: '127.0.0.1',
      API_OPS_PORT: String(opsPort),
      API_RATE_LIMIT_IP_PER_MIN: '0',
      API_RATE_LIMIT_KEY_PER_MIN: '0',
    }),
  },
  {
    name: 'collector',
    script: 'producers/http/main.ts',
    role: 'ingest',
    env: (port, opsPort) => ({
      COLLECTOR_HTTP_HOST: '127.0.0.1',
      COLLECTOR_HTTP_PORT: String(port),
      COLLECTOR_HTTP_OPS_HOST: '127.0.0.1',
      COLLECTOR_HTTP_OPS_PORT: String(opsPort),
      COLLECTOR_HTTP_RATE_LIMIT_IP_PER_MIN: '0',
      COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
    }),
  },
];

/** Test cases per operation from schemathesis's NDJSON event stream. */
function casesPerOperation(ndjson: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    const finished = event.ScenarioFinished as
      { label?: string; recorder?: { label?: string; cases?: Record<string, unknown> } } | undefined;
    if (!finished?.recorder) continue;
    const label = finished.recorder.label ?? finished.label ?? '?';
    counts[label] = (counts[label] ?? 0) + Object.keys(finished.recorder.cases ?? {}).length;
  }
  return counts;
}

/** Starts one edge, fuzzes it, writes its counts; resolves to schemathesis's exit status. */
async function fuzz(edge: Edge, key: string, started: Started[]): Promise<number | null> {
  const port = await freePort();
  const opsPort = await freePort();
  const proc = startProcess(edge.script, [], { LOG_LEVEL: 'error', ...edge.env(port, opsPort) });
  started.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 60_000, `${edge.name} /readyz`);
  const ndjson = path.join(OUT, `${edge.name}.ndjson`);
  const t0 = performance.now();
  const child = spawn(
    VENV,
    [
      'run',
      `${url}/v1/openapi.json`,
      '--checks',
      'all',
      '--mode',
      'all',
      '--seed',
      SEED,
      '--max-examples',
      CASES,
      '--generation-database',
      'none',
      '--no-color',
      '--header',
      `X-API-Key: ${key}`,
      '--report',
      'ndjson',
      '--report-ndjson-path',
      ndjson,
    ],
    {
      cwd: path.join(REPO, 'test/fuzz'),
      env: { ...process.env, SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: path.join(REPO, 'test/fuzz') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - t0) / 1000;
  let counts: Record<string, number> = {};
  try {
    counts = casesPerOperation(readFileSync(ndjson, 'utf8'));
  } catch {
    // no report: the run itself failed, reported below
  }
  writeFileSync(
    path.join(OUT, `${edge.name}.json`),
    `${JSON.stringify({ edge: edge.name, seed: SEED, maxExamples: Number(CASES), seconds, exit: status, cases: counts }, null, 2)}\n`,
  );
  // Schemathesis closes with a pytest-style line ("3 warnings in 61.84s") that log readers take for a
  // run of zero tests, so its output goes to a file and is printed only when it failed.
  const log = path.join(OUT, `${edge.name}.log`);
  writeFileSync(log, output);
  const lines = [
    `\n[fuzz] ===== ${edge.name} =====`,
    ...(status === 0 ? [] : [output]),
    `[fuzz] ${edge.name}: exit ${status} in ${seconds.toFixed(0)} s (output: ${path.relative(REPO, log)}); cases per operation:`,
  ];
  for (const [op, n] of Object.entries(counts)) lines.push(`[fuzz]   ${op}: ${n}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return status;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const tenant = `fuzz-${Date.now().toString(36)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const store = new ApiKeyStore(pool, 0);
  const started: Started[] = [];
  let statuses: Array<number | null> = [];
  try {
    const keys: string[] = [];
    for (const edge of EDGES)
      keys.push((await store.create({ tenant, name: `fuzz-${edge.name}`, role: edge.role })).key);
    // Both edges at once: the run is bound by the fuzzer's generation, one process per edge.
    statuses = await Promise.all(EDGES.map((edge, i) => fuzz(edge, keys[i]!, started)));
  } finally {
    for (const p of started) p.child.kill('SIGTERM');
    await Promise.all(started.map((p) => p.exited));
    await pool.end();
  }
  if (statuses.some((s) => s !== 0)) {
    process.stderr.write('[fuzz] schemathesis found failures (see above)\n');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[fuzz] ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
