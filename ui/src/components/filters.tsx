import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ALERT_STATUSES, POLARITIES, SEVERITIES, type Entity, type Source } from '../api';
import { defaultRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, navigate, type PageId } from '../router';

export type FilterName =
  | 'from'
  | 'to'
  | 'entity'
  | 'source'
  | 'aspect'
  | 'category'
  | 'polarity'
  | 'interval'
  | 'q'
  | 'status'
  | 'severity';

/** Reads the filters of a view from its route, with the default time range filled in. */
export function filtersOf(params: URLSearchParams): Record<FilterName, string> {
  const d = defaultRange();
  const get = (k: FilterName) => params.get(k) ?? '';
  return {
    from: get('from') || d.from,
    to: get('to') || d.to,
    entity: get('entity'),
    source: get('source'),
    aspect: get('aspect'),
    category: get('category'),
    polarity: get('polarity'),
    interval: get('interval') || 'day',
    q: get('q'),
    status: get('status'),
    severity: get('severity'),
  };
}

let uid = 0;

/**
 * The filter bar of a page: every change goes into the address when applied, so the page reloads
 * from there. `fields` picks the inputs in order.
 */
export function FilterBar({
  page,
  values,
  fields,
  entities = [],
  sources,
  keep = {},
  children,
}: {
  page: PageId;
  values: Record<FilterName, string>;
  fields: FilterName[];
  entities?: Entity[];
  /** The choices of the source filter; without them (the API has no list of sources) no such field. */
  sources?: Source[] | null;
  keep?: Record<string, string>;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(values);
  const [id] = useState(() => `f${++uid}`);
  const set = (k: FilterName) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    const params: Record<string, string> = { ...keep };
    for (const f of fields) if (draft[f] && (f !== 'source' || sources)) params[f] = draft[f];
    navigate(href(page, params));
  };
  const field = (k: FilterName) => {
    const fid = `${id}-${k}`;
    switch (k) {
      case 'from':
      case 'to':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t(`filters.${k}`)}</label>
            <input id={fid} type="date" value={draft[k]} onInput={set(k)} required />
          </div>
        );
      case 'entity':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.entity')}</label>
            <select id={fid} value={draft.entity} onChange={set(k)}>
              <option value="">{t('filters.allEntities')}</option>
              {draft.entity && !entities.some((e) => e.entity === draft.entity) && (
                <option value={draft.entity}>{draft.entity}</option>
              )}
              {entities.map((e) => (
                <option key={e.entity} value={e.entity}>
                  {e.entity}
                </option>
              ))}
            </select>
          </div>
        );
      case 'source':
        if (!sources) return null;
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.source')}</label>
            <select id={fid} value={draft.source} onChange={set(k)}>
              <option value="">{t('filters.allSources')}</option>
              {draft.source && !sources.some((s) => s.source === draft.source) && (
                <option value={draft.source}>{draft.source}</option>
              )}
              {sources.map((s) => (
                <option key={s.source} value={s.source}>
                  {s.source}
                </option>
              ))}
            </select>
          </div>
        );
      case 'status':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.status')}</label>
            <select id={fid} value={draft.status} onChange={set(k)}>
              <option value="">{t('filters.anyStatus')}</option>
              {ALERT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`alertStatus.${s}`)}
                </option>
              ))}
            </select>
          </div>
        );
      case 'severity':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.severity')}</label>
            <select id={fid} value={draft.severity} onChange={set(k)}>
              <option value="">{t('filters.anySeverity')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`severity.${s}`)}
                </option>
              ))}
            </select>
          </div>
        );
      case 'polarity':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.polarity')}</label>
            <select id={fid} value={draft.polarity} onChange={set(k)}>
              <option value="">{t('filters.anyPolarity')}</option>
              {POLARITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`polarity.${p}`)}
                </option>
              ))}
            </select>
          </div>
        );
      case 'interval':
        return (
          <div class="field" key={k}>
            <label for={fid}>{t('filters.interval')}</label>
            <select id={fid} value={draft.interval} onChange={set(k)}>
              {(['hour', 'day', 'week'] as const).map((i) => (
                <option key={i} value={i}>
                  {t(`interval.${i}`)}
                </option>
              ))}
            </select>
          </div>
        );
      case 'q':
        return (
          <div class="field grow" key={k}>
            <label for={fid}>{t('search.query')}</label>
            <input id={fid} type="search" value={draft.q} onInput={set(k)} maxLength={500} />
          </div>
        );
      default:
        return (
          <div class="field" key={k}>
            <label for={fid}>{t(`filters.${k}`)}</label>
            <input id={fid} type="text" value={draft[k]} onInput={set(k)} maxLength={100} />
          </div>
        );
    }
  };
  return (
    <form class="filters" onSubmit={submit} aria-label={t('filters.title')}>
      {fields.map(field)}
      {children}
      <button type="submit">{page === 'search' ? t('search.submit') : t('filters.apply')}</button>
    </form>
  );
}
