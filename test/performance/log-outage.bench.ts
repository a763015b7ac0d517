/**
 * `npm run -s bench:log-outage`: do the services keep their pace while Elasticsearch is away from
 * the log shipper, and is every log line written meanwhile in Elasticsearch afterwards?
 *
 * Starts the HTTP collector, the ABSA processor and the PostgreSQL sink as processes, each writing
 * its ECS lines to `<dir>/<service>.log` as the stack does, and the log shipper tailing those files
 * into an alias of its own (`bench-log-outage-<run>`). The shipper reaches Elasticsearch through the
 * fault-injecting proxy (test/integration/helpers/fault-proxy.ts), so "Elasticsearch stopped" is
 * the proxy refusing every connection for the outage: the shared node keeps serving everything else.
 * The Elasticsearch sink is not part of this: it needs Elasticsearch by nature.
 *
 * A client posts one document per request at BENCH_LOG_OUTAGE_RATE documents/s (40, about half of
 * what the processor handles on this machine), open loop, through three phases of
 * BENCH_LOG_OUTAGE_SECONDS (60) each after a warm-up: before, Elasticsearch unreachable, after.
 * Per phase: the collector's 202 answers per second, and documents per second arriving in
 * PostgreSQL (processor and sink together). The aim (observability issue): both within 10 % of the
 * phase before the outage. Then the log lines that landed in the three services' files during the
 * outage are looked up by their document ids (file, inode, generation, byte offset, as the shipper
 * derives them) in the alias: lost = not found, to be compared with the shipper's drop count.
 *
 * The consumers run in groups of their own starting at their topics' ends; the documents stay in
 * PostgreSQL under the tenant `bench-log-outage-<run>`. Prints a table, then one JSON object as its
 * last line. Needs the local stack. Env: BENCH_LOG_OUTAGE_RATE, BENCH_LOG_OUTAGE_SECONDS,
 * BENCH_LOG_OUTAGE_WARMUP_SECONDS (30).
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { documentId } from '../../monitoring/log-shipper/documents';
import { TOPICS } from '../../schemas/topics';
import { FaultProxy, deleteIndices, freePortIn } from '../integration/helpers/fault-proxy';
import { startProcess, waitFor, type Started } from '../integration/helpers/processes';
import { startGroupAtEnd, testKafka } from '../integration/sinks-fixtures';

const RATE = Number(process.env.BENCH_LOG_OUTAGE_RATE ?? 40);
const PHASE_S = Number(process.env.BENCH_LOG_OUTAGE_SECONDS ?? 60);
const WARMUP_S = Number(process.env.BENCH_LOG_OUTAGE_WARMUP_SECONDS ?? 30);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
/** The services whose log files the shipper tails here (file name without `.log`). */
const LOGGED = ['collector', 'processor', 'sink-postgres'] as const;
const PHASES = ['before', 'outage', 'after'] as const;
type Phase = (typeof PHASES)[number];
const TEXTS = [
  'The battery lasts all day and the screen is bright.',
  'Delivery was late again and the driver was rude.',
  'Great coffee, but the service was painfully slow.',
  'The app crashes every time I open the camera.',
  'Friendly staff and a clean room, the breakfast was average.',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

const run = `b${Date.now().toString(36)}`;
const tenant = `bench-log-outage-${run}`;
const alias = `bench-log-outage-${run}`;
const groups = {
  processor: `bench-log-outage-${run}-processor`,
  postgres: `bench-log-outage-${run}-sink-postgres`,
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'log-outage-bench-'));
const es = new Client({ node: ELASTICSEARCH_URL.origin, maxRetries: 0, requestTimeout: 30_000 });
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const services = new Map<string, Started>();
const logs: WriteStream[] = [];
let proxy: FaultProxy | undefined;

/** Starts a service; `log` names the file its stdout goes to, as stack/services.sh does. */
async function start(name: string, script: string, env: Record<string, string>, probe: string, log?: string) {
  const service = startProcess(script, [], { LOG_LEVEL: 'info', ...env });
  if (log) {
    const file = createWriteStream(path.join(dir, `${log}.log`));
    logs.push(file);
    service.child.stdout!.pipe(file);
  }
  services.set(name, service);
  await waitFor(
    async () => (await fetch(probe)).ok,
    180_000,
    `${name} ${probe} (output: ${service.output().slice(-500)})`,
  );
}

const documentsInPostgres = async (): Promise<number> =>
  Number((await pool.query('SELECT count(*) AS n FROM documents WHERE tenant = $1', [tenant])).rows[0].n);

/** Line starts in [from, to) of a log file, as the shipper's tailer cuts it (blank lines skipped). */
function linesIn(file: string, from: number, to: number): number[] {
  const bytes = readFileSync(file);
  const starts: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) break; // a line still being written is not shipped yet either
    if (at >= from && at < to && bytes.subarray(at, nl).toString().trim() !== '') starts.push(at);
    at = nl + 1;
  }
  return starts;
}

/** How many of the ids are in the alias, as themselves or as the shipper's plain-text fallback. */
async function foundInAlias(ids: string[]): Promise<number> {
  await es.indices.refresh({ index: alias });
  let found = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    const res = await es.search({
      index: alias,
      size: 0,
      track_total_hits: true,
      query: { ids: { values: [...batch, ...batch.map((id) => `${id}-fallback`)] } },
    });
    found += typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  }
  return found;
}

async function shipperDropped(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('absa_log_shipper_lines_total{') && l.includes('outcome="dropped"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function main(): Promise<Record<string, unknown>> {
  const { key } = await new ApiKeyStore(pool, 0).create({ tenant, name: `bench-${run}`, role: 'ingest' });
  const admin = testKafka().admin();
  await admin.connect();
  await startGroupAtEnd(admin, groups.processor, TOPICS.rawText);
  await startGroupAtEnd(admin, groups.postgres, TOPICS.documents);
  await admin.disconnect();

  proxy = await FaultProxy.start(
    { host: ELASTICSEARCH_URL.hostname, port: Number(ELASTICSEARCH_URL.port || 9200) },
    28100,
    28499,
  );
  const port = () => freePortIn(28500, 28899);
  const ports = {
    collector: await port(),
    processor: await port(),
    postgres: await port(),
    shipper: await port(),
  };
  const collector = `http://127.0.0.1:${ports.collector}`;
  await Promise.all([
    start(
      'collector-http',
      'producers/http/main.ts',
      {
        COLLECTOR_HTTP_PORT: String(ports.collector),
        COLLECTOR_HTTP_HOST: '127.0.0.1',
        COLLECTOR_HTTP_OPS_PORT: '0',
        COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
      },
      `${collector}/readyz`,
      'collector',
    ),
    start(
      'absa-processor',
      'stream-processors/absa/main.ts',
      { ABSA_PORT: String(ports.processor), ABSA_GROUP_ID: groups.processor },
      `http://127.0.0.1:${ports.processor}/readyz`,
      'processor',
    ),
    start(
      'sink-postgres',
      'sinks/postgres/main.ts',
      { SINK_POSTGRES_OPS_PORT: String(ports.postgres), SINK_POSTGRES_GROUP_ID: groups.postgres },
      `http://127.0.0.1:${ports.postgres}/readyz`,
      'sink-postgres',
    ),
    start(
      'log-shipper',
      'monitoring/log-shipper/main.ts',
      {
        LOG_SHIPPER_PORT: String(ports.shipper),
        LOG_SHIPPER_DIR: dir,
        LOG_SHIPPER_SERVICES: LOGGED.join(','),
        LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
        LOG_SHIPPER_ALIAS: alias,
        ELASTICSEARCH_URL: proxy.url,
      },
      `http://127.0.0.1:${ports.shipper}/readyz`,
    ),
  ]);

  // Open-loop client: every 25 ms it posts the documents due by then, one per request, and counts
  // each answer in the phase it arrived in.
  const answers = {
    warmup: new Map<string, number>(),
    before: new Map(),
    outage: new Map(),
    after: new Map(),
  };
  let phase: 'warmup' | Phase = 'warmup';
  let sent = 0;
  let accepted = 0;
  const inFlight = new Set<Promise<void>>();
  const post = (seq: number) => {
    const p = fetch(`${collector}/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        documents: [{ source: 'app-store', source_id: `${run}-${seq}`, text: TEXTS[seq % TEXTS.length] }],
      }),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        return String(res.status);
      })
      .catch((err: Error) => `error ${err.message}`)
      .then((status) => {
        const counts = answers[phase] as Map<string, number>;
        counts.set(status, (counts.get(status) ?? 0) + 1);
        if (status === '202') accepted++;
        inFlight.delete(p);
      });
    inFlight.add(p);
  };
  const t0 = performance.now();
  const sender = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    while (sent < due) post(sent++);
  }, 25);

  await sleep(WARMUP_S * 1000);
  const inPostgres: Record<string, number> = { start: await documentsInPostgres() };
  const files = Object.fromEntries(LOGGED.map((s) => [s, path.join(dir, `${s}.log`)]));
  const sizes = (): Record<string, number> =>
    Object.fromEntries(LOGGED.map((s) => [s, statSync(files[s]!).size]));
  let cut: Record<string, number> = {};
  let restored: Record<string, number> = {};
  for (const p of PHASES) {
    if (p === 'outage') {
      cut = sizes();
      proxy.setDown(true);
    }
    if (p === 'after') {
      restored = sizes();
      proxy.setDown(false);
    }
    phase = p;
    await sleep(PHASE_S * 1000);
    inPostgres[p] = await documentsInPostgres();
  }
  clearInterval(sender);
  await Promise.all(inFlight);
  await waitFor(
    async () => (await documentsInPostgres()) >= accepted,
    300_000,
    'every accepted document in PostgreSQL',
  ).catch(() => undefined);
  const documentsStored = await documentsInPostgres();

  // The lines written during the outage, by the ids the shipper gives them (never truncated: generation 0).
  const outageIds: Record<string, string[]> = {};
  for (const s of LOGGED) {
    const info = statSync(files[s]!);
    const source = {
      file: files[s]!,
      service: s,
      position: { inode: `${info.dev}:${info.ino}`, generation: 0 },
    };
    outageIds[s] = linesIn(files[s]!, cut[s]!, restored[s]!).map((offset) =>
      documentId(source, { offset, text: '' }),
    );
  }
  const allIds = Object.values(outageIds).flat();
  const drainStarted = performance.now();
  await waitFor(
    async () => (await foundInAlias(allIds)) >= allIds.length,
    300_000,
    'outage lines in Elasticsearch',
  ).catch(() => undefined);
  const drainSeconds = round1((performance.now() - drainStarted) / 1000);
  const logLines = Object.fromEntries(
    await Promise.all(
      LOGGED.map(async (s) => {
        const found = await foundInAlias(outageIds[s]!);
        return [s, { written: outageIds[s]!.length, found, lost: outageIds[s]!.length - found }] as const;
      }),
    ),
  );
  const dropped = await shipperDropped(ports.shipper);

  const perPhase = Object.fromEntries(
    PHASES.map((p, i) => {
      const counts = answers[p] as Map<string, number>;
      const prev = i === 0 ? 'start' : PHASES[i - 1]!;
      return [
        p,
        {
          collector_202_per_second: round1((counts.get('202') ?? 0) / PHASE_S),
          other_answers: Object.fromEntries([...counts].filter(([status]) => status !== '202')),
          postgres_documents_per_second: round1((inPostgres[p]! - inPostgres[prev]!) / PHASE_S),
        },
      ];
    }),
  ) as Record<
    Phase,
    { collector_202_per_second: number; postgres_documents_per_second: number; other_answers: object }
  >;
  const ratio = (f: 'collector_202_per_second' | 'postgres_documents_per_second') =>
    Math.round((perPhase.outage[f] / perPhase.before[f]) * 1000) / 1000;
  const lost = Object.values(logLines).reduce((sum, l) => sum + l.lost, 0);
  const result = {
    date: new Date().toISOString(),
    load: os.loadavg().map((x) => round1(x)),
    rate: RATE,
    phase_seconds: PHASE_S,
    warmup_seconds: WARMUP_S,
    phases: perPhase,
    ratio_outage_to_before: {
      collector: ratio('collector_202_per_second'),
      postgres: ratio('postgres_documents_per_second'),
    },
    documents: { sent, accepted, stored: documentsStored },
    log_lines_during_outage: logLines,
    log_lines_lost: lost,
    log_shipper_dropped: dropped,
    seconds_until_outage_lines_indexed: drainSeconds,
    // The aim: each service's pace during the outage within 10 % of its pace before it.
    met_throughput: [ratio('collector_202_per_second'), ratio('postgres_documents_per_second')].every(
      (r) => Math.abs(1 - r) <= 0.1,
    ),
    met_logs: lost === dropped,
  };

  console.log('| Phase | Collector 202/s | Documents/s into PostgreSQL | Other answers |');
  console.log('|---|---:|---:|---|');
  for (const p of PHASES) {
    const r = perPhase[p];
    console.log(
      `| ${p} | ${r.collector_202_per_second} | ${r.postgres_documents_per_second} | ${JSON.stringify(r.other_answers)} |`,
    );
  }
  console.log('');
  console.log('| Log file | Lines written during the outage | In Elasticsearch afterwards | Lost |');
  console.log('|---|---:|---:|---:|');
  for (const [s, l] of Object.entries(logLines))
    console.log(`| ${s}.log | ${l.written} | ${l.found} | ${l.lost} |`);
  console.log(
    `\nshipper drop count: ${dropped}; outage lines indexed ${drainSeconds} s after the sender stopped`,
  );
  return result;
}

try {
  console.log(JSON.stringify(await main()));
} finally {
  for (const s of services.values()) s.child.kill('SIGTERM');
  await Promise.all([...services.values()].map((s) => s.exited));
  for (const l of logs) l.end();
  await proxy?.close();
  const admin = testKafka().admin();
  await admin.connect();
  await admin.deleteGroups(Object.values(groups)).catch(() => undefined);
  await admin.disconnect();
  await deleteIndices(es, `${alias}-*`).catch(() => undefined);
  await es.indices.deleteIndexTemplate({ name: alias }).catch(() => undefined);
  await es.close();
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
}
