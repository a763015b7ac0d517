/**
 * The whole consumer side under faults of the things everything shares: the Kafka broker restarted
 * while the processor and both sinks are busy with 5,000 documents, and services started while
 * Kafka or PostgreSQL is down. Counts are checked in every place a document ends up: the committed
 * (read_committed) document and aspect events, PostgreSQL and Elasticsearch, each exactly once, and
 * nothing good dead-lettered.
 *
 * The broker restart stops the shared Kafka for a few seconds (other tests run one after another);
 * the start-while-down faults hit only the test's own connections, through a TCP proxy that is
 * switched off and on.
 */
import { expect } from 'chai';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import {
  schemas,
  type AspectMention,
  type DeadLetter,
  type DocumentSentiment,
  type RawDocument,
} from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { CommittedReader } from './helpers/committed-reader';
import { FaultProxy } from './helpers/fault-proxy';
import { freePort, startProcess, waitFor, type Started } from './helpers/processes';
import { createRawTopic, publishRaw, rawDocuments } from './helpers/raw-input';
import { DATABASE_URL, ELASTICSEARCH_URL, stack, startGroupAtEnd } from './sinks-fixtures';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DOCUMENTS = 5000;
const TEXTS = ['Great screen.', 'Terrible speakers and a slow app.', 'Fast delivery.', 'Rude staff.'];

describe('the pipeline under shared-component faults: nothing lost, nothing duplicated, nothing good dead-lettered', function () {
  this.timeout(900_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'pipeline-faults-test',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  const producer = kafka.producer({ idempotent: true });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const es = new Elasticsearch({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 10_000 });
  const started: Array<Started & { name: string }> = [];
  const proxies: FaultProxy[] = [];
  const readers: Array<CommittedReader<unknown>> = [];

  before(() => producer.connect());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const s of started) console.log(`${s.name}:\n${s.output().slice(-3000)}`);
    }
    for (const s of started.splice(0)) s.child.kill('SIGKILL');
    await Promise.all(started.map((s) => s.exited));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    await Promise.all(readers.splice(0).map((r) => r.stop()));
  });
  after(async () => {
    await producer.disconnect();
    await pool.end();
    await es.close();
  });

  /** A service of this run as a process; its ops port answers /readyz. */
  const service = async (name: string, script: string, portVar: string, env: Record<string, string>) => {
    const port = await freePort();
    const p = startProcess(script, [], { LOG_LEVEL: 'info', [portVar]: String(port), ...env });
    const s = { ...p, name, port };
    started.push(s);
    return s;
  };
  const readyz = (port: number) =>
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
  const sinkGroupsAtEnd = async (tenant: string) => {
    const groups = { postgres: `faults-pg-${tenant}`, elasticsearch: `faults-es-${tenant}` };
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const g of Object.values(groups)) await startGroupAtEnd(admin, g, TOPICS.documents);
    } finally {
      await admin.disconnect();
    }
    return groups;
  };
  const pipeline = async (tenant: string, input: string, env: { kafka?: string; database?: string } = {}) => {
    const groups = await sinkGroupsAtEnd(tenant);
    const kafkaEnv: Record<string, string> = env.kafka ? { KAFKA_BROKERS: env.kafka } : {};
    return {
      processor: await service('processor', 'stream-processors/absa/main.ts', 'ABSA_PORT', {
        ABSA_INPUT_TOPIC: input,
        ABSA_GROUP_ID: `absa-faults-${tenant}`,
        ABSA_CHUNK_SIZE: '100',
        ...kafkaEnv,
      }),
      postgres: await service('sink-postgres', 'sinks/postgres/main.ts', 'SINK_POSTGRES_OPS_PORT', {
        SINK_POSTGRES_GROUP_ID: groups.postgres,
        SINK_POSTGRES_RETRY_MAX_MS: '3000',
        ...(env.database ? { DATABASE_URL: env.database } : ({} as Record<string, string>)),
        ...kafkaEnv,
      }),
      elasticsearch: await service(
        'sink-elasticsearch',
        'sinks/elasticsearch/main.ts',
        'SINK_ELASTICSEARCH_OPS_PORT',
        {
          SINK_ELASTICSEARCH_GROUP_ID: groups.elasticsearch,
          SINK_ELASTICSEARCH_RETRY_MAX_MS: '3000',
          ...kafkaEnv,
        },
      ),
    };
  };
  const input = async () => {
    const topic = await createRawTopic(kafka, 'pipeline-faults');
    return { topic, schemaId: await registry.registerSchema(valueSubject(topic), schemas.rawDocument) };
  };
  const send = async (topic: string, schemaId: number, docs: RawDocument[]) => {
    await publishRaw(producer, registry, topic, schemaId, docs);
  };
  const outputs = async (tenant: string, topic: string) => {
    const out = {
      documents: new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant),
      aspects: new CommittedReader<AspectMention>(TOPICS.aspects, (m) => m.tenant === tenant),
      rawDeadLetters: new CommittedReader<DeadLetter>(dlqTopic(topic), () => true),
      sinkDeadLetters: new CommittedReader<DeadLetter>(dlqTopic(TOPICS.documents), () => true),
    };
    readers.push(...(Object.values(out) as Array<CommittedReader<unknown>>));
    await Promise.all(Object.values(out).map((r) => r.start()));
    return out;
  };
  const stored = async (tenant: string) => {
    const { rows } = await pool.query<{ documents: number; mentions: number }>(
      `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
              (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions`,
      [tenant],
    );
    const count = async (index: string) => {
      try {
        await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
        return (await es.count({ index, query: { term: { tenant } } })).count;
      } catch {
        return -1;
      }
    };
    return {
      postgres: rows[0]!,
      elasticsearch: { documents: await count('absa-documents'), mentions: await count('absa-mentions') },
    };
  };

  /** Every document once in both topics and both stores, and not one dead letter of this run. */
  const everywhereOnce = async (
    tenant: string,
    out: Awaited<ReturnType<typeof outputs>>,
    docs: RawDocument[],
  ) => {
    await out.documents.until(
      (r) => new Set(r.map((x) => x.value.event_id)).size >= docs.length,
      600_000,
      'every document event',
    );
    const documentIds = out.documents.records.map((r) => r.value.event_id);
    const mentionIds = new Set(
      out.documents.records.flatMap((r) => r.value.aspects.map((a) => a.mention_id)),
    );
    expect(mentionIds.size, 'aspects found').to.be.greaterThan(docs.length);
    await out.aspects.until((r) => r.length >= mentionIds.size, 120_000, 'every aspect event');
    const want = { documents: docs.length, mentions: mentionIds.size };
    const complete = { postgres: want, elasticsearch: want };
    await waitFor(
      async () => {
        const c = await stored(tenant);
        return Object.values(c).every((x) => x.documents >= want.documents && x.mentions >= want.mentions);
      },
      300_000,
      'every document and mention in PostgreSQL and Elasticsearch',
    );
    await new Promise((r) => setTimeout(r, 5000)); // a duplicate would arrive now
    expect(out.documents.records.length, 'document events, duplicates included').to.equal(docs.length);
    expect(new Set(documentIds)).to.deep.equal(new Set(docs.map((d) => d.event_id)));
    expect(out.aspects.records.length, 'aspect events, duplicates included').to.equal(mentionIds.size);
    expect(new Set(out.aspects.records.map((r) => r.value.mention_id))).to.deep.equal(mentionIds);
    expect(await stored(tenant), 'rows and search documents, duplicates included').to.deep.equal(complete);
    const ids = new Set(docs.map((d) => d.event_id));
    expect(out.rawDeadLetters.records.length, 'processor dead letters').to.equal(0);
    expect(
      out.sinkDeadLetters.records.filter((r) => ids.has(r.key ?? '')).length,
      'sink dead letters of this run',
    ).to.equal(0);
  };

  it('Kafka broker restarted mid-stream: every document once in both topics, PostgreSQL and Elasticsearch', async () => {
    const tenant = `kr-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await input();
    const out = await outputs(tenant, topic);
    const services = await pipeline(tenant, topic);
    await waitFor(
      async () =>
        (await Promise.all(Object.values(services).map((s) => readyz(s.port)))).every((s) => s === 200),
      180_000,
      'the processor and both sinks ready',
    );
    const docs = rawDocuments(tenant, 0, DOCUMENTS, (i) => `${TEXTS[i % TEXTS.length]} (#${i})`);
    await send(topic, schemaId, docs);
    await out.documents.until((r) => r.length >= DOCUMENTS / 4, 600_000, 'a quarter of the documents');
    stack('down', 'kafka');
    await new Promise((r) => setTimeout(r, 5000));
    stack('up', 'kafka');
    await everywhereOnce(tenant, out, docs);
    for (const s of Object.values(services))
      expect(s.child.exitCode, `${s.name} still running`).to.equal(null);
  });

  it('started while Kafka is down: every service stays up, says it is not ready, and works once Kafka answers', async () => {
    const tenant = `kd-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await input();
    const out = await outputs(tenant, topic);
    const [host, port] = BROKERS[0]!.split(':');
    const proxy = await FaultProxy.start({ host: host!, port: Number(port) }, 28500, 28899);
    proxies.push(proxy);
    proxy.setDown(true);
    // Only the first contact goes through the proxy: the broker then names its own address.
    const services = await pipeline(tenant, topic, { kafka: `127.0.0.1:${proxy.port}` });
    await new Promise((r) => setTimeout(r, 10_000)); // several connection attempts
    for (const s of Object.values(services)) {
      expect(s.child.exitCode, `${s.name} still running`).to.equal(null);
      expect(await readyz(s.port), `${s.name} /readyz`).to.equal(503);
    }
    proxy.setDown(false);
    await waitFor(
      async () =>
        (await Promise.all(Object.values(services).map((s) => readyz(s.port)))).every((s) => s === 200),
      180_000,
      'every service ready once Kafka answers',
    );
    const docs = rawDocuments(tenant, 0, 500, (i) => `${TEXTS[i % TEXTS.length]} (#${i})`);
    await send(topic, schemaId, docs);
    await everywhereOnce(tenant, out, docs);
  });

  it('a PostgreSQL sink started while PostgreSQL is down stays up, says so, and writes everything once it answers', async () => {
    const tenant = `pd-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await input();
    const out = await outputs(tenant, topic);
    const url = new URL(DATABASE_URL);
    const proxy = await FaultProxy.start(
      { host: url.hostname, port: Number(url.port || 5432) },
      28900,
      29299,
    );
    proxies.push(proxy);
    proxy.setDown(true);
    url.port = String(proxy.port);
    const services = await pipeline(tenant, topic, { database: url.toString() });
    await new Promise((r) => setTimeout(r, 10_000)); // several connection attempts
    expect(services.postgres.child.exitCode, 'the PostgreSQL sink still running').to.equal(null);
    expect(await readyz(services.postgres.port)).to.equal(503);
    // the rest of the pipeline does not wait for it
    const docs = rawDocuments(tenant, 0, 500, (i) => `${TEXTS[i % TEXTS.length]} (#${i})`);
    await send(topic, schemaId, docs);
    await out.documents.until((r) => r.length >= docs.length, 300_000, 'every document event');
    expect((await stored(tenant)).postgres.documents, 'nothing in PostgreSQL while it is down').to.equal(0);
    proxy.setDown(false);
    await everywhereOnce(tenant, out, docs);
  });
});
