/**
 * `SearchIndex` over Elasticsearch: full-text search of the tenant's documents through the
 * `<prefix>-documents` alias, with highlights and facets (aspects, categories, aspect polarity,
 * languages). Text goes into a `multi_match` query (no query syntax, so no parse errors and no
 * injection into the DSL) over the english `text` and each language's own field (`text_ko`), so one
 * search box finds English and Korean documents; every query carries a tenant filter.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { OpinionTerm } from '../schemas/index';
import { searchTextFields } from '../sinks/elasticsearch/setup';
import {
  toOpinionViews,
  type DocumentAspect,
  type DocumentView,
  type Facet,
  type Polarity,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
} from './stores';

interface EsAspect {
  mention_id: string;
  term: string;
  start: number;
  end: number;
  sentence_index: number;
  normalized_aspect: string;
  category: string | null;
  polarity: Polarity;
  confidence: number;
  opinions?: OpinionTerm[] | null;
}

interface EsDocument {
  event_id: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  lang: string | null;
  status: string;
  text: string;
  created_at: string;
  sentiment?: {
    polarity: string;
    confidence: number | null;
    positive: number | null;
    negative: number | null;
    neutral: number | null;
  } | null;
  aspects?: EsAspect[];
}

const SOURCE_FIELDS = [
  'event_id',
  'source',
  'source_id',
  'entity',
  'author_id',
  'url',
  'lang',
  'status',
  'text',
  'created_at',
  'sentiment',
  'aspects',
];

function toDocument(d: EsDocument): DocumentView {
  const aspects: DocumentAspect[] = (d.aspects ?? []).map((a) => ({
    mention_id: a.mention_id,
    term: a.term,
    from: a.start,
    to: a.end,
    polarity: a.polarity,
    confidence: a.confidence,
    category: a.category ?? null,
    normalized: a.normalized_aspect,
    opinions: toOpinionViews(a.opinions),
    sentence_index: a.sentence_index,
  }));
  return {
    id: d.event_id,
    source: d.source,
    source_id: d.source_id,
    entity: d.entity ?? null,
    author_id: d.author_id ?? null,
    url: d.url ?? null,
    lang: d.lang ?? null,
    status: d.status,
    text: d.text,
    created_at: new Date(d.created_at).toISOString(),
    sentiment: d.sentiment?.polarity
      ? {
          polarity: d.sentiment.polarity,
          confidence: d.sentiment.confidence ?? null,
          positive: d.sentiment.positive ?? null,
          negative: d.sentiment.negative ?? null,
          neutral: d.sentiment.neutral ?? null,
        }
      : null,
    aspects,
  };
}

const TEXT_FIELDS = searchTextFields();
/** A language's own field highlights its documents best (the english one misses "배터리" in "배터리가"). */
const HIGHLIGHT_ORDER = [...TEXT_FIELDS.slice(1), 'text'];

function highlightsOf(highlight: Record<string, string[]> | undefined): string[] {
  for (const field of HIGHLIGHT_ORDER) {
    const fragments = highlight?.[field];
    if (fragments?.length) return fragments;
  }
  return [];
}

function buckets(agg: unknown): Facet[] {
  const b = (agg as { buckets?: Array<{ key: string; doc_count: number; docs?: { doc_count: number } }> })
    ?.buckets;
  return (b ?? []).map((x) => ({ value: String(x.key), count: x.docs?.doc_count ?? x.doc_count }));
}

export class EsSearchIndex implements SearchIndex {
  constructor(
    private readonly client: Client,
    private readonly alias: string,
  ) {}

  async ping(): Promise<void> {
    const health = await this.client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000 });
    if (health.status === 'red') throw new Error('cluster health is red');
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchResult> {
    const filter: estypes.QueryDslQueryContainer[] = [{ term: { tenant } }];
    if (query.from || query.to) {
      filter.push({
        range: {
          created_at: {
            ...(query.from ? { gte: query.from.toISOString() } : {}),
            ...(query.to ? { lt: query.to.toISOString() } : {}),
          },
        },
      });
    }
    if (query.aspect !== undefined || query.polarity !== undefined) {
      // Aspect and polarity describe the same aspect of the document ("battery" that is negative).
      const inner: estypes.QueryDslQueryContainer[] = [];
      if (query.aspect !== undefined) inner.push({ term: { 'aspects.normalized_aspect': query.aspect } });
      if (query.polarity !== undefined) inner.push({ term: { 'aspects.polarity': query.polarity } });
      filter.push({ nested: { path: 'aspects', query: { bool: { filter: inner } } } });
    }
    if (query.lang !== undefined) filter.push({ term: { lang: query.lang } });
    // best_fields: all words in one field, each field with its own analyzer, the best field scores.
    const must: estypes.QueryDslQueryContainer[] = query.q
      ? [{ multi_match: { query: query.q, fields: TEXT_FIELDS, type: 'best_fields', operator: 'and' } }]
      : [];
    const response = await this.client.search<EsDocument>({
      index: this.alias,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: query.limit,
      track_total_hits: true,
      _source: SOURCE_FIELDS,
      query: { bool: { filter, must } },
      sort: [
        { _score: { order: 'desc' } },
        { created_at: { order: 'desc' } },
        { event_id: { order: 'asc' } },
      ],
      ...(query.after ? { search_after: query.after as estypes.SortResults } : {}),
      highlight: {
        encoder: 'html',
        pre_tags: ['<em>'],
        post_tags: ['</em>'],
        fields: Object.fromEntries(
          TEXT_FIELDS.map((field) => [field, { fragment_size: 160, number_of_fragments: 3 }]),
        ),
      },
      aggs: {
        languages: { terms: { field: 'lang', size: 20 } },
        aspects: {
          nested: { path: 'aspects' },
          aggs: {
            aspects: {
              terms: { field: 'aspects.normalized_aspect', size: 20 },
              aggs: { docs: { reverse_nested: {} } },
            },
            categories: {
              terms: { field: 'aspects.category', size: 20 },
              aggs: { docs: { reverse_nested: {} } },
            },
            polarity: {
              terms: { field: 'aspects.polarity', size: 4 },
              aggs: { docs: { reverse_nested: {} } },
            },
          },
        },
      },
    });
    const total = response.hits.total;
    const aggs = (response.aggregations?.aspects ?? {}) as Record<string, unknown>;
    const languages = response.aggregations?.languages;
    return {
      hits: response.hits.hits.map((h) => ({
        document: toDocument(h._source!),
        score: h._score ?? null,
        highlights: highlightsOf(h.highlight),
        sort: h.sort ?? [],
      })),
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      facets: {
        aspects: buckets(aggs.aspects),
        categories: buckets(aggs.categories),
        polarity: buckets(aggs.polarity),
        languages: buckets(languages),
      },
    };
  }
}
