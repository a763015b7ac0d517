/**
 * From a sentiment.documents.v1 event to what Elasticsearch stores: one search document per event
 * (`<prefix>-documents`) and one per aspect mention (`<prefix>-mentions`), the shapes the mappings in
 * setup.ts describe. A document in a language with its own analysis also carries its text (and a
 * mention its sentence) in that language's field, e.g. `text_ko`.
 */
import { opinionTerms, type DocumentSentiment } from '../../schemas/index';
import { languageField } from './setup';

const SCORE: Record<string, number> = { positive: 1, negative: -1, neutral: 0, conflict: 0 };

/** Floats as Avro gives them (float32 widened) have 17 digits; 9 keep every float32 exactly. */
function compactVector(v: number[] | null): number[] | null {
  return v === null ? null : v.map((x) => Number(x.toPrecision(9)));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `{ <field>_<lang>: value }` for a language with its own analysis (setup.ts), else nothing. */
function languageTwin(field: 'text' | 'sentence_text', lang: string | null, value: string | null) {
  const name = languageField(field, lang);
  return name === undefined || value === null ? {} : { [name]: value };
}

/** The search document of an analysed document. */
export function documentSource(doc: DocumentSentiment, indexedAt: string): Record<string, unknown> {
  return {
    event_id: doc.event_id,
    tenant: doc.tenant,
    source: doc.source,
    source_id: doc.source_id,
    entity: doc.entity,
    author_id: doc.author_id,
    url: doc.url,
    text: doc.text,
    ...languageTwin('text', doc.lang, doc.text),
    metadata: doc.metadata,
    created_at: iso(doc.created_at),
    ingested_at: iso(doc.ingested_at),
    processed_at: iso(doc.processed_at),
    indexed_at: indexedAt,
    status: doc.status,
    lang: doc.lang,
    lang_confidence: doc.lang_confidence,
    model: doc.model,
    taxonomy_version: doc.taxonomy_version,
    sentiment: doc.sentiment,
    sentences: doc.sentences,
    aspect_count: doc.aspects.length,
    aspect_terms: [...new Set(doc.aspects.map((a) => a.term))],
    normalized_aspects: [...new Set(doc.aspects.map((a) => a.normalized_aspect))],
    categories: [...new Set(doc.aspects.flatMap((a) => (a.category ? [a.category] : [])))],
    aspects: doc.aspects.map((a) => ({ ...a, opinions: opinionTerms(doc.text, a.opinions) })),
    embedding: compactVector(doc.embedding),
    embedding_model: doc.embedding_model,
  };
}

/** One search document per aspect mention, with its sentence. */
export function mentionSources(doc: DocumentSentiment, indexedAt: string): Array<Record<string, unknown>> {
  const sentences = new Map(doc.sentences.map((s) => [s.index, s]));
  return doc.aspects.map((a) => {
    const s = sentences.get(a.sentence_index);
    const sentenceText = s ? doc.text.slice(s.start, s.end) : null;
    return {
      mention_id: a.mention_id,
      document_id: doc.event_id,
      tenant: doc.tenant,
      source: doc.source,
      entity: doc.entity,
      lang: doc.lang,
      created_at: iso(doc.created_at),
      processed_at: iso(doc.processed_at),
      indexed_at: indexedAt,
      term: a.term,
      normalized_aspect: a.normalized_aspect,
      category: a.category,
      polarity: a.polarity,
      sentiment_score: SCORE[a.polarity] ?? 0,
      confidence: a.confidence,
      start: a.start,
      end: a.end,
      sentence_index: a.sentence_index,
      sentence_text: sentenceText,
      ...languageTwin('sentence_text', doc.lang, sentenceText),
      sentence_start: s?.start ?? null,
      sentence_end: s?.end ?? null,
      opinions: opinionTerms(doc.text, a.opinions),
      model: doc.model,
      taxonomy_version: doc.taxonomy_version,
    };
  });
}
