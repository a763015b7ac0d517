/**
 * The sinks under faults that must not cost a single event: PostgreSQL read-only for 60 s,
 * Elasticsearch refusing our credentials (401) for 60 s, each sink SIGKILLed mid-stream, and a sink
 * started while its store is down. Each run sends 5,000 events of its own tenant through the real
 * sink processes and ends with every event stored exactly once and none dead-lettered.
 *
 * The faults hit only the test's own connections (a fault proxy, the absa_faults login), so the
 * shared stack keeps serving everyone else.
 */
import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import pg from 'pg';
import { dlqTopic, TOPICS } from '../../schemas/topics';
import { FAULTS_DATABASE_URL, HttpFaultProxy, PostgresFaults } from './helpers/faults';
import {
  DATABASE_URL,
  ELASTICSEARCH_URL,
  EventProducer,
  endOffsets,
  freePort,
  makeDocument,
  readDeadLetters,
  sleepMs,
  spawnSink,
  startGroupAtEnd,
  testKafka,
  uniqueTenant,
  waitFor,
} from './sinks-fixtures';

const TOPIC = TOPICS.documents;
const EVENTS = 5000;
const ASPECTS = 2;
const FAULT_MS = 60_000;

type Sink = ReturnType<typeof spawnSink> & { opsPort: number };

describe('sinks under faults: nothing lost, nothing duplicated, nothing good dead-lettered', function () {
  this.timeout(900_000);
  const kafka = testKafka();
  const producer = new EventProducer(kafka, TOPIC);
  const es = new Client({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 10_000 });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const running: Sink[] = [];
  const proxies: HttpFaultProxy[] = [];
  const postgresFaults = new PostgresFaults();

  before(() => producer.connect());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const s of running) console.log(`last sink log lines:\n${s.lines.slice(-30).join('\n')}`);
    }
    await postgresFaults.readOnly(false);
    await Promise.all(running.splice(0).map((s) => s.terminate()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
  });
  after(async () => {
    await producer.close();
    await es.close();
    await pool.end();
  });

  const groupAtEnd = async (groupId: string) => {
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, TOPIC);
    await admin.disconnect();
  };

  const spawn = (
    kind: 'postgres' | 'elasticsearch',
    groupId: string,
    env: Record<string, string> = {},
  ): Sink => {
    const prefix = kind === 'postgres' ? 'SINK_POSTGRES_' : 'SINK_ELASTICSEARCH_';
    const opsPort = freePort();
    const sink = Object.assign(
      spawnSink(`sinks/${kind}/main.ts`, {
        [`${prefix}GROUP_ID`]: groupId,
        [`${prefix}OPS_PORT`]: String(opsPort),
        [`${prefix}BATCH_SIZE`]: '200',
        [`${prefix}RETRY_MAX_MS`]: '3000',
        ...env,
      }),
      { opsPort },
    );
    running.push(sink);
    return sink;
  };
  const readyz = (sink: Sink) =>
    fetch(`http://127.0.0.1:${sink.opsPort}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
  const ready = (sink: Sink) =>
    waitFor(
      'the sink to be ready',
      () => readyz(sink),
      (s) => s === 200,
      120_000,
    );
  const metricsOf = (sink: Sink) => fetch(`http://127.0.0.1:${sink.opsPort}/metrics`).then((r) => r.text());

  const postgresCounts = async (tenant: string) => {
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
              (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions,
              (SELECT coalesce(sum(mention_count), 0) FROM aspect_rollups_hourly WHERE tenant = $1)::int AS rollups`,
      [tenant],
    );
    return rows[0] as { documents: number; mentions: number; rollups: number };
  };
  const elasticsearchCounts = async (tenant: string) => {
    const count = async (index: string) => {
      try {
        await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
        return (await es.count({ index, query: { term: { tenant } } })).count;
      } catch {
        return -1;
      }
    };
    return { documents: await count('absa-documents'), mentions: await count('absa-mentions') };
  };
  const allInPostgres = (tenant: string) =>
    waitFor(
      `${EVENTS} documents in PostgreSQL`,
      () => postgresCounts(tenant),
      (c) => c.documents >= EVENTS && c.mentions >= EVENTS * ASPECTS && c.rollups >= EVENTS * ASPECTS,
      300_000,
      1000,
    );
  const allInElasticsearch = (tenant: string) =>
    waitFor(
      `${EVENTS} documents in Elasticsearch`,
      () => elasticsearchCounts(tenant),
      (c) => c.documents >= EVENTS && c.mentions >= EVENTS * ASPECTS,
      300_000,
      2000,
    );
  /** None of the tenant's events on the DLQ (read from where the DLQ ended before the run). */
  const deadLettered = async (from: Map<number, string>, docs: Array<{ event_id: string }>) =>
    (await readDeadLetters(kafka, dlqTopic(TOPIC), from, new Set(docs.map((d) => d.event_id)), 5_000)).length;
  const dlqStart = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await endOffsets(admin, dlqTopic(TOPIC));
    } finally {
      await admin.disconnect();
    }
  };
  const events = (tenant: string) =>
    Array.from({ length: EVENTS }, (_, i) => makeDocument(tenant, i, { aspects: ASPECTS }));

  it('PostgreSQL read-only for 60 s: the sink waits, says so, and writes every event once afterwards', async () => {
    const tenant = uniqueTenant('pgreadonly');
    const groupId = `faults-${tenant}`;
    await groupAtEnd(groupId);
    const dlq = await dlqStart();
    const sink = spawn('postgres', groupId, {
      DATABASE_URL: FAULTS_DATABASE_URL,
      SINK_POSTGRES_MIGRATE: 'false',
    });
    await ready(sink);

    const docs = events(tenant);
    await producer.send(docs.slice(0, 2000));
    await waitFor(
      'some documents written',
      () => postgresCounts(tenant),
      (c) => c.documents > 0,
      120_000,
    );
    await postgresFaults.readOnly(true);
    const since = Date.now();
    await producer.send(docs.slice(2000));
    await waitFor(
      'the sink to report PostgreSQL unavailable',
      () => readyz(sink),
      (s) => s === 503,
      30_000,
    );
    const during = await postgresCounts(tenant);
    await sleepMs(Math.max(0, FAULT_MS - (Date.now() - since)));
    expect((await postgresCounts(tenant)).documents, 'nothing written while read-only').to.equal(
      during.documents,
    );
    expect(await metricsOf(sink)).to.match(
      /absa_consumer_dependency_available\{consumer="sink-postgres",dependency="postgres"[^}]*\} 0/,
    );
    await postgresFaults.readOnly(false);

    const final = await allInPostgres(tenant);
    expect(final).to.deep.equal({ documents: EVENTS, mentions: EVENTS * ASPECTS, rollups: EVENTS * ASPECTS });
    expect(await deadLettered(dlq, docs), 'good events dead-lettered').to.equal(0);
    expect(
      sink.lines.some((l) => l.includes('"consumer-dependency-unavailable"') && l.includes('25006')),
    ).to.equal(true);
    expect(sink.lines.some((l) => l.includes('"consumer-dependency-recovered"'))).to.equal(true);
    await waitFor(
      'ready again',
      () => readyz(sink),
      (s) => s === 200,
      30_000,
    );
  });

  it('Elasticsearch answering 401 for 60 s (an expired API key): the sink waits and indexes every event once', async () => {
    const tenant = uniqueTenant('es401');
    const groupId = `faults-${tenant}`;
    await groupAtEnd(groupId);
    const dlq = await dlqStart();
    const proxy = new HttpFaultProxy(ELASTICSEARCH_URL);
    proxies.push(proxy);
    await proxy.start();
    const sink = spawn('elasticsearch', groupId, {
      ELASTICSEARCH_URL: proxy.url,
      SINK_ELASTICSEARCH_SETUP: 'false',
    });
    await ready(sink);

    const docs = events(tenant);
    await producer.send(docs.slice(0, 2000));
    await waitFor(
      'some documents indexed',
      () => elasticsearchCounts(tenant),
      (c) => c.documents > 0,
      120_000,
    );
    await proxy.set({ status: 401 });
    const since = Date.now();
    await producer.send(docs.slice(2000));
    await sleepMs(Math.max(0, FAULT_MS - (Date.now() - since)));
    expect(await metricsOf(sink)).to.match(
      /absa_consumer_outage_retries_total\{consumer="sink-elasticsearch",dependency="elasticsearch"[^}]*\} [1-9]/,
    );
    await proxy.set('pass');

    const final = await allInElasticsearch(tenant);
    expect(final).to.deep.equal({ documents: EVENTS, mentions: EVENTS * ASPECTS });
    expect(await deadLettered(dlq, docs), 'good events dead-lettered').to.equal(0);
  });

  it('each sink SIGKILLed mid-stream and restarted: every event stored exactly once in both stores', async () => {
    const tenant = uniqueTenant('sinkkill');
    const groups = { postgres: `faults-pg-${tenant}`, elasticsearch: `faults-es-${tenant}` };
    await groupAtEnd(groups.postgres);
    await groupAtEnd(groups.elasticsearch);
    const dlq = await dlqStart();
    let pgSink = spawn('postgres', groups.postgres);
    let esSink = spawn('elasticsearch', groups.elasticsearch);
    await waitFor(
      'both sinks ready',
      async () => [await readyz(pgSink), await readyz(esSink)],
      (s) => s.every((x) => x === 200),
      120_000,
    );

    const docs = events(tenant);
    await producer.send(docs);
    await waitFor(
      'PostgreSQL half way',
      () => postgresCounts(tenant),
      (c) => c.documents >= EVENTS / 4,
      300_000,
      200,
    );
    pgSink.child.kill('SIGKILL');
    await pgSink.exited;
    pgSink = spawn('postgres', groups.postgres);
    await waitFor(
      'Elasticsearch half way',
      () => elasticsearchCounts(tenant),
      (c) => c.documents >= EVENTS / 4,
      300_000,
      500,
    );
    esSink.child.kill('SIGKILL');
    await esSink.exited;
    esSink = spawn('elasticsearch', groups.elasticsearch);

    expect(await allInPostgres(tenant)).to.deep.equal({
      documents: EVENTS,
      mentions: EVENTS * ASPECTS,
      rollups: EVENTS * ASPECTS,
    });
    expect(await allInElasticsearch(tenant)).to.deep.equal({ documents: EVENTS, mentions: EVENTS * ASPECTS });
    expect(await deadLettered(dlq, docs)).to.equal(0);
  });

  it('a sink started while Elasticsearch is down stays up, reports it, and works once Elasticsearch answers', async () => {
    const tenant = uniqueTenant('esdownstart');
    const groupId = `faults-${tenant}`;
    await groupAtEnd(groupId);
    const proxy = new HttpFaultProxy(ELASTICSEARCH_URL);
    proxies.push(proxy);
    await proxy.start('pass');
    await proxy.set('down');
    const sink = spawn('elasticsearch', groupId, { ELASTICSEARCH_URL: proxy.url });
    await sleepMs(20_000);
    expect(sink.child.exitCode, 'the sink is still running').to.equal(null);
    expect(await readyz(sink)).to.equal(503);
    expect(sink.lines.some((l) => l.includes('"consumer-start-waiting"'))).to.equal(true);

    await proxy.set('pass');
    await ready(sink);
    const docs = events(tenant).slice(0, 500);
    await producer.send(docs);
    await waitFor(
      'documents indexed',
      () => elasticsearchCounts(tenant),
      (c) => c.documents === docs.length,
      120_000,
      1000,
    );
  });
});
