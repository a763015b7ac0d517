import { expect } from 'chai';
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics, startOpsServer } from '../../common/metrics/index';
import { dlqTopic, TOPICS } from '../../schemas/topics';
import { elasticsearchSinkConfigSpec } from '../../sinks/elasticsearch/config';
import { startElasticsearchSink, type ElasticsearchSink } from '../../sinks/elasticsearch/service';
import {
  documentsMappings,
  installTemplates,
  mentionsMappings,
  monthlyIndex,
  setUpIndices,
} from '../../sinks/elasticsearch/setup';
import {
  EventProducer,
  endOffsets,
  makeDocument,
  readDeadLetters,
  startGroupAtEnd,
  testKafka,
  uniqueTenant,
  waitFor,
} from './sinks-fixtures';

const TOPIC = TOPICS.documents;

describe('Elasticsearch sink (sentiment.documents.v1 → absa-documents, absa-mentions)', function () {
  this.timeout(120_000);
  const tenant = uniqueTenant('essink');
  const metrics = createMetrics('sink-elasticsearch-test', { defaultMetrics: false });
  let kafka: Kafka;
  let producer: EventProducer;
  let sink: ElasticsearchSink;

  const count = async (alias: 'absa-documents' | 'absa-mentions', extra: object[] = []): Promise<number> => {
    await sink.client.indices.refresh({ index: alias, ignore_unavailable: true, allow_no_indices: true });
    const r = await sink.client.count({
      index: alias,
      query: { bool: { filter: [{ term: { tenant } }, ...extra] } },
    });
    return r.count;
  };
  /** A test prefix's indices and templates (destructive requests take names, not wildcards). */
  const removePrefix = async (prefix: string): Promise<void> => {
    const created = await sink.client.indices.get({ index: `${prefix}-*`, allow_no_indices: true });
    for (const index of Object.keys(created)) await sink.client.indices.delete({ index });
    for (const kind of ['documents', 'mentions']) {
      await sink.client.indices.deleteIndexTemplate({ name: `${prefix}-${kind}` }).catch(() => undefined);
    }
    for (const name of ['settings', 'documents-mappings', 'mentions-mappings']) {
      await sink.client.cluster.deleteComponentTemplate({ name: `${prefix}-${name}` }).catch(() => undefined);
    }
  };
  const documents = () => count('absa-documents');
  const mentions = () => count('absa-mentions');

  before(async () => {
    kafka = testKafka();
    producer = new EventProducer(kafka, TOPIC);
    await producer.connect();
    const groupId = `sinks-test-es-${tenant}`;
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, TOPIC);
    await admin.disconnect();
    const config = parseConfig(
      elasticsearchSinkConfigSpec,
      withEnv({ SINK_ELASTICSEARCH_GROUP_ID: groupId, SINK_ELASTICSEARCH_RETRY_MAX_MS: '2000' }),
    );
    sink = await startElasticsearchSink(config, { logger: silentLogger(), metrics });
  });

  after(async () => {
    await sink?.stop();
    await producer?.close();
  });

  it('installs its index templates idempotently with explicit mappings and the read aliases', async () => {
    const settings = { indexPrefix: 'absa', numberOfReplicas: 0, refreshInterval: '1s' };
    await installTemplates(sink.client, settings);
    await installTemplates(sink.client, settings);
    const { index_templates } = await sink.client.indices.getIndexTemplate({ name: 'absa-documents' });
    const t = index_templates[0]!.index_template;
    expect(t.index_patterns).to.deep.equal(['absa-documents-*']);
    expect(t.composed_of).to.deep.equal(['absa-settings', 'absa-documents-mappings']);
    expect(Object.keys(t.template?.aliases ?? {})).to.deep.equal(['absa-documents']);
    const sim = await sink.client.indices.simulateIndexTemplate({ name: 'absa-documents-2030.01' });
    const props = sim.template.mappings.properties!;
    // stored for exact scoring, no kNN graph to build (similar documents come from PostgreSQL)
    expect(props.embedding).to.deep.include({ type: 'dense_vector', dims: 384, index: false });
    expect(props.text).to.deep.include({ type: 'text', analyzer: 'english' });
    expect(props.text_ko).to.deep.equal({ type: 'text', analyzer: 'cjk' });
    expect(props.tenant).to.deep.equal({ type: 'keyword' });
    expect(props.aspects).to.deep.include({ type: 'nested' });
    expect(sim.template.mappings.dynamic).to.equal('strict');
    const ms = await sink.client.indices.simulateIndexTemplate({ name: 'absa-mentions-2030.01' });
    expect(ms.template.mappings.properties!.polarity).to.deep.equal({ type: 'keyword' });
    expect(ms.template.mappings.properties!.confidence).to.deep.equal({ type: 'float' });
    expect(ms.template.mappings.properties!.sentence_text_ko).to.deep.equal({
      type: 'text',
      analyzer: 'cjk',
    });
  });

  it('gives indices created before a field was added that field at setup, so strict mappings never refuse newer events', async () => {
    const prefix = `mapcheck-${tenant.toLowerCase()}`;
    const old = `${prefix}-mentions-2026.01`;
    const { opinions: _added, sentence_text_ko: _korean, ...before } = mentionsMappings.properties;
    try {
      await sink.client.indices.create({ index: old, mappings: { dynamic: 'strict', properties: before } });
      const withOpinions = {
        mention_id: 'm1',
        opinions: [{ term: 'rude', start: 15, end: 19, confidence: 0.8 }],
      };
      const korean = {
        mention_id: 'm2',
        sentence_text: '배터리가 오래가서 좋아요',
        sentence_text_ko: '배터리가 오래가서 좋아요',
      };
      // what an older index does with the new field
      const refused = await sink.client
        .index({ index: old, document: withOpinions })
        .catch((e: unknown) => e);
      expect(String(refused)).to.match(/strict_dynamic_mapping_exception/);
      await setUpIndices(sink.client, { indexPrefix: prefix, numberOfReplicas: 0, refreshInterval: '1s' });
      const mapping = await sink.client.indices.getMapping({ index: old });
      expect(mapping[old]!.mappings.properties!.opinions).to.deep.include({
        properties: mentionsMappings.properties.opinions.properties,
      });
      await sink.client.index({ index: old, document: withOpinions, refresh: true });
      const found = await sink.client.count({ index: old, query: { match: { 'opinions.term': 'rude' } } });
      expect(found.count).to.equal(1);
      // The Korean field too: "배터리" is found inside "배터리가", which the english field misses.
      expect(mapping[old]!.mappings.properties!.sentence_text_ko).to.deep.equal({
        type: 'text',
        analyzer: 'cjk',
      });
      await sink.client.index({ index: old, document: korean, refresh: true });
      const inKorean = await sink.client.count({
        index: old,
        query: { match: { sentence_text_ko: '배터리' } },
      });
      const inEnglish = await sink.client.count({
        index: old,
        query: { match: { sentence_text: '배터리' } },
      });
      expect([inKorean.count, inEnglish.count]).to.deep.equal([1, 0]);
    } finally {
      await removePrefix(prefix);
    }
  });

  it('sets up over a documents index made when the embedding was indexed for kNN, leaving that field as it is', async () => {
    const prefix = `knncheck-${tenant.toLowerCase()}`;
    const old = `${prefix}-documents-2026.01`;
    const indexed = { type: 'dense_vector', dims: 384, index: true, similarity: 'cosine' } as const;
    try {
      await sink.client.indices.create({
        index: old,
        mappings: { dynamic: 'strict', properties: { ...documentsMappings.properties, embedding: indexed } },
      });
      // a field's `index` cannot change: putting the new definition on this index would fail setup
      await setUpIndices(sink.client, { indexPrefix: prefix, numberOfReplicas: 0, refreshInterval: '1s' });
      const mapping = await sink.client.indices.getMapping({ index: old });
      expect(mapping[old]!.mappings.properties!.embedding).to.deep.include(indexed);
      const current = monthlyIndex(`${prefix}-documents`, Date.now());
      const fresh = await sink.client.indices.getMapping({ index: current });
      expect(fresh[current]!.mappings.properties!.embedding).to.deep.include({ index: false });
    } finally {
      await removePrefix(prefix);
    }
  });

  it('gives the first-created index the configured replicas, also one made with the default, so one node stays green', async () => {
    const prefix = `replicas-${tenant.toLowerCase()}`;
    const index = `${prefix}-document-created`;
    const replicas = async () => {
      const got = await sink.client.indices.getSettings({ index, flat_settings: true });
      return (got[index]!.settings as Record<string, unknown>)['index.number_of_replicas'];
    };
    try {
      await sink.client.indices.create({ index }); // Elasticsearch's default: one replica
      expect(await replicas()).to.equal('1');
      await setUpIndices(sink.client, { indexPrefix: prefix, numberOfReplicas: 0, refreshInterval: '1s' });
      expect(await replicas()).to.equal('0');
      const health = await sink.client.cluster.health({ index, timeout: '5s' });
      expect(health.status).to.equal('green');
    } finally {
      await removePrefix(prefix);
    }
  });

  it('indexes each document under its event id and each aspect as a mention, in the monthly index of created_at', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => makeDocument(tenant, i));
    await producer.send(docs);
    await waitFor(
      '200 documents and 600 mentions',
      async () => [await documents(), await mentions()],
      ([d, m]) => d === 200 && m === 600,
    );

    const doc = docs[3]!;
    const got = await sink.client.get<Record<string, unknown>>({
      index: 'absa-documents-2026.11',
      id: doc.event_id,
    });
    expect(got._source).to.include({ tenant, text: doc.text, lang: 'en', aspect_count: 3 });
    expect((got._source!.embedding as number[]).length).to.equal(384);
    const a = doc.aspects[2]!;
    const mention = await sink.client.get<Record<string, unknown>>({
      index: 'absa-mentions-2026.11',
      id: a.mention_id,
    });
    expect(mention._source).to.include({
      document_id: doc.event_id,
      normalized_aspect: a.normalized_aspect,
      polarity: a.polarity,
      sentence_text: doc.text.slice(doc.sentences[2]!.start, doc.sentences[2]!.end),
      start: a.start,
      end: a.end,
    });
    // The English analyzer finds "batteries" for "battery"; the nested aspects filter by polarity.
    expect(await count('absa-documents', [{ match: { text: 'batteries' } }])).to.be.greaterThan(0);
    const nested = await count('absa-documents', [
      {
        nested: {
          path: 'aspects',
          query: {
            bool: {
              filter: [
                { term: { 'aspects.normalized_aspect': 'price' } },
                { term: { 'aspects.polarity': 'negative' } },
              ],
            },
          },
        },
      },
    ]);
    const expected = docs.filter((d) =>
      d.aspects.some((x) => x.normalized_aspect === 'price' && x.polarity === 'negative'),
    ).length;
    expect(nested).to.equal(expected);
  });

  it('overwrites the same _id in the same index when the same events are replayed, so counts do not change', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => makeDocument(tenant, i));
    const results = await sink.writer.write(docs);
    expect(results.every((r) => r === undefined)).to.equal(true);
    await producer.send(docs);
    await producer.send([makeDocument(tenant, 10_000)]);
    await waitFor('the marker document', documents, (n) => n === 201);
    expect(await mentions()).to.equal(603);
    const got = await sink.client.get({ index: 'absa-documents-2026.11', id: docs[0]!.event_id });
    expect(got._version).to.be.at.least(3); // written three times, still one document
  });

  it('replaces the mentions of a re-analysed document at once (no refresh needed), the newest analysis winning in any order', async () => {
    const mentionIds = async (documentId: string): Promise<string[]> => {
      await sink.client.indices.refresh({ index: 'absa-mentions' });
      const r = await sink.client.search<{ mention_id: string }>({
        index: 'absa-mentions',
        size: 100,
        query: { term: { document_id: documentId } },
      });
      return r.hits.hits.map((h) => h._id!);
    };
    const ids = (d: ReturnType<typeof makeDocument>) => d.aspects.map((a) => a.mention_id);
    const own = uniqueTenant('esreanalysed'); // the other tests count this suite's tenant exactly
    const first = makeDocument(own, 20_000, { aspects: 3 });
    const second = {
      ...makeDocument(own, 20_000, { aspects: 1 }),
      processed_at: first.processed_at + 60_000,
    };
    expect(await sink.writer.write([first])).to.deep.equal([undefined]);
    // Straight after the first write: its mentions are not searchable yet, but must still go.
    expect(await sink.writer.write([second])).to.deep.equal([undefined]);
    expect(await mentionIds(first.event_id))
      .to.have.members(ids(second))
      .and.to.have.lengthOf(1);
    // The older analysis arriving late changes nothing.
    expect(await sink.writer.write([first])).to.deep.equal([undefined]);
    expect(await mentionIds(first.event_id))
      .to.have.members(ids(second))
      .and.to.have.lengthOf(1);
    // Two analyses of one document in one batch, the newer first.
    const older = makeDocument(own, 20_001, { aspects: 3 });
    const newer = { ...makeDocument(own, 20_001, { aspects: 2 }), processed_at: older.processed_at + 1 };
    expect(await sink.writer.write([newer, older])).to.deep.equal([undefined, undefined]);
    expect(await mentionIds(older.event_id))
      .to.have.members(ids(newer))
      .and.to.have.lengthOf(2);
  });

  it('indexes a document sent again without created_at once, in the month it was first indexed in', async () => {
    const own = uniqueTenant('esresent');
    const first = makeDocument(own, 1, { createdAt: Date.UTC(2026, 9, 31, 23, 59) });
    const again = {
      ...makeDocument(own, 1, { createdAt: Date.UTC(2026, 10, 1, 0, 5) }),
      processed_at: first.processed_at + 600_000,
    };
    expect(await sink.writer.write([first])).to.deep.equal([undefined]);
    expect(await sink.writer.write([again])).to.deep.equal([undefined]);
    await sink.client.indices.refresh({ index: 'absa-documents,absa-mentions' });
    const docs = await sink.client.search<{ created_at: string; processed_at: string }>({
      index: 'absa-documents',
      query: { term: { tenant: own } },
    });
    expect(docs.hits.hits.map((h) => h._index)).to.deep.equal(['absa-documents-2026.10']);
    expect(Date.parse(docs.hits.hits[0]!._source!.processed_at)).to.equal(again.processed_at);
    const mentions = await sink.client.count({ index: 'absa-mentions', query: { term: { tenant: own } } });
    expect(mentions.count).to.equal(first.aspects.length);
  });

  it('routes an event dated five years ago and one dated next year to the indices of their months', async () => {
    const now = new Date();
    const old = Date.UTC(now.getUTCFullYear() - 5, now.getUTCMonth(), 15, 12);
    const future = Date.UTC(now.getUTCFullYear() + 1, 6, 4, 9);
    const docs = [
      makeDocument(tenant, 20_000, { createdAt: old }),
      makeDocument(tenant, 20_001, { createdAt: future }),
    ];
    await producer.send(docs);
    await waitFor('both dated documents', documents, (n) => n === 203);
    expect(await mentions()).to.equal(609);
    const month = (ms: number) => {
      const d = new Date(ms);
      return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    for (const [doc, ms] of [
      [docs[0]!, old],
      [docs[1]!, future],
    ] as const) {
      const r = await sink.client.search({
        index: 'absa-documents',
        query: { ids: { values: [doc.event_id] } },
      });
      expect(r.hits.hits.map((h) => h._index)).to.deep.equal([`absa-documents-${month(ms)}`]);
      const m = await sink.client.search({
        index: 'absa-mentions',
        query: { term: { document_id: doc.event_id } },
      });
      expect(new Set(m.hits.hits.map((h) => h._index))).to.deep.equal(
        new Set([`absa-mentions-${month(ms)}`]),
      );
    }
  });

  it('dead-letters events Elasticsearch refuses (4xx per item) or cannot decode, and indexes the rest', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const from = await endOffsets(admin, dlqTopic(TOPIC));
    await admin.disconnect();
    const badKey = `${tenant}-not-avro`;
    // A vector of the wrong size: the dense_vector field refuses it with a 400.
    const shortVector = { ...makeDocument(tenant, 30_000), embedding: [0.6, 0.8, 0] };
    await producer.sendRaw(badKey, Buffer.from([0, 0, 0, 0, 0, 1, 2, 3]));
    await producer.send([shortVector, makeDocument(tenant, 30_001)]);
    await waitFor('the valid document after the bad ones', documents, (n) => n === 204);

    const letters = await readDeadLetters(
      kafka,
      dlqTopic(TOPIC),
      from,
      new Set([badKey, shortVector.event_id]),
    );
    const byKey = new Map(letters.map((l) => [l.key, l.envelope]));
    expect(byKey.get(shortVector.event_id)).to.include({
      error_class: 'ElasticsearchRejectedError',
      error_code: 'document_parsing_exception',
      processor: 'sink-elasticsearch',
      source_topic: TOPIC,
    });
    expect(byKey.get(shortVector.event_id)!.error_message).to.match(/different number of dimensions \[3\]/);
    expect(byKey.get(badKey)).to.include({ error_class: 'UnknownSchemaError' });
  });

  it('serves /metrics with documents written, bulk latency and dead letters, and /healthz and /readyz', async () => {
    const server: http.Server = await startOpsServer(0, { metrics, readiness: sink.readiness }, '127.0.0.1');
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).to.match(
        /absa_sink_elasticsearch_docs_written_total\{alias="mentions",service="sink-elasticsearch-test"\} \d+/,
      );
      expect(text).to.include('absa_sink_elasticsearch_bulk_duration_seconds_bucket');
      expect(text).to.match(
        /absa_consumer_dead_letters_total\{consumer="sink-elasticsearch",topic="sentiment.documents.v1",error_class="ElasticsearchRejectedError"/,
      );
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status, JSON.stringify(await ready.clone().json())).to.equal(200);
    } finally {
      server.close();
    }
  });
});
