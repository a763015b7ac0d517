/**
 * The narrow interfaces the routes depend on. `MentionStore` is PostgreSQL (mention.repository.ts),
 * `SearchIndex` is Elasticsearch (search.repository.ts), `KeyAdmin` is the API key store,
 * `AlertStore` is PostgreSQL (alerts.repository.ts). Every method takes the caller's tenant as its
 * first argument and never returns another tenant's rows.
 */
import type { ApiKeyRecord } from '../common/apikeys/store';
import { RetriableError } from '../common/errors/index';
import type { AlertLanguage } from '../stream-processors/alerts/explain';
import type { Channel, Detector, Level, Severity, Thresholds } from '../stream-processors/alerts/rules';
import type { OpinionTerm } from '../schemas/index';

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
  source?: string;
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

/** An opinion term about an aspect ("rude" for "waiter"): UTF-16 offsets into the document text. */
export interface OpinionView {
  term: string;
  from: number;
  to: number;
  confidence: number;
}

/** Opinion terms as PostgreSQL and Elasticsearch store them (sentiment.aspects.v1), in the API's shape. */
export function toOpinionViews(stored: OpinionTerm[] | null | undefined): OpinionView[] | null {
  return stored
    ? stored.map((o) => ({ term: o.term, from: o.start, to: o.end, confidence: o.confidence }))
    : null;
}

/** A source and how many of the tenant's documents in a range came from it. */
export interface SourceVolume {
  source: string;
  documents: number;
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
  /** null when the model that analysed the document has no opinion head */
  opinions: OpinionView[] | null;
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
  /** as in DocumentAspect; offsets into the document text (subtract sentence.from for the sentence) */
  opinions: OpinionView[] | null;
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

/**
 * As many raw-mention scans (aggregates the rollups cannot answer) as allowed are running already,
 * across all tenants; retry shortly.
 */
export class ScanCapacityError extends RetriableError {
  constructor(readonly max: number) {
    super(`${max} raw-mention scans are running already`, { code: 'raw_scan_capacity' });
  }
}

/** A raw-mention scan was stopped by its statement timeout. */
export class ScanTimeoutError extends RetriableError {
  constructor(
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(`raw-mention scan stopped after its ${timeoutMs} ms statement timeout`, {
      cause,
      code: 'raw_scan_timeout',
    });
  }
}

export interface MentionStore {
  /**
   * With `filter.lang` or `filter.source` this scans raw mentions (the rollups carry neither) and may
   * throw ScanCapacityError or ScanTimeoutError.
   */
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
  /** The sources of the range's documents, most documents first; scans raw rows like aspectCounts. */
  sources(tenant: string, range: TimeRange, limit: number): Promise<SourceVolume[]>;
  ping(): Promise<void>;
}

export interface SearchQuery {
  q?: string;
  polarity?: Polarity;
  aspect?: string;
  lang?: string;
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
  facets: { aspects: Facet[]; categories: Facet[]; polarity: Facet[]; languages: Facet[] };
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

/** A rule as the API shows it; a built-in default has `default: true`, an id `default:<name>` and no timestamps. */
export interface AlertRuleView {
  id: string;
  name: string;
  detector: Detector;
  level: Level;
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  window_minutes: number;
  baseline_windows: number;
  min_mentions: number;
  thresholds: Thresholds;
  cooldown_minutes: number;
  severity: Severity;
  channels: Channel[];
  enabled: boolean;
  default: boolean;
  created_at: string | null;
  updated_at: string | null;
}

/** The tenant's delivery settings; the secret itself only in the reply that created or rotated it. */
export interface AlertSettingsView {
  webhook_url: string | null;
  /** Language of the alert messages; 'en' until set. */
  language: AlertLanguage;
  webhook_secret_set: boolean;
  updated_at: string | null;
  webhook_secret?: string;
}

export const ALERT_STATUSES = ['open', 'resolved', 'acknowledged'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertView {
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
  message: string;
  /** Language `message` is written in. */
  language: string;
  created_at: string;
  resolved_at: string | null;
  resolution: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export interface AlertFilter {
  status?: AlertStatus;
  severity?: Severity;
  entity?: string;
  normalized_aspect?: string;
  detector?: Detector;
  historical?: boolean;
  /** On window_start: [from, to). */
  from?: Date;
  to?: Date;
}

/** Position after the last alert of a page, in the list's order (created_at desc, alert_id desc). */
export interface AlertCursor {
  /** created_at with microseconds, as the alert's `created_at`. */
  createdAt: string;
  id: string;
}

export interface AlertDeliveryView {
  alert_id: string;
  url: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'dead_lettered';
  http_status: number | null;
  latency_ms: number;
  error: string | null;
  attempted_at: string;
}

/** What acknowledging found: the updated alert, or the status that forbids it; undefined when not the tenant's. */
export type AcknowledgeResult =
  { acknowledged: true; alert: AlertView } | { acknowledged: false; status: AlertStatus };

export interface AlertStore {
  /** Stored rules by name; when the tenant has none, the defaults in force instead. */
  listRules(tenant: string): Promise<AlertRuleView[]>;
  getRule(tenant: string, id: string): Promise<AlertRuleView | undefined>;
  /** Validates `spec` (400 naming each field) and stores it; 409 when the name is taken. */
  createRule(tenant: string, spec: unknown): Promise<AlertRuleView>;
  /** Replaces the whole rule (omitted fields take their defaults); undefined when not the tenant's. */
  replaceRule(tenant: string, id: string, spec: unknown): Promise<AlertRuleView | undefined>;
  deleteRule(tenant: string, id: string): Promise<boolean>;
  getSettings(tenant: string): Promise<AlertSettingsView>;
  /**
   * Sets the default webhook, and the alert language when given (else it stays as it is: 'en' for a
   * tenant new to the settings); a secret is generated on first use and on `rotateSecret`, and
   * returned only then.
   */
  putSettings(
    tenant: string,
    settings: { webhookUrl: string | null; rotateSecret: boolean; language?: AlertLanguage },
  ): Promise<AlertSettingsView>;
  /** Newest first; up to `limit` alerts plus the cursor of the last one. */
  listAlerts(
    tenant: string,
    filter: AlertFilter,
    after: AlertCursor | undefined,
    limit: number,
  ): Promise<Array<{ alert: AlertView; cursor: AlertCursor }>>;
  getAlert(tenant: string, id: string): Promise<AlertView | undefined>;
  acknowledgeAlert(tenant: string, id: string, by: string): Promise<AcknowledgeResult | undefined>;
  /** The delivery attempts of one alert in attempt order; undefined when the alert is not the tenant's. */
  listDeliveries(tenant: string, alertId: string): Promise<AlertDeliveryView[] | undefined>;
}
