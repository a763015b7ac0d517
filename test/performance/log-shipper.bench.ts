/**
 * `npm run -s bench:log-shipper`: the log shipper on the local Elasticsearch, through a
 * fault-injecting proxy (28000-28999) so the shared node keeps running.
 *   1. throughput: BENCH_LOGS_LINES ECS lines already in a file, from the shipper ready to all indexed;
 *   2. outage: a writer appends BENCH_LOGS_RATE lines/s for 100 s while Elasticsearch is unreachable
 *      from second 20 to 80; reports the writer's rate before and during the outage, the lines lost,
 *      and how long the backlog took to drain once Elasticsearch was back.
 * Prints one JSON object.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { FaultProxy, deleteIndices, freePortIn } from '../integration/helpers/fault-proxy';
import { startProcess, waitFor, type Started } from '../integration/helpers/processes';

const LINES = Number(process.env.BENCH_LOGS_LINES ?? 20_000);
const RATE = Number(process.env.BENCH_LOGS_RATE ?? 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const es = new Client({ node: 'http://127.0.0.1:9200', maxRetries: 0, requestTimeout: 30_000 });

function line(run: string, seq: number): string {
  return `${JSON.stringify({
    '@timestamp': new Date().toISOString(),
    'log.level': 'info',
    message: `GET /v1/mentions 200 (${seq})`,
    'ecs.version': '8.11.0',
    service: { name: 'bench' },
    event: { action: 'http-request', duration: 1234567, outcome: 'success' },
    http: { request: { id: `r-${seq}`, method: 'GET' }, response: { status_code: 200 } },
    url: { path: '/v1/mentions' },
    labels: { run, seq, tenant: 'bench' },
  })}\n`;
}

async function phase(
  name: string,
  body: (ctx: {
    dir: string;
    file: string;
    alias: string;
    run: string;
    proxy: FaultProxy;
    start: () => Promise<Started>;
    count: () => Promise<number>;
  }) => Promise<Record<string, number>>,
) {
  const run = `b${Date.now().toString(36)}`;
  const alias = `obs-bench-logs-${run}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'log-shipper-bench-'));
  const file = path.join(dir, 'bench.log');
  writeFileSync(file, '');
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port: 9200 }, 28100, 28499);
  const port = await freePortIn(28500, 28899);
  let shipper: Started | undefined;
  const start = async () => {
    shipper = startProcess('monitoring/log-shipper/main.ts', [], {
      LOG_SHIPPER_PORT: String(port),
      LOG_SHIPPER_DIR: dir,
      LOG_SHIPPER_SERVICES: 'bench',
      LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
      LOG_SHIPPER_ALIAS: alias,
      ELASTICSEARCH_URL: proxy.url,
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000, 'shipper ready');
    return shipper;
  };
  const count = async () => {
    await es.indices.refresh({ index: alias }).catch(() => undefined);
    return (await es.count({ index: alias })).count;
  };
  try {
    return { phase: name, ...(await body({ dir, file, alias, run, proxy, start, count })) };
  } finally {
    shipper?.child.kill('SIGTERM');
    await shipper?.exited;
    await proxy.close();
    await deleteIndices(es, `${alias}-*`).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: alias }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const throughput = await phase('throughput', async ({ file, run, start, count }) => {
  let text = '';
  for (let i = 0; i < LINES; i++) text += line(run, i);
  appendFileSync(file, text);
  await start();
  const t0 = performance.now();
  await waitFor(async () => (await count()) >= LINES, 600_000, 'all lines');
  const s = (performance.now() - t0) / 1000;
  return { lines: LINES, seconds: Number(s.toFixed(1)), linesPerSecond: Math.round(LINES / s) };
});

const outage = await phase('outage', async ({ file, run, proxy, start, count }) => {
  await start();
  let seq = 0;
  const t0 = performance.now();
  const writtenAt: number[] = [];
  // Paced writer: appends whatever is due every 10 ms; its achieved rate is the service's throughput.
  const writer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    let chunk = '';
    while (seq < due) chunk += line(run, seq++);
    if (chunk) appendFileSync(file, chunk);
    writtenAt.push(seq);
  }, 10);
  await sleep(20_000);
  const beforeOutage = seq;
  proxy.setDown(true);
  await sleep(60_000);
  const duringOutage = seq - beforeOutage;
  proxy.setDown(false);
  const restored = performance.now();
  await sleep(20_000);
  clearInterval(writer);
  const written = seq;
  await waitFor(async () => (await count()) >= written, 600_000, 'all lines after the outage');
  const drained = (performance.now() - restored) / 1000;
  await sleep(2_000);
  return {
    rateTarget: RATE,
    writerRateBefore: Math.round(beforeOutage / 20),
    writerRateDuringOutage: Math.round(duringOutage / 60),
    linesWritten: written,
    linesIndexed: await count(),
    linesLost: written - (await count()),
    secondsUntilAllIndexedAfterRestore: Number(drained.toFixed(1)),
  };
});

console.log(
  JSON.stringify(
    { date: new Date().toISOString(), load: os.loadavg().map((x) => x.toFixed(1)), throughput, outage },
    null,
    2,
  ),
);
await es.close();
