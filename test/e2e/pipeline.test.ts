/**
 * The whole pipeline, as a user runs it: the real HTTP collector, file importer, ABSA processor,
 * both sinks and the API as processes against the local stack. Thousands of documents go in through
 * HTTP, plus deliberate poison; then every valid document must be in PostgreSQL and Elasticsearch
 * exactly once with the same aspects as on `sentiment.aspects.v1`, every poison message must be in a
 * dead-letter topic (or the importer's reject file) with the right reason, and the API's summary
 * must agree with SQL. Each aspect's opinion terms travel with it everywhere.
 */
import { expect } from 'chai';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { documentEventId } from '../../common/ids/index';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import {
  schemas,
  type AspectMention,
  type DeadLetter,
  type DocumentSentiment,
  type RawDocument,
} from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { loadModelArtifact, resolveModelDir } from '../../stream-processors/absa/model/model-artifact';
import { CommittedReader } from '../integration/helpers/committed-reader';
import { documentedMetrics, documentedProcessMetrics } from '../monitoring/instrumentation-doc';
import {
  freePort,
  REPO,
  runProcess,
  startProcess,
  waitFor,
  type Started,
} from '../integration/helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DOCUMENTS = Number(process.env.E2E_DOCUMENTS ?? 2000);
/** A text whose opinion words the shipped model finds (test/unit/absa-model-real-artifact). */
const OPINION_TEXT = 'The pasta was great but the waiter was rude and slow.';
/** A Korean review, no punctuation between its two sentences, sent without a `lang` hint. */
const KOREAN_TEXT = '배터리가 오래가서 너무 좋아요 근데 화면이 좀 어두워요 ㅠㅠ';
const KOREAN_ASPECTS = [
  ['배터리', 'positive'],
  ['화면', 'negative'],
];

/** An aspect as the comparisons see it: document, span, polarity and its opinions' spans. */
function aspectKey(
  documentId: string,
  a: { start: number; end: number; polarity: string; opinions?: { start: number; end: number }[] | null },
): string {
  const opinions = a.opinions?.map((o) => `${o.start}-${o.end}`).join(',') ?? 'none';
  return `${documentId}|${a.start}|${a.end}|${a.polarity}|${opinions}`;
}

interface Sample {
  source: string;
  entity: string;
  text: string;
  lang?: string;
}

describe('the pipeline end to end (collector → processor → sinks → API)', function () {
  this.timeout(1_200_000);

  const run = randomUUID().slice(0, 8);
  const tenant = `e2e-${run}`;
  const services: Started[] = [];
  let pool: pg.Pool;
  let es: Elasticsearch;
  let keys: { ingest: string; reader: string; analyst: string };
  let collectorUrl: string;
  let apiUrl: string;
  /** Each service's /metrics URL, by its name in docs/instrumentation.md. */
  const metricsUrls: Record<string, string> = {};
  const readers = {
    documents: new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant),
    aspects: new CommittedReader<AspectMention>(TOPICS.aspects, (m) => m.tenant === tenant),
    rawDlq: new CommittedReader<DeadLetter>(dlqTopic(TOPICS.rawText), () => true),
    documentsDlq: new CommittedReader<DeadLetter>(dlqTopic(TOPICS.documents), () => true),
  };
  // What went in, by what should come out of it.
  const valid = new Map<string, string>(); // event id → text
  let rejectsFile: string;

  const start = async (
    name: string,
    script: string,
    env: Record<string, string>,
    port: number,
  ): Promise<void> => {
    const service = startProcess(script, [], { LOG_LEVEL: 'warn', ...env });
    services.push(service);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
      180_000,
      `${name} /healthz (output: ${service.output().slice(-500)})`,
    );
  };

  before(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 3 });
    es = new Elasticsearch({ node: ELASTICSEARCH_URL });
    const store = new ApiKeyStore(pool, 0);
    keys = {
      ingest: (await store.create({ tenant, name: 'e2e-ingest', role: 'ingest' })).key,
      reader: (await store.create({ tenant, name: 'e2e-reader', role: 'reader' })).key,
      analyst: (await store.create({ tenant, name: 'e2e-analyst', role: 'analyst' })).key,
    };
    await Promise.all(Object.values(readers).map((r) => r.start()));

    const ports = {
      collector: await freePort(),
      processor: await freePort(),
      pgSink: await freePort(),
      esSink: await freePort(),
      api: await freePort(),
      collectorOps: await freePort(),
      apiOps: await freePort(),
    };
    const local = (port: number): string => `http://127.0.0.1:${port}/metrics`;
    Object.assign(metricsUrls, {
      'collector-http': local(ports.collectorOps),
      'absa-processor': local(ports.processor),
      'sink-postgres': local(ports.pgSink),
      'sink-elasticsearch': local(ports.esSink),
      api: local(ports.apiOps),
    });
    collectorUrl = `http://127.0.0.1:${ports.collector}`;
    apiUrl = `http://127.0.0.1:${ports.api}`;
    // Default consumer groups: a pipeline already running on this machine cooperates instead of
    // processing the same input a second time.
    await Promise.all([
      start(
        'collector',
        'producers/http/main.ts',
        {
          COLLECTOR_HTTP_PORT: String(ports.collector),
          COLLECTOR_HTTP_OPS_PORT: String(ports.collectorOps),
          COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
        },
        ports.collector,
      ),
      start(
        'processor',
        'stream-processors/absa/main.ts',
        { ABSA_PORT: String(ports.processor) },
        ports.processor,
      ),
      start(
        'sink-postgres',
        'sinks/postgres/main.ts',
        { SINK_POSTGRES_OPS_PORT: String(ports.pgSink) },
        ports.pgSink,
      ),
      start(
        'sink-elasticsearch',
        'sinks/elasticsearch/main.ts',
        { SINK_ELASTICSEARCH_OPS_PORT: String(ports.esSink) },
        ports.esSink,
      ),
      start(
        'api',
        'api/main.ts',
        { API_PORT: String(ports.api), API_OPS_PORT: String(ports.apiOps) },
        ports.api,
      ),
    ]);
  });

  after(async () => {
    for (const s of services) s.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.exited));
    await Promise.all(Object.values(readers).map((r) => r.stop()));
    await pool?.end();
    await es?.close();
  });

  it('accepts every document over HTTP, and reads the valid lines of a file with invalid UTF-8', async () => {
    const samples = readFileSync(path.join(REPO, 'producers/file/sample/reviews.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Sample);
    const created = Date.parse('2026-11-20T10:00:00Z');
    const docs = Array.from({ length: DOCUMENTS }, (_, i) => {
      const s = samples[i % samples.length]!;
      return {
        source: s.source,
        source_id: `${run}-${i}`,
        entity: s.entity,
        text: s.text,
        created_at: new Date(created - (i % 72) * 3_600_000).toISOString(),
        ...(s.lang ? { lang: s.lang } : {}),
      };
    });
    docs.push({
      source: 'opinion-check',
      source_id: `${run}-opinion`,
      entity: 'Trattoria Lucca',
      text: OPINION_TEXT,
      created_at: new Date(created).toISOString(),
    });
    docs.push({
      source: 'korean-check',
      source_id: `${run}-korean`,
      entity: 'Galaxy Buds',
      text: KOREAN_TEXT,
      created_at: new Date(created).toISOString(),
    });
    for (let i = 0; i < docs.length; i += 100) {
      const batch = docs.slice(i, i + 100);
      const res = await fetch(`${collectorUrl}/v1/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': keys.ingest },
        body: JSON.stringify({ documents: batch }),
      });
      expect(res.status, await res.clone().text()).to.equal(202);
      const { accepted } = (await res.json()) as { accepted: { id: string; source_id: string }[] };
      accepted.forEach((a, k) => {
        expect(a.id).to.equal(documentEventId(tenant, batch[k]!.source, batch[k]!.source_id));
        valid.set(a.id, batch[k]!.text);
      });
    }

    // A file whose second line is not UTF-8: the importer rejects that line and publishes the rest.
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-import-'));
    const file = path.join(dir, 'reviews.jsonl');
    const line = (id: string, text: string) =>
      Buffer.from(`${JSON.stringify({ source_id: id, entity: 'Imported Bistro', text })}\n`);
    writeFileSync(
      file,
      Buffer.concat([
        line(`${run}-file-1`, 'The soup was cold and the bread stale.'),
        Buffer.from(`{"source_id":"${run}-file-2","text":"caf`),
        Buffer.from([0xc3, 0x28]), // an invalid two-byte sequence
        Buffer.from('"}\n'),
        line(`${run}-file-3`, 'Lovely terrace, friendly waiter.'),
      ]),
    );
    const imported = await runProcess(
      'producers/file/main.ts',
      [file, '--source', 'survey', '--tenant', tenant],
      { LOG_LEVEL: 'warn' },
    );
    expect(imported.code, imported.stderr).to.equal(0);
    expect(imported.stdout).to.match(/read 3, published 2, rejected 1/);
    rejectsFile = `${file}.rejects.jsonl`;
    const rejects = readFileSync(rejectsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason?: string; errors?: unknown });
    expect(rejects).to.have.length(1);
    expect(rejects[0]!.line).to.equal(2);
    expect(JSON.stringify(rejects[0])).to.match(/UTF-8/i);
    valid.set(documentEventId(tenant, 'survey', `${run}-file-1`), 'The soup was cold and the bread stale.');
    valid.set(documentEventId(tenant, 'survey', `${run}-file-3`), 'Lovely terrace, friendly waiter.');
  });

  it('dead-letters poison sent straight to Kafka: a text over the limit and an unknown schema id', async () => {
    const registry = new RegistryClient(REGISTRY_URL);
    const kafka = new kafkajs.Kafka({
      clientId: 'e2e',
      brokers: BROKERS,
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const tooLong: RawDocument = {
      event_id: documentEventId(tenant, 'e2e', 'too-long'),
      tenant,
      source: 'e2e',
      source_id: 'too-long',
      entity: null,
      author_id: null,
      url: null,
      lang: null,
      text: 'The battery is fine. '.repeat(1500),
      created_at: Date.now(),
      ingested_at: Date.now(),
      collector: 'e2e',
      metadata: {},
    };
    const schemaId = await registry.registerSchema(valueSubject(TOPICS.rawText), schemas.rawDocument);
    await producer.send({
      topic: TOPICS.rawText,
      acks: -1,
      messages: [
        { key: `${run}-too-long`, value: await registry.encode(schemaId, tooLong) },
        {
          key: `${run}-unknown-schema`,
          value: Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x01]), Buffer.from('??')]),
        },
      ],
    });
    await producer.disconnect();
    const dead = await readers.rawDlq.until(
      (r) => r.filter((d) => d.key?.startsWith(run)).length >= 2,
      600_000,
      'both poison messages in text.raw.v1.dlq',
    );
    const ours = dead.filter((d) => d.key?.startsWith(run));
    expect(Object.fromEntries(ours.map((d) => [d.key, d.value.error_class]))).to.deep.equal({
      [`${run}-too-long`]: 'TextTooLongError',
      [`${run}-unknown-schema`]: 'UnknownSchemaError',
    });
    for (const d of ours) expect(d.value.processor).to.equal('absa-processor');
  });

  it('writes every valid document to PostgreSQL and Elasticsearch exactly once', async () => {
    const ids = [...valid.keys()];
    const pgCount = async () =>
      Number((await pool.query('SELECT count(*) AS n FROM documents WHERE tenant = $1', [tenant])).rows[0].n);
    const esCount = async () => {
      await es.indices.refresh({ index: 'absa-documents' });
      return (await es.count({ index: 'absa-documents', query: { term: { tenant } } })).count;
    };
    await waitFor(
      async () => (await pgCount()) >= ids.length && (await esCount()) >= ids.length,
      900_000,
      'every document in both stores',
    );

    const { rows } = await pool.query<{ id: string; n: string }>(
      'SELECT id, count(*) AS n FROM documents WHERE tenant = $1 GROUP BY id',
      [tenant],
    );
    expect(rows.length).to.equal(ids.length);
    expect(rows.every((r) => Number(r.n) === 1)).to.equal(true);
    expect(new Set(rows.map((r) => r.id))).to.deep.equal(new Set(ids));
    expect(await esCount()).to.equal(ids.length);
    const texts = await pool.query<{ id: string; text: string }>(
      'SELECT id, text FROM documents WHERE tenant = $1',
      [tenant],
    );
    for (const r of texts.rows) expect(r.text).to.equal(valid.get(r.id));
  });

  it('has the same aspects in PostgreSQL, Elasticsearch and sentiment.aspects.v1, each event once', async () => {
    const documents = await readers.documents.until(
      (r) => new Set(r.map((d) => d.value.event_id)).size >= valid.size,
      60_000,
      'document events',
    );
    expect(documents.length, 'document events, duplicates included').to.equal(valid.size);
    const expected = new Map<string, string>(); // mention id → "doc|start|end|polarity|opinions"
    for (const { value } of documents) {
      for (const a of value.aspects) expected.set(a.mention_id, aspectKey(value.event_id, a));
    }
    expect(expected.size, 'aspects found in the sample texts').to.be.greaterThan(valid.size);

    const events = await readers.aspects.until((r) => r.length >= expected.size, 120_000, 'aspect events');
    await new Promise((r) => setTimeout(r, 3000)); // a duplicate would arrive now
    expect(events.length, 'aspect events, duplicates included').to.equal(expected.size);
    const fromTopic = new Map(
      events.map((e) => [e.value.mention_id, aspectKey(e.value.document_id, e.value)]),
    );
    expect(fromTopic).to.deep.equal(expected);

    const { rows } = await pool.query<{
      id: string;
      document_id: string;
      start_offset: number;
      end_offset: number;
      polarity: string;
      opinions: { start: number; end: number }[] | null;
    }>(
      'SELECT id, document_id, start_offset, end_offset, polarity, opinions FROM aspect_mentions WHERE tenant = $1',
      [tenant],
    );
    const fromPostgres = new Map(
      rows.map((r) => [r.id, aspectKey(r.document_id, { ...r, start: r.start_offset, end: r.end_offset })]),
    );
    expect(rows.length, 'PostgreSQL mention rows').to.equal(expected.size);
    expect(fromPostgres).to.deep.equal(expected);

    const fromElasticsearch = new Map<string, string>();
    for await (const hit of scrollAll(es, tenant)) {
      for (const a of hit.aspects) fromElasticsearch.set(a.mention_id, aspectKey(hit.event_id, a));
    }
    expect(fromElasticsearch).to.deep.equal(expected);
  });

  it("carries an aspect's opinion terms to the aspects topic, PostgreSQL, Elasticsearch and the API", async () => {
    const documentId = documentEventId(tenant, 'opinion-check', `${run}-opinion`);
    const slices = (opinions: { term: string; start: number; end: number }[] | null | undefined) =>
      (opinions ?? []).map((o) => {
        expect(OPINION_TEXT.slice(o.start, o.end), 'offsets slice the text').to.equal(o.term);
        return o.term;
      });
    const events = await readers.aspects.until(
      (r) => r.some((e) => e.value.document_id === documentId && e.value.term === 'waiter'),
      60_000,
      'the waiter mention',
    );
    const waiter = events.find((e) => e.value.document_id === documentId && e.value.term === 'waiter')!.value;
    expect(slices(waiter.opinions)).to.include('rude');

    const { rows } = await pool.query<{ opinions: { term: string; start: number; end: number }[] }>(
      'SELECT opinions FROM aspect_mentions WHERE id = $1',
      [waiter.mention_id],
    );
    expect(slices(rows[0]!.opinions)).to.deep.equal(slices(waiter.opinions));

    await es.indices.refresh({ index: 'absa-mentions' });
    const hit = await es.search<{ opinions: { term: string; start: number; end: number }[] }>({
      index: 'absa-mentions',
      query: { term: { mention_id: waiter.mention_id } },
    });
    expect(slices(hit.hits.hits[0]!._source!.opinions)).to.deep.equal(slices(waiter.opinions));
    // and Kibana users can search by opinion word
    const byWord = await es.count({
      index: 'absa-mentions',
      query: { bool: { filter: [{ term: { tenant } }, { match: { 'opinions.term': 'rude' } }] } },
    });
    expect(byWord.count).to.be.at.least(1);

    const api = async <T>(pathAndQuery: string): Promise<T> => {
      const res = await fetch(`${apiUrl}/v1${pathAndQuery}`, { headers: { 'x-api-key': keys.reader } });
      expect(res.status, await res.clone().text()).to.equal(200);
      return (await res.json()) as T;
    };
    type ApiOpinion = { term: string; from: number; to: number };
    const fromApi = (opinions: ApiOpinion[] | null) =>
      slices(opinions?.map((o) => ({ term: o.term, start: o.from, end: o.to })));
    const range = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
    const page = await api<{ items: { id: string; opinions: ApiOpinion[] | null }[] }>(
      `/mentions?${range}&source=opinion-check&aspect=${encodeURIComponent(waiter.normalized_aspect)}`,
    );
    expect(page.items.map((m) => m.id)).to.deep.equal([waiter.mention_id]);
    expect(fromApi(page.items[0]!.opinions)).to.deep.equal(slices(waiter.opinions));
    const document = await api<{ aspects: { mention_id: string; opinions: ApiOpinion[] | null }[] }>(
      `/documents/${documentId}`,
    );
    const aspect = document.aspects.find((a) => a.mention_id === waiter.mention_id)!;
    expect(fromApi(aspect.opinions)).to.deep.equal(slices(waiter.opinions));

    // the source filter: this one document is all its source has
    const summary = await api<{ aspects: { aspect: string; mentions: number }[] }>(
      `/aspects/summary?${range}&source=opinion-check`,
    );
    const ofDocument = events.filter((e) => e.value.document_id === documentId).map((e) => e.value);
    expect(summary.aspects.reduce((n, a) => n + a.mentions, 0)).to.equal(ofDocument.length);
    const sources = await api<{ items: { source: string; documents: number }[] }>(`/sources?${range}`);
    expect(sources.items).to.deep.include({ source: 'opinion-check', documents: 1 });
  });

  it('analyses a Korean review with the Korean model: its aspects are in PostgreSQL, Elasticsearch (found by a Korean word) and the API', async () => {
    const documentId = documentEventId(tenant, 'korean-check', `${run}-korean`);
    const documents = await readers.documents.until(
      (r) => r.some((d) => d.value.event_id === documentId),
      60_000,
      'the Korean document',
    );
    const event = documents.find((d) => d.value.event_id === documentId)!.value;
    expect([event.status, event.lang]).to.deep.equal(['ok', 'ko']);
    const { name, version } = event.model;
    expect({ name, version }, 'the artifact serving Korean').to.deep.equal(koreanModel());
    expect(event.embedding_model).to.equal(`${event.model.name}-${event.model.version}`);
    expect(event.sentences.map((s) => KOREAN_TEXT.slice(s.start, s.end))).to.deep.equal([
      '배터리가 오래가서 너무 좋아요',
      '근데 화면이 좀 어두워요 ㅠㅠ',
    ]);
    for (const a of event.aspects) expect(KOREAN_TEXT.slice(a.start, a.end)).to.equal(a.term);
    expect(event.aspects.map((a) => [a.normalized_aspect, a.polarity])).to.deep.equal(KOREAN_ASPECTS);
    // the Korean model has an opinion head: each aspect carries its opinion words (possibly none)
    for (const a of event.aspects) {
      expect(a.opinions, `opinions of ${a.term}`).to.be.an('array');
      for (const o of a.opinions!) expect(KOREAN_TEXT.slice(o.start, o.end)).to.not.equal('');
    }
    expect(event.sentiment?.polarity).to.be.oneOf(['mixed', 'positive', 'negative']);

    const { rows } = await pool.query<{
      term: string;
      normalized_aspect: string;
      polarity: string;
      lang: string;
    }>(
      `SELECT term, normalized_aspect, polarity, lang FROM aspect_mentions WHERE document_id = $1
       ORDER BY start_offset`,
      [documentId],
    );
    expect(rows.map((r) => [r.normalized_aspect, r.polarity, r.lang])).to.deep.equal(
      KOREAN_ASPECTS.map(([aspect, polarity]) => [aspect, polarity, 'ko']),
    );

    const api = async <T>(pathAndQuery: string, key = keys.reader): Promise<T> => {
      const res = await fetch(`${apiUrl}/v1${pathAndQuery}`, { headers: { 'x-api-key': key } });
      expect(res.status, await res.clone().text()).to.equal(200);
      return (await res.json()) as T;
    };
    const range = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
    const document = await api<{ lang: string; aspects: { normalized: string; polarity: string }[] }>(
      `/documents/${documentId}`,
    );
    expect(document.lang).to.equal('ko');
    expect(document.aspects.map((a) => [a.normalized, a.polarity])).to.deep.equal(KOREAN_ASPECTS);
    await es.indices.refresh({ index: 'absa-documents' });
    const found = await api<{ items: { id: string; highlights: unknown }[] }>(
      `/search?${range}&q=${encodeURIComponent('배터리')}&lang=ko&limit=100`,
    );
    const hit = found.items.find((i) => i.id === documentId);
    expect(hit, 'the Korean document found by 배터리').to.not.equal(undefined);
    expect(JSON.stringify(hit!.highlights)).to.include('배터리');
    const summary = await api<{ aspects: { aspect: string; mentions: number }[] }>(
      `/aspects/summary?${range}&source=korean-check&lang=ko`,
    );
    expect(summary.aspects.map((a) => a.aspect).sort()).to.deep.equal(['배터리', '화면']);
    // similar documents come from the same model's vector space: Korean ones only
    const similar = await api<{ items: { lang: string }[] }>(
      `/documents/${documentId}/similar?k=5`,
      keys.analyst,
    );
    expect(similar.items.length).to.be.greaterThan(0);
    expect(new Set(similar.items.map((i) => i.lang))).to.deep.equal(new Set(['ko']));
  });

  it('puts nothing of this run in a dead-letter topic besides the deliberate poison', async () => {
    const raw = readers.rawDlq.records.filter((d) => d.key?.startsWith(run) || d.key?.includes(tenant));
    expect(raw.map((d) => d.key).sort()).to.deep.equal([`${run}-too-long`, `${run}-unknown-schema`]);
    const ids = new Set(valid.keys());
    const sinkDead = readers.documentsDlq.records.filter((d) => ids.has(d.key ?? ''));
    expect(sinkDead, 'sink dead letters for this run').to.deep.equal([]);
  });

  it("answers the API's aspect summary with the counts SQL gives", async () => {
    const range = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
    const res = await fetch(`${apiUrl}/v1/aspects/summary?${range}&limit=1000`, {
      headers: { 'x-api-key': keys.reader },
    });
    expect(res.status, await res.clone().text()).to.equal(200);
    const body = (await res.json()) as {
      aspects: {
        aspect: string;
        category: string | null;
        mentions: number;
        positive: number;
        negative: number;
        neutral: number;
      }[];
      categories: {
        category: string | null;
        mentions: number;
        positive: number;
        negative: number;
        neutral: number;
      }[];
    };
    const { rows } = await pool.query<{
      aspect: string;
      category: string | null;
      polarity: string;
      n: string;
    }>(
      `SELECT normalized_aspect AS aspect, category, polarity, count(*) AS n FROM aspect_mentions
       WHERE tenant = $1 AND created_at >= '2026-11-01' AND created_at < '2026-12-01'
       GROUP BY 1, 2, 3`,
      [tenant],
    );
    const sql = new Map<string, { mentions: number; positive: number; negative: number; neutral: number }>();
    for (const r of rows) {
      const key = JSON.stringify([r.aspect, r.category]);
      const c = sql.get(key) ?? { mentions: 0, positive: 0, negative: 0, neutral: 0 };
      c.mentions += Number(r.n);
      if (r.polarity === 'positive' || r.polarity === 'negative' || r.polarity === 'neutral')
        c[r.polarity] += Number(r.n);
      sql.set(key, c);
    }
    expect(body.aspects.length).to.equal(Math.min(sql.size, 1000));
    for (const a of body.aspects) {
      const { mentions, positive, negative, neutral } = a;
      expect({ mentions, positive, negative, neutral }, a.aspect).to.deep.equal(
        sql.get(JSON.stringify([a.aspect, a.category])),
      );
    }
    const total = [...sql.values()].reduce((s, c) => s + c.mentions, 0);
    expect(body.categories.reduce((s, c) => s + c.mentions, 0)).to.equal(total);
  });

  it('every service serves the metrics docs/instrumentation.md lists for it', async () => {
    const documented = documentedMetrics();
    const processMetrics = documentedProcessMetrics();
    for (const [service, url] of Object.entries(metricsUrls)) {
      const response = await fetch(url);
      expect(response.status, `${service} ${url}`).to.equal(200);
      // prom-client writes HELP and TYPE for every registered family, samples or not.
      const served = new Map(
        [...(await response.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      const listed = [...documented].filter(([, d]) => d.services.includes(service));
      expect(
        listed.filter(([name]) => !served.has(name)).map(([name]) => name),
        `${service}: documented but not served`,
      ).to.deep.equal([]);
      for (const [name, d] of listed) expect(served.get(name), `${service} ${name}: type`).to.equal(d.type);
      const listedNames = new Set(listed.map(([name]) => name));
      expect(
        [...served.keys()].filter((name) => !listedNames.has(name) && !processMetrics.has(name)),
        `${service}: served but not documented for it`,
      ).to.deep.equal([]);
    }
  });
});

interface IndexedDocument {
  event_id: string;
  aspects: {
    mention_id: string;
    start: number;
    end: number;
    polarity: string;
    opinions?: { start: number; end: number }[] | null;
  }[];
}

async function* scrollAll(es: Elasticsearch, tenant: string): AsyncGenerator<IndexedDocument> {
  let response = await es.search<IndexedDocument>({
    index: 'absa-documents',
    scroll: '1m',
    size: 1000,
    query: { term: { tenant } },
    _source: ['event_id', 'aspects'],
  });
  while (response.hits.hits.length > 0) {
    for (const hit of response.hits.hits) yield hit._source!;
    response = await es.scroll<IndexedDocument>({ scroll_id: response._scroll_id!, scroll: '1m' });
  }
  await es.clearScroll({ scroll_id: response._scroll_id! }).catch(() => undefined);
}

/** The name and version of the artifact that serves Korean, chosen as the processor chooses it. */
function koreanModel(): { name: string; version: string } {
  const { name, version } = loadModelArtifact(resolveModelDir(undefined, {}, undefined, 'ko')).config;
  return { name, version };
}
