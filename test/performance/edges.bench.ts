/**
 * `npm run bench:edges`: what hostile requests cost a normal client of the read API.
 *
 * Starts the real API (`api/main.ts`, the default configuration: per-address failure limit, per-key
 * rate and concurrency limits on, access log at info into /dev/null) over the `bench-api` tenant of
 * `bench:api` (loaded by SQL when missing: test/performance/api-data.ts), with a reader key for the
 * normal client and an analyst key for the hostile one.
 *
 * The normal client sends `GET /v1/mentions` (one of 12 aspects, last 7 days, 50 per page) from
 * 127.0.0.1 at a fixed rate, open loop: each request's latency runs from the moment it was due, so
 * a server that stalls is not hidden by a client that waits. Two phases of BENCH_SECONDS each:
 * quiet, then while a hostile client in a second process, from 127.0.0.2 (its own address, so the
 * per-address failure limit falls on it and not on the normal client), sends as fast as its
 * connections allow, in turn:
 *  - long paths: `GET /v1/a.a.a.…`, as long as Node takes with the headers sent (its request-head
 *    limit is 16 KiB), no credentials;
 *  - bogus keys: `GET /v1/mentions` with a well-formed key nobody issued;
 *  - aborted exports: `GET /v1/export/mentions` with the analyst key, the connection cut after the
 *    first bytes of the stream.
 * The aim (hostile-input issue): the normal p99 under hostile load within 2× of the quiet p99.
 *
 * Prints a table, then one JSON object as its last line. Needs the local stack (PostgreSQL,
 * Elasticsearch). Env: BENCH_SECONDS (20 per phase), BENCH_EDGES_RATE (20 normal requests/s, at
 * most 20: both phases stay under the per-key default of 1,200 requests a minute),
 * BENCH_EDGES_HOSTILE_CONNECTIONS (16), BENCH_EDGES_IP_LIMIT (the API's API_RATE_LIMIT_IP_PER_MIN;
 * 0 shows what the requests cost without the per-address limit), BENCH_API_DOCS and
 * BENCH_API_ES_DOCS (as bench:api).
 *
 * `--hostile` runs this file as the hostile client (the benchmark starts it so; not for direct use).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@elastic/elasticsearch';
import pg from 'pg';
import { generateApiKey } from '../../common/apikeys/keys';
import { apiConfigSpec } from '../../api/config';
import { ApiKeyStore } from '../../common/apikeys/store';
import { freePort, REPO, waitFor } from '../integration/helpers/processes';
import { ASPECTS, BENCH_TENANT, ensureBenchData } from './api-data';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_EDGES_RATE ?? 20);
const HOSTILE_CONNECTIONS = Number(process.env.BENCH_EDGES_HOSTILE_CONNECTIONS ?? 16);
const IP_LIMIT = process.env.BENCH_EDGES_IP_LIMIT;
const DOCS = Number(process.env.BENCH_API_DOCS ?? 333_334);
const ES_DOCS = Number(process.env.BENCH_API_ES_DOCS ?? 100_000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const NORMAL_ADDRESS = '127.0.0.1';
const HOSTILE_ADDRESS = '127.0.0.2';
const DAY = 86_400_000;
/** Node refuses request heads over 16 KiB (431) before the app sees them; leave room for the headers. */
const LONG_PATH = `/v1/${'a.'.repeat((16 * 1024 - 640) / 2)}`;
/** Stop waiting for any one request after this long; counted as an error. */
const REQUEST_TIMEOUT_MS = 30_000;
const NODE_ARGS = ['--import', 'tsx'];

const KINDS = ['long_path', 'bogus_key', 'aborted_export'] as const;
type Kind = (typeof KINDS)[number];

const log = (line: string): void => void process.stderr.write(`[edges] ${line}\n`);

// ---- requests -------------------------------------------------------------------------------

interface Target {
  host: string;
  port: number;
}

/** One GET read to the end (or cut after its first bytes with `abortAfterFirstBytes`); its status. */
function get(
  target: Target,
  options: {
    path: string;
    headers?: Record<string, string>;
    agent: http.Agent;
    localAddress: string;
    abortAfterFirstBytes?: boolean;
  },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: target.host,
        port: target.port,
        path: options.path,
        headers: options.headers,
        agent: options.agent,
        localAddress: options.localAddress,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (options.abortAfterFirstBytes && status === 200) {
          res.once('data', () => {
            req.destroy();
            resolve(status);
          });
          res.once('end', () => resolve(status));
          return;
        }
        res.resume();
        res.once('end', () => resolve(status));
        res.on('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

// ---- the hostile client (child process) -----------------------------------------------------

/** Sends the three kinds in turn on HOSTILE_CONNECTIONS connections until SIGTERM; prints its counts. */
async function hostileClient(): Promise<void> {
  const target = JSON.parse(process.env.BENCH_EDGES_TARGET ?? '{}') as Target;
  const analystKey = process.env.BENCH_EDGES_ANALYST_KEY ?? '';
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: HOSTILE_CONNECTIONS });
  // An aborted export kills its connection: a fresh one each time.
  const fresh = new http.Agent({ keepAlive: false });
  const sent: Record<Kind, number> = { long_path: 0, bogus_key: 0, aborted_export: 0 };
  const answers: Record<Kind, Record<string, number>> = { long_path: {}, bogus_key: {}, aborted_export: {} };
  const started = performance.now();
  let turn = 0;
  const once = (kind: Kind): Promise<number> => {
    switch (kind) {
      case 'long_path':
        return get(target, { path: LONG_PATH, agent: keepAlive, localAddress: HOSTILE_ADDRESS });
      case 'bogus_key':
        return get(target, {
          path: '/v1/mentions?limit=50',
          headers: { 'X-API-Key': generateApiKey().key },
          agent: keepAlive,
          localAddress: HOSTILE_ADDRESS,
        });
      case 'aborted_export':
        return get(target, {
          path: '/v1/export/mentions?format=ndjson',
          headers: { 'X-API-Key': analystKey },
          agent: fresh,
          localAddress: HOSTILE_ADDRESS,
          abortAfterFirstBytes: true,
        });
    }
  };
  const worker = async (): Promise<void> => {
    while (!stopping) {
      const kind = KINDS[turn++ % KINDS.length]!;
      sent[kind]++;
      let answer: string;
      try {
        answer = String(await once(kind));
      } catch {
        answer = 'error';
      }
      answers[kind][answer] = (answers[kind][answer] ?? 0) + 1;
    }
  };
  const workers = Array.from({ length: HOSTILE_CONNECTIONS }, () => worker());
  process.stdout.write('started\n');
  await Promise.all(workers);
  keepAlive.destroy();
  fresh.destroy();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, sent, answers })}\n`);
}

// ---- the normal client ----------------------------------------------------------------------

interface Phase {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  non200: number;
  errors: number;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const ms = (x: number): number => Math.round(x * 10) / 10;

/** RATE requests a second for SECONDS, open loop; latency from when each request was due. */
async function normalPhase(target: Target, key: string, path: () => string): Promise<Phase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let non200 = 0;
  let errors = 0;
  const pending: Array<Promise<void>> = [];
  const total = Math.round(SECONDS * RATE);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      get(target, { path: path(), headers: { 'X-API-Key': key }, agent, localAddress: NORMAL_ADDRESS }).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status !== 200) non200++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    p50: ms(percentile(latencies, 50)),
    p99: ms(percentile(latencies, 99)),
    max: ms(latencies[latencies.length - 1] ?? NaN),
    non200,
    errors,
  };
}

// ---- processes ------------------------------------------------------------------------------

/** A child running one of this repository's entry points; stderr kept (the tail), stdout as asked. */
function start(script: string, args: string[], env: Record<string, string>, keepStdout: boolean) {
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    // The API's access log goes to /dev/null: written (its cost is measured), not kept.
    stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function stop(p: ReturnType<typeof start>, what: string): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  const code = await Promise.race([
    p.exited,
    sleep(REQUEST_TIMEOUT_MS + 5000).then(() => 'timeout' as const),
  ]);
  if (code === 'timeout') {
    p.child.kill('SIGKILL');
    throw new Error(`${what} did not stop after SIGTERM`);
  }
}

// ---- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!(RATE > 0 && RATE <= 20))
    throw new Error('BENCH_EDGES_RATE must be between 1 and 20 (see the header)');
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const es = new Client({ node: ELASTICSEARCH_URL, requestTimeout: 120_000 });
  const data = await ensureBenchData(db, es, {
    documents: DOCS,
    esDocuments: ES_DOCS,
    alias: 'absa-documents',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const keys = new ApiKeyStore(db, 0);
  const reader = await keys.create({ tenant: BENCH_TENANT, name: `edges-${randomUUID()}`, role: 'reader' });
  const analyst = await keys.create({ tenant: BENCH_TENANT, name: `edges-${randomUUID()}`, role: 'analyst' });
  await db.end();
  await es.close();

  const port = await freePort();
  const target: Target = { host: '127.0.0.1', port };
  const api = start(
    'api/main.ts',
    [],
    {
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      API_OPS_PORT: String(await freePort()), // not 0: the OS could pick the port reserved above
      ...(IP_LIMIT !== undefined ? { API_RATE_LIMIT_IP_PER_MIN: IP_LIMIT } : {}),
    },
    false,
  );
  let hostile: ReturnType<typeof start> | undefined;
  try {
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
      60_000,
      'the API to be ready',
    );
    // Both addresses must work: Linux routes all of 127.0.0.0/8 to loopback, other systems may not.
    const probe = new http.Agent({ keepAlive: false });
    await get(target, { path: '/healthz', agent: probe, localAddress: HOSTILE_ADDRESS }).catch(
      (err: unknown) => {
        throw new Error(
          `cannot send from ${HOSTILE_ADDRESS} (needed for the hostile client): ${String(err)}`,
        );
      },
    );

    const week = new Date(data.to.getTime() - 7 * DAY).toISOString();
    const end = data.to.toISOString();
    const aspects = ASPECTS.map((a) => a[1]);
    const path = () =>
      `/v1/mentions?${new URLSearchParams({ aspect: aspects[Math.floor(Math.random() * aspects.length)]!, from: week, to: end, limit: '50' })}`;
    const warm = new http.Agent({ keepAlive: true });
    for (let i = 0; i < 40; i++) {
      const status = await get(target, {
        path: path(),
        headers: { 'X-API-Key': reader.key },
        agent: warm,
        localAddress: NORMAL_ADDRESS,
      });
      if (status !== 200) throw new Error(`warm-up answered ${status}`);
    }
    warm.destroy();

    log(`quiet: ${RATE} req/s for ${SECONDS} s`);
    const quiet = await normalPhase(target, reader.key, path);
    log(`quiet: ${JSON.stringify(quiet)}`);

    hostile = start(
      'test/performance/edges.bench.ts',
      ['--hostile'],
      {
        BENCH_EDGES_TARGET: JSON.stringify(target),
        BENCH_EDGES_ANALYST_KEY: analyst.key,
        BENCH_EDGES_HOSTILE_CONNECTIONS: String(HOSTILE_CONNECTIONS),
      },
      true,
    );
    const h = hostile;
    await waitFor(
      async () => h.stdout().includes('started\n') || h.child.exitCode !== null,
      60_000,
      'the hostile client',
    );
    if (h.child.exitCode !== null) throw new Error(`the hostile client exited: ${h.stderr()}`);
    await sleep(1000); // its connections are open and busy
    log(`hostile: ${RATE} req/s for ${SECONDS} s while ${HOSTILE_CONNECTIONS} hostile connections send`);
    const underLoad = await normalPhase(target, reader.key, path);
    log(`hostile: ${JSON.stringify(underLoad)}`);
    await stop(h, 'the hostile client');
    const report = JSON.parse(h.stdout().trim().split('\n').pop() ?? '{}') as {
      seconds: number;
      sent: Record<Kind, number>;
      answers: Record<Kind, Record<string, number>>;
    };
    if (!report.sent) throw new Error(`the hostile client printed no counts: ${h.stderr()}`);
    const hostileTotal = KINDS.reduce((n, k) => n + report.sent[k], 0);
    const ratio = Math.round((underLoad.p99 / quiet.p99) * 100) / 100;

    const answerText = (k: Kind) =>
      Object.entries(report.answers[k])
        .sort((a, b) => b[1] - a[1])
        .map(([status, n]) => `${status} × ${n}`)
        .join(', ');
    console.log('| Phase | Normal requests | p50 ms | p99 ms | max ms | non-200 | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, p] of [
      ['quiet', quiet],
      ['hostile', underLoad],
    ] as const) {
      console.log(`| ${name} | ${p.requests} | ${p.p50} | ${p.p99} | ${p.max} | ${p.non200} | ${p.errors} |`);
    }
    console.log('');
    console.log('| Hostile kind | Sent | Answers |');
    console.log('|---|---:|---|');
    for (const k of KINDS) console.log(`| ${k} | ${report.sent[k]} | ${answerText(k)} |`);
    console.log('');
    console.log(
      `Normal p99 under hostile load ÷ quiet p99: ${ratio} (aim ≤ 2); hostile requests/s: ${Math.round(hostileTotal / report.seconds)}`,
    );
    const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${os.loadavg()[0]!.toFixed(1)} at the end`;
    console.log(
      JSON.stringify({
        machine,
        seconds_per_phase: SECONDS,
        normal_rate: RATE,
        normal_request: 'GET /v1/mentions, one of 12 aspects, last 7 days, 50 per page',
        hostile_connections: HOSTILE_CONNECTIONS,
        ip_limit_per_min: Number(IP_LIMIT ?? apiConfigSpec.vars.rateLimitPerIpPerMinute.default),
        long_path_chars: LONG_PATH.length,
        quiet,
        hostile: underLoad,
        quiet_p50_ms: quiet.p50,
        quiet_p99_ms: quiet.p99,
        hostile_p50_ms: underLoad.p50,
        hostile_p99_ms: underLoad.p99,
        ratio_p99: ratio,
        met: ratio <= 2 && underLoad.non200 === 0 && underLoad.errors === 0,
        hostile_sent: report.sent,
        hostile_answers: report.answers,
        hostile_requests_per_second: Math.round(hostileTotal / report.seconds),
      }),
    );
  } catch (err) {
    log(`API stderr (tail): ${api.stderr()}`);
    throw err;
  } finally {
    if (hostile) await stop(hostile, 'the hostile client').catch(() => undefined);
    await stop(api, 'the API');
  }
}

const entry = process.argv.includes('--hostile') ? hostileClient : main;
entry().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
