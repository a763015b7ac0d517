/** One document with every aspect marked, and its nearest documents by embedding on request. */
import { useEffect, useState } from 'preact/hooks';
import { api, type Doc } from '../api';
import { ErrorText, Show, useAsync } from '../components/async';
import { Marked, opinionSpans, PolarityBadge } from '../components/highlight';
import { useI18n } from '../i18n/index';
import { href, type Route } from '../router';

export function DocumentPage({ route }: { route: Route }) {
  const { t, dateTime } = useI18n();
  const id = route.rest[0] ?? '';
  const doc = useAsync(() => api.document(id), [id]);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('document.title')}
      </h1>
      <Show result={doc}>
        {(d: Doc) => (
          <>
            <article class="card document">
              <p class="doc-text" lang={d.lang ?? undefined}>
                <Marked
                  text={d.text}
                  spans={d.aspects}
                  opinions={d.aspects.flatMap((a) => opinionSpans(a.opinions))}
                />
              </p>
              <dl class="facts">
                <dt>{t('filters.entity')}</dt>
                <dd>{d.entity ?? t('common.noEntity')}</dd>
                <dt>{t('document.source')}</dt>
                <dd>
                  {d.source} / {d.source_id}
                </dd>
                <dt>{t('document.created')}</dt>
                <dd>
                  <time dateTime={d.created_at}>{dateTime(d.created_at)}</time>
                </dd>
                <dt>{t('document.language')}</dt>
                <dd>{d.lang ?? '–'}</dd>
                <dt>{t('document.sentiment')}</dt>
                <dd>{d.sentiment ? <PolarityBadge polarity={d.sentiment.polarity} /> : '–'}</dd>
                {d.url && /^https?:\/\//i.test(d.url) && (
                  <>
                    <dt>{t('document.open')}</dt>
                    <dd>
                      <a href={d.url} rel="noopener noreferrer nofollow" target="_blank">
                        {d.url}
                      </a>
                    </dd>
                  </>
                )}
              </dl>
            </article>
            <section aria-labelledby="doc-aspects">
              <h2 id="doc-aspects">{t('document.aspects')}</h2>
              <ul class="aspect-list">
                {d.aspects.map((a, i) => (
                  <li key={i}>
                    <PolarityBadge polarity={a.polarity} /> <strong>{a.term}</strong> → {a.normalized}
                    {a.category ? ` (${a.category})` : ''}
                    {a.opinions && a.opinions.length > 0 && (
                      <span class="muted">
                        {' · '}
                        {t('mentions.opinions', { terms: a.opinions.map((o) => o.term).join(', ') })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
            <Similar id={d.id} auto={route.params.get('similar') === '1'} />
          </>
        )}
      </Show>
    </>
  );
}

function Similar({ id, auto }: { id: string; auto: boolean }) {
  const { t, pct } = useI18n();
  const [state, setState] = useState<
    | { s: 'idle' }
    | { s: 'loading' }
    | { s: 'error'; e: unknown }
    | { s: 'done'; items: Array<Doc & { similarity: number }> }
  >({ s: 'idle' });
  const load = async () => {
    setState({ s: 'loading' });
    try {
      setState({ s: 'done', items: (await api.similar(id)).items });
    } catch (e) {
      setState({ s: 'error', e });
    }
  };
  useEffect(() => {
    if (auto) void load();
  }, [id, auto]);
  return (
    <section aria-labelledby="doc-similar">
      <h2 id="doc-similar">{t('document.similar')}</h2>
      {state.s === 'idle' && (
        <button type="button" onClick={() => void load()}>
          {t('document.findSimilar')}
        </button>
      )}
      {state.s === 'loading' && <p class="muted">{t('common.loading')}</p>}
      {state.s === 'error' && <ErrorText error={state.e} />}
      {state.s === 'done' &&
        (state.items.length === 0 ? (
          <p>{t('common.none')}</p>
        ) : (
          <ul class="similar">
            {state.items.map((d) => (
              <li key={d.id} class="card">
                <p>
                  <a href={href('document', {}, [d.id])}>{d.entity ?? t('common.noEntity')}</a>{' '}
                  <span class="muted">{t('document.similarity', { value: pct(d.similarity) })}</span>
                </p>
                <p class="snippet" lang={d.lang ?? undefined}>
                  {d.text.length > 240 ? `${d.text.slice(0, 240)}…` : d.text}
                </p>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
