/**
 * Alerts: the list (by status and severity, paged by the API cursor) and one alert with what it
 * measured, what contributed, sample documents and webhook deliveries. An open alert can be
 * acknowledged (analyst or admin); a reader is told so by the API's 403.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Alert, type AlertDelivery, type Doc } from '../api';
import { ErrorText, Show, useAsync } from '../components/async';
import { FilterBar, filtersOf } from '../components/filters';
import { Marked, opinionSpans, SeverityBadge } from '../components/highlight';
import { usePaged } from '../components/paged';
import { isoDay } from '../dates';
import { useI18n, type I18n } from '../i18n/index';
import { href, type Route } from '../router';

const PAGE = 20;
const SAMPLES = 5;

/** The API's answer where the deployment has no alert service (503) or the API no alert routes (404). */
export const alertsMissing = (e: unknown) => e instanceof ApiError && (e.status === 503 || e.status === 404);

export function AlertsError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (alertsMissing(error)) return <p class="notice">{t('alerts.unavailable')}</p>;
  return <ErrorText error={error} />;
}

export function Alerts({ route }: { route: Route }) {
  const { t } = useI18n();
  const f = filtersOf(route.params);
  const params = { status: f.status || undefined, severity: f.severity || undefined };
  const list = usePaged((cursor) => api.alerts({ ...params, limit: PAGE, cursor }), JSON.stringify(params));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('alerts.title')}
      </h1>
      <p class="links">
        <a href={href('rules')}>{t('alerts.toRules')}</a>
      </p>
      <FilterBar key={location.hash} page="alerts" values={f} fields={['status', 'severity']} />
      {list.items.length === 0 && !list.loading && !list.error && <p>{t('alerts.none')}</p>}
      <ol class="alerts" aria-label={t('alerts.count', { count: list.items.length })}>
        {list.items.map((a) => (
          <AlertItem key={a.alert_id} a={a} />
        ))}
      </ol>
      {list.error !== undefined && <AlertsError error={list.error} />}
      {list.loading && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {!list.loading && list.cursor && (
        <button type="button" onClick={list.more}>
          {t('common.more')}
        </button>
      )}
      <p role="status" class="visually-hidden">
        {list.loading ? '' : t('alerts.count', { count: list.items.length })}
      </p>
    </>
  );
}

/** "Negative share: battery life · Aurora X2 phone" */
function alertTitle(a: Alert, t: I18n['t']): string {
  const detector = detectorName(a.detector, t);
  const scope = [a.normalized_aspect ?? a.category, a.entity].filter(Boolean).join(' · ');
  return scope ? t('alert.titleOf', { detector, scope }) : detector;
}

function detectorName(detector: string, t: I18n['t']): string {
  return ['negative_share', 'volume_spike', 'emerging_aspect'].includes(detector)
    ? t(`detector.${detector as 'negative_share'}`)
    : detector;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const known = ['open', 'acknowledged', 'resolved'].includes(status);
  return (
    <span class={`badge status-${known ? status : 'resolved'}`}>
      {known ? t(`alertStatus.${status as 'open'}`) : status}
    </span>
  );
}

function AlertItem({ a }: { a: Alert }) {
  const { t, dateTime } = useI18n();
  return (
    <li class="card alert-item">
      <p class="alert-title">
        <a href={href('alert', {}, [a.alert_id])}>{alertTitle(a, t)}</a>
      </p>
      <p class="meta">
        <SeverityBadge severity={a.severity} />
        <StatusBadge status={a.status} />
        <span>
          {t('alert.window')} <time dateTime={a.window_start}>{dateTime(a.window_start)}</time>
        </span>
        {a.historical && <span>{t('alert.historical')}</span>}
      </p>
    </li>
  );
}

export function AlertPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const id = route.rest[0] ?? '';
  const loaded = useAsync(() => api.alert(id), [id]);
  const [alert, setAlert] = useState<Alert | undefined>();
  useEffect(() => setAlert(loaded.state === 'done' ? loaded.value : undefined), [loaded]);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {alert ? alertTitle(alert, t) : t('alert.title')}
      </h1>
      <p class="links">
        <a href={href('alerts')}>{t('alert.back')}</a>
      </p>
      {loaded.state === 'error' ? (
        <AlertsError error={loaded.error} />
      ) : !alert ? (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      ) : (
        <AlertDetails alert={alert} onChange={setAlert} />
      )}
    </>
  );
}

function AlertDetails({ alert: a, onChange }: { alert: Alert; onChange: (a: Alert) => void }) {
  const { t, dateTime, num, pct } = useI18n();
  const share = a.metric === 'negative_share';
  const value = (n: number) => (share ? pct(n) : num(Math.round(n * 10) / 10));
  const explain =
    a.baseline === null
      ? t(share ? 'alert.explain.share' : 'alert.explain.count', {
          observed: value(a.observed),
          count: num(a.mention_count),
          threshold: value(a.threshold),
        })
      : t(share ? 'alert.explain.shareBaseline' : 'alert.explain.countBaseline', {
          observed: value(a.observed),
          count: num(a.mention_count),
          baseline: value(a.baseline),
          threshold: value(a.threshold),
        });
  const windowEnd = new Date(Date.parse(a.window_end) - 1);
  const mentions = href('mentions', {
    entity: a.entity,
    aspect: a.normalized_aspect,
    category: a.normalized_aspect ? undefined : a.category,
    from: isoDay(new Date(a.window_start)),
    to: isoDay(windowEnd),
  });
  return (
    <>
      <section class="card" aria-labelledby="alert-what">
        <h2 id="alert-what">{t('alert.what')}</h2>
        <p class="meta">
          <SeverityBadge severity={a.severity} />
          <StatusBadge status={a.status} />
          {a.historical && <span>{t('alert.historical')}</span>}
        </p>
        <p>{explain}</p>
        <p>
          <span class="muted">{t('alert.message')} </span>
          <q lang={a.language}>{a.message}</q>
        </p>
        <dl class="facts">
          <dt>{t('alert.window')}</dt>
          <dd>
            <time dateTime={a.window_start}>{dateTime(a.window_start)}</time> –{' '}
            <time dateTime={a.window_end}>{dateTime(a.window_end)}</time>
          </dd>
          <dt>{t('alert.rule')}</dt>
          <dd>{a.rule}</dd>
          <dt>{t('alert.detector')}</dt>
          <dd>{detectorName(a.detector, t)}</dd>
          <dt>{t('filters.entity')}</dt>
          <dd>{a.entity ?? t('alert.anyEntity')}</dd>
          {a.normalized_aspect && (
            <>
              <dt>{t('filters.aspect')}</dt>
              <dd>{a.normalized_aspect}</dd>
            </>
          )}
          {a.category && (
            <>
              <dt>{t('filters.category')}</dt>
              <dd>{a.category}</dd>
            </>
          )}
          <dt>{t('alert.raised')}</dt>
          <dd>
            <time dateTime={a.created_at}>{dateTime(a.created_at)}</time>
          </dd>
          {a.acknowledged_at && (
            <>
              <dt>{t('alert.acknowledged')}</dt>
              <dd>
                {t('alert.acknowledgedBy', {
                  who: a.acknowledged_by ?? '–',
                  when: dateTime(a.acknowledged_at),
                })}
              </dd>
            </>
          )}
          {a.resolved_at && (
            <>
              <dt>{t('alert.resolved')}</dt>
              <dd>
                <time dateTime={a.resolved_at}>{dateTime(a.resolved_at)}</time>
                {a.resolution && (
                  <>
                    {' ('}
                    <span lang={a.language}>{a.resolution}</span>)
                  </>
                )}
              </dd>
            </>
          )}
        </dl>
        <Acknowledge alert={a} onChange={onChange} />
        <p class="links">
          <a href={mentions}>{t('alert.mentions')}</a>
        </p>
      </section>
      <Contributors alert={a} />
      <Samples alert={a} />
      <Deliveries alert={a} />
    </>
  );
}

function Acknowledge({ alert: a, onChange }: { alert: Alert; onChange: (a: Alert) => void }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; done?: boolean; error?: string }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      onChange(await api.acknowledge(a.alert_id));
      setState({ busy: false, done: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // Someone else acknowledged it, or it resolved meanwhile: show what it is now.
        setState({ busy: false, error: t('alert.ackConflict') });
        onChange(await api.alert(a.alert_id).catch(() => a));
      } else if (e instanceof ApiError && e.status === 403) {
        setState({ busy: false, error: t('alert.ackForbidden') });
      } else {
        setState({ busy: false, error: t('common.error', { detail: e instanceof Error ? e.message : '' }) });
      }
    }
  };
  return (
    <>
      {a.status === 'open' && (
        <button type="button" onClick={() => void run()} disabled={state.busy}>
          {state.busy ? t('alert.acknowledging') : t('alert.acknowledge')}
        </button>
      )}
      <p role="status" class={state.done ? '' : 'visually-hidden'}>
        {state.done ? t('alert.ackDone') : ''}
      </p>
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
    </>
  );
}

/** The contributors the alert service records: `{kind, value, mentions, negative}`, read defensively. */
function Contributors({ alert: a }: { alert: Alert }) {
  const { t, num } = useI18n();
  const rows = a.contributors.flatMap((c) => {
    if (!c || typeof c !== 'object') return [];
    const o = c as Record<string, unknown>;
    const value = typeof o.value === 'string' ? o.value : typeof o.term === 'string' ? o.term : undefined;
    if (value === undefined || typeof o.mentions !== 'number') return [];
    return [{ value, mentions: o.mentions, negative: typeof o.negative === 'number' ? o.negative : null }];
  });
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="alert-contributors">
      <h2 id="alert-contributors">{t('alert.contributors')}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('alert.contributor')}</th>
              <th scope="col" class="num">
                {t('overview.mentions')}
              </th>
              <th scope="col" class="num">
                {t('overview.negative')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.value}>
                <th scope="row">{r.value}</th>
                <td class="num">{num(r.mentions)}</td>
                <td class="num">{r.negative === null ? '–' : num(r.negative)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A few of the documents behind the alert, the alert's aspect marked (all aspects if it has none). */
function Samples({ alert: a }: { alert: Alert }) {
  const { t } = useI18n();
  const ids = a.sample_document_ids.slice(0, SAMPLES);
  const docs = useAsync(() => Promise.allSettled(ids.map((id) => api.document(id))), [a.alert_id]);
  if (ids.length === 0) return null;
  return (
    <section aria-labelledby="alert-samples">
      <h2 id="alert-samples">{t('alert.samples')}</h2>
      <Show result={docs}>
        {(results) => (
          <ul class="samples">
            {results.map((r, i) =>
              r.status === 'fulfilled' ? (
                <Sample key={ids[i]} doc={r.value} alert={a} />
              ) : (
                <li key={ids[i]} class="card">
                  <p class="muted">{t('alert.sampleGone')}</p>
                </li>
              ),
            )}
          </ul>
        )}
      </Show>
    </section>
  );
}

function Sample({ doc: d, alert: a }: { doc: Doc; alert: Alert }) {
  const { t, dateTime } = useI18n();
  const matches = d.aspects.filter(
    (x) =>
      (!a.normalized_aspect || x.normalized === a.normalized_aspect) &&
      (!a.category || x.category === a.category),
  );
  const aspects = matches.length ? matches : d.aspects;
  return (
    <li class="card">
      <p class="snippet" lang={d.lang ?? undefined}>
        <Marked text={d.text} spans={aspects} opinions={aspects.flatMap((x) => opinionSpans(x.opinions))} />
      </p>
      <p class="meta">
        <span>{d.entity ?? t('common.noEntity')}</span>
        <span>{d.source}</span>
        <time dateTime={d.created_at}>{dateTime(d.created_at)}</time>
        <a href={href('document', {}, [d.id])}>{t('mentions.document')}</a>
      </p>
    </li>
  );
}

function Deliveries({ alert: a }: { alert: Alert }) {
  const { t, dateTime, num } = useI18n();
  const list = useAsync(() => api.deliveries(a.alert_id), [a.alert_id]);
  return (
    <section aria-labelledby="alert-deliveries">
      <h2 id="alert-deliveries">{t('alert.deliveries')}</h2>
      <Show result={list}>
        {({ items }: { items: AlertDelivery[] }) =>
          items.length === 0 ? (
            <p>{a.historical ? t('alert.noDeliveriesHistorical') : t('alert.noDeliveries')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      {t('delivery.attempt')}
                    </th>
                    <th scope="col">{t('delivery.when')}</th>
                    <th scope="col">{t('delivery.outcome')}</th>
                    <th scope="col" class="num">
                      {t('delivery.status')}
                    </th>
                    <th scope="col" class="num">
                      {t('delivery.latency')}
                    </th>
                    <th scope="col">{t('delivery.url')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => (
                    <tr key={d.attempt}>
                      <th scope="row" class="num">
                        {num(d.attempt)}
                      </th>
                      <td>
                        <time dateTime={d.attempted_at}>{dateTime(d.attempted_at)}</time>
                      </td>
                      <td>
                        {t(`delivery.${d.outcome}`)}
                        {d.error ? ` (${d.error})` : ''}
                      </td>
                      <td class="num">{d.http_status ?? '–'}</td>
                      <td class="num">{t('delivery.ms', { value: num(Math.round(d.latency_ms)) })}</td>
                      <td class="url">{d.url}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}
