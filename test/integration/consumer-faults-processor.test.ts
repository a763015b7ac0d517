/**
 * The ABSA processor under faults that must not cost a document: the schema registry unavailable
 * for 60 s exactly when documents arrive with a schema id the processor has not cached, the
 * processor SIGKILLed twice mid-stream, and the processor started while the registry is down. Each
 * run reads its own input topic through the real processor process and counts the committed
 * (read_committed) document events of its own tenant: every document exactly once, none
 * dead-lettered.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { schemas, type DeadLetter, type DocumentSentiment, type RawDocument } from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { CommittedReader } from './helpers/committed-reader';
import { HttpFaultProxy } from './helpers/faults';
import { createRawTopic, publishRaw, rawDocuments as makeRawDocuments } from './helpers/raw-input';
import { freePort, startProcess, waitFor, type Started } from './helpers/processes';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DOCUMENTS = 5000;
const FAULT_MS = 60_000;
const TEXTS = [
  'Great screen.',
  'Terrible speakers.',
  'Fast delivery.',
  'Rude staff.',
  'The battery is fine.',
];

describe('the ABSA processor under faults: nothing lost, nothing duplicated, nothing good dead-lettered', function () {
  this.timeout(900_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'processor-faults-test',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  const producer = kafka.producer({ idempotent: true });
  const started: Started[] = [];
  const proxies: HttpFaultProxy[] = [];
  const readers: Array<CommittedReader<unknown>> = [];

  before(() => producer.connect());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const s of started) console.log(s.output().slice(-3000));
    for (const s of started.splice(0)) s.child.kill('SIGKILL');
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await Promise.all(readers.splice(0).map((r) => r.stop()));
  });
  after(() => producer.disconnect());

  /** An input topic of this run with its DLQ, and the raw schema registered under its subject. */
  const inputTopic = async () => {
    const topic = await createRawTopic(kafka, 'faults');
    return { topic, schemaId: await registry.registerSchema(valueSubject(topic), schemas.rawDocument) };
  };
  const rawDocuments = (tenant: string, from: number, to: number) =>
    makeRawDocuments(tenant, from, to, (i) => `${TEXTS[i % TEXTS.length]} (#${i})`);
  const send = async (topic: string, schemaId: number, docs: RawDocument[]) => {
    await publishRaw(producer, registry, topic, schemaId, docs);
  };
  const processor = async (topic: string, tenant: string, env: Record<string, string> = {}) => {
    const port = await freePort();
    const p = startProcess('stream-processors/absa/main.ts', [], {
      ABSA_INPUT_TOPIC: topic,
      ABSA_GROUP_ID: `absa-faults-${tenant}`,
      ABSA_PORT: String(port),
      ABSA_CHUNK_SIZE: '100',
      LOG_LEVEL: 'info',
      ...env,
    });
    started.push(p);
    return { ...p, port };
  };
  const readyz = (port: number) =>
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
  const outputs = async (tenant: string, topic: string) => {
    const documents = new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant);
    const deadLetters = new CommittedReader<DeadLetter>(dlqTopic(topic), () => true);
    readers.push(documents as CommittedReader<unknown>, deadLetters as CommittedReader<unknown>);
    await Promise.all([documents.start(), deadLetters.start()]);
    return { documents, deadLetters };
  };
  const distinct = (r: CommittedReader<DocumentSentiment>) =>
    new Set(r.records.map((x) => x.value.event_id)).size;
  /** Every document once and only once, and no dead letter, a few seconds after the last one arrived. */
  const exactlyOnce = async (out: Awaited<ReturnType<typeof outputs>>, docs: RawDocument[]) => {
    await out.documents.until(
      (r) => new Set(r.map((x) => x.value.event_id)).size >= docs.length,
      600_000,
      'every document',
    );
    await new Promise((r) => setTimeout(r, 5000));
    const ids = out.documents.records.map((r) => r.value.event_id);
    expect(ids.length, 'document events, duplicates included').to.equal(docs.length);
    expect(new Set(ids)).to.deep.equal(new Set(docs.map((d) => d.event_id)));
    expect(out.deadLetters.records.length, 'dead letters').to.equal(0);
  };

  it('registry unavailable for 60 s while documents arrive with a schema id not cached yet: they wait, then all go through', async () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await inputTopic();
    const out = await outputs(tenant, topic);
    const proxy = new HttpFaultProxy(REGISTRY_URL);
    proxies.push(proxy);
    await proxy.start();
    const p = await processor(topic, tenant, { SCHEMA_REGISTRY_URL: proxy.url });

    const before = rawDocuments(tenant, 0, DOCUMENTS / 2);
    await send(topic, schemaId, before);
    await out.documents.until((r) => r.length >= before.length, 600_000, 'the first half');

    // A compatible new version of the input schema: a schema id the processor has never seen.
    const evolved = {
      ...schemas.rawDocument,
      fields: [
        ...schemas.rawDocument.fields,
        { name: `fault_${tenant.replace(/-/g, '_')}`, type: ['null', 'string'], default: null },
      ],
    };
    const newId = await registry.registerSchema(valueSubject(topic), evolved);
    expect(newId).not.to.equal(schemaId);
    await proxy.set('down');
    const since = Date.now();
    const during = rawDocuments(tenant, DOCUMENTS / 2, DOCUMENTS);
    await send(topic, newId, during);
    await waitFor(
      async () => (await readyz(p.port)) === 503,
      30_000,
      'the processor to report the registry unavailable',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, FAULT_MS - (Date.now() - since))));
    expect(p.child.exitCode, 'the processor is still running').to.equal(null);
    expect(distinct(out.documents), 'nothing analysed without its schema').to.equal(before.length);
    expect(out.deadLetters.records.length, 'nothing dead-lettered during the outage').to.equal(0);
    expect(p.output()).to.include('"consumer-dependency-unavailable"');
    await proxy.set('pass');

    await exactlyOnce(out, [...before, ...during]);
  });

  it('SIGKILLed twice mid-stream and restarted: every document exactly once', async () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await inputTopic();
    const out = await outputs(tenant, topic);
    const docs = rawDocuments(tenant, 0, DOCUMENTS);
    await send(topic, schemaId, docs);
    for (const share of [0.2, 0.5]) {
      const p = await processor(topic, tenant);
      await out.documents.until(
        (r) => r.length >= docs.length * share,
        600_000,
        `${share * 100} % of the documents`,
      );
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await processor(topic, tenant);
    await exactlyOnce(out, docs);
  });

  it('started while the registry is down: stays up, reports it, and processes once the registry answers', async () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const { topic, schemaId } = await inputTopic();
    const out = await outputs(tenant, topic);
    const proxy = new HttpFaultProxy(REGISTRY_URL);
    proxies.push(proxy);
    await proxy.start('pass');
    await proxy.set('down');
    const p = await processor(topic, tenant, { SCHEMA_REGISTRY_URL: proxy.url });
    await waitFor(async () => (await readyz(p.port)) === 503, 120_000, 'the ops server to answer');
    await new Promise((r) => setTimeout(r, 15_000));
    expect(p.child.exitCode, 'the processor is still running').to.equal(null);
    expect(await readyz(p.port)).to.equal(503);
    expect(p.output()).to.include('"consumer-start-waiting"');

    await proxy.set('pass');
    const docs = rawDocuments(tenant, 0, 500);
    await send(topic, schemaId, docs);
    await exactlyOnce(out, docs);
  });
});
