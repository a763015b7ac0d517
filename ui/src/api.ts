/**
 * The read API as the dashboard uses it: same origin, `/v1`, the credential from the session. Only
 * the public operations of api/openapi/document.ts; a 401 anywhere signs the user out.
 */
import { authHeaders, loadCredential, type Credential } from './auth';

export type Polarity = 'positive' | 'negative' | 'neutral' | 'conflict';
export const POLARITIES: Polarity[] = ['positive', 'negative', 'neutral', 'conflict'];
export type Interval = 'hour' | 'day' | 'week';

export interface Counts {
  mentions: number;
  positive: number;
  negative: number;
  neutral: number;
  conflict: number;
}
export interface Shares {
  positive: number;
  negative: number;
  neutral: number;
  conflict: number;
}
export interface AspectStats extends Counts {
  aspect: string;
  category: string | null;
  shares: Shares;
  net_sentiment: number;
  avg_confidence: number;
}
export interface CategoryStats extends Counts {
  category: string | null;
  shares: Shares;
  net_sentiment: number;
}
export interface AspectSummary {
  from: string;
  to: string;
  aspects: AspectStats[];
  categories: CategoryStats[];
}
export interface TrendPoint extends Counts {
  start: string;
  net_sentiment: number | null;
}
export interface AspectTrend {
  from: string;
  to: string;
  interval: Interval;
  points: TrendPoint[];
}
export interface Entity extends Counts {
  entity: string;
  net_sentiment: number;
}
/** Words carrying the sentiment of an aspect: UTF-16 offsets into the document text, end exclusive. */
export interface Opinion {
  term: string;
  from: number;
  to: number;
  confidence: number;
}
export interface Mention {
  id: string;
  document_id: string;
  term: string;
  polarity: Polarity;
  confidence: number;
  category: string | null;
  normalized: string;
  entity: string | null;
  source?: string;
  lang?: string | null;
  created_at: string;
  sentence: { index: number; text: string; from: number; to: number };
  highlight: { from: number; to: number };
  /** Offsets into the document text. null or absent: the model has no opinion head. */
  opinions?: Opinion[] | null;
}
export interface DocumentAspect {
  mention_id?: string;
  term: string;
  from: number;
  to: number;
  polarity: Polarity;
  confidence: number;
  category: string | null;
  normalized: string;
  opinions?: Opinion[] | null;
}
export interface Doc {
  id: string;
  source: string;
  source_id: string;
  entity: string | null;
  url?: string | null;
  lang: string | null;
  status: string;
  text: string;
  created_at: string;
  sentiment: { polarity: string } | null;
  aspects: DocumentAspect[];
}
export interface SearchHit extends Doc {
  highlights: string[];
  score: number | null;
}
export interface Facet {
  value: string;
  count: number;
}
export interface SearchResults {
  items: SearchHit[];
  next_cursor: string | null;
  total: number;
  facets: { aspects: Facet[]; categories: Facet[]; polarity: Facet[] };
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Source {
  source: string;
  documents: number;
}

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
export type Detector = 'negative_share' | 'volume_spike' | 'emerging_aspect';
export const DETECTORS: Detector[] = ['negative_share', 'volume_spike', 'emerging_aspect'];
export type Level = 'aspect' | 'category' | 'entity';
export const LEVELS: Level[] = ['aspect', 'category', 'entity'];
export const WINDOW_MINUTES = [60, 120, 180, 240, 360, 480, 720, 1440];
export type ThresholdName = 'z' | 'min_change' | 'min_ratio' | 'min_negative_share' | 'max_baseline_mentions';

export interface AlertRuleInput {
  name: string;
  detector: Detector;
  level: Level;
  entity?: string | null;
  normalized_aspect?: string | null;
  category?: string | null;
  window_minutes?: number;
  baseline_windows?: number;
  min_mentions?: number;
  thresholds?: Partial<Record<ThresholdName, number>>;
  cooldown_minutes?: number;
  severity?: Severity;
  channels?: Array<{ type: 'webhook'; url: string }>;
  enabled?: boolean;
}
export interface AlertRule extends Required<AlertRuleInput> {
  id: string;
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  /** A built-in rule, in force while the tenant stores none; it cannot be changed. */
  default: boolean;
  created_at: string | null;
  updated_at: string | null;
}
export interface Alert {
  alert_id: string;
  rule: string;
  rule_id: string | null;
  detector: string;
  severity: string;
  status: AlertStatus;
  historical: boolean;
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  window_start: string;
  window_end: string;
  metric: string;
  observed: number;
  baseline: number | null;
  threshold: number;
  mention_count: number;
  sample_document_ids: string[];
  contributors: unknown[];
  /** One sentence from the alert service, in the tenant's alert language. */
  message: string;
  /** Language of `message` (ISO 639-1), and of `resolution` unless the tenant changed it in between. */
  language: string;
  created_at: string;
  resolved_at: string | null;
  resolution: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}
export interface AlertDelivery {
  alert_id: string;
  url: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'dead_lettered';
  http_status: number | null;
  latency_ms: number;
  error: string | null;
  attempted_at: string;
}

/** One invalid field of a 400: `pointer` is a JSON pointer into the body (`/thresholds/z`). */
export interface FieldProblem {
  pointer: string;
  reason: string;
}

export type Params = Record<string, string | number | undefined | null>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** The problem's fields named by a 400 (`errors`), if any. */
    readonly fields: FieldProblem[] = [],
    /** The problem's `type` (a URI ending in a stable name such as `alert-rule-name-taken`). */
    readonly type = '',
    /** Seconds from Retry-After, on a 429 for a concurrency limit (worth retrying soon). */
    readonly retryAfter?: number,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

let onUnauthorized: () => void = () => {};
/** What happens on any 401 (the app sends the user back to sign-in). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

interface Write {
  method: 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
}

async function request(
  path: string,
  params: Params,
  credential?: Credential,
  write?: Write,
): Promise<Response> {
  const c = credential ?? loadCredential();
  if (!c) {
    onUnauthorized();
    throw new ApiError(401, 'not signed in');
  }
  const headers: Record<string, string> = authHeaders(c);
  if (write?.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/v1${path}${query(params)}`, {
    method: write?.method ?? 'GET',
    headers,
    body: write?.body === undefined ? undefined : JSON.stringify(write.body),
  });
  if (res.ok) return res;
  let detail = res.statusText;
  let fields: FieldProblem[] = [];
  let type = '';
  let retryAfter: number | undefined;
  try {
    const body = (await res.json()) as {
      detail?: string;
      title?: string;
      type?: string;
      errors?: FieldProblem[];
      limit?: { name?: string };
    };
    detail = body.detail ?? body.title ?? detail;
    type = body.type ?? '';
    if (Array.isArray(body.errors)) fields = body.errors;
    if (res.status === 429 && body.limit?.name?.includes('concurrency'))
      retryAfter = Number(res.headers.get('Retry-After') ?? '1') || 1;
  } catch {
    // not a problem+json body: keep the status text
  }
  // A credential being checked at sign-in reports its 401 to the form instead.
  if (res.status === 401 && !credential) onUnauthorized();
  throw new ApiError(res.status, detail, fields, type, retryAfter);
}

const id = (s: string) => encodeURIComponent(s);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A read; one refused because too many of its kind run at once (429, a `…concurrency…` limit: the
 * overview asks for several aggregates together) is tried again after Retry-After, twice at most.
 */
export async function getJson<T>(path: string, params: Params = {}, credential?: Credential): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await (await request(path, params, credential)).json()) as T;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 429 && e.retryAfter !== undefined && attempt < 2)) throw e;
      await sleep(Math.min(5, e.retryAfter) * 1000);
    }
  }
}

/**
 * Summaries by source or language and the list of sources count raw mentions, and a server runs
 * only a few such counts at once for all tenants: the dashboard sends two at a time.
 */
let rawRunning = 0;
const rawWaiting: Array<() => void> = [];
async function rawScan<T>(run: () => Promise<T>): Promise<T> {
  if (rawRunning >= 2) await new Promise<void>((r) => rawWaiting.push(r));
  rawRunning++;
  try {
    return await run();
  } finally {
    rawRunning--;
    rawWaiting.shift()?.();
  }
}

export const api = {
  /** Any cheap authenticated read tells whether a credential works. */
  check: (c: Credential) => getJson<Page<Entity>>('/entities', { limit: 1 }, c),
  entities: (p: Params) => getJson<Page<Entity>>('/entities', p),
  summary: (p: Params) =>
    p.source || p.lang
      ? rawScan(() => getJson<AspectSummary>('/aspects/summary', p))
      : getJson<AspectSummary>('/aspects/summary', p),
  trends: (p: Params) => getJson<AspectTrend>('/aspects/trends', p),
  mentions: (p: Params) => getJson<Page<Mention>>('/mentions', p),
  document: (id: string) => getJson<Doc>(`/documents/${encodeURIComponent(id)}`),
  similar: (id: string, k = 5) =>
    getJson<{ items: Array<Doc & { similarity: number }> }>(`/documents/${encodeURIComponent(id)}/similar`, {
      k,
    }),
  search: (p: Params) => getJson<SearchResults>('/search', p),
  /** The export stream as a Blob (needs the credential header, so not a plain link). */
  exportCsv: async (p: Params) => (await request('/export/mentions', { ...p, format: 'csv' })).blob(),
  sources: (p: Params) => rawScan(() => getJson<{ items: Source[] }>('/sources', p)),

  alerts: (p: Params) => getJson<Page<Alert>>('/alerts', p),
  alert: (alertId: string) => getJson<Alert>(`/alerts/${id(alertId)}`),
  deliveries: (alertId: string) => getJson<{ items: AlertDelivery[] }>(`/alerts/${id(alertId)}/deliveries`),
  acknowledge: async (alertId: string) =>
    (await (
      await request(`/alerts/${id(alertId)}/acknowledge`, {}, undefined, { method: 'POST' })
    ).json()) as Alert,
  rules: () => getJson<{ items: AlertRule[] }>('/alert-rules'),
  rule: (ruleId: string) => getJson<AlertRule>(`/alert-rules/${id(ruleId)}`),
  createRule: async (rule: AlertRuleInput) =>
    (await (
      await request('/alert-rules', {}, undefined, { method: 'POST', body: rule })
    ).json()) as AlertRule,
  replaceRule: async (ruleId: string, rule: AlertRuleInput) =>
    (await (
      await request(`/alert-rules/${id(ruleId)}`, {}, undefined, { method: 'PUT', body: rule })
    ).json()) as AlertRule,
  deleteRule: async (ruleId: string) => {
    await request(`/alert-rules/${id(ruleId)}`, {}, undefined, { method: 'DELETE' });
  },
};

/** The writable fields of a stored rule, as PUT wants them (it replaces the whole rule). */
export function ruleInput(r: AlertRule): AlertRuleInput {
  return {
    name: r.name,
    detector: r.detector,
    level: r.level,
    entity: r.entity,
    normalized_aspect: r.normalized_aspect,
    category: r.category,
    window_minutes: r.window_minutes,
    baseline_windows: r.baseline_windows,
    min_mentions: r.min_mentions,
    thresholds: r.thresholds,
    cooldown_minutes: r.cooldown_minutes,
    severity: r.severity,
    channels: r.channels,
    enabled: r.enabled,
  };
}

/** An answer that says the API has no such operation here: 404 (no route) or 503 (not configured). */
const absent = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 503);

/**
 * Whether the alert routes are there: they answer 503 where the deployment has no alert service,
 * and an API without them 404. Asked once per sign-in: a 404 also counts against the client's
 * failure limit.
 */
let alertsOffered: Promise<boolean> | undefined;
export function alertsAvailable(): Promise<boolean> {
  alertsOffered ??= api.alerts({ limit: 1 }).then(
    () => true,
    (e: unknown) => !absent(e),
  );
  return alertsOffered;
}

/** The sources of the range, or null where the API has no GET /v1/sources (then no source filter). */
let sourcesMissing = false;
export async function sourcesIn(range: Params): Promise<Source[] | null> {
  if (sourcesMissing) return null;
  try {
    return (await api.sources(range)).items;
  } catch (e) {
    // Only 404: a 503 there is a dependency that is down, not a missing operation.
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    sourcesMissing = true;
    return null;
  }
}

/** Forget what was learnt (a new sign-in may be another deployment's credential or tenant). */
export function resetOffered(): void {
  alertsOffered = undefined;
  sourcesMissing = false;
}
