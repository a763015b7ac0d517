/** GET /v1/mentions (drill-down, cursor pages) and GET /v1/export/mentions (CSV or NDJSON stream). */
import { once } from 'node:events';
import type { RequestHandler, Response } from 'express';
import type { MentionCursor, MentionFilter, MentionStore, MentionView, Polarity } from '../stores';
import {
  decodeCursor,
  encodeCursor,
  isMentionCursor,
  queryOf,
  requiredRange,
  str,
  tenantOf,
  type RouteContext,
} from './params';

const EXPORT_PAGE = 1000;

function filterOf(q: Record<string, unknown>): MentionFilter {
  return {
    aspect: str(q.aspect),
    category: str(q.category),
    polarity: str(q.polarity) as Polarity | undefined,
    entity: str(q.entity),
    lang: str(q.lang),
    source: str(q.source),
  };
}

export const CSV_COLUMNS = [
  'id',
  'document_id',
  'created_at',
  'entity',
  'source',
  'lang',
  'normalized',
  'category',
  'term',
  'polarity',
  'confidence',
  'from',
  'to',
  'sentence',
  'opinions',
] as const;

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(m: MentionView): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: m.id,
    document_id: m.document_id,
    created_at: m.created_at,
    entity: m.entity,
    source: m.source,
    lang: m.lang,
    normalized: m.normalized,
    category: m.category,
    term: m.term,
    polarity: m.polarity,
    confidence: m.confidence,
    from: m.from,
    to: m.to,
    sentence: m.sentence.text,
    // the opinion words, as written, in text order ("rude; slow")
    opinions: m.opinions?.map((o) => o.term).join('; '),
  };
  return `${CSV_COLUMNS.map((c) => csvField(values[c])).join(',')}\r\n`;
}

/**
 * Writes a chunk and, under backpressure, waits for `drain` or for the response to close, whichever
 * comes first: a client that hangs up while the buffer is full must not keep the handler (and the
 * rows it holds) waiting for a drain that never comes. False once the response is closed.
 */
export async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed || res.closed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  const done = new AbortController();
  try {
    await Promise.race([
      once(res, 'drain', { signal: done.signal }),
      once(res, 'close', { signal: done.signal }),
    ]);
  } finally {
    done.abort();
  }
  return !res.destroyed;
}

export function mentionRoutes(store: MentionStore, ctx: RouteContext): Record<string, RequestHandler> {
  return {
    listMentions: async (_req, res) => {
      const q = queryOf(res);
      const range = requiredRange(q, ctx.defaultRangeDays);
      const limit = Number(q.limit);
      const after = decodeCursor(q.cursor, isMentionCursor);
      const rows = await store.mentions(
        tenantOf(res),
        range,
        filterOf(q),
        after ? { createdAt: after.t, id: after.id } : undefined,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((r) => r.mention),
        next_cursor:
          rows.length > limit && last ? encodeCursor({ t: last.cursor.createdAt, id: last.cursor.id }) : null,
      });
    },

    exportMentions: async (_req, res) => {
      const q = queryOf(res);
      const range = requiredRange(q, ctx.defaultRangeDays);
      const tenant = tenantOf(res);
      const filter = filterOf(q);
      const csv = q.format === 'csv';
      // The first page is read before the headers go out, so a failing query is still a problem+json.
      let after: MentionCursor | undefined;
      let rows = await store.mentions(tenant, range, filter, after, Math.min(EXPORT_PAGE, ctx.exportMaxRows));
      res.status(200);
      res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="mentions.${csv ? 'csv' : 'ndjson'}"`);
      let open = csv ? await write(res, `${CSV_COLUMNS.join(',')}\r\n`) : true;
      let sent = 0;
      try {
        while (open) {
          for (const r of rows) {
            open = await write(res, csv ? csvRow(r.mention) : `${JSON.stringify(r.mention)}\n`);
            if (!open) return;
          }
          sent += rows.length;
          const last = rows[rows.length - 1];
          const want = Math.min(EXPORT_PAGE, ctx.exportMaxRows - sent);
          if (!last || rows.length < EXPORT_PAGE || want <= 0 || res.destroyed) break;
          after = last.cursor;
          rows = await store.mentions(tenant, range, filter, after, want);
        }
      } catch (err) {
        // Headers are gone: cut the stream so the client sees an incomplete download, not a short one.
        res.destroy(err as Error);
        return;
      }
      res.end();
    },
  };
}
