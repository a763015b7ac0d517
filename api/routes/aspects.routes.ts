/**
 * GET /v1/aspects/summary, /v1/aspects/trends and /v1/entities: aggregates from the hourly and daily
 * rollups; the summary by language or source and GET /v1/sources count raw rows (bounded).
 */
import type { RequestHandler } from 'express';
import { rollupHours } from '../mention.repository';
import { invalidParameters, parameterProblem } from '../openapi/validate';
import type { Interval, MentionStore, Polarity, TimeRange } from '../stores';
import {
  decodeCursor,
  emptyCounts,
  encodeCursor,
  isEntityCursor,
  queryOf,
  requiredRange,
  stats,
  str,
  tenantOf,
  type PolarityCounts,
  type RouteContext,
} from './params';

export const MAX_TREND_POINTS = 5000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-05 was a Monday: weeks start there, as date_trunc('week') does. */
const MONDAY = 4 * DAY;

export function bucketStart(ms: number, interval: Interval): number {
  switch (interval) {
    case 'hour':
      return Math.floor(ms / HOUR) * HOUR;
    case 'day':
      return Math.floor(ms / DAY) * DAY;
    case 'week':
      return Math.floor((ms - MONDAY) / WEEK) * WEEK + MONDAY;
  }
}

const STEP: Record<Interval, number> = { hour: HOUR, day: DAY, week: WEEK };

/**
 * The range of an aggregate that scans raw rows, refused beyond `maxDays` with a 400 that names
 * `from`, `to` and the parameters that made the scan raw (`byParams`: lang, source; none where the
 * operation always scans): a rule across parameters, which JSON Schema cannot state. Without `from`
 * it defaults to the shorter of the default range and `maxDays`.
 */
export function rawScanRange(
  query: Record<string, unknown>,
  ctx: Pick<RouteContext, 'defaultRangeDays' | 'rawAggregateMaxDays'>,
  byParams: readonly string[],
): TimeRange {
  const max = ctx.rawAggregateMaxDays;
  const range = requiredRange(query, Math.min(ctx.defaultRangeDays, max));
  const days = (range.to.getTime() - range.from.getTime()) / DAY;
  if (days <= max) return range;
  const by = byParams.join(' or ');
  const spans = `the range spans ${Math.ceil(days)} days; ${by ? `with ${by} ` : ''}it may span at most ${max}`;
  throw invalidParameters([
    { in: 'query', parameter: 'from', pointer: '/from', reason: `${spans} (narrow from and to)` },
    { in: 'query', parameter: 'to', pointer: '/to', reason: `${spans} (narrow from and to)` },
    ...byParams.map((parameter) => ({
      in: 'query' as const,
      parameter,
      pointer: `/${parameter}`,
      reason: `counts raw rows (the rollups carry no ${parameter === 'lang' ? 'language' : parameter}), so its range is bounded to ${max} days; without ${by} any range is answered from the rollups`,
    })),
  ]);
}

export function aspectRoutes(store: MentionStore, ctx: RouteContext): Record<string, RequestHandler> {
  return {
    getAspectSummary: async (_req, res) => {
      const q = queryOf(res);
      const lang = str(q.lang);
      const source = str(q.source);
      const rawBy = [...(lang === undefined ? [] : ['lang']), ...(source === undefined ? [] : ['source'])];
      const raw = rawBy.length > 0;
      const range = raw ? rawScanRange(q, ctx, rawBy) : requiredRange(q, ctx.defaultRangeDays);
      const rows = await store.aspectCounts(tenantOf(res), range, {
        entity: str(q.entity),
        category: str(q.category),
        lang,
        source,
      });
      const byAspect = new Map<
        string,
        { aspect: string; category: string | null; counts: PolarityCounts; conf: number }
      >();
      const byCategory = new Map<string | null, { counts: PolarityCounts; conf: number }>();
      for (const r of rows) {
        const key = JSON.stringify([r.aspect, r.category]);
        const a = byAspect.get(key) ?? {
          aspect: r.aspect,
          category: r.category,
          counts: emptyCounts(),
          conf: 0,
        };
        a.counts[r.polarity] += r.mentions;
        a.conf += r.confidenceSum;
        byAspect.set(key, a);
        const c = byCategory.get(r.category) ?? { counts: emptyCounts(), conf: 0 };
        c.counts[r.polarity] += r.mentions;
        c.conf += r.confidenceSum;
        byCategory.set(r.category, c);
      }
      const shown = raw ? range : rollupHours(range);
      const aspects = [...byAspect.values()]
        .map((a) => ({ aspect: a.aspect, category: a.category, ...stats(a.counts, a.conf) }))
        .sort((x, y) => y.mentions - x.mentions || x.aspect.localeCompare(y.aspect))
        .slice(0, Number(q.limit));
      const categories = [...byCategory.entries()]
        .map(([category, c]) => ({ category, ...stats(c.counts, c.conf) }))
        .sort((x, y) => y.mentions - x.mentions || String(x.category).localeCompare(String(y.category)));
      res.json({ from: shown.from.toISOString(), to: shown.to.toISOString(), aspects, categories });
    },

    getAspectTrends: async (_req, res) => {
      const q = queryOf(res);
      const interval = q.interval as Interval;
      const range = rollupHours(requiredRange(q, ctx.defaultRangeDays));
      const first = bucketStart(range.from.getTime(), interval);
      const points = Math.ceil((range.to.getTime() - first) / STEP[interval]);
      if (points > MAX_TREND_POINTS) {
        throw parameterProblem(
          'query',
          'interval',
          `gives ${points} points for this range; at most ${MAX_TREND_POINTS} (use a larger interval or a shorter range)`,
        );
      }
      const rows = await store.trend(tenantOf(res), range, interval, {
        aspect: str(q.aspect),
        category: str(q.category),
        entity: str(q.entity),
      });
      const buckets = new Map<number, { counts: PolarityCounts; conf: number }>();
      for (let t = first; t < range.to.getTime(); t += STEP[interval]) {
        buckets.set(t, { counts: emptyCounts(), conf: 0 });
      }
      for (const r of rows) {
        const b = buckets.get(r.bucket.getTime());
        if (!b) continue;
        b.counts[r.polarity as Polarity] += r.mentions;
        b.conf += r.confidenceSum;
      }
      res.json({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        interval,
        ...(q.aspect !== undefined ? { aspect: q.aspect } : {}),
        ...(q.category !== undefined ? { category: q.category } : {}),
        ...(q.entity !== undefined ? { entity: q.entity } : {}),
        points: [...buckets.entries()].map(([t, b]) => {
          const { shares: _shares, ...s } = stats(b.counts, b.conf);
          return { start: new Date(t).toISOString(), ...s };
        }),
      });
    },

    listSources: async (_req, res) => {
      const q = queryOf(res);
      const range = rawScanRange(q, ctx, []);
      const items = await store.sources(tenantOf(res), range, Number(q.limit));
      res.json({ from: range.from.toISOString(), to: range.to.toISOString(), items });
    },

    listEntities: async (_req, res) => {
      const q = queryOf(res);
      const range = requiredRange(q, ctx.defaultRangeDays);
      const limit = Number(q.limit);
      const after = decodeCursor(q.cursor, isEntityCursor);
      const rows = await store.entities(
        tenantOf(res),
        range,
        after ? { mentions: after.m, entity: after.e } : undefined,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((e) => {
          const { shares: _shares, ...s } = stats(
            { positive: e.positive, negative: e.negative, neutral: e.neutral, conflict: e.conflict },
            e.confidenceSum,
          );
          return { entity: e.entity, ...s };
        }),
        next_cursor: rows.length > limit && last ? encodeCursor({ m: last.mentions, e: last.entity }) : null,
      });
    },
  };
}
