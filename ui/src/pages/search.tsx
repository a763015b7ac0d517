/** Full-text search with the API's highlights and facets; an aspect or polarity facet filters. */
import { useLayoutEffect, useState } from 'preact/hooks';
import { api, type Facet, type SearchHit, type SearchResults } from '../api';
import { ErrorText } from '../components/async';
import { FilterBar, filtersOf } from '../components/filters';
import { Fragment, PolarityBadge } from '../components/highlight';
import { apiRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, type Route } from '../router';
import type { MessageKey } from '../i18n/en';

export function Search({ route }: { route: Route }) {
  const { t, num } = useI18n();
  const f = filtersOf(route.params);
  const range = apiRange(f.from, f.to);
  const params = {
    q: f.q || undefined,
    aspect: f.aspect || undefined,
    polarity: f.polarity || undefined,
    ...range,
  };
  const key = JSON.stringify(params);
  const [result, setResult] = useState<SearchResults | undefined>();
  const [items, setItems] = useState<SearchHit[]>([]);
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: false });
  const active = Boolean(f.q || f.aspect || f.polarity);
  const load = async (cursor?: string) => {
    setState({ loading: true });
    try {
      const r = await api.search({ ...params, limit: 20, cursor });
      setResult(r);
      setItems((old) => (cursor ? [...old, ...r.items] : r.items));
      setState({ loading: false });
    } catch (error) {
      setState({ loading: false, error });
    }
  };
  // Before the paint: the new filters never show the old list.
  useLayoutEffect(() => {
    setItems([]);
    setResult(undefined);
    if (active) void load();
  }, [key]);
  const base = { q: f.q, aspect: f.aspect, polarity: f.polarity, from: f.from, to: f.to };
  const facet = (name: 'aspects' | 'categories' | 'polarity', label: MessageKey, values: Facet[]) => (
    <section class="facet" aria-labelledby={`facet-${name}`}>
      <h3 id={`facet-${name}`}>{t(label)}</h3>
      <ul>
        {values.map((v) => {
          const text = name === 'polarity' ? t(`polarity.${v.value as 'positive'}`) : v.value;
          const param = name === 'aspects' ? 'aspect' : name === 'polarity' ? 'polarity' : undefined;
          const selected = param && base[param] === v.value;
          return (
            <li key={v.value}>
              {param && !selected ? (
                <a href={href('search', { ...base, [param]: v.value })}>
                  {text} <span class="count">{num(v.count)}</span>
                  <span class="visually-hidden"> {t('search.filter')}</span>
                </a>
              ) : selected && param ? (
                <a href={href('search', { ...base, [param]: '' })} aria-current="true">
                  <strong>{text}</strong> <span class="count">{num(v.count)}</span>
                  <span aria-hidden="true"> ×</span>
                  <span class="visually-hidden"> {t('search.clear')}</span>
                </a>
              ) : (
                <span>
                  {text} <span class="count">{num(v.count)}</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('search.title')}
      </h1>
      <FilterBar
        key={location.hash}
        page="search"
        values={f}
        fields={['q', 'aspect', 'polarity', 'from', 'to']}
      />
      {!active && <p class="muted">{t('search.empty')}</p>}
      {result && (
        <p role="status">
          <strong>{t('search.total', { count: num(result.total) })}</strong>
        </p>
      )}
      <div class="search-layout">
        {result && (
          <aside class="facets" aria-label={t('search.facets')}>
            {facet('aspects', 'search.facet.aspects', result.facets.aspects)}
            {facet('polarity', 'search.facet.polarity', result.facets.polarity)}
            {facet('categories', 'search.facet.categories', result.facets.categories)}
          </aside>
        )}
        <ol class="results">
          {items.map((d) => (
            <li key={d.id} class="card">
              <p class="meta">
                <a href={href('document', {}, [d.id])}>{d.entity ?? t('common.noEntity')}</a>
                {d.sentiment && <PolarityBadge polarity={d.sentiment.polarity} />}
                <span class="muted">{d.source}</span>
              </p>
              {d.highlights.length ? (
                d.highlights.map((h, i) => (
                  <p key={i} class="snippet" lang={d.lang ?? undefined}>
                    <Fragment html={h} />
                  </p>
                ))
              ) : (
                <p class="snippet" lang={d.lang ?? undefined}>
                  {d.text.length > 240 ? `${d.text.slice(0, 240)}…` : d.text}
                </p>
              )}
            </li>
          ))}
        </ol>
      </div>
      {state.error !== undefined && <ErrorText error={state.error} />}
      {state.loading && <p class="muted">{t('common.loading')}</p>}
      {!state.loading && result?.next_cursor && (
        <button type="button" onClick={() => void load(result.next_cursor!)}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}
