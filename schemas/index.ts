/**
 * The event contracts: Avro schemas (the `.avsc` files beside this one are the source of truth) and
 * the TypeScript shapes of the records they describe. Timestamps are epoch milliseconds (number);
 * Avro unions are plain nullable values (avsc "wrapUnions: false", the registry library's default).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import avro from 'avsc';

const SCHEMA_DIR = path.dirname(fileURLToPath(import.meta.url));

export type AvroRecordSchema = {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
};
export type AvroField = { name: string; type: unknown; doc?: string; default?: unknown };

export function loadSchema(file: string): AvroRecordSchema {
  return JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as AvroRecordSchema;
}

export const SCHEMA_FILES = {
  rawDocument: 'text.raw.v1.avsc',
  documentSentiment: 'sentiment.documents.v1.avsc',
  aspectMention: 'sentiment.aspects.v1.avsc',
  alert: 'sentiment.alerts.v1.avsc',
  deadLetter: 'dead-letter.v1.avsc',
  aspectTally: 'alerts.tallies.v1.avsc',
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

export const schemas: Record<SchemaName, AvroRecordSchema> = Object.fromEntries(
  Object.entries(SCHEMA_FILES).map(([name, file]) => [name, loadSchema(file)]),
) as Record<SchemaName, AvroRecordSchema>;

/** avsc type for local validation (e.g. `avroType('rawDocument').isValid(x)`). */
export function avroType(name: SchemaName): avro.Type {
  return avro.Type.forSchema(schemas[name] as avro.Schema);
}

/** text.raw.v1 */
export interface RawDocument {
  event_id: string;
  tenant: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  lang: string | null;
  text: string;
  created_at: number;
  ingested_at: number;
  collector: string;
  metadata: Record<string, string>;
}

export interface ModelInfo {
  name: string;
  version: string;
}

export interface SentimentScore {
  polarity: 'positive' | 'negative' | 'neutral' | 'mixed';
  confidence: number;
  positive: number;
  negative: number;
  neutral: number;
}

export interface SentenceSpan {
  index: number;
  start: number;
  end: number;
}

export type AspectPolarity = 'positive' | 'negative' | 'neutral' | 'conflict';

export interface AspectSpan {
  mention_id: string;
  term: string;
  start: number;
  end: number;
  sentence_index: number;
  normalized_aspect: string;
  category: string | null;
  polarity: AspectPolarity;
  confidence: number;
  /**
   * Where the words carrying the sentiment are; null when the model has no opinion head. Absent when
   * a record written before the field existed is decoded with its own schema.
   */
  opinions?: OpinionOffsets[] | null;
}

/** An opinion term's place in the document text (UTF-16 offsets, end exclusive). */
export interface OpinionOffsets {
  start: number;
  end: number;
  confidence: number;
}

/** An opinion term written out, as sentiment.aspects.v1, PostgreSQL and the API carry it. */
export interface OpinionTerm extends OpinionOffsets {
  term: string;
}

/** The opinion terms of an aspect of `text`, written out; null stays null (no opinion head). */
export function opinionTerms(
  text: string,
  opinions: OpinionOffsets[] | null | undefined,
): OpinionTerm[] | null {
  return opinions ? opinions.map((o) => ({ term: text.slice(o.start, o.end), ...o })) : null;
}

export type DocumentStatus = 'ok' | 'unsupported_language' | 'empty';

/** sentiment.documents.v1 */
export interface DocumentSentiment {
  event_id: string;
  tenant: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  text: string;
  metadata: Record<string, string>;
  created_at: number;
  ingested_at: number;
  processed_at: number;
  status: DocumentStatus;
  lang: string | null;
  lang_confidence: number | null;
  model: ModelInfo;
  taxonomy_version: string | null;
  sentiment: SentimentScore | null;
  sentences: SentenceSpan[];
  aspects: AspectSpan[];
  embedding: number[] | null;
  embedding_model: string | null;
  /**
   * What the processor left out of this document's outputs; null when nothing. Absent when a record
   * written before the field existed is decoded with its own schema.
   */
  truncated?: Truncation | null;
}

export interface Truncation {
  aspects_dropped: number;
  mention_sentences_cut: number;
}

/** sentiment.aspects.v1 */
export interface AspectMention {
  mention_id: string;
  document_id: string;
  tenant: string;
  source: string;
  entity: string | null;
  created_at: number;
  processed_at: number;
  lang: string;
  term: string;
  start: number;
  end: number;
  sentence_index: number;
  sentence_text: string;
  sentence_start: number;
  sentence_end: number;
  normalized_aspect: string;
  category: string | null;
  polarity: AspectPolarity;
  confidence: number;
  /** as in AspectSpan, with each term written out */
  opinions?: OpinionTerm[] | null;
  model: ModelInfo;
  taxonomy_version: string | null;
}

/** sentiment.alerts.v1 */
export interface Alert {
  alert_id: string;
  tenant: string;
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  window_start: number;
  window_end: number;
  metric: string;
  observed: number;
  baseline: number | null;
  threshold: number;
  mention_count: number;
  sample_document_ids: string[];
  message: string;
  created_at: number;
  status: 'open' | 'resolved';
  resolves_alert_id: string | null;
  detector: string | null;
  rule_id: string | null;
  historical: boolean;
  score: number | null;
  negative_count: number | null;
  baseline_mention_count: number | null;
  baseline_start: number | null;
  contributors: AlertContributor[];
  /** Language of `message`: 'en' or 'ko'; absent or null (alerts from before the field) is 'en'. */
  language?: string | null;
}

export interface AlertContributor {
  kind: 'aspect' | 'category' | 'term';
  value: string;
  mentions: number;
  negative: number;
}

/** <topic>.dlq */
export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  source_topic: string;
  source_partition: number;
  source_offset: number;
  source_timestamp: number | null;
  error_class: string;
  error_message: string;
  error_code: string | null;
  retriable: boolean;
  attempts: number;
  failed_at: number;
  processor: string;
  processor_version: string | null;
}
