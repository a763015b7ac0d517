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

export type Params = Record<string, string | number | undefined | null>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
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

async function request(path: string, params: Params, credential?: Credential): Promise<Response> {
  const c = credential ?? loadCredential();
  if (!c) {
    onUnauthorized();
    throw new ApiError(401, 'not signed in');
  }
  const res = await fetch(`/v1${path}${query(params)}`, { headers: authHeaders(c) });
  if (res.ok) return res;
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { detail?: string; title?: string };
    detail = body.detail ?? body.title ?? detail;
  } catch {
    // not a problem+json body: keep the status text
  }
  // A credential being checked at sign-in reports its 401 to the form instead.
  if (res.status === 401 && !credential) onUnauthorized();
  throw new ApiError(res.status, detail);
}

export async function getJson<T>(path: string, params: Params = {}, credential?: Credential): Promise<T> {
  return (await (await request(path, params, credential)).json()) as T;
}

export const api = {
  /** Any cheap authenticated read tells whether a credential works. */
  check: (c: Credential) => getJson<Page<Entity>>('/entities', { limit: 1 }, c),
  entities: (p: Params) => getJson<Page<Entity>>('/entities', p),
  summary: (p: Params) => getJson<AspectSummary>('/aspects/summary', p),
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
};
