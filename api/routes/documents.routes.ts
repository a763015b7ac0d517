/** GET /v1/documents/{id}, /v1/documents/{id}/similar (pgvector) and /v1/search (Elasticsearch). */
import type { RequestHandler } from 'express';
import { HttpProblem } from '../../common/http/problem';
import type { MentionStore, Polarity, SearchIndex } from '../stores';
import { decodeCursor, encodeCursor, isSortCursor, queryOf, str, tenantOf, timeRange } from './params';

const notFound = (id: string) =>
  new HttpProblem(404, 'document-not-found', 'Document not found', `no document ${id} for this tenant`);

export function documentRoutes(store: MentionStore, index: SearchIndex): Record<string, RequestHandler> {
  return {
    getDocument: async (_req, res) => {
      const id = String(res.locals.params.id);
      const doc = await store.document(tenantOf(res), id);
      if (!doc) throw notFound(id);
      res.json(doc);
    },

    getSimilarDocuments: async (_req, res) => {
      const id = String(res.locals.params.id);
      const q = queryOf(res);
      const items = await store.similar(tenantOf(res), id, Number(q.k));
      if (!items) throw notFound(id);
      res.json({ items });
    },

    searchDocuments: async (_req, res) => {
      const q = queryOf(res);
      const limit = Number(q.limit);
      const { from, to } = timeRange(q, undefined);
      const after = decodeCursor(q.cursor, isSortCursor);
      const result = await index.search(tenantOf(res), {
        q: str(q.q),
        polarity: str(q.polarity) as Polarity | undefined,
        aspect: str(q.aspect),
        lang: str(q.lang),
        from,
        to,
        limit: limit + 1,
        after,
      });
      const page = result.hits.slice(0, limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((h) => ({ ...h.document, highlights: h.highlights, score: h.score })),
        next_cursor: result.hits.length > limit && last ? encodeCursor(last.sort) : null,
        total: result.total,
        facets: result.facets,
      });
    },
  };
}
