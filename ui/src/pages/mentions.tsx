/**
 * Drill-down: the mentions behind a number, newest first, each sentence with its aspect span marked
 * in the polarity's colour (and named, for those who do not see the colour), paged by the API cursor.
 */
import { useLayoutEffect, useState } from 'preact/hooks';
import { api, sourcesIn, type Mention, type Params } from '../api';
import { ErrorText, useAsync } from '../components/async';
import { ExportButton } from '../components/export';
import { FilterBar, filtersOf } from '../components/filters';
import { Marked, opinionSpans, PolarityBadge } from '../components/highlight';
import { apiRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, type Route } from '../router';

const PAGE = 20;

export function Mentions({ route }: { route: Route }) {
  const { t } = useI18n();
  const f = filtersOf(route.params);
  const range = apiRange(f.from, f.to);
  const params: Params = {
    ...range,
    entity: f.entity || undefined,
    source: f.source || undefined,
    aspect: f.aspect || undefined,
    category: f.category || undefined,
    polarity: f.polarity || undefined,
  };
  const key = JSON.stringify(params);
  const entities = useAsync(() => api.entities({ ...range, limit: 50 }), [range.from, range.to]);
  const sources = useAsync(() => sourcesIn(range), [range.from, range.to]);
  const [items, setItems] = useState<Mention[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: true });
  const load = async (after: string | null, reset: boolean) => {
    setState({ loading: true });
    try {
      const page = await api.mentions({ ...params, limit: PAGE, cursor: after ?? undefined });
      setItems((old) => (reset ? page.items : [...old, ...page.items]));
      setCursor(page.next_cursor);
      setState({ loading: false });
    } catch (error) {
      setState({ loading: false, error });
    }
  };
  // Before the paint: the new filters never show the old list.
  useLayoutEffect(() => {
    setItems([]);
    void load(null, true);
  }, [key]);
  const described = [
    f.entity,
    f.source,
    f.aspect,
    f.category,
    f.polarity && t(`polarity.${f.polarity as 'positive'}`),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {described ? t('mentions.of', { filters: described }) : t('mentions.title')}
      </h1>
      <FilterBar
        key={location.hash}
        page="mentions"
        values={f}
        fields={['from', 'to', 'entity', 'source', 'aspect', 'category', 'polarity']}
        entities={entities.state === 'done' ? entities.value.items : []}
        sources={sources.state === 'done' ? sources.value : null}
      />
      <ExportButton params={params} />
      {items.length === 0 && !state.loading && !state.error && <p>{t('common.none')}</p>}
      <ol class="mentions" aria-label={t('mentions.count', { count: items.length })}>
        {items.map((m) => (
          <MentionItem key={m.id} m={m} />
        ))}
      </ol>
      {state.error !== undefined && <ErrorText error={state.error} />}
      {state.loading && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {!state.loading && cursor && (
        <button type="button" onClick={() => void load(cursor, false)}>
          {t('common.more')}
        </button>
      )}
      {!state.loading && !cursor && items.length > 0 && <p class="muted">{t('mentions.end')}</p>}
      <p role="status" class="visually-hidden">
        {t('mentions.count', { count: items.length })}
      </p>
    </>
  );
}

function MentionItem({ m }: { m: Mention }) {
  const { t, dateTime, pct } = useI18n();
  const opinions = opinionSpans(m.opinions, m.sentence.from, m.sentence.text.length);
  return (
    <li class="mention card">
      <blockquote class="sentence" lang={m.lang ?? undefined}>
        <Marked
          text={m.sentence.text}
          spans={[{ ...m.highlight, polarity: m.polarity }]}
          opinions={opinions}
        />
      </blockquote>
      <p class="meta">
        <PolarityBadge polarity={m.polarity} />
        <span>{m.normalized}</span>
        {m.opinions && m.opinions.length > 0 && (
          <span lang={m.lang ?? undefined}>
            {t('mentions.opinions', { terms: m.opinions.map((o) => o.term).join(', ') })}
          </span>
        )}
        {m.category && <span>{m.category}</span>}
        {m.entity && <span>{m.entity}</span>}
        <span>{t('mentions.confidence', { value: pct(m.confidence) })}</span>
        <time dateTime={m.created_at}>{dateTime(m.created_at)}</time>
      </p>
      <p class="links">
        <a href={href('document', {}, [m.document_id])}>{t('mentions.document')}</a>
        <a href={href('document', { similar: '1' }, [m.document_id])}>{t('mentions.similar')}</a>
      </p>
    </li>
  );
}
