import type { DocumentSentiment } from '../../schemas/index';

/**
 * One event per document, the newest analysis (largest processed_at): what both sinks keep when a
 * batch holds several analyses of one document.
 */
export function newestPerDocument(docs: readonly DocumentSentiment[]): DocumentSentiment[] {
  const newest = new Map<string, DocumentSentiment>();
  for (const d of docs) {
    const seen = newest.get(d.event_id);
    if (!seen || seen.processed_at < d.processed_at) newest.set(d.event_id, d);
  }
  return [...newest.values()];
}
