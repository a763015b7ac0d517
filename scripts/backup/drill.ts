/**
 * `make dr-drill`: the disaster-recovery drill on the local stack, with the project's own commands.
 *   1. `make up`, the services up, the bundled sample corpus in for tenant dr-drill (through the
 *      collector), an API key of each role and an alert rule; waits until the pipeline is idle
 *   2. records counts (PostgreSQL per table, total and for the tenant; Elasticsearch; registry
 *      schemas; topics; committed group offsets) and three API answers read with a reader key
 *   3. `make backup`, timed, with the folder's size
 *   4. the services down, `make clean-stack` (checked: nothing listening, data gone), `make up`
 *      (checked: a new, empty PostgreSQL, Kafka and Elasticsearch), `make restore`, timed
 *   5. the collector and the API up; every count and API answer compared with step 2
 *   6. N new documents, half before the processor and sinks are started and half after: each must
 *      arrive exactly once in PostgreSQL and Elasticsearch, and the tenant's counts grow by exactly N
 *   7. a table of the timings and sizes (RPO/RTO) and every difference; exit 1 on any
 * It deletes the local stack's data (everything not in the backup is lost), so it is not part of
 * `make test`, whose tests share that stack. A step that fails is reported and the drill goes on
 * where it still can, so one run shows every difference; a failed precondition stops it before
 * anything is deleted. Results also go to backups/dr-drill-<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { loadConfig } from '../../common/config/index';
import { TOPICS, TOPIC_DEFINITIONS } from '../../schemas/topics';
import { ROOT } from '../config-specs';
import type { Manifest } from './backup';
import { backupConfigSpec } from './config';

const config = loadConfig(backupConfigSpec);
const GROUPS = config.groups
  .split(',')
  .map((g) => g.trim())
  .filter(Boolean);
const TENANT = 'dr-drill';
const CORPUS = path.join(ROOT, 'producers/file/sample/reviews.jsonl');
const BACKUPS = path.join(ROOT, 'backups');
const STACK_DATA = path.join(ROOT, 'stack/.data');
const COLLECTOR_URL = `http://127.0.0.1:${process.env.COLLECTOR_HTTP_PORT ?? 8090}`;
const API_URL = `http://127.0.0.1:${process.env.API_PORT ?? 8080}`;
const NEW_DOCUMENTS = Number(process.env.DR_DRILL_NEW_DOCUMENTS ?? 200);
/** How long the pipeline may take to bring documents into both stores. */
const WAIT_MS = Number(process.env.DR_DRILL_WAIT_S ?? 1800) * 1000;
const MINUTE = 60_000;
/** Per command; the first `make up` may download the components. */
const COMMAND_TIMEOUT_MS: Record<string, number> = {
  up: 20 * MINUTE,
  backup: 20 * MINUTE,
  'clean-stack': 5 * MINUTE,
  restore: 30 * MINUTE,
  services: 5 * MINUTE,
};
/** Stores the stack must run from this checkout, so `make clean-stack` really deletes them. */
const STACK_COMPONENTS = ['postgres', 'kafka', 'elasticsearch', 'registry'];
const STACK_PORTS: Record<string, number> = {
  postgres: 5432,
  kafka: 9092,
  elasticsearch: 9200,
  registry: 8081,
};
const WRITERS = ['processor', 'alerts', 'sink-postgres', 'sink-elasticsearch'];
const EDGE = ['collector', 'api'];
/** Range of the summary compared: the corpus's dates, fixed so the answer does not move with the clock. */
const SUMMARY_RANGE = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';

if (!Number.isInteger(NEW_DOCUMENTS) || NEW_DOCUMENTS < 2 || NEW_DOCUMENTS > 10_000)
  throw new Error(
    `DR_DRILL_NEW_DOCUMENTS must be an integer 2..10000, got ${process.env.DR_DRILL_NEW_DOCUMENTS}`,
  );
if (!Number.isFinite(WAIT_MS) || WAIT_MS <= 0)
  throw new Error(`DR_DRILL_WAIT_S must be a positive number, got ${process.env.DR_DRILL_WAIT_S}`);

const started = Date.now();
const log = (line: string): void => {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(5);
  process.stdout.write(`[dr-drill ${t}s] ${line}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A precondition failed: nothing was deleted, the drill stops. */
class Precondition extends Error {}

const differences: string[] = [];
const failures: string[] = [];
/** rto: part of the recovery (after the simulated loss, until the pipeline runs again). */
const timings: Array<{ what: string; seconds: number; rto: boolean }> = [];
let recovering = false;

// ---------------------------------------------------------------------------------------------
// commands

let current: ChildProcess | undefined;
process.on('SIGINT', () => {
  // The command runs in a process group of its own (below); it goes with the drill.
  try {
    if (current?.pid) process.kill(-current.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  process.exit(130);
});

/** Runs a command of the project (its output shown), timed; rejects on a non-zero exit or timeout. */
async function command(what: string, file: string, args: string[], timeoutMs: number): Promise<number> {
  log(`$ ${[file, ...args].join(' ')}`);
  const t0 = Date.now();
  const child = spawn(file, args, { cwd: ROOT, stdio: 'inherit', detached: true });
  current = child;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }, timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    const seconds = (Date.now() - t0) / 1000;
    if (timedOut) throw new Error(`${what}: no result within ${timeoutMs / 1000}s; stopped`);
    if (code !== 0) throw new Error(`${what}: exit code ${code} after ${seconds.toFixed(1)}s (output above)`);
    timings.push({ what, seconds, rto: recovering });
    log(`${what}: ${seconds.toFixed(1)}s`);
    return seconds;
  } finally {
    clearTimeout(timer);
    current = undefined;
  }
}

const make = (target: string, ...vars: string[]) =>
  command(`make ${target}`, 'make', ['--no-print-directory', target, ...vars], COMMAND_TIMEOUT_MS[target]!);
const services = (verb: 'up' | 'down', names: string[] = []) =>
  command(
    `services ${verb}${names.length ? ` (${names.join(', ')})` : ''}`,
    path.join(ROOT, 'stack/services.sh'),
    [verb, ...names],
    COMMAND_TIMEOUT_MS.services!,
  );

/** Polls until check returns true; the error names what was awaited and the last state seen. */
async function waitUntil(what: string, check: () => Promise<boolean | string>, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await check();
      if (r === true) return;
      last = typeof r === 'string' ? r : '';
    } catch (err) {
      last = errorText(err);
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached within ${timeoutMs / 1000}s${last ? ` (last: ${last})` : ''}`);
    await sleep(2000);
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// ---------------------------------------------------------------------------------------------
// stores

async function withDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function withAdmin<T>(fn: (a: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({
    clientId: 'aspect-stream-dr-drill',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

async function http<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: body as T, text };
}

const es = <T = Record<string, unknown>>(url: string, init?: RequestInit) =>
  http<T>(`${config.elasticsearchUrl}${url}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
    socket.on('timeout', () => done(false));
  });
}

/** True when stack/.data/pids/<name>.pid names a live process: it was started by this checkout. */
function ownedByCheckout(name: string): boolean {
  const file = path.join(STACK_DATA, 'pids', `${name}.pid`);
  if (!existsSync(file)) return false;
  try {
    process.kill(Number(readFileSync(file, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// what is recorded and compared

const TABLES: Array<{ table: string; tenantColumn: string | null }> = [
  { table: 'tenants', tenantColumn: 'id' },
  { table: 'api_keys', tenantColumn: 'tenant' },
  { table: 'documents', tenantColumn: 'tenant' },
  { table: 'document_index', tenantColumn: 'tenant' },
  { table: 'aspect_mentions', tenantColumn: 'tenant' },
  { table: 'aspect_rollups_hourly', tenantColumn: 'tenant' },
  { table: 'aspect_rollups_daily', tenantColumn: 'tenant' },
  { table: 'alert_rules', tenantColumn: 'tenant' },
  { table: 'alert_settings', tenantColumn: 'tenant' },
  { table: 'alerts', tenantColumn: 'tenant' },
  { table: 'alert_deliveries', tenantColumn: 'tenant' },
];

interface State {
  /** Compared for equality after the restore. */
  counts: Record<string, number>;
  /** subject + hash of each registered schema, sorted. */
  schemas: string[];
  /** topic -> partitions */
  topics: Record<string, number>;
  /** "group topic/partition" -> committed offset */
  offsets: Record<string, string>;
  /** "topic/partition" -> end offset */
  ends: Record<string, string>;
  api: Record<string, { status: number; body: unknown }>;
  identity: { kafkaCluster: string; elasticsearchCluster: string; postgresSystem: string | null };
  bytes: { postgres: number; elasticsearch: number };
}

async function postgresCounts(): Promise<{
  counts: Record<string, number>;
  bytes: number;
  system: string | null;
}> {
  return withDb(async (db) => {
    const counts: Record<string, number> = {};
    for (const { table, tenantColumn } of TABLES) {
      if (!(await db.query('SELECT to_regclass($1) AS t', [table])).rows[0].t) {
        counts[`postgres ${table} (table missing)`] = 1;
        continue;
      }
      const { rows } = await db.query<{ total: string; tenant: string }>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE ${tenantColumn} = $1) AS tenant FROM ${table}`,
        [TENANT],
      );
      counts[`postgres ${table}`] = Number(rows[0]!.total);
      counts[`postgres ${table} [${TENANT}]`] = Number(rows[0]!.tenant);
    }
    for (const table of ['aspect_rollups_hourly', 'aspect_rollups_daily']) {
      const { rows } = await db.query<{ n: string | null }>(
        `SELECT sum(mention_count) AS n FROM ${table} WHERE tenant = $1`,
        [TENANT],
      );
      counts[`postgres ${table} mention_count [${TENANT}]`] = Number(rows[0]!.n ?? 0);
    }
    const bytes = Number(
      (await db.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n,
    );
    // Identifies the cluster, so a "new" PostgreSQL is told from the old one; readable by any role
    // on the stack's PostgreSQL 15, absent (null) where the server refuses it.
    const system = await db
      .query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')
      .then((r) => r.rows[0]!.id)
      .catch(() => null);
    return { counts, bytes, system };
  });
}

async function elasticsearchCounts(): Promise<{
  counts: Record<string, number>;
  bytes: number;
  cluster: string;
}> {
  const p = config.indexPrefix;
  await es(`/${p}-*/_refresh`, { method: 'POST' });
  const counts: Record<string, number> = {};
  const count = async (index: string, tenant: boolean): Promise<number> => {
    const r = await es<{ count?: number }>(`/${index}/_count`, {
      method: 'POST',
      body: JSON.stringify(tenant ? { query: { term: { tenant: TENANT } } } : { query: { match_all: {} } }),
    });
    if (r.status === 404) return -1; // reported as a difference: the index or alias is missing
    if (r.status !== 200)
      throw new Error(`Elasticsearch count of ${index}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.body.count ?? -1;
  };
  for (const kind of ['documents', 'mentions']) {
    counts[`elasticsearch ${p}-${kind}`] = await count(`${p}-${kind}`, false);
    counts[`elasticsearch ${p}-${kind} [${TENANT}]`] = await count(`${p}-${kind}`, true);
  }
  counts[`elasticsearch ${p}-document-created`] = await count(`${p}-document-created`, false);
  const indices = await es<Array<{ 'store.size': string }>>(
    `/_cat/indices/${p}-*?format=json&bytes=b&h=store.size`,
  );
  const bytes = Array.isArray(indices.body)
    ? indices.body.reduce((n, i) => n + Number(i['store.size'] ?? 0), 0)
    : 0;
  const root = await es<{ cluster_uuid?: string }>('/');
  return { counts, bytes, cluster: root.body.cluster_uuid ?? '?' };
}

async function registrySchemas(): Promise<string[]> {
  const base = config.schemaRegistryUrl;
  const get = async <T>(url: string): Promise<T> => {
    const r = await http<T>(`${base}${url}`);
    if (r.status !== 200) throw new Error(`registry GET ${url}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.body;
  };
  const out: string[] = [];
  for (const subject of await get<string[]>('/subjects')) {
    const s = encodeURIComponent(subject);
    for (const version of await get<number[]>(`/subjects/${s}/versions`)) {
      const { schema } = await get<{ schema: string }>(`/subjects/${s}/versions/${version}`);
      // Version numbers may differ after a restore (make up registers the current schemas first);
      // what must be there is each schema text under its subject.
      let canonical = schema;
      try {
        canonical = JSON.stringify(JSON.parse(schema));
      } catch {
        // not JSON (e.g. protobuf): compared as written
      }
      out.push(`${subject} ${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`);
    }
  }
  return [...new Set(out)].sort();
}

async function kafkaState(): Promise<Pick<State, 'topics' | 'offsets' | 'ends'> & { cluster: string }> {
  return withAdmin(async (admin) => {
    const cluster = (await admin.describeCluster()).clusterId;
    const existing = new Set(await admin.listTopics());
    const names = TOPIC_DEFINITIONS.map((d) => d.name).filter((n) => existing.has(n));
    const topics: Record<string, number> = {};
    const ends: Record<string, string> = {};
    for (const name of names) {
      const parts = await admin.fetchTopicOffsets(name);
      topics[name] = parts.length;
      for (const p of parts) ends[`${name}/${p.partition}`] = p.high;
    }
    const offsets: Record<string, string> = {};
    for (const group of GROUPS) {
      for (const t of await admin.fetchOffsets({ groupId: group })) {
        for (const p of t.partitions)
          if (Number(p.offset) >= 0) offsets[`${group} ${t.topic}/${p.partition}`] = p.offset;
      }
    }
    return { cluster, topics, offsets, ends };
  });
}

interface Drill {
  keys: Record<'ingest' | 'reader' | 'admin', string>;
  documentId: string;
}

async function apiAnswers(d: Drill): Promise<State['api']> {
  const get = async (url: string) => {
    const r = await http(`${API_URL}/v1${url}`, { headers: { 'X-API-Key': d.keys.reader } });
    return { status: r.status, body: r.body };
  };
  return {
    [`GET /v1/aspects/summary?${SUMMARY_RANGE}`]: await get(`/aspects/summary?${SUMMARY_RANGE}`),
    [`GET /v1/documents/${d.documentId}`]: await get(`/documents/${d.documentId}`),
    'GET /v1/search?q=delivery&limit=20': await get('/search?q=delivery&limit=20'),
  };
}

/** Everything compared; the API answers only when the API runs (d given). */
async function record(d: Drill | null): Promise<State> {
  const postgres = await postgresCounts();
  const search = await elasticsearchCounts();
  const kafka = await kafkaState();
  const schemas = await registrySchemas();
  return {
    counts: { ...postgres.counts, ...search.counts, 'registry schemas': schemas.length },
    schemas,
    topics: kafka.topics,
    offsets: kafka.offsets,
    ends: kafka.ends,
    api: d ? await apiAnswers(d) : {},
    identity: {
      kafkaCluster: kafka.cluster,
      elasticsearchCluster: search.cluster,
      postgresSystem: postgres.system,
    },
    bytes: { postgres: postgres.bytes, elasticsearch: search.bytes },
  };
}

/** JSON with object keys sorted, so equal answers compare equal whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** The first path where two JSON values differ, for a readable report. */
function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (canonical(a) === canonical(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${at}/${k}`,
      );
      if (d) return d;
    }
  }
  return `${at || '/'}: ${JSON.stringify(a)?.slice(0, 120)} before, ${JSON.stringify(b)?.slice(0, 120)} after`;
}

function compare(before: State, after: State): void {
  const found = (line: string) => {
    differences.push(line);
    log(`DIFFERENT ${line}`);
  };
  for (const key of new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])) {
    if (before.counts[key] !== after.counts[key])
      found(`${key}: ${before.counts[key] ?? 'absent'} before, ${after.counts[key] ?? 'absent'} after`);
  }
  const missing = before.schemas.filter((s) => !after.schemas.includes(s));
  const extra = after.schemas.filter((s) => !before.schemas.includes(s));
  if (missing.length) found(`registry: schemas missing after the restore: ${missing.join(', ')}`);
  if (extra.length) found(`registry: schemas not in the backup: ${extra.join(', ')}`);
  for (const topic of new Set([...Object.keys(before.topics), ...Object.keys(after.topics)])) {
    if (before.topics[topic] !== after.topics[topic])
      found(
        `topic ${topic}: ${before.topics[topic] ?? 'absent'} partitions before, ${after.topics[topic] ?? 'absent'} after`,
      );
  }
  // A clean Kafka starts with empty topics: restore sets each committed offset to the backed-up
  // one capped at the new end, so consumers resume at the end and not from auto.offset.reset.
  for (const [key, offset] of Object.entries(before.offsets)) {
    const [, topicPartition] = key.split(' ');
    const end = BigInt(after.ends[topicPartition!] ?? '0');
    const expected = String(BigInt(offset) > end ? end : BigInt(offset));
    if (after.offsets[key] !== expected)
      found(
        `committed offset ${key}: ${after.offsets[key] ?? 'none'} after the restore, expected ${expected} (${offset} in the backup, topic end ${end})`,
      );
  }
  for (const [name, answer] of Object.entries(before.api)) {
    const now = after.api[name];
    if (answer.status !== 200) found(`${name}: answered ${answer.status} before the backup`);
    if (now?.status !== answer.status) found(`${name}: status ${answer.status} before, ${now?.status} after`);
    else if (canonical(answer.body) !== canonical(now.body))
      found(`${name}: answers differ at ${firstDifference(answer.body, now.body)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// documents

interface Accepted {
  id: string;
  source_id: string;
}

async function ingest(key: string, documents: object[]): Promise<Accepted[]> {
  const out: Accepted[] = [];
  for (let i = 0; i < documents.length; i += 500) {
    const batch = documents.slice(i, i + 500);
    for (let attempt = 1; ; attempt++) {
      const r = await http<{ accepted?: Accepted[] }>(`${COLLECTOR_URL}/v1/documents`, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ documents: batch }),
      });
      if (r.status === 202 && r.body.accepted) {
        out.push(...r.body.accepted);
        break;
      }
      // 429 and 503 are retriable (rate limit, Kafka not ready yet); the same ids make a resend harmless.
      if ((r.status === 429 || r.status === 503) && attempt < 10) {
        await sleep(1000 * attempt);
        continue;
      }
      throw new Error(`collector answered ${r.status}: ${r.text.slice(0, 500)}`);
    }
  }
  return out;
}

/** The corpus as the collector takes it: its domain goes into metadata. */
function corpus(): object[] {
  return readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const { domain, metadata, ...doc } = JSON.parse(line) as Record<string, unknown> & {
        domain?: string;
        metadata?: Record<string, string>;
      };
      return { ...doc, metadata: { ...metadata, ...(domain ? { domain } : {}) } };
    });
}

/** How many of the ids are in PostgreSQL (rows and distinct ids) and Elasticsearch. */
async function arrived(ids: string[]) {
  const pgCounts = await withDb(async (db) => {
    const { rows } = await db.query<{ rows: string; distinct_ids: string; indexed: string }>(
      `SELECT (SELECT count(*) FROM documents WHERE id = ANY($1::uuid[])) AS rows,
              (SELECT count(DISTINCT id) FROM documents WHERE id = ANY($1::uuid[])) AS distinct_ids,
              (SELECT count(*) FROM document_index WHERE id = ANY($1::uuid[])) AS indexed`,
      [ids],
    );
    return {
      rows: Number(rows[0]!.rows),
      distinct: Number(rows[0]!.distinct_ids),
      index: Number(rows[0]!.indexed),
    };
  });
  await es(`/${config.indexPrefix}-documents/_refresh`, { method: 'POST' });
  const r = await es<{ count?: number }>(`/${config.indexPrefix}-documents/_count`, {
    method: 'POST',
    body: JSON.stringify({ query: { ids: { values: ids } } }),
  });
  if (r.status !== 200) throw new Error(`Elasticsearch count: ${r.status} ${r.text.slice(0, 300)}`);
  return { ...pgCounts, elasticsearch: r.body.count ?? 0 };
}

async function waitArrived(what: string, ids: string[]): Promise<Awaited<ReturnType<typeof arrived>>> {
  let last = await arrived(ids);
  await waitUntil(`${what}: all ${ids.length} documents in PostgreSQL and Elasticsearch`, async () => {
    last = await arrived(ids);
    return (
      (last.distinct >= ids.length && last.elasticsearch >= ids.length) ||
      `PostgreSQL ${last.distinct}/${ids.length}, Elasticsearch ${last.elasticsearch}/${ids.length}`
    );
  });
  return last;
}

/**
 * Idle: the processor has read the raw topic to its end (not transactional, so no markers) and
 * no group's committed offsets moved for 10 seconds.
 */
async function waitIdle(what: string): Promise<void> {
  let previous = '';
  await waitUntil(`${what}: the pipeline idle`, async () => {
    const k = await kafkaState();
    const behind = Object.entries(k.ends)
      .filter(([tp]) => tp.startsWith(`${TOPICS.rawText}/`))
      .filter(([tp, end]) => (k.offsets[`absa-processor ${tp}`] ?? '0') !== end && end !== '0');
    const now = canonical(k.offsets);
    const still = now === previous;
    previous = now;
    if (behind.length) return `processor behind on ${behind.map(([tp]) => tp).join(', ')}`;
    if (!still) return 'committed offsets still moving';
    await sleep(8000);
    return canonical((await kafkaState()).offsets) === now || 'committed offsets still moving';
  });
}

// ---------------------------------------------------------------------------------------------
// the drill

function newBackupFolder(before: Set<string>): string {
  const added = readdirSync(BACKUPS)
    .filter((f) => !before.has(f) && existsSync(path.join(BACKUPS, f, 'manifest.json')))
    .sort();
  if (added.length !== 1)
    throw new Error(
      `make backup: expected one new folder with a manifest under backups/, found ${added.length}`,
    );
  return path.join(BACKUPS, added[0]!);
}

const listBackups = () => new Set(existsSync(BACKUPS) ? readdirSync(BACKUPS) : []);

async function prepare(runId: string): Promise<Drill & { corpusIds: string[] }> {
  log('step 1/7: the stack, the services and the sample corpus');
  await make('up');
  const foreign = STACK_COMPONENTS.filter((c) => !ownedByCheckout(c));
  if (foreign.length)
    throw new Precondition(
      `${foreign.join(', ')} not started by this checkout (no live pid in stack/.data/pids): make clean-stack would not delete ${foreign.length > 1 ? 'them' : 'it'}. Stop the other instance, then run make dr-drill again`,
    );
  // make backup can snapshot Elasticsearch only into a folder under the node's path.repo.
  const nodes = await es<{ nodes?: Record<string, { settings: { path: { repo?: string | string[] } } }> }>(
    '/_nodes/settings?filter_path=nodes.*.settings.path.repo',
  );
  const repos = Object.values(nodes.body.nodes ?? {}).flatMap((n) => [n.settings.path.repo ?? []].flat());
  if (!repos.some((r) => path.resolve(r) === BACKUPS || BACKUPS.startsWith(path.resolve(r) + path.sep)))
    throw new Precondition(
      `Elasticsearch's path.repo (${repos.join(', ') || 'none'}) does not contain ${BACKUPS}, so make backup would skip its snapshot. Restart it with the stack's settings (stack/stack.sh down elasticsearch; make up; its data is kept), then run make dr-drill again`,
    );

  await services('up', [...EDGE, ...WRITERS]);
  const foreignServices = [...EDGE, ...WRITERS].filter((s) => !ownedByCheckout(s));
  if (foreignServices.length)
    throw new Precondition(
      `${foreignServices.join(', ')} answer on their ports but were not started by stack/services.sh of this checkout; the drill could not stop them. Stop them, then run make dr-drill again`,
    );

  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  const keys = {} as Drill['keys'];
  try {
    const store = new ApiKeyStore(pool);
    for (const role of ['ingest', 'reader', 'admin'] as const)
      keys[role] = (await store.create({ tenant: TENANT, name: `drill-${role}-${runId}`, role })).key;
  } finally {
    await pool.end();
  }
  log(`API keys of tenant ${TENANT} created (ingest, reader, admin; names drill-<role>-${runId})`);
  const rule = await http(`${API_URL}/v1/alert-rules`, {
    method: 'POST',
    headers: { 'X-API-Key': keys.admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `drill-${runId}`, detector: 'negative_share', level: 'aspect' }),
  });
  if (rule.status !== 201) throw new Error(`POST /v1/alert-rules answered ${rule.status}: ${rule.text}`);

  const docs = corpus();
  log(`sending the sample corpus (${docs.length} documents) to the collector for tenant ${TENANT}`);
  const accepted = await ingest(keys.ingest, docs);
  const corpusIds = [...new Set(accepted.map((a) => a.id))].sort();
  await waitArrived('the sample corpus', corpusIds);
  await waitIdle('after the corpus');
  log(`the corpus is in PostgreSQL and Elasticsearch (${corpusIds.length} documents); pipeline idle`);
  return { keys, documentId: corpusIds[0]!, corpusIds };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const runId = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const report: Record<string, unknown> = { runId, tenant: TENANT, newDocuments: NEW_DOCUMENTS };
  const reportFile = path.join(BACKUPS, `dr-drill-${runId}.json`);
  try {
    const drill = await prepare(runId);

    log('step 2/7: recording counts, offsets and API answers');
    const before = await record(drill);
    report.before = before;
    for (const [name, a] of Object.entries(before.api))
      if (a.status !== 200)
        throw new Precondition(
          `${name} answered ${a.status} before the backup: ${canonical(a.body).slice(0, 300)}`,
        );
    log(
      `PostgreSQL ${mib(before.bytes.postgres)}, Elasticsearch ${mib(before.bytes.elasticsearch)}; ` +
        `${before.counts['postgres documents']} documents, ${before.counts['postgres aspect_mentions']} mentions in all`,
    );

    log('step 3/7: make backup');
    const existing = listBackups();
    const backupSeconds = await make('backup');
    const dir = newBackupFolder(existing);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    report.backup = { dir, seconds: backupSeconds, manifest };
    if (!('snapshot' in manifest.elasticsearch))
      throw new Precondition(`make backup took no Elasticsearch snapshot: ${manifest.elasticsearch.skipped}`);
    const afterBackup = await record(drill);
    const moved = Object.keys(before.counts).filter((k) => before.counts[k] !== afterBackup.counts[k]);
    if (moved.length || canonical(before.offsets) !== canonical(afterBackup.offsets))
      throw new Precondition(
        `the stack changed while the backup ran (${moved.join(', ') || 'committed offsets'}); nothing was deleted, run make dr-drill again`,
      );
    log(`backup in ${path.relative(ROOT, dir)}: ${mib(manifest.bytes.total ?? 0)}`);

    log('step 4/7: everything down, make clean-stack, make up, make restore');
    await services('down');
    await make('clean-stack');
    recovering = true;
    const listening: string[] = [];
    for (const [name, port] of Object.entries(STACK_PORTS))
      if (await portOpen(port)) listening.push(`${name} :${port}`);
    for (const url of [COLLECTOR_URL, API_URL])
      if (await portOpen(Number(new URL(url).port))) listening.push(url);
    if (listening.length)
      throw new Error(
        `after make clean-stack still listening: ${listening.join(', ')}; the stack was not wiped`,
      );
    if (
      existsSync(path.join(STACK_DATA, 'postgres', 'PG_VERSION')) ||
      existsSync(path.join(STACK_DATA, 'kafka'))
    )
      throw new Error('after make clean-stack the data folders under stack/.data are still there');
    log('nothing listening, stack/.data gone');

    await make('up');
    const fresh = await record(null);
    const leftovers = [
      ...['postgres documents', 'postgres aspect_mentions', 'postgres api_keys', 'postgres alert_rules']
        .filter((k) => fresh.counts[k] !== 0)
        .map((k) => `${k} = ${fresh.counts[k]}`),
      ...[`elasticsearch ${config.indexPrefix}-documents`, `elasticsearch ${config.indexPrefix}-mentions`]
        .filter((k) => (fresh.counts[k] ?? 0) > 0)
        .map((k) => `${k} = ${fresh.counts[k]}`),
      ...Object.entries(fresh.ends)
        .filter(([, end]) => end !== '0')
        .map(([tp, end]) => `Kafka ${tp} ends at ${end}`),
      ...(fresh.identity.kafkaCluster === before.identity.kafkaCluster ? ['the same Kafka cluster id'] : []),
      ...(fresh.identity.elasticsearchCluster === before.identity.elasticsearchCluster
        ? ['the same Elasticsearch cluster uuid']
        : []),
      ...(fresh.identity.postgresSystem !== null &&
      fresh.identity.postgresSystem === before.identity.postgresSystem
        ? ['the same PostgreSQL system identifier']
        : []),
    ];
    if (leftovers.length)
      throw new Error(
        `the stack after make clean-stack + make up is not new and empty: ${leftovers.join('; ')}`,
      );
    log('PostgreSQL, Kafka and Elasticsearch are new and empty');

    let restoreSeconds: number | null = null;
    try {
      restoreSeconds = await make('restore', `BACKUP=${dir}`);
    } catch (err) {
      // Compared anyway below: the report then shows which part of the data came back.
      failures.push(`make restore failed: ${errorText(err)}`);
      log(`FAILED make restore: ${errorText(err)}; comparing what was restored`);
    }

    log('step 5/7: collector and API up, comparing with the recording');
    await services('up', EDGE);
    const after = await record(drill);
    report.after = after;
    compare(before, after);
    log(
      `compared ${Object.keys(before.counts).length} counts, ${before.schemas.length} schemas, ${Object.keys(before.topics).length} topics, ${Object.keys(before.offsets).length} committed offsets, ${Object.keys(before.api).length} API answers`,
    );

    log(`step 6/7: ${NEW_DOCUMENTS} new documents, half of them before the processor and sinks start`);
    const fresh6 = Array.from({ length: NEW_DOCUMENTS }, (_, i) => ({
      source: 'dr-drill',
      source_id: `${runId}-${i}`,
      entity: 'Snapcart',
      text:
        i % 2
          ? 'Delivery was quick and the driver was friendly.'
          : 'The delivery was two hours late and half the order was missing.',
    }));
    const half = Math.floor(NEW_DOCUMENTS / 2);
    const first = await ingest(drill.keys.ingest, fresh6.slice(0, half));
    const t0 = Date.now();
    await services('up', WRITERS);
    recovering = false;
    const second = await ingest(drill.keys.ingest, fresh6.slice(half));
    const ids = [...first, ...second].map((a) => a.id);
    if (new Set(ids).size !== NEW_DOCUMENTS)
      failures.push(
        `the collector accepted ${new Set(ids).size} distinct ids for ${NEW_DOCUMENTS} documents`,
      );
    let got = await arrived(ids);
    try {
      got = await waitArrived('the new documents', ids);
      timings.push({
        what: 'new documents: writers started until all in both stores',
        seconds: (Date.now() - t0) / 1000,
        rto: false,
      });
      await waitIdle('after the new documents');
      got = await arrived(ids);
    } catch (err) {
      failures.push(errorText(err));
    }
    const end = await postgresCounts();
    const endSearch = await elasticsearchCounts();
    const checks: Array<[string, number, number]> = [
      ['new documents in PostgreSQL (rows)', got.rows, NEW_DOCUMENTS],
      ['new documents in PostgreSQL (distinct ids)', got.distinct, NEW_DOCUMENTS],
      ['new documents in document_index', got.index, NEW_DOCUMENTS],
      ['new documents in Elasticsearch', got.elasticsearch, NEW_DOCUMENTS],
      ...(['documents', 'document_index'] as const).map((t): [string, number, number] => [
        `postgres ${t} [${TENANT}]`,
        end.counts[`postgres ${t} [${TENANT}]`]!,
        before.counts[`postgres ${t} [${TENANT}]`]! + NEW_DOCUMENTS,
      ]),
      [
        `elasticsearch ${config.indexPrefix}-documents [${TENANT}]`,
        endSearch.counts[`elasticsearch ${config.indexPrefix}-documents [${TENANT}]`]!,
        before.counts[`elasticsearch ${config.indexPrefix}-documents [${TENANT}]`]! + NEW_DOCUMENTS,
      ],
    ];
    for (const [what, actual, expected] of checks) {
      if (actual !== expected) {
        const line = `${what}: ${actual}, expected ${expected} (${actual > expected ? 'duplicates' : 'gaps'})`;
        differences.push(line);
        log(`DIFFERENT ${line}`);
      }
    }
    report.flow = { ids: ids.length, arrived: got, checks };

    log('step 7/7: results');
    const row = (what: string, value: string) => process.stdout.write(`  ${what.padEnd(58)} ${value}\n`);
    process.stdout.write('\n');
    row('data: PostgreSQL database', mib(before.bytes.postgres));
    row('data: Elasticsearch indices', mib(before.bytes.elasticsearch));
    row(
      'data: documents / mentions (all tenants)',
      `${before.counts['postgres documents']} / ${before.counts['postgres aspect_mentions']}`,
    );
    row('backup folder (make backup)', mib(manifest.bytes.total ?? 0));
    row(
      '  of it postgres.dump / elasticsearch/',
      `${mib(manifest.bytes.postgres ?? 0)} / ${mib(manifest.bytes.elasticsearch ?? 0)}`,
    );
    for (const t of timings) row(`${t.rto ? 'RTO part: ' : ''}${t.what}`, `${t.seconds.toFixed(1)} s`);
    if (restoreSeconds === null) row('RTO part: make restore', 'FAILED');
    const rtoSeconds = timings.filter((t) => t.rto).reduce((n, t) => n + t.seconds, 0);
    row('RTO (empty stack until the pipeline runs on the restored data)', `${rtoSeconds.toFixed(1)} s`);
    row('counts and API answers equal after the restore', differences.length ? 'NO' : 'yes');
    report.timings = timings;
    report.rtoSeconds = rtoSeconds;
  } catch (err) {
    failures.push(errorText(err));
    if (err instanceof Precondition) log(`STOPPED before deleting anything: ${err.message}`);
    else log(`FAILED: ${errorText(err)}`);
  }
  report.differences = differences;
  report.failures = failures;
  try {
    mkdirSync(BACKUPS, { recursive: true });
    writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`report written to ${path.relative(ROOT, reportFile)}`);
  } catch (err) {
    log(`could not write ${reportFile}: ${errorText(err)}`);
  }
  for (const d of differences) process.stdout.write(`  DIFFERENT ${d}\n`);
  for (const f of failures) process.stdout.write(`  FAILED    ${f}\n`);
  const ok = !differences.length && !failures.length;
  process.stdout.write(`\ndr-drill: ${ok ? 'PASSED' : 'FAILED'}\n`);
  process.exit(ok ? 0 : 1);
}

void main();
