import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { POLARITIES, type Entity } from '../api';
import { defaultRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, navigate, type PageId } from '../router';

export type FilterName = 'from' | 'to' | 'entity' | 'aspect' | 'category' | 'polarity' | 'interval' | 'q';

/** Reads the filters of a view from its route, with the default time range filled in. */
export function filtersOf(params: URLSearchParams): Record<FilterName, string> {
  const d = defaultRange();
  const get = (k: FilterName) => params.get(k) ?? '';
  return {
    from: get('from') || d.from,
    to: get('to') || d.to,
    entity: get('entity'),
    aspect: get('aspect'),
    category: get('category'),
    polarity: get('polarity'),
    interval: get('interval') || 'day',
    q: get('q'),
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
  keep = {},
  children,
}: {
  page: PageId;
  values: Record<FilterName, string>;
  fields: FilterName[];
  entities?: Entity[];
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
    for (const f of fields) if (draft[f]) params[f] = draft[f];
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
