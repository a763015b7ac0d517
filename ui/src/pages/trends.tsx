/**
 * Trends: volume and net sentiment over time for all aspects, one aspect or one category, hour / day
 * / week buckets, one series per compared entity (or all entities together).
 */
import { useMemo } from 'preact/hooks';
import { api, type AspectTrend } from '../api';
import { useAsync, Show } from '../components/async';
import { FilterBar, filtersOf } from '../components/filters';
import { SERIES_COUNT, TrendChart, type Series } from '../components/trend-chart';
import { apiRange } from '../dates';
import { useI18n } from '../i18n/index';
import { href, navigate, type Route } from '../router';

const MAX_COMPARE = 4;

export function Trends({ route }: { route: Route }) {
  const { t } = useI18n();
  const f = filtersOf(route.params);
  // Entity names cannot contain a comma (the API's name pattern), so one parameter holds the list.
  const compare = (route.params.get('compare') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARE);
  const range = apiRange(f.from, f.to);
  const entities = useAsync(() => api.entities({ ...range, limit: 20 }), [range.from, range.to]);
  const key = [range.from, range.to, f.aspect, f.category, f.interval, compare.join('|')].join('~');
  const trends = useAsync(
    () =>
      Promise.all(
        (compare.length ? compare : ['']).map((entity) =>
          api.trends({
            ...range,
            aspect: f.aspect || undefined,
            category: f.category || undefined,
            entity: entity || undefined,
            interval: f.interval,
          }),
        ),
      ),
    [key],
  );
  const toggle = (entity: string, on: boolean) => {
    const next = on ? [...compare, entity] : compare.filter((e) => e !== entity);
    const params = Object.fromEntries(route.params);
    navigate(href('trends', { ...params, compare: next.slice(0, MAX_COMPARE).join(',') }));
  };
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('trends.title')}
      </h1>
      <FilterBar
        key={location.hash}
        page="trends"
        values={f}
        fields={['from', 'to', 'aspect', 'category', 'interval']}
        keep={compare.length ? { compare: compare.join(',') } : {}}
      />
      <fieldset class="compare">
        <legend>{t('trends.compare')}</legend>
        <Show result={entities}>
          {(page) => (
            <div class="checks">
              {page.items.map((e) => {
                const on = compare.includes(e.entity);
                return (
                  <label key={e.entity} class="check">
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={!on && compare.length >= MAX_COMPARE}
                      onChange={(ev) => toggle(e.entity, (ev.currentTarget as HTMLInputElement).checked)}
                    />
                    {e.entity}
                  </label>
                );
              })}
            </div>
          )}
        </Show>
      </fieldset>
      <Show result={trends}>
        {(list: AspectTrend[]) => (
          <TrendView
            list={list}
            labels={compare.length ? compare : [t('trends.series.all')]}
            interval={f.interval}
          />
        )}
      </Show>
    </>
  );
}

function TrendView({ list, labels, interval }: { list: AspectTrend[]; labels: string[]; interval: string }) {
  const { t, num, signed, dateTime, date } = useI18n();
  const first = list[0];
  const data = useMemo(() => {
    const times = (first?.points ?? []).map((p) => Date.parse(p.start));
    const volume: Series[] = list.map((tr, i) => ({
      label: labels[i]!,
      values: tr.points.map((p) => p.mentions),
    }));
    const net: Series[] = list.map((tr, i) => ({
      label: labels[i]!,
      values: tr.points.map((p) => p.net_sentiment),
    }));
    return { times, volume, net };
  }, [list]);
  if (!first || data.times.length === 0) return <p>{t('common.none')}</p>;
  const intervalName = t(`unit.${interval as 'day'}`);
  const fmt = interval === 'hour' ? dateTime : date;
  const charts = [
    { id: 'volume', title: t('trends.volume', { interval: intervalName }), series: data.volume, value: num },
    {
      id: 'sentiment',
      title: t('trends.sentiment', { interval: intervalName }),
      series: data.net,
      value: (n: number) => signed(n),
      yRange: [-1, 1] as [number, number],
    },
  ];
  return (
    <>
      {charts.map((c) => (
        <section class="card" key={c.id} aria-labelledby={`chart-${c.id}`}>
          <h2 id={`chart-${c.id}`}>{c.title}</h2>
          <ul class="legend">
            {c.series.map((s, i) => (
              <li key={s.label}>
                <span
                  class={`swatch swatch-${i % SERIES_COUNT}${i % 2 ? ' dashed' : ''}`}
                  aria-hidden="true"
                />
                {s.label}
              </li>
            ))}
          </ul>
          <TrendChart
            times={data.times}
            series={c.series}
            yRange={c.yRange}
            label={t('trends.chartLabel', {
              title: c.title,
              count: num(data.times.length),
              from: fmt(first.points[0]!.start),
              to: fmt(first.points[first.points.length - 1]!.start),
            })}
          />
          <details>
            <summary>{t('common.showTable')}</summary>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{c.title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('trends.start')}</th>
                    {c.series.map((s) => (
                      <th scope="col" class="num" key={s.label}>
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.times.map((time, row) => (
                    <tr key={time}>
                      <th scope="row">{fmt(new Date(time))}</th>
                      {c.series.map((s) => {
                        const v = s.values[row];
                        return (
                          <td class="num" key={s.label}>
                            {v === null || v === undefined ? '–' : c.value(v)}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      ))}
    </>
  );
}
