/**
 * Overview: the entities by volume, then per entity its aspects (mentions, positive and negative
 * shares, a daily sparkline) and its category breakdown. Every number links to the mentions behind it.
 *
 * Load order, for the first paint: the entity list and the sources go out together; a picked entity's
 * summary does not wait for the list; each section draws its tables as soon as its summary is in, and
 * its sparklines follow (one trend request per aspect: the API's trends take a single aspect).
 */
import {
  api,
  sourcesIn,
  type AspectStats,
  type AspectSummary,
  type Entity,
  type Page,
  type TrendPoint,
} from '../api';
import { useAsync, Show } from '../components/async';
import { categoryLabel, ShareBar, Sparkline } from '../components/charts';
import { ExportButton } from '../components/export';
import { FilterBar, filtersOf } from '../components/filters';
import { apiRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, type Route } from '../router';

/** Entities with their own section when none is picked (each costs a few requests). */
const SECTIONS = 3;
/** Aspects per entity, each with a sparkline request. */
const ASPECTS = 8;

export function Overview({ route }: { route: Route }) {
  const { t, num, signed, date } = useI18n();
  const f = filtersOf(route.params);
  const range = apiRange(f.from, f.to);
  const entities = useAsync(() => api.entities({ ...range, limit: 50 }), [range.from, range.to]);
  const sources = useAsync(() => sourcesIn(range), [range.from, range.to]);
  const list = entities.state === 'done' ? entities.value.items : [];
  const sections = f.entity ? [f.entity] : list.slice(0, SECTIONS).map((e) => e.entity);
  // Only a source the API can filter by: without GET /v1/sources there is no source filter.
  const source = sources.state === 'done' && sources.value ? f.source : '';
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('overview.title')}
      </h1>
      <p class="muted">{t('overview.range', { from: date(range.from!), to: date(f.to) })}</p>
      <FilterBar
        key={location.hash}
        page="overview"
        values={f}
        fields={['from', 'to', 'entity', 'source']}
        entities={list}
        sources={sources.state === 'done' ? sources.value : null}
      />
      <ExportButton params={{ ...range, entity: f.entity || undefined, source: source || undefined }} />
      {source && <p class="notice">{t('overview.sourceNote', { source })}</p>}
      {!f.entity && (
        <section aria-labelledby="entities-title">
          <h2 id="entities-title">{t('overview.entities')}</h2>
          <Show result={entities}>
            {(page: Page<Entity>) =>
              page.items.length === 0 ? (
                <p>{t('common.none')}</p>
              ) : (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('overview.entity')}</th>
                        <th scope="col" class="num">
                          {t('overview.mentions')}
                        </th>
                        <th scope="col" class="num">
                          {t('overview.net')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((e) => (
                        <tr key={e.entity}>
                          <th scope="row">
                            <a href={href('overview', { from: f.from, to: f.to, entity: e.entity, source })}>
                              {e.entity}
                            </a>
                          </th>
                          <td class="num">
                            <a href={href('mentions', { from: f.from, to: f.to, entity: e.entity })}>
                              {num(e.mentions)}
                            </a>
                          </td>
                          <td class="num">{signed(e.net_sentiment)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
          </Show>
        </section>
      )}
      {sections.map((entity) => (
        <EntitySection
          key={`${entity}|${range.from}|${range.to}|${source}`}
          entity={entity}
          from={f.from}
          to={f.to}
          source={source}
        />
      ))}
    </>
  );
}

function EntitySection({
  entity,
  from,
  to,
  source,
}: {
  entity: string;
  from: string;
  to: string;
  source: string;
}) {
  const { t, num, pct } = useI18n();
  const range = apiRange(from, to);
  const summary = useAsync(
    () => api.summary({ ...range, entity, source: source || undefined, limit: ASPECTS }),
    [entity, from, to, source],
  );
  const slug = entity.replace(/[^\p{L}\p{N}]+/gu, '-');
  const drill = (extra: Record<string, string>) =>
    href('mentions', { from, to, entity, source: source || undefined, ...extra });
  // The API's trends have no source filter: a sparkline over all sources would not match the row.
  const sparklines = !source;
  const catName = (c: string | null) => c ?? t('common.uncategorized');
  return (
    <section class="card entity" aria-labelledby={`e-${slug}`}>
      <h2 id={`e-${slug}`}>{t('overview.aspects', { entity })}</h2>
      <Show result={summary}>
        {(s: AspectSummary) =>
          s.aspects.length === 0 ? (
            <p>{t('common.none')}</p>
          ) : (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('overview.aspect')}</th>
                      <th scope="col">{t('overview.category')}</th>
                      <th scope="col" class="num">
                        {t('overview.mentions')}
                      </th>
                      <th scope="col" class="num">
                        {t('overview.positive')}
                      </th>
                      <th scope="col" class="num">
                        {t('overview.negative')}
                      </th>
                      {sparklines && <th scope="col">{t('overview.trend')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {s.aspects.map((a: AspectStats) => (
                      <tr key={a.aspect}>
                        <th scope="row">{a.aspect}</th>
                        <td>{catName(a.category)}</td>
                        <td class="num">
                          <a
                            href={drill({ aspect: a.aspect })}
                            aria-label={t('overview.mentionsOf', {
                              count: num(a.mentions),
                              aspect: a.aspect,
                            })}
                          >
                            {num(a.mentions)}
                          </a>
                        </td>
                        <td class="num">
                          <a
                            class="text-positive"
                            href={drill({ aspect: a.aspect, polarity: 'positive' })}
                            aria-label={t('overview.positiveOf', {
                              share: pct(a.shares.positive),
                              aspect: a.aspect,
                            })}
                          >
                            {pct(a.shares.positive)}
                          </a>
                        </td>
                        <td class="num">
                          <a
                            class="text-negative"
                            href={drill({ aspect: a.aspect, polarity: 'negative' })}
                            aria-label={t('overview.negativeOf', {
                              share: pct(a.shares.negative),
                              aspect: a.aspect,
                            })}
                          >
                            {pct(a.shares.negative)}
                          </a>
                        </td>
                        {sparklines && (
                          <td>
                            <AspectSparkline entity={entity} aspect={a.aspect} from={from} to={to} />
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <h3>{t('overview.categories', { entity })}</h3>
              {categoriesTable(s)}
              <p class="visually-hidden">
                {t('categories.label', { values: categoryLabel(s.categories, catName, pct) })}
              </p>
            </>
          )
        }
      </Show>
    </section>
  );

  function categoriesTable(s: AspectSummary) {
    const name = catName;
    const p = pct;
    return (
      <div class="table-wrap">
        <table class="categories">
          <thead>
            <tr>
              <th scope="col">{t('overview.category')}</th>
              <th scope="col" class="num">
                {t('overview.mentions')}
              </th>
              <th scope="col" class="num">
                {t('overview.positive')}
              </th>
              <th scope="col" class="num">
                {t('overview.negative')}
              </th>
              <th scope="col" class="bar-col">
                <span class="visually-hidden">{t('filters.polarity')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {s.categories.map((c) => (
              <tr key={String(c.category)}>
                <th scope="row">
                  {c.category === null ? (
                    name(null)
                  ) : (
                    <a href={drill({ category: c.category })}>{name(c.category)}</a>
                  )}
                </th>
                <td class="num">{num(c.mentions)}</td>
                <td class="num">{p(c.shares.positive)}</td>
                <td class="num">{p(c.shares.negative)}</td>
                <td class="bar-col">
                  <ShareBar
                    shares={c.shares}
                    label={`${name(c.category)}: ${t('polarity.positive')} ${p(c.shares.positive)}, ${t('polarity.negative')} ${p(c.shares.negative)}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
}

function AspectSparkline({
  entity,
  aspect,
  from,
  to,
}: {
  entity: string;
  aspect: string;
  from: string;
  to: string;
}) {
  const { t } = useI18n();
  const range = apiRange(from, to);
  const trend = useAsync(
    () => api.trends({ ...range, entity, aspect, interval: 'day' }),
    [entity, aspect, from, to],
  );
  if (trend.state === 'loading') return <span class="sparkline-placeholder" aria-hidden="true" />;
  // A refused or failed trend leaves the row without its sparkline; the numbers are all there.
  if (trend.state === 'error')
    return (
      <span>
        <span aria-hidden="true">–</span>
        <span class="visually-hidden">{t('overview.noTrend')}</span>
      </span>
    );
  return <Sparkline aspect={aspect} points={trend.value.points as TrendPoint[]} />;
}
