import { expect } from 'chai';
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics, startOpsServer } from '../../common/metrics/index';
import { migrate } from '../../common/postgres/migrate';
import { dlqTopic, TOPICS } from '../../schemas/topics';
import { postgresSinkConfigSpec } from '../../sinks/postgres/config';
import { startPostgresSink, type PostgresSink } from '../../sinks/postgres/service';
import {
  DATABASE_URL,
  EventProducer,
  endOffsets,
  makeDocument,
  makeKoreanDocument,
  readDeadLetters,
  startGroupAtEnd,
  testKafka,
  uniqueTenant,
  waitFor,
} from './sinks-fixtures';

const TOPIC = TOPICS.documents;

describe('PostgreSQL sink (sentiment.documents.v1 → documents, aspect_mentions, rollups)', function () {
  this.timeout(120_000);
  const tenant = uniqueTenant('pgsink');
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 3 });
  const metrics = createMetrics('sink-postgres-test', { defaultMetrics: false });
  let kafka: Kafka;
  let producer: EventProducer;
  let sink: PostgresSink;

  const count = async (sql: string, params: unknown[] = [tenant]): Promise<number> =>
    Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  const documents = () => count('SELECT count(*) AS n FROM documents WHERE tenant = $1');
  const mentions = () => count('SELECT count(*) AS n FROM aspect_mentions WHERE tenant = $1');
  const rollupTotal = () =>
    count('SELECT coalesce(sum(mention_count), 0) AS n FROM aspect_rollups_hourly WHERE tenant = $1');
  /** Hourly and daily rollup rows that differ from the raw mentions they count (0: in step). */
  const rollupMismatches = async (t = tenant): Promise<number> => {
    let n = 0;
    for (const [table, unit] of [
      ['aspect_rollups_hourly', 'hour'],
      ['aspect_rollups_daily', 'day'],
    ] as const) {
      n += await count(
        `WITH raw AS (
           SELECT entity, category, normalized_aspect, polarity, date_trunc('${unit}', created_at, 'UTC') AS at,
                  count(*) AS n, sum(confidence) AS s
           FROM aspect_mentions WHERE tenant = $1 GROUP BY 1, 2, 3, 4, 5)
         SELECT count(*) AS n FROM raw FULL JOIN (SELECT *, ${unit} AS at FROM ${table} WHERE tenant = $1) r
           ON raw.entity IS NOT DISTINCT FROM r.entity AND raw.category IS NOT DISTINCT FROM r.category
          AND raw.normalized_aspect = r.normalized_aspect AND raw.polarity = r.polarity AND raw.at = r.at
         WHERE raw.n IS DISTINCT FROM r.mention_count OR abs(raw.s - r.confidence_sum) > 1e-3 OR raw.n IS NULL`,
        [t],
      );
    }
    return n;
  };

  before(async () => {
    kafka = testKafka();
    producer = new EventProducer(kafka, TOPIC);
    await producer.connect();
    const groupId = `sinks-test-pg-${tenant}`;
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, TOPIC);
    await admin.disconnect();
    const config = parseConfig(
      postgresSinkConfigSpec,
      withEnv({ SINK_POSTGRES_GROUP_ID: groupId, SINK_POSTGRES_RETRY_MAX_MS: '2000', LOG_LEVEL: 'warn' }),
    );
    sink = await startPostgresSink(config, { logger: silentLogger(), metrics });
  });

  after(async () => {
    await sink?.stop();
    await producer?.close();
    await db.end();
  });

  it('applies its migrations idempotently, also when two instances start at once', async () => {
    const results = await Promise.all([migrate(db), migrate(db)]);
    expect(results.every((r) => r.applied.length === 0)).to.equal(true);
    const { rows } = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations WHERE version IN (2, 3)',
    );
    expect(rows.map((r) => r.version).sort()).to.deep.equal([2, 3]);
  });

  it('keeps monthly partitions for the current month and the next three', async () => {
    const now = new Date();
    for (let k = 0; k <= 3; k++) {
      const m = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1));
      const suffix = `y${m.getUTCFullYear()}m${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
      for (const table of ['documents', 'aspect_mentions']) {
        const { rows } = await db.query('SELECT to_regclass($1) AS t', [`${table}_${suffix}`]);
        expect(rows[0].t, `${table}_${suffix}`).to.equal(`${table}_${suffix}`);
      }
    }
  });

  it('writes every document with its aspects as mentions and counts them in hourly rollups', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => makeDocument(tenant, i));
    await producer.send(docs);
    await waitFor(
      '200 documents and 600 mentions',
      async () => [await documents(), await mentions()],
      ([d, m]) => d === 200 && m === 600,
    );
    expect(await rollupTotal()).to.equal(600);
    expect(await count('SELECT count(*) AS n FROM document_index WHERE tenant = $1')).to.equal(200);

    const doc = docs[7]!;
    const { rows } = await db.query(
      `SELECT d.text, d.lang, d.entity, d.sentiment_polarity, vector_dims(d.embedding) AS dims, d.aspect_count,
              d.text_tsv @@ websearch_to_tsquery(absa_text_search_config('en'), 'batteries') AS found
       FROM document_index i JOIN documents d ON d.id = i.id AND d.created_at = i.created_at
       WHERE i.id = $1`,
      [doc.event_id],
    );
    expect(rows[0]).to.include({
      text: doc.text,
      lang: 'en',
      entity: doc.entity,
      dims: 384,
      aspect_count: 3,
    });
    const m = await db.query(
      `SELECT term, start_offset, end_offset, sentence_text, normalized_aspect, category, polarity
       FROM aspect_mentions WHERE document_id = $1 ORDER BY start_offset`,
      [doc.event_id],
    );
    expect(m.rows).to.have.length(3);
    const a = doc.aspects[1]!;
    expect(m.rows[1]).to.deep.equal({
      term: a.term,
      start_offset: a.start,
      end_offset: a.end,
      sentence_text: doc.text.slice(doc.sentences[1]!.start, doc.sentences[1]!.end),
      normalized_aspect: a.normalized_aspect,
      category: a.category,
      polarity: a.polarity,
    });
    expect(doc.text.slice(m.rows[1].start_offset, m.rows[1].end_offset)).to.equal(a.term);

    // Hourly and daily rollups agree with the raw mentions, per key and hour / day.
    expect(await rollupMismatches()).to.equal(0);
  });

  it('finds a Korean word inside its eojeol ("배터리" in "배터리가") through the trigram index on Korean texts', async () => {
    const own = uniqueTenant('pgsink-ko'); // the other tests count this suite's tenant
    const korean = makeKoreanDocument(own, 1);
    await producer.send([korean]);
    await waitFor(
      'the Korean document',
      async () => count('SELECT count(*) AS n FROM documents WHERE id = $1', [korean.event_id]),
      (n) => n === 1,
    );
    const search = `SELECT id, tenant FROM documents WHERE lang = 'ko' AND text LIKE '%' || $1 || '%'`;
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off'); // a test table is small enough to scan
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${search}`, ['배터리']);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).to.match(/Index Cond: \(text ~~/);
      const { rows } = await client.query<{ id: string; tenant: string }>(search, ['배터리']);
      expect(rows.filter((r) => r.tenant === own).map((r) => r.id)).to.deep.equal([korean.event_id]);
      // the full-text column alone does not find it: its token is the whole "배터리가"
      const fts = await client.query(
        `SELECT id FROM documents WHERE id = $1 AND text_tsv @@ plainto_tsquery(absa_text_search_config('ko'), $2)`,
        [korean.event_id, '배터리'],
      );
      expect(fts.rows).to.have.length(0);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });

  it('changes no row and no rollup count when the same batch is replayed', async () => {
    const snapshot = async () =>
      (
        await db.query(
          `SELECT (SELECT json_agg(r ORDER BY r.entity, r.category, r.normalized_aspect, r.polarity, r.hour)
                   FROM (SELECT entity, category, normalized_aspect, polarity, hour, mention_count, confidence_sum, updated_at
                         FROM aspect_rollups_hourly WHERE tenant = $1) r) AS rollups,
                  (SELECT max(written_at) FROM documents WHERE tenant = $1) AS docs_written,
                  (SELECT max(written_at) FROM aspect_mentions WHERE tenant = $1) AS mentions_written`,
          [tenant],
        )
      ).rows[0];
    const before = await snapshot();
    const docs = Array.from({ length: 200 }, (_, i) => makeDocument(tenant, i));

    // The writer itself, twice in a row with the same batch.
    const counts = await sink.writer.writeCounting(docs);
    expect(counts).to.deep.equal({
      documents: 0,
      duplicateDocuments: 200,
      mentions: 0,
      duplicateMentions: 600,
      rollups: 0,
    });

    // And through Kafka: the same events again, then a marker event to know the replay was consumed.
    await producer.send(docs);
    await producer.send([makeDocument(tenant, 10_000)]);
    await waitFor('the marker document', documents, (n) => n === 201);
    const after = await snapshot();
    expect(await mentions()).to.equal(603);
    expect(await rollupTotal()).to.equal(603);
    expect(await rollupMismatches()).to.equal(0);
    expect(after.docs_written.getTime()).to.be.greaterThan(before.docs_written.getTime()); // only the marker
    const markerKeys = new Set(
      makeDocument(tenant, 10_000).aspects.map((a) => `${a.normalized_aspect}|${a.polarity}`),
    );
    const changed = (after.rollups as Array<Record<string, unknown>>).filter(
      (r) =>
        !(before.rollups as Array<Record<string, unknown>>).some(
          (b) => JSON.stringify(b) === JSON.stringify(r),
        ),
    );
    // Only rollup rows of the marker's own mentions changed.
    for (const r of changed) expect(markerKeys.has(`${r.normalized_aspect}|${r.polarity}`)).to.equal(true);
    expect(changed.length).to.be.at.most(3);
  });

  it('stores a document sent again without created_at once, counted once, also across a month boundary', async () => {
    // A collector stamps a document without created_at with its ingest time: sent on 31 October and
    // again on 1 November, the same document arrives with two created_at values.
    const other = `${tenant}-resent`;
    const first = makeDocument(other, 1, { createdAt: Date.UTC(2026, 9, 31, 23, 59) });
    const again = {
      ...makeDocument(other, 1, { createdAt: Date.UTC(2026, 10, 1, 0, 5) }),
      processed_at: first.processed_at + 600_000,
    };
    await sink.writer.writeCounting([first]);
    await sink.writer.writeCounting([again]);
    await sink.writer.writeCounting([again]); // and replayed
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
              (SELECT min(created_at) FROM documents WHERE tenant = $1) AS created_at,
              (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions,
              (SELECT sum(mention_count) FROM aspect_rollups_hourly WHERE tenant = $1)::int AS hourly,
              (SELECT sum(mention_count) FROM aspect_rollups_daily WHERE tenant = $1)::int AS daily`,
      [other],
    );
    expect(rows[0]).to.deep.equal({
      documents: 1,
      created_at: new Date(first.created_at),
      mentions: first.aspects.length,
      hourly: first.aspects.length,
      daily: first.aspects.length,
    });
  });

  it('replaces a document analysed again (newer processed_at): its mentions and rollup counts follow the new analysis', async () => {
    // A tenant of its own, so the other tests' counts stay as they are.
    const other = `${tenant}-again`;
    const first = makeDocument(other, 1);
    await sink.writer.writeCounting([first]);
    const second = {
      ...first,
      processed_at: first.processed_at + 60_000,
      model: { name: first.model.name, version: 'newer' },
      // The new analysis finds only the first aspect, with the opposite polarity.
      aspects: [
        {
          ...first.aspects[0]!,
          polarity: first.aspects[0]!.polarity === 'positive' ? 'negative' : 'positive',
        } as const,
      ],
    };
    const total = async () =>
      Number(
        (
          await db.query(
            'SELECT coalesce(sum(mention_count), 0) AS n FROM aspect_rollups_hourly WHERE tenant = $1',
            [other],
          )
        ).rows[0].n,
      );
    const before = await total();
    await sink.writer.writeCounting([second]);
    const rows = await db.query(
      'SELECT id, polarity, model_version FROM aspect_mentions WHERE document_id = $1',
      [first.event_id],
    );
    expect(rows.rows.map((r) => [r.id, r.polarity, r.model_version])).to.deep.equal([
      [second.aspects[0]!.mention_id, second.aspects[0]!.polarity, 'newer'],
    ]);
    expect(await total()).to.equal(before - first.aspects.length + 1);
    // Old mentions left both rollups; rows no mention counts any more are gone, not left at zero.
    expect(await rollupMismatches(other)).to.equal(0);
    const doc = await db.query('SELECT model_version, aspect_count FROM documents WHERE id = $1', [
      first.event_id,
    ]);
    expect(doc.rows[0]).to.deep.equal({ model_version: 'newer', aspect_count: 1 });

    // The older analysis arriving late changes nothing.
    await sink.writer.writeCounting([first]);
    expect(await total()).to.equal(before - first.aspects.length + 1);
    expect(await rollupMismatches(other)).to.equal(0);
    const again = await db.query('SELECT model_version FROM documents WHERE id = $1', [first.event_id]);
    expect(again.rows[0].model_version).to.equal('newer');
  });

  it('puts an event dated five years ago and one dated next year into the partitions of their months', async () => {
    const now = new Date();
    const old = Date.UTC(now.getUTCFullYear() - 5, now.getUTCMonth(), 15, 12);
    const future = Date.UTC(now.getUTCFullYear() + 1, 6, 4, 9);
    const docs = [
      makeDocument(tenant, 20_000, { createdAt: old }),
      makeDocument(tenant, 20_001, { createdAt: future }),
    ];
    await producer.send(docs);
    await waitFor('both dated documents', documents, (n) => n === 203);
    const partitionOf = async (table: string, id: string) =>
      (
        await db.query(
          `SELECT tableoid::regclass::text AS p FROM ${table} WHERE ${table === 'documents' ? 'id' : 'document_id'} = $1 LIMIT 1`,
          [id],
        )
      ).rows[0].p;
    const name = (ms: number) => {
      const d = new Date(ms);
      return `y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(await partitionOf('documents', docs[0]!.event_id)).to.equal(`documents_${name(old)}`);
    expect(await partitionOf('aspect_mentions', docs[0]!.event_id)).to.equal(`aspect_mentions_${name(old)}`);
    expect(await partitionOf('documents', docs[1]!.event_id)).to.equal(`documents_${name(future)}`);
    expect(await partitionOf('aspect_mentions', docs[1]!.event_id)).to.equal(
      `aspect_mentions_${name(future)}`,
    );
    const hour = await db.query(
      `SELECT hour FROM aspect_rollups_hourly WHERE tenant = $1 AND hour < now() - interval '4 years' LIMIT 1`,
      [tenant],
    );
    expect(hour.rows[0].hour.getTime()).to.equal(old);
  });

  it('sends undecodable and invalid events to sentiment.documents.v1.dlq and writes the rest', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const from = await endOffsets(admin, dlqTopic(TOPIC));
    await admin.disconnect();
    const badKey = `${tenant}-not-avro`;
    const wrongDims = { ...makeDocument(tenant, 30_000), embedding: [0.1, 0.2, 0.3] };
    const withNul = makeDocument(tenant, 30_001);
    withNul.text = withNul.text.replace('The', 'T\u0000e');
    await producer.sendRaw(badKey, Buffer.from('{"this":"is not avro"}'));
    await producer.send([wrongDims, withNul, makeDocument(tenant, 30_002)]);
    await waitFor('the valid document after the bad ones', documents, (n) => n === 204);

    const letters = await readDeadLetters(
      kafka,
      dlqTopic(TOPIC),
      from,
      new Set([badKey, wrongDims.event_id, withNul.event_id]),
    );
    const byKey = new Map(letters.map((l) => [l.key, l.envelope]));
    expect(byKey.get(badKey)).to.include({
      error_class: 'UndecodableError',
      source_topic: TOPIC,
      processor: 'sink-postgres',
    });
    expect(byKey.get(badKey)!.value!.toString()).to.equal('{"this":"is not avro"}');
    expect(byKey.get(wrongDims.event_id)).to.include({
      error_class: 'InvalidEventError',
      error_code: 'embedding_dimensions',
    });
    expect(byKey.get(withNul.event_id)).to.include({
      error_class: 'InvalidEventError',
      error_code: 'nul_character',
    });
  });

  it('drops monthly partitions that end before the retention cutoff and keeps the others', async () => {
    await sink.writer.ensurePartitions(Date.UTC(1971, 0, 10), Date.UTC(1971, 1, 10));
    const dropped = await sink.writer.dropPartitionsBefore(Date.UTC(1971, 1, 1));
    expect(dropped.sort()).to.deep.equal(['aspect_mentions_y1971m01', 'documents_y1971m01']);
    const left = await db.query(`SELECT to_regclass('documents_y1971m02') AS t`);
    expect(left.rows[0].t).to.equal('documents_y1971m02');
    await sink.writer.dropPartitionsBefore(Date.UTC(1971, 2, 1));
  });

  it('serves /metrics with rows written, batch latency and dead letters, and /healthz and /readyz', async () => {
    const server: http.Server = await startOpsServer(0, { metrics, readiness: sink.readiness }, '127.0.0.1');
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).to.match(
        /absa_sink_postgres_rows_written_total\{table="aspect_mentions",service="sink-postgres-test"\} \d+/,
      );
      expect(text).to.include('absa_consumer_chunk_duration_seconds_bucket');
      expect(text).to.match(
        /absa_consumer_dead_letters_total\{consumer="sink-postgres",topic="sentiment.documents.v1",error_class="InvalidEventError"/,
      );
      expect(text).to.include('absa_consumer_lag_messages');
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status, JSON.stringify(await ready.clone().json())).to.equal(200);
    } finally {
      server.close();
    }
  });
});
