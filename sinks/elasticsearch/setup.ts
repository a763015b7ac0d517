/**
 * Elasticsearch as the sink (and the API) set it up: the client, and the index templates: one
 * component template for settings, one per index kind for mappings, and a composable template per
 * kind that applies them to the monthly indices `<prefix>-documents-YYYY.MM` /
 * `<prefix>-mentions-YYYY.MM` and puts each new index behind the alias `<prefix>-documents` /
 * `<prefix>-mentions` (what the API and Kibana read). Mappings are explicit and strict: a field the
 * contract does not have is refused (and dead-lettered) instead of guessed.
 *
 * Installing is idempotent (PUT replaces a template with itself). A changed template applies to the
 * next monthly index, and its mappings are put on the existing indices too: mappings only ever gain
 * fields, so an event with a new optional field is never refused by an older, strict index.
 */
import { Client } from '@elastic/elasticsearch';
import type { ElasticsearchSettings } from './config';
import { asElasticsearchError } from '../../common/elasticsearch/errors';

/** An Elasticsearch client from config; retries are ours (the sink's backoff), not the client's. */
export function createElasticsearchClient(settings: ElasticsearchSettings): Client {
  return new Client({
    node: settings.elasticsearchUrl,
    requestTimeout: settings.elasticsearchRequestTimeoutMs,
    maxRetries: 0,
    compression: false,
    ...(settings.elasticsearchApiKey
      ? { auth: { apiKey: settings.elasticsearchApiKey } }
      : settings.elasticsearchUsername
        ? { auth: { username: settings.elasticsearchUsername, password: settings.elasticsearchPassword } }
        : {}),
  });
}

/** Readiness probe: the cluster answers and is not red. */
export async function pingElasticsearch(client: Client): Promise<void> {
  const health = await client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000 });
  if (health.status === 'red') throw new Error('cluster health is red');
}

export const TEMPLATE_VERSION = 4;

/**
 * Languages whose documents get their own analysis besides `english`: the analyzer of the fields
 * `text_<lang>` (documents) and `sentence_text_<lang>` (mentions), which hold the text of documents in
 * that language only. Every document keeps `text` and `sentence_text` (english), so English stays
 * where it was and one query over `searchTextFields()` finds either.
 */
export const LANGUAGE_ANALYZERS: Readonly<Record<string, string>> = { ko: 'cjk' };

/** The language-analysed twin of a text field for a document language; undefined when there is none. */
export function languageField(field: 'text' | 'sentence_text', lang: string | null): string | undefined {
  const primary = lang?.toLowerCase().split('-')[0]; // the processor sends ISO 639-1; a region is ignored
  return primary !== undefined && Object.hasOwn(LANGUAGE_ANALYZERS, primary)
    ? `${field}_${primary}`
    : undefined;
}

/** The document fields a full-text search reads: the english `text` and every language's twin. */
export function searchTextFields(): string[] {
  return ['text', ...Object.keys(LANGUAGE_ANALYZERS).map((lang) => `text_${lang}`)];
}

const keyword = { type: 'keyword' } as const;
const keywordLong = { type: 'keyword', ignore_above: 1024 } as const;
const float = { type: 'float' } as const;
const integer = { type: 'integer' } as const;
const date = { type: 'date' } as const;
const englishText = {
  type: 'text',
  analyzer: 'english',
  fields: { keyword: { type: 'keyword', ignore_above: 256 } },
} as const;
/**
 * Korean text as overlapping bigrams of syllables: "배터리" is found in "배터리가" without a
 * dictionary. `cjk` ships with every Elasticsearch (the local stack's plugin adds it to the Maven
 * Central build); Nori is on no package registry for this Elasticsearch version (docs/adr/0004-sinks.md).
 */
const koreanText = { type: 'text', analyzer: 'cjk' } as const;
const model = { properties: { name: keyword, version: keyword } } as const;
/** The opinion terms of an aspect, e.g. `opinions.term: rude` finds what people call rude. */
const opinions = {
  properties: { term: englishText, start: integer, end: integer, confidence: float },
} as const;

export const documentsMappings = {
  dynamic: 'strict',
  properties: {
    event_id: keyword,
    tenant: keyword,
    source: keyword,
    source_id: keywordLong,
    entity: keyword,
    author_id: keyword,
    url: { type: 'keyword', index: false, ignore_above: 2048 },
    text: englishText,
    // The text again, analysed for its language, only on documents of that language (LANGUAGE_ANALYZERS).
    text_ko: koreanText,
    metadata: { type: 'flattened' },
    created_at: date,
    ingested_at: date,
    processed_at: date,
    indexed_at: date,
    status: keyword,
    lang: keyword,
    lang_confidence: float,
    model,
    taxonomy_version: keyword,
    sentiment: {
      properties: { polarity: keyword, confidence: float, positive: float, negative: float, neutral: float },
    },
    // Kept in _source for display; sentence search goes through the mentions index.
    sentences: { type: 'object', enabled: false },
    aspect_count: integer,
    // Flat lists for simple filters and Kibana; `aspects` (nested) keeps each aspect's fields together.
    aspect_terms: keyword,
    normalized_aspects: keyword,
    categories: keyword,
    aspects: {
      type: 'nested',
      properties: {
        mention_id: keyword,
        term: keyword,
        start: integer,
        end: integer,
        sentence_index: integer,
        normalized_aspect: keyword,
        category: keyword,
        polarity: keyword,
        confidence: float,
        opinions,
      },
    },
    // Stored, not indexed for approximate kNN: similar documents are found in PostgreSQL (pgvector),
    // and Lucene's HNSW graph, rebuilt at every refresh and merge, cost about as much CPU as the rest
    // of a document's indexing (docs/benchmarks.md). An exact script_score search still reads it.
    embedding: { type: 'dense_vector', dims: 384, index: false },
    embedding_model: keyword,
  },
} as const;

export const mentionsMappings = {
  dynamic: 'strict',
  properties: {
    mention_id: keyword,
    document_id: keyword,
    tenant: keyword,
    source: keyword,
    entity: keyword,
    lang: keyword,
    created_at: date,
    processed_at: date,
    indexed_at: date,
    term: englishText,
    normalized_aspect: keyword,
    category: keyword,
    polarity: keyword,
    /** +1 positive, -1 negative, 0 neutral or conflict: averages give net sentiment in Kibana. */
    sentiment_score: float,
    confidence: float,
    start: integer,
    end: integer,
    sentence_index: integer,
    sentence_text: { type: 'text', analyzer: 'english' },
    sentence_text_ko: koreanText,
    sentence_start: integer,
    sentence_end: integer,
    opinions,
    model,
    taxonomy_version: keyword,
  },
} as const;

export interface TemplateSettings {
  indexPrefix: string;
  numberOfReplicas: number;
  refreshInterval: string;
}

export function aliasNames(prefix: string): { documents: string; mentions: string } {
  return { documents: `${prefix}-documents`, mentions: `${prefix}-mentions` };
}

/**
 * One small index (not monthly) of the created_at each document was first indexed with, read in
 * real time by id: a document sent again with another created_at stays in its first month's index.
 */
export function firstCreatedIndex(prefix: string): string {
  return `${prefix}-document-created`;
}

const firstCreatedMappings = { dynamic: 'strict', properties: { created_at: date } } as const;

/** The monthly index for an event time, e.g. absa-documents-2026.11 (UTC month of created_at). */
export function monthlyIndex(alias: string, createdAtMs: number): string {
  const d = new Date(createdAtMs);
  return `${alias}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function installTemplates(client: Client, settings: TemplateSettings): Promise<string[]> {
  const p = settings.indexPrefix;
  const aliases = aliasNames(p);
  const meta = { managed_by: 'aspect-stream sinks/elasticsearch', version: TEMPLATE_VERSION };
  await client.cluster.putComponentTemplate({
    name: `${p}-settings`,
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: settings.numberOfReplicas,
        refresh_interval: settings.refreshInterval,
      },
    },
    _meta: meta,
  });
  await client.cluster.putComponentTemplate({
    name: `${p}-documents-mappings`,
    template: { mappings: documentsMappings },
    _meta: meta,
  });
  await client.cluster.putComponentTemplate({
    name: `${p}-mentions-mappings`,
    template: { mappings: mentionsMappings },
    _meta: meta,
  });
  for (const kind of ['documents', 'mentions'] as const) {
    await client.indices.putIndexTemplate({
      name: aliases[kind],
      index_patterns: [`${aliases[kind]}-*`],
      composed_of: [`${p}-settings`, `${p}-${kind}-mappings`],
      priority: 200,
      template: { aliases: { [aliases[kind]]: {} } },
      _meta: meta,
    });
  }
  return [
    `${p}-settings`,
    `${p}-documents-mappings`,
    `${p}-mentions-mappings`,
    aliases.documents,
    aliases.mentions,
  ];
}

/**
 * Creates this month's indices (with their aliases) when missing, so readers find the aliases at once,
 * and keeps the first-created index (not made from a template) to the configured replicas: with
 * Elasticsearch's default of one, it stayed yellow on a one-node cluster.
 */
export async function ensureCurrentIndices(
  client: Client,
  settings: Pick<TemplateSettings, 'indexPrefix' | 'numberOfReplicas'>,
  now = Date.now(),
): Promise<void> {
  const aliases = aliasNames(settings.indexPrefix);
  const firstCreated = firstCreatedIndex(settings.indexPrefix);
  const indices = [
    { index: monthlyIndex(aliases.documents, now) },
    { index: monthlyIndex(aliases.mentions, now) },
    {
      index: firstCreated,
      mappings: firstCreatedMappings,
      settings: { number_of_shards: 1, number_of_replicas: settings.numberOfReplicas },
    },
  ];
  for (const request of indices) {
    try {
      await client.indices.create(request);
    } catch (err) {
      const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
      if (type !== 'resource_already_exists_exception') throw err;
    }
  }
  // an index made before this setting was passed
  await client.indices.putSettings({
    index: firstCreated,
    settings: { number_of_replicas: settings.numberOfReplicas },
  });
}

/** Puts the current mappings on every existing monthly index (adding the fields they lack). */
export async function updateExistingMappings(client: Client, indexPrefix: string): Promise<void> {
  const aliases = aliasNames(indexPrefix);
  // Indices made before template 4 index `embedding` for kNN; a field's `index` cannot change, and
  // every monthly index has had the field from the start, so it is left as each index has it.
  const { embedding: _kept, ...documentFields } = documentsMappings.properties;
  for (const [alias, mappings] of [
    [aliases.documents, { ...documentsMappings, properties: documentFields }],
    [aliases.mentions, mentionsMappings],
  ] as const) {
    await client.indices.putMapping({
      index: `${alias}-*`,
      allow_no_indices: true,
      expand_wildcards: 'open',
      ...mappings,
    });
  }
}

/**
 * Templates and this month's indices, as the sink and `npm run es:setup` install them; errors in our
 * hierarchy, so a caller can wait out an unavailable cluster.
 */
export async function setUpIndices(client: Client, settings: TemplateSettings): Promise<string[]> {
  try {
    const names = await installTemplates(client, settings);
    await ensureCurrentIndices(client, settings);
    await updateExistingMappings(client, settings.indexPrefix);
    return names;
  } catch (err) {
    throw asElasticsearchError(err);
  }
}
