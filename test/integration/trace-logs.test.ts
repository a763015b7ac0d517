/**
 * One document's journey is one log search: the HTTP collector, the ABSA processor and both sinks
 * run as processes writing their ECS lines to files, the log shipper sends those files to
 * Elasticsearch, and after a document posted with a `traceparent` is in PostgreSQL and in
 * Elasticsearch, a term query on its trace id in the logs alias returns lines of all four services.
 *
 * The consumers run in consumer groups of their own whose offsets start at the topics' current end,
 * so they handle this run's document without replaying the topics or competing with a pipeline
 * already running on this machine; the logs go to an alias of their own, deleted afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { parseTraceparent } from '../../common/tracing/index';
import { TOPICS } from '../../schemas/topics';
import { deleteIndices } from './helpers/fault-proxy';
import { freePort, startProcess, waitFor, type Started } from './helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

interface LogLine {
  service?: { name?: string };
  event?: { action?: string };
  trace?: { id?: string | string[] };
}

describe('one trace id finds the collector, the processor and both sinks in the logs', function () {
  this.timeout(180_000);

  const run = `t${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const tenant = `trace-logs-${run}`;
  const alias = `trace-logs-${run}`;
  const groups = {
    processor: `trace-logs-${run}-processor`,
    postgres: `trace-logs-${run}-sink-postgres`,
    elasticsearch: `trace-logs-${run}-sink-elasticsearch`,
  };
  const traceId = randomBytes(16).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-logs-it-'));
  const kafka = new kafkajs.Kafka({
    clientId: 'test-trace-logs',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const es = new Elasticsearch({ node: ELASTICSEARCH_URL });
  const services = new Map<string, Started>();
  let pool: pg.Pool;
  let key: string;
  let collectorUrl: string;

  /** Starts a service whose stdout (its ECS lines) goes to `<dir>/<name>.log`, as the stack does. */
  const start = async (
    name: string,
    script: string,
    env: Record<string, string>,
    port: number,
    probe = '/healthz',
  ) => {
    const service = startProcess(script, [], { LOG_LEVEL: 'info', ...env });
    service.child.stdout!.pipe(createWriteStream(path.join(dir, `${name}.log`)));
    services.set(name, service);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}${probe}`)).ok,
      120_000,
      `${name} ${probe} (output: ${service.output().slice(-500)})`,
    );
  };

  /** A new group's committed offsets at the topic's end: it reads only what is produced from now on. */
  const startAtEnd = async (groupId: string, topic: string) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
    });
  };

  before(async () => {
    await admin.connect();
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    key = (await new ApiKeyStore(pool, 0).create({ tenant, name: 'ingest', role: 'ingest' })).key;
    await startAtEnd(groups.processor, TOPICS.rawText);
    await startAtEnd(groups.postgres, TOPICS.documents);
    await startAtEnd(groups.elasticsearch, TOPICS.documents);

    const ports = {
      collector: await freePort(),
      // not 0: a port the OS picks could be one handed out below for another service (seen: the
      // Elasticsearch sink then failed to start with EADDRINUSE)
      collectorOps: await freePort(),
      processor: await freePort(),
      postgres: await freePort(),
      elasticsearch: await freePort(),
      shipper: await freePort(),
    };
    collectorUrl = `http://127.0.0.1:${ports.collector}`;
    await Promise.all([
      start(
        'collector',
        'producers/http/main.ts',
        {
          COLLECTOR_HTTP_PORT: String(ports.collector),
          COLLECTOR_HTTP_HOST: '127.0.0.1',
          COLLECTOR_HTTP_OPS_PORT: String(ports.collectorOps),
          APIKEY_CACHE_TTL_MS: '0',
        },
        ports.collector,
        // Ready: Kafka and the registry answered, so the post below is not refused with 503.
        '/readyz',
      ),
      start(
        'processor',
        'stream-processors/absa/main.ts',
        { ABSA_PORT: String(ports.processor), ABSA_GROUP_ID: groups.processor },
        ports.processor,
      ),
      start(
        'sink-postgres',
        'sinks/postgres/main.ts',
        { SINK_POSTGRES_OPS_PORT: String(ports.postgres), SINK_POSTGRES_GROUP_ID: groups.postgres },
        ports.postgres,
      ),
      start(
        'sink-elasticsearch',
        'sinks/elasticsearch/main.ts',
        {
          SINK_ELASTICSEARCH_OPS_PORT: String(ports.elasticsearch),
          SINK_ELASTICSEARCH_GROUP_ID: groups.elasticsearch,
        },
        ports.elasticsearch,
      ),
      start(
        'log-shipper',
        'monitoring/log-shipper/main.ts',
        {
          LOG_SHIPPER_PORT: String(ports.shipper),
          LOG_SHIPPER_DIR: dir,
          LOG_SHIPPER_SERVICES: 'collector,processor,sink-postgres,sink-elasticsearch',
          LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
          LOG_SHIPPER_ALIAS: alias,
          LOG_SHIPPER_POLL_MS: '200',
        },
        ports.shipper,
      ),
    ]);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [name, s] of services) console.log(`--- ${name}\n${s.output().slice(-3000)}`);
  });

  after(async () => {
    for (const s of services.values()) s.child.kill('SIGTERM');
    await Promise.all([...services.values()].map((s) => s.exited));
    await admin.deleteGroups(Object.values(groups)).catch(() => undefined);
    await admin.disconnect();
    await deleteIndices(es, `${alias}-*`).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: alias }).catch(() => undefined);
    await es.close();
    await pool?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns log lines of every service the document went through', async () => {
    const res = await fetch(`${collectorUrl}/v1/documents`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': key,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({
        documents: [{ source: 'app-store', source_id: `${run}-1`, text: 'The battery is great' }],
      }),
    });
    expect(res.status, await res.clone().text()).to.equal(202);
    expect(parseTraceparent(res.headers.get('traceresponse'))?.traceId).to.equal(traceId);
    const [{ id }] = ((await res.json()) as { accepted: Array<{ id: string }> }).accepted as [{ id: string }];

    await waitFor(
      async () => (await pool.query('SELECT 1 FROM documents WHERE id = $1', [id])).rowCount === 1,
      60_000,
      'the document in PostgreSQL',
    );
    await waitFor(
      async () => (await es.count({ index: 'absa-documents', query: { ids: { values: [id] } } })).count === 1,
      60_000,
      'the document in Elasticsearch',
    );

    // The sinks log their chunk once it is committed, the shipper polls: wait for all four.
    const expected = ['absa-processor', 'collector-http', 'sink-elasticsearch', 'sink-postgres'];
    let lines: LogLine[] = [];
    await waitFor(
      async () => {
        await es.indices.refresh({ index: alias });
        const found = await es.search<LogLine>({
          index: alias,
          size: 100,
          query: { term: { 'trace.id': traceId } },
        });
        lines = found.hits.hits.map((h) => h._source!);
        return expected.every((s) => lines.some((l) => l.service?.name === s));
      },
      30_000,
      `log lines of ${expected.join(', ')} in ${alias}`,
    );

    const services = [...new Set(lines.map((l) => l.service?.name))].sort();
    expect(services).to.deep.equal(expected);
    const actionsOf = (service: string) =>
      lines.filter((l) => l.service?.name === service).map((l) => l.event?.action);
    expect(actionsOf('collector-http')).to.include('http-request');
    for (const consumer of ['absa-processor', 'sink-postgres', 'sink-elasticsearch']) {
      expect(actionsOf(consumer), consumer).to.include('consumer-chunk-committed');
    }
  });
});
