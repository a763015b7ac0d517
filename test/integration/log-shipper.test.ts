/**
 * The log shipper against the real Elasticsearch, through a fault-injecting proxy (the shared node
 * keeps running): lines written while Elasticsearch is unreachable, and while the shipper itself is
 * killed and restarted, all arrive exactly once afterwards.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { expect } from 'chai';
import { FaultProxy, deleteIndices, freePortIn } from './helpers/fault-proxy';
import { startProcess, waitFor, type Started } from './helpers/processes';

const ES = { host: '127.0.0.1', port: 9200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('log shipper through an Elasticsearch outage', function () {
  this.timeout(180_000);
  const run = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const alias = `obs-logs-${run}`;
  const es = new Client({ node: `http://${ES.host}:${ES.port}`, maxRetries: 0, requestTimeout: 10_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'log-shipper-it-'));
  const logFile = path.join(dir, 'writer.log');
  let proxy: FaultProxy;
  let shipper: Started | undefined;
  let port: number;

  const start = (): Started =>
    startProcess('monitoring/log-shipper/main.ts', [], {
      LOG_SHIPPER_PORT: String(port),
      LOG_SHIPPER_DIR: dir,
      LOG_SHIPPER_SERVICES: 'writer',
      LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
      LOG_SHIPPER_ALIAS: alias,
      LOG_SHIPPER_POLL_MS: '100',
      LOG_SHIPPER_RETRY_MAX_MS: '1000',
      LOG_SHIPPER_BATCH_BYTES: '65536',
      ELASTICSEARCH_URL: proxy.url,
      ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000',
    });
  const healthy = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  const count = async (): Promise<number> => {
    await es.indices.refresh({ index: alias }).catch(() => undefined);
    return (await es.count({ index: alias, query: { term: { 'labels.run': run } } })).count;
  };

  before(async () => {
    proxy = await FaultProxy.start(ES, 28100, 28499);
    port = await freePortIn(28500, 28899);
    writeFileSync(logFile, '');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && shipper) console.log(shipper.output().slice(-4000));
  });

  after(async () => {
    shipper?.child.kill('SIGKILL');
    await proxy.close();
    await deleteIndices(es, `${alias}-*`).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: alias }).catch(() => undefined);
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships every line written during the outage exactly once, also across a crash of the shipper', async () => {
    shipper = start();
    await waitFor(healthy, 60_000, 'log shipper /healthz');

    // A service writing one ECS line every 10 ms, never waiting for anything.
    let seq = 0;
    const write = () => {
      const line = {
        '@timestamp': new Date().toISOString(),
        'log.level': 'info',
        message: `line ${seq}`,
        'ecs.version': '8.11.0',
        service: { name: 'writer' },
        event: { action: 'writer-line' },
        labels: { run, seq },
        trace: { id: '4bf92f3577b34da6a3ce929d0e0e4736' },
      };
      appendFileSync(logFile, `${JSON.stringify(line)}\n`);
      seq++;
    };
    const writer = setInterval(write, 10);
    try {
      await sleep(2_000);
      await waitFor(async () => (await count()) > 0, 30_000, 'first lines indexed');
      proxy.setDown(true);
      await sleep(3_000);
      // It retries (counted and logged) rather than dropping lines or blocking anyone ...
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).to.match(
        /absa_log_shipper_retries_total\{error_class="[^"]+",service="log-shipper"\} [1-9]/,
      );
      expect(shipper.output()).to.include('"action":"log-shipper-bulk-retry"');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(503);
      // ... then dies without a chance to save anything, and comes back while Elasticsearch is away.
      shipper.child.kill('SIGKILL');
      await shipper.exited;
      shipper = start();
      await waitFor(healthy, 60_000, 'restarted log shipper /healthz');
      await sleep(2_000);
      proxy.setDown(false);
      await sleep(2_000);
    } finally {
      clearInterval(writer);
    }
    const written = seq;
    await waitFor(async () => (await count()) >= written, 60_000, `${written} lines in ${alias}`);
    await sleep(1_500);
    expect(await count(), 'documents of this run').to.equal(written);
    const seqs = await es.search({
      index: alias,
      size: 0,
      query: { term: { 'labels.run': run } },
      aggs: { distinct: { cardinality: { field: 'labels.seq', precision_threshold: 40000 } } },
    });
    expect((seqs.aggregations!.distinct as { value: number }).value, 'distinct lines').to.equal(written);

    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 20_000, '/readyz');

    // ECS fields are mapped: a term query on trace.id finds the lines.
    const byTrace = await es.count({
      index: alias,
      query: { term: { 'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736' } },
    });
    expect(byTrace.count).to.equal(written);

    shipper.child.kill('SIGTERM');
    expect(await shipper.exited).to.equal(0);
  });
});
