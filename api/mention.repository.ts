/**
 * `MentionStore` over PostgreSQL: aggregates from the daily and hourly rollups (hour resolution), the
 * drill-down and documents from the partitioned `aspect_mentions` / `documents`, nearest documents
 * through pgvector. Every statement is parameterized and filtered by tenant.
 *
 * The one aggregate the rollups cannot answer (the summary with a language) scans raw mentions: at
 * most `RawScanLimits.maxConcurrent` such scans hold a connection at once, across all tenants, each
 * under its own statement timeout, so the pool always has connections left for everything else.
 */
import type pg from 'pg';
import { sqlstateOf } from '../common/postgres/errors';
import type { OpinionTerm } from '../schemas/index';
import { apiConfigSpec, type ApiConfig } from './config';
import {
  ScanCapacityError,
  ScanTimeoutError,
  type AspectPolarityCount,
  toOpinionViews,
  type DocumentAspect,
  type DocumentView,
  type EntityCursor,
  type EntityVolume,
  type Interval,
  type MentionCursor,
  type MentionFilter,
  type MentionStore,
  type MentionView,
  type Polarity,
  type SourceVolume,
  type TimeRange,
  type TrendPoint,
} from './stores';

/** Builds `col = $n` clauses with their parameters, in order. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(sqlWithPlaceholder: (p: string) => string, value: unknown): this {
    this.params.push(value);
    this.clauses.push(sqlWithPlaceholder(`$${this.params.length}`));
    return this;
  }

  eqIf(column: string, value: unknown): this {
    return value === undefined ? this : this.add((p) => `${column} = ${p}`, value);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.clauses.join(' AND ');
  }
}

const floorHour = (d: Date): Date => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
const ceilHour = (d: Date): Date => new Date(Math.ceil(d.getTime() / 3_600_000) * 3_600_000);

/** Hour-resolution range of the rollups: from rounds down, to rounds up (exclusive). */
export function rollupHours(range: TimeRange): TimeRange {
  return { from: floorHour(range.from), to: ceilHour(range.to) };
}

const DAY_MS = 86_400_000;
const ROLLUP_COLUMNS = 'entity, category, normalized_aspect, polarity, mention_count, confidence_sum';

/**
 * SQL for the rollup rows of a range (the columns of ROLLUP_COLUMNS plus `at`): whole UTC days from
 * aspect_rollups_daily and only the partial days at either end from aspect_rollups_hourly (008), the
 * same sums as the hourly table alone with ~24x fewer rows over weeks. `w` holds the tenant and the
 * filters on rollup columns; the range's parameters are added to it. `hourly` forces the hourly table
 * (hour buckets).
 */
function rollupRows(w: Where, range: TimeRange, hourly = false): string {
  const hours = rollupHours(range);
  const filters = w.sql;
  const dayFrom = new Date(Math.ceil(hours.from.getTime() / DAY_MS) * DAY_MS);
  const dayTo = new Date(Math.floor(hours.to.getTime() / DAY_MS) * DAY_MS);
  const hFrom = w.param(hours.from);
  const hTo = w.param(hours.to);
  if (hourly || dayFrom >= dayTo) {
    return `SELECT ${ROLLUP_COLUMNS}, hour AS at FROM aspect_rollups_hourly
             WHERE ${filters} AND hour >= ${hFrom} AND hour < ${hTo}`;
  }
  const dFrom = w.param(dayFrom);
  const dTo = w.param(dayTo);
  return `SELECT ${ROLLUP_COLUMNS}, day AS at FROM aspect_rollups_daily
           WHERE ${filters} AND day >= ${dFrom} AND day < ${dTo}
          UNION ALL
          SELECT ${ROLLUP_COLUMNS}, hour AS at FROM aspect_rollups_hourly
           WHERE ${filters} AND ((hour >= ${hFrom} AND hour < ${dFrom}) OR (hour >= ${dTo} AND hour < ${hTo}))`;
}

const ISO_US = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface MentionRow {
  id: string;
  document_id: string;
  term: string;
  start_offset: number;
  end_offset: number;
  polarity: Polarity;
  confidence: number;
  category: string | null;
  normalized_aspect: string;
  entity: string | null;
  source: string;
  lang: string | null;
  created_iso: string;
  sentence_index: number;
  sentence_text: string;
  sentence_start: number;
  sentence_end: number;
  opinions: OpinionTerm[] | null;
}

const MENTION_COLUMNS = `id, document_id, term, start_offset, end_offset, polarity, confidence, category,
  normalized_aspect, entity, source, lang, ${ISO_US} AS created_iso, sentence_index, sentence_text,
  sentence_start, sentence_end, opinions`;

function toMention(r: MentionRow): MentionView {
  return {
    id: r.id,
    document_id: r.document_id,
    term: r.term,
    from: r.start_offset,
    to: r.end_offset,
    polarity: r.polarity,
    confidence: r.confidence,
    category: r.category,
    normalized: r.normalized_aspect,
    entity: r.entity,
    source: r.source,
    lang: r.lang,
    created_at: r.created_iso,
    sentence: { index: r.sentence_index, text: r.sentence_text, from: r.sentence_start, to: r.sentence_end },
    highlight: { from: r.start_offset - r.sentence_start, to: r.end_offset - r.sentence_start },
    opinions: toOpinionViews(r.opinions),
  };
}

interface DocumentRow {
  id: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  lang: string | null;
  status: string;
  text: string;
  created_iso: string;
  created_at: Date;
  sentiment_polarity: string | null;
  sentiment_confidence: number | null;
  sentiment_positive: number | null;
  sentiment_negative: number | null;
  sentiment_neutral: number | null;
}

const DOCUMENT_COLUMNS = `id, source, source_id, entity, author_id, url, lang, status, text, created_at,
  ${ISO_US} AS created_iso, sentiment_polarity, sentiment_confidence, sentiment_positive,
  sentiment_negative, sentiment_neutral`;

function toDocument(r: DocumentRow, aspects: DocumentAspect[]): DocumentView {
  return {
    id: r.id,
    source: r.source,
    source_id: r.source_id,
    entity: r.entity,
    author_id: r.author_id,
    url: r.url,
    lang: r.lang,
    status: r.status,
    text: r.text,
    created_at: r.created_iso,
    sentiment: r.sentiment_polarity
      ? {
          polarity: r.sentiment_polarity,
          confidence: r.sentiment_confidence,
          positive: r.sentiment_positive,
          negative: r.sentiment_negative,
          neutral: r.sentiment_neutral,
        }
      : null,
    aspects,
  };
}

/** Bounds of the raw-mention scans of one process. */
export interface RawScanLimits {
  /** Scans holding a connection at once, across all tenants; below the pool size. */
  maxConcurrent: number;
  /** Statement timeout of one scan, in ms. */
  timeoutMs: number;
}

/** The limits from the API's configuration: the pool's own statement timeout wins when shorter. */
export function rawScanLimits(
  c: Pick<ApiConfig, 'rawAggregateConcurrency' | 'rawAggregateTimeoutMs' | 'pgStatementTimeoutMs'>,
): RawScanLimits {
  return {
    maxConcurrent: c.rawAggregateConcurrency,
    timeoutMs:
      c.pgStatementTimeoutMs > 0
        ? Math.min(c.rawAggregateTimeoutMs, c.pgStatementTimeoutMs)
        : c.rawAggregateTimeoutMs,
  };
}

const DEFAULT_RAW_SCAN_LIMITS: RawScanLimits = {
  maxConcurrent: Number(apiConfigSpec.vars.rawAggregateConcurrency.default),
  timeoutMs: Number(apiConfigSpec.vars.rawAggregateTimeoutMs.default),
};

/** SQLSTATE query_canceled: what PostgreSQL raises when statement_timeout fires. */
const QUERY_CANCELED = '57014';

export class PgMentionStore implements MentionStore {
  private scansRunning = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly rawScan: RawScanLimits = DEFAULT_RAW_SCAN_LIMITS,
  ) {}

  /**
   * Runs a query that scans raw mentions: refused at once (ScanCapacityError) when the cap is
   * reached rather than queued behind other tenants' scans, and run in a transaction whose
   * statement timeout (SET LOCAL, through set_config) is the scan's own, not the pool's.
   */
  private async scanRaw<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    if (this.scansRunning >= this.rawScan.maxConcurrent)
      throw new ScanCapacityError(this.rawScan.maxConcurrent);
    this.scansRunning++;
    try {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        await client.query("SELECT set_config('statement_timeout', $1, true)", [
          String(this.rawScan.timeoutMs),
        ]);
        const { rows } = await client.query<R>(sql, params);
        await client.query('COMMIT');
        return rows;
      } catch (err) {
        // A connection that cannot even roll back is dropped, not returned to the pool.
        broken = await client.query('ROLLBACK').then(
          () => false,
          () => true,
        );
        if (sqlstateOf(err) === QUERY_CANCELED) throw new ScanTimeoutError(this.rawScan.timeoutMs, err);
        throw err;
      } finally {
        client.release(broken);
      }
    } finally {
      this.scansRunning--;
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async aspectCounts(
    tenant: string,
    range: TimeRange,
    filter: MentionFilter,
  ): Promise<AspectPolarityCount[]> {
    const w = new Where().eqIf('tenant', tenant);
    type Row = {
      aspect: string;
      category: string | null;
      polarity: Polarity;
      mentions: number;
      confidence_sum: number;
    };
    let rows: Row[];
    if (filter.lang !== undefined || filter.source !== undefined) {
      // The rollups have no language or source: such a filter reads the raw mentions of the range.
      w.add((p) => `created_at >= ${p}`, range.from).add((p) => `created_at < ${p}`, range.to);
      w.eqIf('lang', filter.lang).eqIf('source', filter.source);
      w.eqIf('entity', filter.entity).eqIf('category', filter.category);
      rows = await this.scanRaw<Row>(
        `SELECT normalized_aspect AS aspect, category, polarity, count(*)::float8 AS mentions,
           sum(confidence)::float8 AS confidence_sum
         FROM aspect_mentions WHERE ${w.sql}
         GROUP BY normalized_aspect, category, polarity`,
        w.params,
      );
    } else {
      w.eqIf('entity', filter.entity).eqIf('category', filter.category);
      ({ rows } = await this.pool.query<Row>(
        `SELECT normalized_aspect AS aspect, category, polarity, sum(mention_count)::float8 AS mentions,
           sum(confidence_sum) AS confidence_sum
         FROM (${rollupRows(w, range)}) r
         GROUP BY normalized_aspect, category, polarity`,
        w.params,
      ));
    }
    return rows.map((r) => ({
      aspect: r.aspect,
      category: r.category,
      polarity: r.polarity,
      mentions: r.mentions,
      confidenceSum: r.confidence_sum,
    }));
  }

  async trend(
    tenant: string,
    range: TimeRange,
    interval: Interval,
    filter: MentionFilter,
  ): Promise<TrendPoint[]> {
    const w = new Where().eqIf('tenant', tenant);
    w.eqIf('normalized_aspect', filter.aspect)
      .eqIf('category', filter.category)
      .eqIf('entity', filter.entity);
    const rollups = rollupRows(w, range, interval === 'hour');
    const unit = w.param(interval);
    const { rows } = await this.pool.query<{
      bucket: Date;
      polarity: Polarity;
      mentions: number;
      confidence_sum: number;
    }>(
      `SELECT date_trunc(${unit}, at, 'UTC') AS bucket, polarity, sum(mention_count)::float8 AS mentions,
         sum(confidence_sum) AS confidence_sum
       FROM (${rollups}) r
       GROUP BY 1, 2 ORDER BY 1`,
      w.params,
    );
    return rows.map((r) => ({
      bucket: r.bucket,
      polarity: r.polarity,
      mentions: r.mentions,
      confidenceSum: r.confidence_sum,
    }));
  }

  async mentions(
    tenant: string,
    range: TimeRange,
    filter: MentionFilter,
    after: MentionCursor | undefined,
    limit: number,
  ): Promise<Array<{ mention: MentionView; cursor: MentionCursor }>> {
    const w = new Where().eqIf('tenant', tenant);
    w.add((p) => `created_at >= ${p}`, range.from).add((p) => `created_at < ${p}`, range.to);
    w.eqIf('entity', filter.entity)
      .eqIf('normalized_aspect', filter.aspect)
      .eqIf('category', filter.category)
      .eqIf('polarity', filter.polarity)
      .eqIf('lang', filter.lang)
      .eqIf('source', filter.source);
    if (after) {
      const t = w.param(after.createdAt);
      const id = w.param(after.id);
      w.clauses.push(`(created_at, id) < (${t}::timestamptz, ${id}::uuid)`);
    }
    const n = w.param(limit);
    const { rows } = await this.pool.query<MentionRow>(
      `SELECT ${MENTION_COLUMNS} FROM aspect_mentions WHERE ${w.sql}
       ORDER BY created_at DESC, id DESC LIMIT ${n}`,
      w.params,
    );
    return rows.map((r) => ({ mention: toMention(r), cursor: { createdAt: r.created_iso, id: r.id } }));
  }

  async sources(tenant: string, range: TimeRange, limit: number): Promise<SourceVolume[]> {
    // No rollup has the source: counted from the range's documents, bounded like aspectCounts.
    return this.scanRaw<SourceVolume>(
      `SELECT source, count(*)::int AS documents FROM documents
       WHERE tenant = $1 AND created_at >= $2 AND created_at < $3
       GROUP BY source ORDER BY count(*) DESC, source LIMIT $4`,
      [tenant, range.from, range.to, limit],
    );
  }

  async entities(
    tenant: string,
    range: TimeRange,
    after: EntityCursor | undefined,
    limit: number,
  ): Promise<EntityVolume[]> {
    const w = new Where().eqIf('tenant', tenant);
    w.clauses.push('entity IS NOT NULL');
    const rollups = rollupRows(w, range);
    let having = '';
    if (after) {
      const m = w.param(after.mentions);
      const e = w.param(after.entity);
      having = `HAVING sum(mention_count) < ${m} OR (sum(mention_count) = ${m} AND entity > ${e})`;
    }
    const n = w.param(limit);
    const count = (p: string) => `coalesce(sum(mention_count) FILTER (WHERE polarity = '${p}'), 0)::float8`;
    const { rows } = await this.pool.query<{
      entity: string;
      mentions: number;
      positive: number;
      negative: number;
      neutral: number;
      conflict: number;
      confidence_sum: number;
    }>(
      `SELECT entity, sum(mention_count)::float8 AS mentions, ${count('positive')} AS positive,
         ${count('negative')} AS negative, ${count('neutral')} AS neutral, ${count('conflict')} AS conflict,
         sum(confidence_sum) AS confidence_sum
       FROM (${rollups}) r
       GROUP BY entity ${having}
       ORDER BY sum(mention_count) DESC, entity ASC LIMIT ${n}`,
      w.params,
    );
    return rows.map((r) => ({
      entity: r.entity,
      mentions: r.mentions,
      positive: r.positive,
      negative: r.negative,
      neutral: r.neutral,
      conflict: r.conflict,
      confidenceSum: r.confidence_sum,
    }));
  }

  private async aspectsOf(
    tenant: string,
    docs: Array<{ id: string; created_at: Date }>,
  ): Promise<Map<string, DocumentAspect[]>> {
    const out = new Map<string, DocumentAspect[]>(docs.map((d) => [d.id, []]));
    if (docs.length === 0) return out;
    const { rows } = await this.pool.query<{
      id: string;
      document_id: string;
      term: string;
      start_offset: number;
      end_offset: number;
      polarity: Polarity;
      confidence: number;
      category: string | null;
      normalized_aspect: string;
      sentence_index: number;
      opinions: OpinionTerm[] | null;
    }>(
      // Found by document id first, the tenant checked after: with `tenant = $1` beside the ids, a
      // tenant the statistics do not know yet (a new one, or one grown since the last ANALYZE) was
      // read through a tenant index and every one of its mentions filtered, a cost that grew with
      // the tenant (7.8 ms per document at 6,500 mentions, against 0.1 ms by document id).
      `WITH by_document AS MATERIALIZED (
         SELECT id, document_id, tenant, term, start_offset, end_offset, polarity, confidence, category,
           normalized_aspect, sentence_index, opinions
         FROM aspect_mentions
         WHERE document_id = ANY($2::uuid[]) AND created_at = ANY($3::timestamptz[])
       )
       SELECT id, document_id, term, start_offset, end_offset, polarity, confidence, category,
         normalized_aspect, sentence_index, opinions
       FROM by_document
       WHERE tenant = $1
       ORDER BY document_id, start_offset, end_offset`,
      [tenant, docs.map((d) => d.id), docs.map((d) => d.created_at)],
    );
    for (const r of rows) {
      out.get(r.document_id)?.push({
        mention_id: r.id,
        term: r.term,
        from: r.start_offset,
        to: r.end_offset,
        polarity: r.polarity,
        confidence: r.confidence,
        category: r.category,
        normalized: r.normalized_aspect,
        sentence_index: r.sentence_index,
        opinions: toOpinionViews(r.opinions),
      });
    }
    return out;
  }

  private async locate(tenant: string, id: string): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ created_at: Date }>(
      'SELECT created_at FROM document_index WHERE id = $1 AND tenant = $2',
      [id, tenant],
    );
    return rows[0]?.created_at;
  }

  async document(tenant: string, id: string): Promise<DocumentView | undefined> {
    const createdAt = await this.locate(tenant, id);
    if (!createdAt) return undefined;
    const { rows } = await this.pool.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE id = $1 AND created_at = $2 AND tenant = $3`,
      [id, createdAt, tenant],
    );
    const row = rows[0];
    if (!row) return undefined;
    const aspects = await this.aspectsOf(tenant, [row]);
    return toDocument(row, aspects.get(row.id) ?? []);
  }

  async similar(
    tenant: string,
    id: string,
    k: number,
  ): Promise<Array<DocumentView & { similarity: number }> | undefined> {
    const createdAt = await this.locate(tenant, id);
    if (!createdAt) return undefined;
    const client = await this.pool.connect();
    let rows: Array<DocumentRow & { similarity: number }>;
    try {
      const source = await client.query<{ embedding: string | null; embedding_model: string | null }>(
        `SELECT embedding::text AS embedding, embedding_model FROM documents
         WHERE id = $1 AND created_at = $2 AND tenant = $3`,
        [id, createdAt, tenant],
      );
      if (source.rows.length === 0) return undefined;
      const { embedding, embedding_model: space } = source.rows[0]!;
      if (embedding === null) return [];
      await client.query('BEGIN');
      // The filters apply after the graph walk: keep walking until k rows pass them. Only vectors of
      // the same model are comparable (each language's model has its own space).
      await client.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)");
      await client.query("SELECT set_config('hnsw.ef_search', $1, true)", [
        String(Math.max(40, Math.min(1000, k * 4))),
      ]);
      ({ rows } = await client.query<DocumentRow & { similarity: number }>(
        `SELECT ${DOCUMENT_COLUMNS}, 1 - (embedding <=> $1::vector) AS similarity
         FROM documents
         WHERE tenant = $2 AND embedding IS NOT NULL AND id <> $3
           AND embedding_model IS NOT DISTINCT FROM $5
         ORDER BY embedding <=> $1::vector LIMIT $4`,
        [embedding, tenant, id, k, space],
      ));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    // relaxed_order may return neighbours slightly out of order.
    rows.sort((a, b) => b.similarity - a.similarity);
    const aspects = await this.aspectsOf(tenant, rows);
    return rows.map((r) => ({ ...toDocument(r, aspects.get(r.id) ?? []), similarity: r.similarity }));
  }
}
