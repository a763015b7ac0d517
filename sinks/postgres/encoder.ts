/**
 * From a sentiment.documents.v1 event to the rows of `documents` and `aspect_mentions`, and the
 * checks that send an event to the DLQ before it can fail a whole transaction.
 */
import { FatalError } from '../../common/errors/index';
import { opinionTerms, type DocumentSentiment } from '../../schemas/index';

export const EMBEDDING_DIMENSIONS = 384;

/** The event cannot be stored as it is (PostgreSQL would refuse it, or it breaks the contract). */
export class InvalidEventError extends FatalError {}
/** The event is older than the retention window: its partition is (or will be) dropped. */
export class OutsideRetentionError extends FatalError {}

export interface MentionRow {
  id: string;
  document_id: string;
  tenant: string;
  source: string;
  entity: string | null;
  lang: string | null;
  term: string;
  start_offset: number;
  end_offset: number;
  sentence_index: number;
  sentence_text: string;
  sentence_start: number;
  sentence_end: number;
  normalized_aspect: string;
  category: string | null;
  polarity: string;
  confidence: number;
  /** JSON of the opinion terms (jsonb), null when the model has no opinion head */
  opinions: string | null;
  model_name: string;
  model_version: string;
  taxonomy_version: string | null;
  created_at: string;
  processed_at: string;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** First instant (UTC) of the month containing `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** First instant of the month `months` before the current one (the retention cutoff). */
export function monthsBefore(now: number, months: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1);
}

export function mentionRows(doc: DocumentSentiment): MentionRow[] {
  const sentences = new Map(doc.sentences.map((s) => [s.index, s]));
  return doc.aspects.map((a) => {
    const s = sentences.get(a.sentence_index)!;
    return {
      id: a.mention_id,
      document_id: doc.event_id,
      tenant: doc.tenant,
      source: doc.source,
      entity: doc.entity,
      lang: doc.lang,
      term: a.term,
      start_offset: a.start,
      end_offset: a.end,
      sentence_index: a.sentence_index,
      sentence_text: doc.text.slice(s.start, s.end),
      sentence_start: s.start,
      sentence_end: s.end,
      normalized_aspect: a.normalized_aspect,
      category: a.category,
      polarity: a.polarity,
      confidence: a.confidence,
      opinions: a.opinions ? JSON.stringify(opinionTerms(doc.text, a.opinions)) : null,
      model_name: doc.model.name,
      model_version: doc.model.version,
      taxonomy_version: doc.taxonomy_version,
      created_at: isoTime(doc.created_at),
      processed_at: isoTime(doc.processed_at),
    };
  });
}

/** pgvector's text form, e.g. `[0.1,0.2]`. */
export function vectorLiteral(v: number[] | null): string | null {
  return v === null ? null : `[${v.join(',')}]`;
}

// Years PostgreSQL and JavaScript dates both handle without surprises.
const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);

/**
 * Why `doc` cannot be written, or undefined. `retentionCutoff` (epoch ms) refuses events whose month
 * retention has already dropped.
 */
export function validateDocument(doc: DocumentSentiment, retentionCutoff?: number): Error | undefined {
  for (const [name, t] of [
    ['created_at', doc.created_at],
    ['ingested_at', doc.ingested_at],
    ['processed_at', doc.processed_at],
  ] as const) {
    if (!Number.isFinite(t) || t < MIN_TIME || t > MAX_TIME) {
      return new InvalidEventError(`${name} ${t} is not a timestamp between year 1 and 9999`, {
        code: 'bad_timestamp',
      });
    }
  }
  if (retentionCutoff !== undefined && doc.created_at < retentionCutoff) {
    return new OutsideRetentionError(
      `created_at ${isoTime(doc.created_at)} is before the retention cutoff ${isoTime(retentionCutoff)}`,
      { code: 'outside_retention' },
    );
  }
  if (doc.embedding !== null) {
    if (doc.embedding.length !== EMBEDDING_DIMENSIONS) {
      return new InvalidEventError(
        `embedding has ${doc.embedding.length} dimensions, the documents table stores ${EMBEDDING_DIMENSIONS}`,
        { code: 'embedding_dimensions' },
      );
    }
    if (!doc.embedding.every(Number.isFinite)) {
      return new InvalidEventError('embedding contains NaN or Infinity', { code: 'embedding_not_finite' });
    }
  }
  const sentences = new Set(doc.sentences.map((s) => s.index));
  for (const a of doc.aspects) {
    if (!sentences.has(a.sentence_index)) {
      return new InvalidEventError(
        `aspect ${a.mention_id} refers to sentence ${a.sentence_index}, which the document does not have`,
        { code: 'unknown_sentence' },
      );
    }
  }
  // PostgreSQL text and jsonb cannot hold U+0000; dropping it would shift every offset after it.
  if (JSON.stringify(doc).includes('\\u0000')) {
    return new InvalidEventError(
      'the event contains a NUL character (U+0000), which PostgreSQL text cannot store',
      {
        code: 'nul_character',
      },
    );
  }
  return undefined;
}
