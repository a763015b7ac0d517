/**
 * The examples of docs/kafka-integration.md against the local stack and the real ABSA processor, run
 * the way a reader of the guide runs them: what the example producer publishes for a fresh tenant is
 * analysed, and the example consumer (read_committed, its own group) receives each analysed document
 * and each aspect mention exactly once, never a document of an aborted transaction, and nothing
 * again when it is restarted in its group.
 *
 * The processor reads a raw topic of this run (not text.raw.v1), so no other traffic reaches it; it
 * writes to the real sentiment.* topics, where the consumer keeps only this run's tenant.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { documentEventId } from '../../common/ids/index';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { schemas, type DocumentSentiment, type RawDocument } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import { freePort, runProcess, startProcess, type RunResult, type Started } from './helpers/processes';
import { createRawTopic } from './helpers/raw-input';
import { REGISTRY_URL, TopicProbe } from './helpers/raw-topic';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const COUNT = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Published {
  event_id: string;
  source_id: string;
  text: string;
}

interface Read {
  topic: string;
  action: 'insert' | 'update' | 'stale';
  tenant: string;
}

interface ReadDocument extends Read {
  event_id: string;
  source: string;
  source_id: string;
  status: string;
  lang: string | null;
  sentiment: string | null;
  aspects: Array<{ mention_id: string; term: string; normalized_aspect: string; polarity: string }>;
  text: string;
}

interface ReadMention extends Read {
  mention_id: string;
  document_id: string;
  polarity: string;
}

/** The JSON lines an example printed, once it exited 0. */
function printed<T>(run: RunResult): T[] {
  expect(run.code, run.stderr).to.equal(0);
  return run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

const example = (name: 'producer' | 'consumer', args: string[]): Promise<RunResult> =>
  runProcess(`examples/kafka/${name}.ts`, args);

/** Writes a document of the tenant to sentiment.documents.v1 in a transaction that is then aborted. */
async function abortedDocument(kafka: kafkajs.Kafka, tenant: string): Promise<string> {
  const registry = new RegistryClient(REGISTRY_URL);
  const schemaId = await registry.registerSchema(valueSubject(TOPICS.documents), schemas.documentSentiment);
  const now = Date.now();
  const doc: DocumentSentiment = {
    event_id: documentEventId(tenant, 'example', 'aborted'),
    tenant,
    source: 'example',
    source_id: 'aborted',
    entity: null,
    author_id: null,
    url: null,
    text: 'Never committed.',
    metadata: {},
    created_at: now,
    ingested_at: now,
    processed_at: now,
    status: 'empty',
    lang: null,
    lang_confidence: null,
    model: { name: 'none', version: '0' },
    taxonomy_version: null,
    sentiment: null,
    sentences: [],
    aspects: [],
    embedding: null,
    embedding_model: null,
    truncated: null,
  };
  // A short timeout: an open transaction holds back every read_committed reader of its partition.
  const producer = kafka.producer({
    transactionalId: `kafka-examples-${tenant}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 10_000,
  });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    try {
      await tx.send({
        topic: TOPICS.documents,
        messages: [{ key: doc.event_id, value: await registry.encode(schemaId, doc) }],
      });
    } finally {
      await tx.abort();
    }
  } finally {
    await producer.disconnect();
  }
  return doc.event_id;
}

describe('Kafka integration examples (docs/kafka-integration.md)', function () {
  this.timeout(150_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'kafka-examples-test',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  const group = `example-consumer-${tenant}`;
  let since: string;
  let topic: string;
  let processor: Started | undefined;
  let published: Published[] = [];
  let documents: ReadDocument[] = [];

  before(async () => {
    // Every record this run causes on sentiment.* is written after this (Kafka timestamps, one host).
    since = new Date(Date.now() - 1000).toISOString();
    topic = await createRawTopic(kafka, 'examples');
    // Started first: loading the model takes most of the test's time.
    processor = startProcess('stream-processors/absa/main.ts', [], {
      ABSA_INPUT_TOPIC: topic,
      ABSA_GROUP_ID: `absa-examples-${tenant}`,
      ABSA_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
  });

  after(async () => {
    processor?.child.kill('SIGKILL');
  });

  it('the producer publishes each document keyed by its event_id, the UUIDv5 of tenant, source and source_id', async () => {
    const probe = new TopicProbe(topic);
    try {
      const from = await probe.endOffsets();
      published = printed<Published>(
        await example('producer', ['--tenant', tenant, '--count', String(COUNT), '--topic', topic]),
      );
      expect(published).to.have.length(COUNT);
      expect(published.map((p) => p.event_id)).to.deep.equal(
        published.map((p) => documentEventId(tenant, 'example', p.source_id)),
      );
      // Read back through the registry: the Confluent wire format under the subject's schema.
      const records = await probe.read<RawDocument>(from, await probe.endOffsets());
      expect(records.map((r) => r.key).sort()).to.deep.equal(published.map((p) => p.event_id).sort());
      for (const r of records) {
        expect(r.value.event_id).to.equal(r.key);
        expect(r.value.tenant).to.equal(tenant);
        expect(r.value.text).to.equal(published.find((p) => p.event_id === r.key)!.text);
      }
    } finally {
      await probe.close();
    }
  });

  it('the consumer receives every analysed document of the tenant exactly once, read_committed', async () => {
    // What a read_uncommitted consumer would also see: it is in the consumer's range and tenant.
    const aborted = await abortedDocument(kafka, tenant);
    documents = printed<ReadDocument>(
      await example('consumer', [
        '--group',
        group,
        '--tenant',
        tenant,
        '--since',
        since,
        '--max',
        String(COUNT),
        '--idle-ms',
        '120000',
      ]),
    );
    expect(
      documents.map((d) => d.event_id).sort(),
      `analysed documents; the processor said:\n${processor?.output().slice(-2000)}`,
    ).to.deep.equal(published.map((p) => p.event_id).sort());
    expect(documents.map((d) => d.event_id)).to.not.include(aborted);
    for (const d of documents) {
      const sent = published.find((p) => p.event_id === d.event_id)!;
      expect(d).to.include({
        topic: TOPICS.documents,
        action: 'insert',
        tenant,
        source: 'example',
        source_id: sent.source_id,
        text: sent.text,
        status: 'ok',
        lang: 'en',
      });
      expect(d.sentiment).to.be.oneOf(['positive', 'negative', 'neutral', 'mixed']);
      for (const a of d.aspects) {
        expect(a.mention_id).to.match(UUID);
        expect(d.text, `aspect term ${a.term}`).to.include(a.term);
      }
    }
    const mentions = documents.flatMap((d) => d.aspects).length;
    expect(mentions, 'aspects of reviews that name them').to.be.greaterThan(0);
  });

  it('restarted in its group, the consumer reads nothing it has already handled', async () => {
    const again = printed<ReadDocument>(
      await example('consumer', ['--group', group, '--tenant', tenant, '--idle-ms', '5000']),
    );
    expect(again).to.deep.equal([]);
  });

  it("on sentiment.aspects.v1 the consumer receives each mention the tenant's documents name, once", async () => {
    const expected = documents.flatMap((d) => d.aspects.map((a) => a.mention_id));
    // The processor commits a document and its mentions in one transaction: they are all readable now.
    const mentions = printed<ReadMention>(
      await example('consumer', [
        '--topic',
        TOPICS.aspects,
        '--group',
        `${group}-aspects`,
        '--tenant',
        tenant,
        '--since',
        since,
        '--idle-ms',
        '8000',
      ]),
    );
    expect(mentions.map((m) => m.mention_id).sort()).to.deep.equal([...expected].sort());
    const ids = new Set(published.map((p) => p.event_id));
    for (const m of mentions) {
      expect(m).to.include({ topic: TOPICS.aspects, action: 'insert', tenant });
      expect(ids.has(m.document_id)).to.equal(true);
    }
  });
});
