/**
 * Writes a batch of analysed documents to PostgreSQL in one transaction: documents, document_index,
 * aspect_mentions and the hourly rollups, keyed by the event's key ((id, created_at); see
 * 002_sentiment_tables.sql).
 *
 * The newest analysis of a document wins: a document event with a later processed_at (reprocessing
 * with a new model, or the same text analysed again) replaces the stored row, and the previous
 * analysis' mentions are deleted and taken out of the rollups before the new ones go in. An event
 * that is not newer (a replayed batch) changes nothing, rollups included.
 *
 * Monthly partitions for the batch's months are made before the transaction when they are not known
 * to exist (late or backfilled events), in a short transaction of their own.
 */
import type pg from 'pg';
import type { DocumentSentiment } from '../../schemas/index';
import { observeIngestToWritten } from '../shared/metrics';
import { newestPerDocument } from '../shared/newest';
import type { SinkWriter } from '../shared/runner';
import type { PostgresSinkMetrics } from './metrics';
import { isoTime, mentionRows, monthStart, validateDocument, vectorLiteral } from './encoder';
import { asStoreError } from './retry';
import type { RetriableError } from '../../common/errors/index';

interface Rollup {
  table: string;
  /** the table's time column, named after the date_trunc unit it holds */
  unit: 'hour' | 'day';
}
/** The rollup tables (003, 008), hourly first; both follow every mention inserted or deleted. */
const ROLLUPS: readonly [Rollup, Rollup] = [
  { table: 'aspect_rollups_hourly', unit: 'hour' },
  { table: 'aspect_rollups_daily', unit: 'day' },
];

const INSERT_DOCUMENTS = `
INSERT INTO documents (
  id, tenant, source, source_id, entity, author_id, url, status, lang, lang_confidence, text, metadata,
  sentences, sentiment_polarity, sentiment_confidence, sentiment_positive, sentiment_negative,
  sentiment_neutral, aspect_count, model_name, model_version, taxonomy_version, embedding,
  embedding_model, created_at, ingested_at, processed_at)
SELECT id, tenant, source, source_id, entity, author_id, url, status, lang, lang_confidence, text, metadata,
  sentences, sentiment_polarity, sentiment_confidence, sentiment_positive, sentiment_negative,
  sentiment_neutral, aspect_count, model_name, model_version, taxonomy_version, embedding::vector(384),
  embedding_model, created_at, ingested_at, processed_at
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::real[], $11::text[], $12::jsonb[], $13::jsonb[], $14::text[], $15::real[], $16::real[],
  $17::real[], $18::real[], $19::int[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
  $25::timestamptz[], $26::timestamptz[], $27::timestamptz[])
  AS t(id, tenant, source, source_id, entity, author_id, url, status, lang, lang_confidence, text, metadata,
  sentences, sentiment_polarity, sentiment_confidence, sentiment_positive, sentiment_negative,
  sentiment_neutral, aspect_count, model_name, model_version, taxonomy_version, embedding,
  embedding_model, created_at, ingested_at, processed_at)
ON CONFLICT (id, created_at) DO UPDATE SET
  tenant = EXCLUDED.tenant, source = EXCLUDED.source, source_id = EXCLUDED.source_id,
  entity = EXCLUDED.entity, author_id = EXCLUDED.author_id, url = EXCLUDED.url, status = EXCLUDED.status,
  lang = EXCLUDED.lang, lang_confidence = EXCLUDED.lang_confidence, text = EXCLUDED.text,
  metadata = EXCLUDED.metadata, sentences = EXCLUDED.sentences,
  sentiment_polarity = EXCLUDED.sentiment_polarity, sentiment_confidence = EXCLUDED.sentiment_confidence,
  sentiment_positive = EXCLUDED.sentiment_positive, sentiment_negative = EXCLUDED.sentiment_negative,
  sentiment_neutral = EXCLUDED.sentiment_neutral, aspect_count = EXCLUDED.aspect_count,
  model_name = EXCLUDED.model_name, model_version = EXCLUDED.model_version,
  taxonomy_version = EXCLUDED.taxonomy_version, embedding = EXCLUDED.embedding,
  embedding_model = EXCLUDED.embedding_model, ingested_at = EXCLUDED.ingested_at,
  processed_at = EXCLUDED.processed_at, written_at = now()
  WHERE documents.processed_at < EXCLUDED.processed_at
RETURNING id`;

// Which of the batch's documents are stored already (their earlier analysis is replaced below).
const EXISTING_DOCUMENTS = `
SELECT d.id FROM documents d
  JOIN unnest($1::uuid[], $2::timestamptz[]) AS k(id, created_at) ON d.id = k.id AND d.created_at = k.created_at`;

// Takes the deleted mentions (CTE `del`) out of one rollup table; returns the rows it touched.
const subtractRollup = ({ table, unit }: Rollup): string => `
${unit}_agg AS (
  SELECT tenant, entity, category, normalized_aspect, polarity,
         date_trunc('${unit}', created_at, 'UTC') AS at, count(*) AS n, sum(confidence) AS s
  FROM del GROUP BY 1, 2, 3, 4, 5, 6
), ${unit}_upd AS (
  UPDATE ${table} r
     SET mention_count = r.mention_count - a.n, confidence_sum = r.confidence_sum - a.s, updated_at = now()
    FROM ${unit}_agg a
   WHERE r.tenant = a.tenant AND r.entity IS NOT DISTINCT FROM a.entity
     AND r.category IS NOT DISTINCT FROM a.category AND r.normalized_aspect = a.normalized_aspect
     AND r.polarity = a.polarity AND r.${unit} = a.at
  RETURNING '${unit}' AS grain, r.tenant, r.entity, r.category, r.normalized_aspect, r.polarity,
            r.${unit} AS at, r.mention_count
)`;

// The previous analysis of re-analysed documents: its mentions go, and so do their counts in every
// rollup table; returns the rollup rows touched (grain = the table's time column, at = its value).
const DELETE_OLD_MENTIONS = `
WITH del AS (
  DELETE FROM aspect_mentions m
  USING unnest($1::uuid[], $2::timestamptz[]) AS d(id, created_at)
  WHERE m.document_id = d.id AND m.created_at = d.created_at
  RETURNING m.tenant, m.entity, m.category, m.normalized_aspect, m.polarity, m.created_at, m.confidence
), ${ROLLUPS.map(subtractRollup).join(', ')}
${ROLLUPS.map(({ unit }) => `SELECT * FROM ${unit}_upd`).join(' UNION ALL ')}`;

// Rollup rows that no mention counts in any more (an aspect the new analysis no longer finds).
const deleteEmptyRollups = ({ table, unit }: Rollup): string => `
DELETE FROM ${table} r
 USING unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       AS e(tenant, entity, category, normalized_aspect, polarity, at)
 WHERE r.tenant = e.tenant AND r.entity IS NOT DISTINCT FROM e.entity
   AND r.category IS NOT DISTINCT FROM e.category AND r.normalized_aspect = e.normalized_aspect
   AND r.polarity = e.polarity AND r.${unit} = e.at AND r.mention_count <= 0`;

const INSERT_DOCUMENT_INDEX = `
INSERT INTO document_index (id, tenant, created_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])
ON CONFLICT (id) DO NOTHING`;

// Adds the inserted mentions (CTE `ins`) to one rollup table, in key order so concurrent
// transactions lock rollup rows in the same order.
const upsertRollup = ({ table, unit }: Rollup): string => `
  INSERT INTO ${table} AS r
    (tenant, entity, category, normalized_aspect, polarity, ${unit}, mention_count, confidence_sum)
  SELECT tenant, entity, category, normalized_aspect, polarity, date_trunc('${unit}', created_at, 'UTC'),
         count(*), sum(confidence)
  FROM ins
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT ${table}_key DO UPDATE
    SET mention_count = r.mention_count + EXCLUDED.mention_count,
        confidence_sum = r.confidence_sum + EXCLUDED.confidence_sum,
        updated_at = now()
  RETURNING 1`;

// Mentions and rollups in one statement: the rollups add exactly the rows the INSERT returned (new
// mentions), so a replayed batch adds nothing.
const INSERT_MENTIONS_AND_ROLLUPS = `
WITH ins AS (
  INSERT INTO aspect_mentions (
    id, document_id, tenant, source, entity, lang, term, start_offset, end_offset, sentence_index,
    sentence_text, sentence_start, sentence_end, normalized_aspect, category, polarity, confidence,
    model_name, model_version, taxonomy_version, created_at, processed_at, opinions)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::int[], $9::int[], $10::int[], $11::text[], $12::int[], $13::int[], $14::text[], $15::text[],
    $16::text[], $17::real[], $18::text[], $19::text[], $20::text[], $21::timestamptz[], $22::timestamptz[],
    $23::jsonb[])
  ON CONFLICT (id, created_at) DO NOTHING
  RETURNING tenant, entity, category, normalized_aspect, polarity, created_at, confidence
), up AS (${upsertRollup(ROLLUPS[0])}
), up_daily AS (${upsertRollup(ROLLUPS[1])}
)
SELECT (SELECT count(*) FROM ins)::int AS mentions, (SELECT count(*) FROM up)::int AS rollups`;

export interface WriteCounts {
  documents: number;
  duplicateDocuments: number;
  mentions: number;
  duplicateMentions: number;
  rollups: number;
}

export class PostgresDocumentWriter implements SinkWriter<DocumentSentiment> {
  /** Months (epoch ms of the first instant) whose partitions are known to exist. */
  private readonly knownMonths = new Set<number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly metrics?: PostgresSinkMetrics,
    private readonly retentionCutoff: () => number | undefined = () => undefined,
  ) {}

  validate(doc: DocumentSentiment): Error | undefined {
    return validateDocument(doc, this.retentionCutoff());
  }

  async write(docs: DocumentSentiment[]): Promise<Array<unknown | undefined>> {
    await this.writeCounting(docs);
    return docs.map(() => undefined);
  }

  /** Creates the monthly partitions from `fromMs` to `toMs` (inclusive months) that do not exist yet. */
  async ensurePartitions(fromMs: number, toMs: number): Promise<number> {
    try {
      const { rows } = await this.pool.query<{ created: number }>(
        'SELECT absa_ensure_month_partitions($1, $2) AS created',
        [isoTime(fromMs), isoTime(toMs)],
      );
      const created = rows[0]?.created ?? 0;
      if (created > 0) this.metrics?.partitionsCreated.inc(created);
      return created;
    } catch (err) {
      throw asStoreError(err);
    }
  }

  /**
   * A document keeps the created_at it was first stored with. A collector stamps a document sent
   * without created_at with its ingest time, so a document sent again gets another one; taken as
   * is, it would become a second row (in another month's partition, even) counted twice in the
   * rollups. Events of one document id arrive on one partition, in order, so this lookup cannot
   * race another writer of the same id.
   */
  private async keepStoredCreatedAt(docs: DocumentSentiment[]): Promise<DocumentSentiment[]> {
    let rows: Array<{ id: string; created_at: Date }>;
    try {
      ({ rows } = await this.pool.query<{ id: string; created_at: Date }>(
        'SELECT id, created_at FROM document_index WHERE id = ANY($1::uuid[])',
        [docs.map((d) => d.event_id)],
      ));
    } catch (err) {
      throw asStoreError(err);
    }
    const stored = new Map(rows.map((r) => [r.id, r.created_at.getTime()]));
    return docs.map((d) => {
      const first = stored.get(d.event_id);
      return first === undefined || first === d.created_at ? d : { ...d, created_at: first };
    });
  }

  /** Drops partitions that end at or before `cutoffMs`; returns their names. */
  async dropPartitionsBefore(cutoffMs: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ part: string }>(
      'SELECT absa_drop_month_partitions_before($1) AS part',
      [isoTime(cutoffMs)],
    );
    this.knownMonths.clear();
    if (rows.length > 0) this.metrics?.partitionsDropped.inc(rows.length);
    return rows.map((r) => r.part);
  }

  async writeCounting(batch: DocumentSentiment[]): Promise<WriteCounts> {
    // one INSERT … ON CONFLICT cannot update a row twice
    const docs = await this.keepStoredCreatedAt(newestPerDocument(batch));
    const months = new Set(docs.map((d) => monthStart(d.created_at)));
    for (const m of months) {
      if (this.knownMonths.has(m)) continue;
      await this.ensurePartitions(m, m);
      this.knownMonths.add(m);
    }

    const stopTimer = this.metrics?.transaction.startTimer();
    let client: pg.PoolClient | undefined;
    // A checked-out client has no error listener of the pool's: when the server goes away between
    // two queries (restart, failover) the client emits 'error', which must not crash the process;
    // the next query then fails and the batch is retried.
    const onClientError = (): void => {};
    try {
      client = await this.pool.connect();
      client.on('error', onClientError);
      await client.query('BEGIN');
      const existing = await client.query<{ id: string }>(EXISTING_DOCUMENTS, [
        docs.map((d) => d.event_id),
        docs.map((d) => isoTime(d.created_at)),
      ]);
      const stored = new Set(existing.rows.map((r) => r.id));
      const written = await client.query<{ id: string }>(INSERT_DOCUMENTS, documentColumns(docs));
      const writtenIds = new Set(written.rows.map((r) => r.id));
      const replaced = docs.filter((d) => writtenIds.has(d.event_id) && stored.has(d.event_id));
      if (replaced.length > 0) {
        const { rows: touched } = await client.query<Record<string, unknown> & { mention_count: number }>(
          DELETE_OLD_MENTIONS,
          [replaced.map((d) => d.event_id), replaced.map((d) => isoTime(d.created_at))],
        );
        for (const rollup of ROLLUPS) {
          const empty = touched.filter((r) => r.grain === rollup.unit && r.mention_count <= 0);
          if (empty.length === 0) continue;
          const keys = ['tenant', 'entity', 'category', 'normalized_aspect', 'polarity', 'at'];
          await client.query(
            deleteEmptyRollups(rollup),
            keys.map((k) => empty.map((r) => r[k])),
          );
        }
      }
      // Only documents written now (new or newer) bring mentions; a replayed event brings none.
      const mentions = docs.filter((d) => writtenIds.has(d.event_id)).flatMap(mentionRows);
      await client.query(INSERT_DOCUMENT_INDEX, [
        docs.map((d) => d.event_id),
        docs.map((d) => d.tenant),
        docs.map((d) => isoTime(d.created_at)),
      ]);
      let mentionCount = 0;
      let rollupCount = 0;
      if (mentions.length > 0) {
        const { rows } = await client.query<{ mentions: number; rollups: number }>(
          INSERT_MENTIONS_AND_ROLLUPS,
          mentionColumns(mentions),
        );
        mentionCount = rows[0]!.mentions;
        rollupCount = rows[0]!.rollups;
      }
      await client.query('COMMIT');
      client.off('error', onClientError);
      client.release();
      client = undefined;
      stopTimer?.();
      // Replayed events (not written now) would measure the replay, not the pipeline.
      observeIngestToWritten(
        this.metrics?.ingestToWritten,
        docs.filter((d) => writtenIds.has(d.event_id)),
      );
      const counts: WriteCounts = {
        documents: written.rowCount ?? 0,
        duplicateDocuments: batch.length - (written.rowCount ?? 0),
        mentions: mentionCount,
        duplicateMentions: batch.flatMap(mentionRows).length - mentionCount,
        rollups: rollupCount,
      };
      this.metrics?.rows.inc({ table: 'documents' }, counts.documents);
      this.metrics?.rows.inc({ table: 'aspect_mentions' }, counts.mentions);
      this.metrics?.rows.inc({ table: 'aspect_rollups_hourly' }, counts.rollups);
      this.metrics?.duplicates.inc({ table: 'documents' }, counts.duplicateDocuments);
      this.metrics?.duplicates.inc({ table: 'aspect_mentions' }, counts.duplicateMentions);
      return counts;
    } catch (err) {
      if (client) {
        const server = typeof err === 'object' && err !== null && 'severity' in err;
        const { severity, code } = (server ? err : {}) as { severity?: string; code?: string };
        const broken = !server || severity === 'FATAL' || severity === 'PANIC' || /^(08|57)/.test(code ?? '');
        try {
          if (!broken) await client.query('ROLLBACK');
        } catch {
          // the connection is gone; the server rolls back on its own
        }
        // A client whose connection failed is destroyed instead of going back to the pool.
        client.off('error', onClientError);
        client.release(broken ? (err as Error) : undefined);
      }
      const mapped = asStoreError(err);
      if ((mapped as RetriableError)?.code === 'missing_partition') this.knownMonths.clear();
      throw mapped;
    }
  }
}

function documentColumns(docs: DocumentSentiment[]): unknown[] {
  return [
    docs.map((d) => d.event_id),
    docs.map((d) => d.tenant),
    docs.map((d) => d.source),
    docs.map((d) => d.source_id),
    docs.map((d) => d.entity),
    docs.map((d) => d.author_id),
    docs.map((d) => d.url),
    docs.map((d) => d.status),
    docs.map((d) => d.lang),
    docs.map((d) => d.lang_confidence),
    docs.map((d) => d.text),
    docs.map((d) => JSON.stringify(d.metadata ?? {})),
    docs.map((d) => JSON.stringify(d.sentences)),
    docs.map((d) => d.sentiment?.polarity ?? null),
    docs.map((d) => d.sentiment?.confidence ?? null),
    docs.map((d) => d.sentiment?.positive ?? null),
    docs.map((d) => d.sentiment?.negative ?? null),
    docs.map((d) => d.sentiment?.neutral ?? null),
    docs.map((d) => d.aspects.length),
    docs.map((d) => d.model.name),
    docs.map((d) => d.model.version),
    docs.map((d) => d.taxonomy_version),
    docs.map((d) => vectorLiteral(d.embedding)),
    docs.map((d) => d.embedding_model),
    docs.map((d) => isoTime(d.created_at)),
    docs.map((d) => isoTime(d.ingested_at)),
    docs.map((d) => isoTime(d.processed_at)),
  ];
}

function mentionColumns(rows: ReturnType<typeof mentionRows>): unknown[] {
  return [
    rows.map((m) => m.id),
    rows.map((m) => m.document_id),
    rows.map((m) => m.tenant),
    rows.map((m) => m.source),
    rows.map((m) => m.entity),
    rows.map((m) => m.lang),
    rows.map((m) => m.term),
    rows.map((m) => m.start_offset),
    rows.map((m) => m.end_offset),
    rows.map((m) => m.sentence_index),
    rows.map((m) => m.sentence_text),
    rows.map((m) => m.sentence_start),
    rows.map((m) => m.sentence_end),
    rows.map((m) => m.normalized_aspect),
    rows.map((m) => m.category),
    rows.map((m) => m.polarity),
    rows.map((m) => m.confidence),
    rows.map((m) => m.model_name),
    rows.map((m) => m.model_version),
    rows.map((m) => m.taxonomy_version),
    rows.map((m) => m.created_at),
    rows.map((m) => m.processed_at),
    rows.map((m) => m.opinions),
  ];
}
