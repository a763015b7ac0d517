/**
 * Helpers the route handlers share: the validated query (res.locals.query), the time range with its
 * defaults, opaque cursors, and the per-polarity statistics every aggregate returns.
 */
import type { Response } from 'express';
import type { Principal } from '../../common/apikeys/store';
import { parameterProblem } from '../openapi/validate';
import type { Polarity, TimeRange } from '../stores';

export interface RouteContext {
  defaultRangeDays: number;
  exportMaxRows: number;
  /** Longest range of an aggregate that scans raw mentions (the summary with `lang`). */
  rawAggregateMaxDays: number;
}

export function tenantOf(res: Response): string {
  return (res.locals.principal as Principal).tenant;
}

export function queryOf<T = Record<string, unknown>>(res: Response): T {
  return res.locals.query as T;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** [from, to) from the query; `to` defaults to now, `from` to `defaultDays` before `to`. */
export function timeRange(
  query: Record<string, unknown>,
  defaultDays: number | undefined,
  now = Date.now(),
): Partial<TimeRange> & { from?: Date; to?: Date } {
  const to =
    query.to !== undefined
      ? new Date(String(query.to))
      : defaultDays !== undefined
        ? new Date(now)
        : undefined;
  const from =
    query.from !== undefined
      ? new Date(String(query.from))
      : defaultDays !== undefined && to
        ? new Date(to.getTime() - defaultDays * 86_400_000)
        : undefined;
  for (const [name, d] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (d && (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)) {
      throw parameterProblem('query', name, 'must be a date-time between the years 0001 and 9999');
    }
  }
  if (from && to && from.getTime() >= to.getTime()) {
    throw parameterProblem('query', 'from', 'must be before to');
  }
  return { from, to };
}

export function requiredRange(query: Record<string, unknown>, defaultDays: number): TimeRange {
  return timeRange(query, defaultDays) as TimeRange;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks its shape; anything else is a 400 naming `cursor`. */
export function decodeCursor<T>(raw: unknown, check: (v: unknown) => v is T): T | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw parameterProblem('query', 'cursor', 'is not a cursor this API returned');
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const isMentionCursor = (v: unknown): v is { t: string; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { t?: unknown }).t === 'string' &&
  ISO_US.test((v as { t: string }).t) &&
  !Number.isNaN(Date.parse((v as { t: string }).t)) &&
  typeof (v as { id?: unknown }).id === 'string' &&
  UUID.test((v as { id: string }).id);

export const isEntityCursor = (v: unknown): v is { m: number; e: string } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as { m?: unknown }).m) &&
  typeof (v as { e?: unknown }).e === 'string' &&
  (v as { e: string }).e.length <= 1000;

/** Epoch milliseconds of 0001-01-01 and of the end of 9999: the dates the API reads and writes. */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

/**
 * A search page's position, exactly as the search sorts: [score, created_at in epoch ms, event id].
 * Anything else would reach Elasticsearch's `search_after` and fail there (a 500), so it is refused
 * here as a bad `cursor`.
 */
export const isSortCursor = (v: unknown): v is [number, number, string] =>
  Array.isArray(v) &&
  v.length === 3 &&
  typeof v[0] === 'number' &&
  Number.isFinite(v[0]) &&
  Number.isSafeInteger(v[1]) &&
  (v[1] as number) >= MIN_MS &&
  (v[1] as number) <= MAX_MS &&
  typeof v[2] === 'string' &&
  UUID.test(v[2]);

export type PolarityCounts = Record<Polarity, number>;

export function emptyCounts(): PolarityCounts {
  return { positive: 0, negative: 0, neutral: 0, conflict: 0 };
}

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Counts, shares, net sentiment ((positive - negative) / mentions) and average confidence. */
export function stats(counts: PolarityCounts, confidenceSum: number) {
  const mentions = counts.positive + counts.negative + counts.neutral + counts.conflict;
  const share = (n: number) => (mentions ? round(n / mentions) : 0);
  return {
    mentions,
    ...counts,
    shares: {
      positive: share(counts.positive),
      negative: share(counts.negative),
      neutral: share(counts.neutral),
      conflict: share(counts.conflict),
    },
    net_sentiment: mentions ? round((counts.positive - counts.negative) / mentions) : null,
    avg_confidence: mentions ? Math.min(1, Math.max(0, round(confidenceSum / mentions))) : null,
  };
}
