/**
 * `npm run bench:e2e`: the whole pipeline end to end on the local stack, the way a user runs it: the
 * HTTP collector, ABSA processor, PostgreSQL sink, Elasticsearch sink and read API as child processes
 * (on free ports), a fresh tenant and fresh consumer groups per run.
 *
 * Each run:
 *  (a) throughput: BENCH_E2E_DOCUMENTS documents (texts of producers/file/sample/reviews.jsonl cycled,
 *      unique source ids) are POSTed in batches of BENCH_BATCH with BENCH_CONCURRENCY requests in
 *      flight; the clock runs from the first POST until all of them are queryable for the tenant in
 *      PostgreSQL (COUNT over `documents`) and in Elasticsearch (`_count` without forcing a refresh,
 *      i.e. what a search sees) → documents/s.
 *  (b) latency (BENCH_LATENCY_RUNS runs, after all throughput runs, each on freshly started services):
 *      single documents POSTed open-loop at a steady rate for BENCH_LATENCY_SECONDS (the first 5 s not
 *      counted). The rate is half the pipeline's capacity as this invocation measured it (the median
 *      documents/s of its throughput runs), so the figure says how fast a document becomes queryable
 *      in a pipeline with headroom; BENCH_LATENCY_RATE fixes it instead (before the consumer kit the
 *      benchmark used a fixed 50 documents/s, about 55 % of the then capacity). For each
 *      document, the time of its 202 and the time `GET /v1/documents/{id}` (reader key) first answered
 *      200. Every 100 ms one SQL query finds which pending ids have a row; only those are then asked
 *      of the API (so the poller adds one query per tick, not one request per pending document).
 *  (c) resident memory: VmRSS of each service's node process (not a tsx wrapper: see serviceProcess) every
 *      second; steady state = the samples taken during (b), peak = the highest during (a).
 *
 * The groups start at the end of their topics (text.raw.v1 holds the history of other runs): their
 * committed offsets are set to the current end offsets before the services start, and the sinks get
 * SINK_*_FROM_BEGINNING=false as well.
 *
 * Prints progress on stderr and one JSON object on stdout (medians with min and max over runs).
 *
 * Env: BENCH_E2E_DOCUMENTS (20000), BENCH_RUNS (3), BENCH_BATCH (100), BENCH_CONCURRENCY (4),
 * BENCH_LATENCY_RUNS (BENCH_RUNS), BENCH_LATENCY_RATE (half the measured capacity), BENCH_LATENCY_SECONDS (60),
 * BENCH_MODEL_SENTENCES_PER_SECOND (optional: the model-alone figure, for the ratio).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { TOPICS } from '../../schemas/topics';
import { LanguageDetector } from '../../stream-processors/absa/enrichment/language-detector';
import { textHandling } from '../../stream-processors/absa/languages';
import { listModelDirs, loadModelArtifact } from '../../stream-processors/absa/model/model-artifact';
import { freePort, REPO, startProcess, type Started } from '../integration/helpers/processes';
import { metricSum } from './prometheus-text';

const DOCUMENTS = Number(process.env.BENCH_E2E_DOCUMENTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? RUNS);
/** A fixed latency rate, documents/s; unset, half the capacity measured by the throughput runs. */
const FIXED_LATENCY_RATE = process.env.BENCH_LATENCY_RATE
  ? Number(process.env.BENCH_LATENCY_RATE)
  : undefined;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 60);
const LATENCY_WARMUP_S = 5;
const MODEL_SPS = Number(process.env.BENCH_MODEL_SENTENCES_PER_SECOND ?? 0);
const STALL_MS = 180_000; // no progress for this long: the run failed
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ES_INDEX = 'absa-documents';

interface Sample {
  source: string;
  entity?: string;
  text: string;
  lang?: string;
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

const log = (line: string): void => void process.stderr.write(`[bench:e2e] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number): number => Math.round(x * 10) / 10;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const stats = (xs: number[], digits = 1): Stats => {
  const f = 10 ** digits;
  const r = (x: number) => Math.round(x * f) / f;
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)) };
};
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const samples: Sample[] = readFileSync(path.join(REPO, 'producers/file/sample/reviews.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Sample);

/**
 * Sentences per document of the cycled corpus: all, and those a model sees (documents in a language
 * some artifact under models/absa/ serves, detected as the processor detects it).
 */
function sentencesPerDocument(): { all: number; analysed: number } {
  const served = new Set(listModelDirs().flatMap((dir) => loadModelArtifact(dir).config.languages));
  const detector = new LanguageDetector('en');
  let all = 0;
  let analysed = 0;
  for (let i = 0; i < DOCUMENTS; i++) {
    const s = samples[i % samples.length]!;
    const text = s.text.normalize('NFC');
    const lang = detector.detect(text, s.lang ?? null).language;
    const n = textHandling(lang).splitSentences(text).length;
    all += n;
    if (served.has(lang)) analysed += n;
  }
  return { all: all / DOCUMENTS, analysed: analysed / DOCUMENTS };
}

const document = (run: string, i: number) => {
  const s = samples[i % samples.length]!;
  return {
    source: s.source,
    source_id: `${run}-${i}`,
    ...(s.entity ? { entity: s.entity } : {}),
    text: s.text,
    created_at: new Date().toISOString(),
    ...(s.lang ? { lang: s.lang } : {}),
  };
};

// ---- resident memory of the service processes ------------------------------------------------

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) kids.push(...text.split(/\s+/).map(Number));
    }
    return kids;
  } catch {
    // no /proc/<pid>/task/<tid>/children: scan the process table
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return kids;
}

/**
 * The node process that runs the service: startProcess spawns `node --import tsx`, so that is the
 * child itself; were it the tsx wrapper binary, its node child.
 */
function serviceProcess(wrapperPid: number): number {
  let pid = wrapperPid;
  for (let depth = 0; depth < 3; depth++) {
    const node = childrenOf(pid).find((k) => {
      try {
        return readFileSync(`/proc/${k}/comm`, 'utf8').trim().startsWith('node');
      } catch {
        return false;
      }
    });
    if (node === undefined) break;
    pid = node;
  }
  return pid;
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

class RssSampler {
  readonly samples = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pids: Map<string, number>) {}
  start(): void {
    this.samples.clear();
    const tick = () => {
      for (const [name, pid] of this.pids) {
        const mb = rssMb(pid);
        if (mb !== undefined) this.samples.set(name, [...(this.samples.get(name) ?? []), mb]);
      }
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }
  stop(): Map<string, number[]> {
    clearInterval(this.timer);
    return this.samples;
  }
}

// ---- one run ---------------------------------------------------------------------------------

interface Services {
  started: { name: string; service: Started }[];
  pids: Map<string, number>;
  collectorUrl: string;
  apiUrl: string;
  processorMetricsUrl: string;
}

async function startGroupsAtEnd(
  kafka: kafkajs.Kafka,
  groups: { groupId: string; topic: string }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const { groupId, topic } of groups) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Services of the current run, stopped on SIGTERM/SIGINT too, so none outlives the benchmark. */
const live = new Set<Services>();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the services`);
    void Promise.all([...live].map(stopServices)).finally(() => process.exit(1));
  });
}

async function startServices(kafka: kafkajs.Kafka, run: string): Promise<Services> {
  const groups = {
    processor: `bench-e2e-absa-${run}`,
    pg: `bench-e2e-sink-pg-${run}`,
    es: `bench-e2e-sink-es-${run}`,
  };
  await startGroupsAtEnd(kafka, [
    { groupId: groups.processor, topic: TOPICS.rawText },
    { groupId: groups.pg, topic: TOPICS.documents },
    { groupId: groups.es, topic: TOPICS.documents },
  ]);
  const ports = {
    collector: await freePort(),
    // ops ports too: one the OS picks (0) could be one handed out here for another service
    collectorOps: await freePort(),
    processor: await freePort(),
    pg: await freePort(),
    es: await freePort(),
    api: await freePort(),
    apiOps: await freePort(),
  };
  const specs: { name: string; script: string; port: number; env: Record<string, string> }[] = [
    {
      name: 'collector',
      script: 'producers/http/main.ts',
      port: ports.collector,
      env: {
        COLLECTOR_HTTP_PORT: String(ports.collector),
        COLLECTOR_HTTP_OPS_PORT: String(ports.collectorOps),
        COLLECTOR_HTTP_HOST: '127.0.0.1',
        COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
      },
    },
    {
      name: 'processor',
      script: 'stream-processors/absa/main.ts',
      port: ports.processor,
      env: { ABSA_PORT: String(ports.processor), ABSA_GROUP_ID: groups.processor },
    },
    {
      name: 'sink-postgres',
      script: 'sinks/postgres/main.ts',
      port: ports.pg,
      env: {
        SINK_POSTGRES_OPS_PORT: String(ports.pg),
        SINK_POSTGRES_GROUP_ID: groups.pg,
        SINK_POSTGRES_FROM_BEGINNING: 'false',
      },
    },
    {
      name: 'sink-elasticsearch',
      script: 'sinks/elasticsearch/main.ts',
      port: ports.es,
      env: {
        SINK_ELASTICSEARCH_OPS_PORT: String(ports.es),
        SINK_ELASTICSEARCH_GROUP_ID: groups.es,
        SINK_ELASTICSEARCH_FROM_BEGINNING: 'false',
      },
    },
    {
      name: 'api',
      script: 'api/main.ts',
      port: ports.api,
      env: {
        API_PORT: String(ports.api),
        API_OPS_PORT: String(ports.apiOps),
        API_HOST: '127.0.0.1',
        API_RATE_LIMIT_KEY_PER_MIN: '0',
        API_RATE_LIMIT_IP_PER_MIN: '0',
      },
    },
  ];
  const started = specs.map((s) => ({
    name: s.name,
    service: startProcess(s.script, [], { LOG_LEVEL: 'warn', ...s.env }),
  }));
  const services: Services = {
    started,
    pids: new Map(),
    collectorUrl: `http://127.0.0.1:${ports.collector}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    processorMetricsUrl: `http://127.0.0.1:${ports.processor}/metrics`,
  };
  live.add(services);
  try {
    await Promise.all(
      specs.map(async (s, k) => {
        const { service } = started[k]!;
        const deadline = Date.now() + 180_000;
        let exited = false;
        void service.exited.then(() => (exited = true));
        for (;;) {
          if (exited) throw new Error(`${s.name} exited during start-up: ${service.output().slice(-800)}`);
          try {
            if ((await fetch(`http://127.0.0.1:${s.port}/readyz`)).ok) break;
          } catch {
            // not yet listening
          }
          if (Date.now() > deadline)
            throw new Error(`${s.name} not ready within 180 s: ${service.output().slice(-800)}`);
          await sleep(250);
        }
      }),
    );
  } catch (err) {
    await stopServices(services);
    throw err;
  }
  for (const { name, service } of started) services.pids.set(name, serviceProcess(service.child.pid!));
  // The consumers join their groups after /readyz; give them a moment so the clock does not time a rebalance.
  await sleep(3000);
  return services;
}

async function stopServices(services: Services): Promise<void> {
  live.delete(services);
  for (const { service } of services.started) service.child.kill('SIGTERM');
  await Promise.race([Promise.all(services.started.map((s) => s.service.exited)), sleep(40_000)]);
  for (const { service } of services.started)
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
}

async function post(url: string, key: string, documents: unknown[]): Promise<{ id: string }[]> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${url}/v1/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ documents }),
      });
    } catch (err) {
      // a connection reset under load: retriable, like a 503
      if (attempt < 5) {
        await sleep(500 * (attempt + 1));
        continue;
      }
      throw err;
    }
    const text = await res.text();
    if (res.status === 202) return (JSON.parse(text) as { accepted: { id: string }[] }).accepted;
    if ((res.status === 429 || res.status >= 500) && attempt < 5) {
      await sleep(500 * (attempt + 1));
      continue;
    }
    throw new Error(`POST /v1/documents answered ${res.status}: ${text.slice(0, 500)}`);
  }
}

interface ThroughputResult {
  documents: number;
  post_seconds: number;
  postgres_seconds: number;
  elasticsearch_seconds: number;
  seconds: number;
  documents_per_second: number;
}

async function throughput(
  services: Services,
  pool: pg.Pool,
  es: Elasticsearch,
  tenant: string,
  key: string,
  run: string,
): Promise<ThroughputResult> {
  const started = performance.now();
  let next = 0;
  let postSeconds = 0;
  const posting = Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DOCUMENTS) {
        const from = next;
        next += BATCH;
        const docs = Array.from({ length: Math.min(BATCH, DOCUMENTS - from) }, (_, k) =>
          document(run, from + k),
        );
        await post(services.collectorUrl, key, docs);
      }
    }),
  ).then(() => (postSeconds = (performance.now() - started) / 1000));
  let postError: unknown;
  posting.catch((err: unknown) => (postError = err));

  let pgDone: number | undefined;
  let esDone: number | undefined;
  let pgCount = 0;
  let esCount = 0;
  let lastProgress = performance.now();
  let lastLog = performance.now();
  while (pgDone === undefined || esDone === undefined) {
    if (postError) throw postError;
    const t = performance.now();
    if (pgDone === undefined) {
      const n = Number(
        (await pool.query('SELECT count(*) AS n FROM documents WHERE tenant = $1', [tenant])).rows[0].n,
      );
      if (n > pgCount) {
        pgCount = n;
        lastProgress = t;
      }
      if (n >= DOCUMENTS) pgDone = t;
    }
    if (esDone === undefined) {
      const n = (await es.count({ index: ES_INDEX, query: { term: { tenant } } })).count;
      if (n > esCount) {
        esCount = n;
        lastProgress = t;
      }
      if (n >= DOCUMENTS) esDone = t;
    }
    if (t - lastLog > 15_000) {
      lastLog = t;
      log(
        `  ${((t - started) / 1000).toFixed(0)} s: PostgreSQL ${pgCount}, Elasticsearch ${esCount} of ${DOCUMENTS}`,
      );
    }
    if (t - lastProgress > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s: PostgreSQL ${pgCount}, Elasticsearch ${esCount} of ${DOCUMENTS}`,
      );
    }
    await sleep(500);
  }
  await posting;
  const seconds = (Math.max(pgDone, esDone) - started) / 1000;
  return {
    documents: DOCUMENTS,
    post_seconds: round1(postSeconds),
    postgres_seconds: round1((pgDone - started) / 1000),
    elasticsearch_seconds: round1((esDone - started) / 1000),
    seconds: round1(seconds),
    documents_per_second: round1(DOCUMENTS / seconds),
  };
}

interface LatencyResult {
  sent: number;
  errors: number;
  measured: number;
  achieved_rate: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  ingest_p50_ms: number;
  ingest_p99_ms: number;
  /** Where the processor's time went during the run (its own metrics, means per chunk). */
  processor: ProcessorBreakdown;
}

interface ProcessorBreakdown {
  chunks: number;
  messages_per_chunk: number;
  /** decode to committed offset: the model, categories, encoding and the transaction */
  chunk_ms: number;
  /** the analyzer call (model runs and category lookups), waits for other partitions' runs included */
  inference_ms: number;
  /** ONNX runs since the processor started, their mean sequences and ms, and their seconds in all */
  model_runs: number;
  sequences_per_run: number;
  model_run_ms: number;
  model_seconds: number;
}

async function processorBreakdown(url: string): Promise<ProcessorBreakdown> {
  const text = await (await fetch(url)).text();
  const processor = (labels: string) => labels.includes('consumer="absa-processor"');
  const chunks = metricSum(text, 'absa_consumer_chunk_duration_seconds_count', processor);
  const inferences = metricSum(text, 'absa_processor_inference_duration_seconds_count');
  const runs = metricSum(text, 'absa_model_batch_duration_seconds_count');
  const modelSeconds = metricSum(text, 'absa_model_batch_duration_seconds_sum');
  const mean = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 1000) : 0);
  return {
    chunks,
    messages_per_chunk:
      chunks > 0 ? round1(metricSum(text, 'absa_consumer_chunk_messages_sum', processor) / chunks) : 0,
    chunk_ms: mean(metricSum(text, 'absa_consumer_chunk_duration_seconds_sum', processor), chunks),
    inference_ms: mean(metricSum(text, 'absa_processor_inference_duration_seconds_sum'), inferences),
    model_runs: runs,
    sequences_per_run: runs > 0 ? round1(metricSum(text, 'absa_model_batch_sequences_sum') / runs) : 0,
    model_run_ms: round1(runs > 0 ? (modelSeconds / runs) * 1000 : 0),
    model_seconds: round1(modelSeconds),
  };
}

async function latency(
  services: Services,
  pool: pg.Pool,
  tenant: string,
  ingestKey: string,
  readerKey: string,
  run: string,
  rate: number,
): Promise<LatencyResult> {
  const since = new Date(Date.now() - 60_000); // created_at of these documents is their send time
  const total = Math.round(rate * LATENCY_SECONDS);
  const warmup = Math.round(rate * LATENCY_WARMUP_S);
  const interval = 1000 / rate;
  const accepted = new Map<string, { at: number; index: number }>(); // id → time of its 202
  const queryable = new Map<string, number>();
  const ingestMs: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const sends: Promise<void>[] = [];
  let polling = true;

  const poller = (async () => {
    while (polling || queryable.size < accepted.size) {
      const tick = performance.now();
      const pending = [...accepted.keys()].filter((id) => !queryable.has(id));
      if (pending.length > 0) {
        const { rows } = await pool.query<{ id: string }>(
          // by id first (the primary key), as the API reads: a tenant index would filter every row of
          // the run's tenant on each tick, load that grew through the run on the cores being measured
          `WITH by_id AS MATERIALIZED (
             SELECT id, tenant FROM documents WHERE id = ANY($3::uuid[]) AND created_at >= $2
           )
           SELECT id FROM by_id WHERE tenant = $1`,
          [tenant, since, pending],
        );
        await Promise.all(
          rows.map(async ({ id }) => {
            const res = await fetch(`${services.apiUrl}/v1/documents/${encodeURIComponent(id)}`, {
              headers: { 'x-api-key': readerKey },
            });
            await res.arrayBuffer();
            if (res.status === 200) queryable.set(id, performance.now());
          }),
        );
      }
      if (!polling && performance.now() - started > (LATENCY_SECONDS + 120) * 1000) {
        errors.push(
          `${accepted.size - queryable.size} documents not queryable 120 s after the last was sent`,
        );
        break;
      }
      await sleep(Math.max(0, 100 - (performance.now() - tick)));
    }
  })();

  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(
      (async () => {
        const t0 = performance.now();
        try {
          const [doc] = await post(services.collectorUrl, ingestKey, [document(`${run}-lat`, i)]);
          const t = performance.now();
          ingestMs.push(t - t0);
          accepted.set(doc!.id, { at: t, index: i });
        } catch (err) {
          errors.push(String(err));
        }
      })(),
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(sends);
  polling = false;
  await poller;
  // A document the collector never accepted has no latency; more than 1% of them fails the run.
  if (errors.length > total / 100)
    throw new Error(`latency run: ${errors.length} errors: ${errors.slice(0, 3).join('; ')}`);
  const latencies = [...accepted]
    .filter(([, a]) => a.index >= warmup)
    .map(([id, a]) => queryable.get(id)! - a.at)
    .sort((a, b) => a - b);
  ingestMs.sort((a, b) => a - b);
  return {
    sent: total,
    errors: errors.length,
    measured: latencies.length,
    achieved_rate: round1(total / sendSeconds),
    p50_ms: Math.round(percentile(latencies, 50)),
    p90_ms: Math.round(percentile(latencies, 90)),
    p99_ms: Math.round(percentile(latencies, 99)),
    max_ms: Math.round(latencies[latencies.length - 1]!),
    ingest_p50_ms: round1(percentile(ingestMs, 50)),
    ingest_p99_ms: round1(percentile(ingestMs, 99)),
    processor: await processorBreakdown(services.processorMetricsUrl),
  };
}

// ---- main ------------------------------------------------------------------------------------

/** What one run of the benchmark works with: its services, their RSS sampler, its tenant and keys. */
interface RunContext {
  services: Services;
  sampler: RssSampler;
  tenant: string;
  ingest: string;
  reader: string;
  run: string;
}

async function main(): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-e2e',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 3 });
  const es = new Elasticsearch({ node: ELASTICSEARCH_URL });
  const store = new ApiKeyStore(pool, 0);
  const perDocument = sentencesPerDocument();
  const loadBefore = os.loadavg().map(round1);
  const throughputs: ThroughputResult[] = [];
  const latencies: LatencyResult[] = [];
  const steadyRss = new Map<string, number[]>(); // service → per-run median of the steady-state samples
  const peakRss = new Map<string, number[]>(); // service → per-run peak during the throughput phase
  const failures: string[] = [];

  /** One run: a fresh tenant with its own keys, the services started for it, `body`, the services stopped. */
  const withRun = async (label: string, body: (ctx: RunContext) => Promise<void>): Promise<void> => {
    const run = randomUUID().slice(0, 8);
    const tenant = `bench-e2e-${run}`;
    const ingest = (await store.create({ tenant, name: `bench-e2e-ingest-${run}`, role: 'ingest' })).key;
    const reader = (await store.create({ tenant, name: `bench-e2e-reader-${run}`, role: 'reader' })).key;
    log(`${label}: tenant ${tenant}, starting the services`);
    let services: Services | undefined;
    let sampler: RssSampler | undefined;
    try {
      services = await startServices(kafka, run);
      sampler = new RssSampler(services.pids);
      await body({ services, sampler, tenant, ingest, reader, run });
    } catch (err) {
      sampler?.stop();
      failures.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
      log(`${label} failed: ${String(err)}`);
    } finally {
      if (services) await stopServices(services);
    }
  };

  let latencyRate = FIXED_LATENCY_RATE;
  try {
    for (let r = 0; r < RUNS; r++) {
      await withRun(`throughput run ${r + 1}/${RUNS}`, async ({ services, sampler, tenant, ingest, run }) => {
        sampler.start();
        const t = await throughput(services, pool, es, tenant, ingest, run);
        for (const [name, xs] of sampler.stop())
          peakRss.set(name, [...(peakRss.get(name) ?? []), Math.max(...xs)]);
        throughputs.push(t);
        log(`throughput run ${r + 1}: ${JSON.stringify(t)}`);
      });
    }
    // Half the capacity this invocation measured: the latency a pipeline with headroom gives.
    if (latencyRate === undefined && throughputs.length > 0)
      latencyRate = round1(median(throughputs.map((t) => t.documents_per_second)) / 2);
    if (latencyRate === undefined)
      log('no throughput run completed: no capacity to derive the latency rate from');
    for (let r = 0; latencyRate !== undefined && r < LATENCY_RUNS; r++) {
      const rate = latencyRate;
      await withRun(
        `latency run ${r + 1}/${LATENCY_RUNS} at ${rate} documents/s`,
        async ({ services, sampler, tenant, ingest, reader, run }) => {
          sampler.start();
          const l = await latency(services, pool, tenant, ingest, reader, run, rate);
          for (const [name, xs] of sampler.stop())
            steadyRss.set(name, [...(steadyRss.get(name) ?? []), median(xs)]);
          latencies.push(l);
          log(`latency run ${r + 1}: ${JSON.stringify(l)}`);
        },
      );
    }
  } finally {
    await pool.end();
    await es.close();
  }
  // BENCH_RUNS=0 asks for latency runs alone (at BENCH_LATENCY_RATE): no throughput figures then
  if ((RUNS > 0 || latencies.length === 0) && throughputs.length === 0)
    throw new Error(`every run failed: ${failures.join('; ')}`);

  const throughputFigures = (() => {
    if (throughputs.length === 0) return null;
    const dps = stats(throughputs.map((t) => t.documents_per_second));
    const sps = {
      median: round1(dps.median * perDocument.analysed),
      min: round1(dps.min * perDocument.analysed),
      max: round1(dps.max * perDocument.analysed),
    };
    return {
      documents: DOCUMENTS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      runs: throughputs,
      documents_per_second: dps,
      sentences_per_document: {
        all: Math.round(perDocument.all * 100) / 100,
        analysed: Math.round(perDocument.analysed * 100) / 100,
      },
      sentences_per_second: sps,
      model_sentences_per_second: MODEL_SPS || null,
      ratio_to_model: MODEL_SPS ? Math.round((sps.median / MODEL_SPS) * 100) / 100 : null,
    };
  })();
  const rss = (m: Map<string, number[]>) =>
    Object.fromEntries([...m].map(([name, xs]) => [name, stats(xs, 0)]));
  const result = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    load_average: { before: loadBefore, after: os.loadavg().map(round1) },
    runs: RUNS,
    failures,
    throughput: throughputFigures,
    latency: {
      rate: latencyRate ?? null,
      // how the rate was chosen: half of throughput.documents_per_second.median, or BENCH_LATENCY_RATE
      rate_source: FIXED_LATENCY_RATE === undefined ? 'half_measured_capacity' : 'BENCH_LATENCY_RATE',
      seconds: LATENCY_SECONDS,
      warmup_seconds: LATENCY_WARMUP_S,
      runs: latencies,
      p50_ms: latencies.length
        ? stats(
            latencies.map((l) => l.p50_ms),
            0,
          )
        : null,
      p99_ms: latencies.length
        ? stats(
            latencies.map((l) => l.p99_ms),
            0,
          )
        : null,
    },
    rss_mb: { steady: rss(steadyRss), peak_during_throughput: rss(peakRss) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:e2e failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
