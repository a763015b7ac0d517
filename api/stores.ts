/**
 * The narrow interfaces the routes depend on. `MentionStore` is PostgreSQL (mention.repository.ts),
 * `SearchIndex` is Elasticsearch (search.repository.ts), `KeyAdmin` is the API key store. Every
 * method takes the caller's tenant as its first argument and never returns another tenant's rows.
 */
import type { ApiKeyRecord } from '../common/apikeys/store';

export const POLARITIES = ['positive', 'negative', 'neutral', 'conflict'] as const;
export type Polarity = (typeof POLARITIES)[number];
export const INTERVALS = ['hour', 'day', 'week'] as const;
export type Interval = (typeof INTERVALS)[number];

/** [from, to): to is exclusive. */
export interface TimeRange {
  from: Date;
  to: Date;
}

export interface MentionFilter {
  aspect?: string;
  category?: string;
  polarity?: Polarity;
  entity?: string;
  lang?: string;
}

/** Aggregated counts of one (aspect, category, polarity) over a range. */
export interface AspectPolarityCount {
  aspect: string;
  category: string | null;
  polarity: Polarity;
  mentions: number;
  confidenceSum: number;
}

export interface TrendPoint {
  bucket: Date;
  polarity: Polarity;
  mentions: number;
  confidenceSum: number;
}

export interface EntityVolume {
  entity: string;
  mentions: number;
  positive: number;
  negative: number;
  neutral: number;
  conflict: number;
  confidenceSum: number;
}

/** An aspect as it appears inside a document: offsets are UTF-16 code units into the document text. */
export interface DocumentAspect {
  mention_id: string;
  term: string;
  from: number;
  to: number;
  polarity: Polarity;
  confidence: number;
  category: string | null;
  normalized: string;
  sentence_index: number;
}

export interface DocumentView {
  id: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  lang: string | null;
  status: string;
  text: string;
  created_at: string;
  sentiment: {
    polarity: string;
    confidence: number | null;
    positive: number | null;
    negative: number | null;
    neutral: number | null;
  } | null;
  aspects: DocumentAspect[];
}

export interface MentionView {
  id: string;
  document_id: string;
  term: string;
  from: number;
  to: number;
  polarity: Polarity;
  confidence: number;
  category: string | null;
  normalized: string;
  entity: string | null;
  source: string;
  lang: string | null;
  created_at: string;
  /** The sentence holding the mention; `highlight` is the mention's span inside `sentence.text`. */
  sentence: { index: number; text: string; from: number; to: number };
  highlight: { from: number; to: number };
}

/** Position after the last item of a page, in the list's order (created_at desc, id desc). */
export interface MentionCursor {
  createdAt: string;
  id: string;
}

export interface EntityCursor {
  mentions: number;
  entity: string;
}

export interface MentionStore {
  aspectCounts(tenant: string, range: TimeRange, filter: MentionFilter): Promise<AspectPolarityCount[]>;
  trend(tenant: string, range: TimeRange, interval: Interval, filter: MentionFilter): Promise<TrendPoint[]>;
  /** Newest first; up to `limit` items plus the cursor of the last one. */
  mentions(
    tenant: string,
    range: TimeRange,
    filter: MentionFilter,
    after: MentionCursor | undefined,
    limit: number,
  ): Promise<Array<{ mention: MentionView; cursor: MentionCursor }>>;
  entities(
    tenant: string,
    range: TimeRange,
    after: EntityCursor | undefined,
    limit: number,
  ): Promise<EntityVolume[]>;
  document(tenant: string, id: string): Promise<DocumentView | undefined>;
  /** Nearest documents by embedding (cosine); undefined when the document is not the tenant's. */
  similar(
    tenant: string,
    id: string,
    k: number,
  ): Promise<Array<DocumentView & { similarity: number }> | undefined>;
  ping(): Promise<void>;
}

export interface SearchQuery {
  q?: string;
  polarity?: Polarity;
  aspect?: string;
  from?: Date;
  to?: Date;
  limit: number;
  after?: unknown[];
}

export interface Facet {
  value: string;
  count: number;
}

export interface SearchHit {
  document: DocumentView;
  score: number | null;
  highlights: string[];
  sort: unknown[];
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: { aspects: Facet[]; categories: Facet[]; polarity: Facet[] };
}

export interface SearchIndex {
  search(tenant: string, query: SearchQuery): Promise<SearchResult>;
  ping(): Promise<void>;
}

export interface KeyAdmin {
  list(tenant: string): Promise<ApiKeyRecord[]>;
  create(tenant: string, name: string, role: string): Promise<{ key: string; record: ApiKeyRecord }>;
  /** Revokes the tenant's live key with this id; false when the tenant has no such live key. */
  revoke(tenant: string, id: string): Promise<boolean>;
}
