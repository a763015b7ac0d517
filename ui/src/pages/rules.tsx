/**
 * Alert rules: the list (enable, disable, delete in place) and the editor for a new or stored rule.
 * The API validates; each problem it names (`errors[].pointer`) is shown next to its field. Writes
 * need an analyst or admin credential; a reader gets the API's 403 as a plain sentence.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  DETECTORS,
  LEVELS,
  ruleInput,
  SEVERITIES,
  WINDOW_MINUTES,
  type AlertRule,
  type AlertRuleInput,
  type Detector,
  type Level,
  type Severity,
  type ThresholdName,
} from '../api';
import { Show, useAsync } from '../components/async';
import { SeverityBadge } from '../components/highlight';
import { useI18n, type I18n } from '../i18n/index';
import type { MessageKey } from '../i18n/en';
import { href, navigate, type Route } from '../router';
import { AlertsError } from './alerts';

/** Which thresholds each detector reads (the others it ignores). */
const THRESHOLDS: Record<Detector, ThresholdName[]> = {
  negative_share: ['z', 'min_change'],
  volume_spike: ['z', 'min_ratio'],
  emerging_aspect: ['min_negative_share', 'max_baseline_mentions'],
};

/** A write's failure as one sentence: the role, the name taken, or the API's own words. */
function writeError(e: unknown, t: I18n['t']): string {
  if (e instanceof ApiError && e.status === 403) return t('rules.forbidden');
  if (e instanceof ApiError && e.status === 409) return t('rules.nameTaken');
  if (e instanceof ApiError && e.status === 404) return t('rules.gone');
  return t('common.error', { detail: e instanceof Error ? e.message : String(e) });
}

export function Rules({ route }: { route: Route }) {
  const id = route.rest[0];
  if (id === 'new') return <RuleEditor copyOf={route.params.get('copy') ?? undefined} />;
  if (id) return <RuleEditor id={id} />;
  return <RuleList saved={route.params.get('saved') ?? undefined} />;
}

function scopeOf(r: AlertRule, t: I18n['t']): string {
  const parts = [r.entity ?? t('rules.everyEntity'), r.normalized_aspect, r.category].filter(Boolean);
  return `${t(`level.${r.level}`)}: ${parts.join(' · ')}`;
}

function RuleList({ saved }: { saved?: string }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const rules = useAsync(() => api.rules(), [version]);
  const [message, setMessage] = useState(saved ? t('rules.saved', { name: saved }) : '');
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const write = async (done: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    setMessage('');
    try {
      await action();
      setMessage(done);
      setConfirming(undefined);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(writeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (r: AlertRule) =>
    write(t(r.enabled ? 'rules.disabled' : 'rules.enabled', { name: r.name }), () =>
      api.replaceRule(r.id, { ...ruleInput(r), enabled: !r.enabled }),
    );
  const remove = (r: AlertRule) => write(t('rules.deleted', { name: r.name }), () => api.deleteRule(r.id));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('rules.title')}
      </h1>
      <p class="links">
        <a href={href('alerts')}>{t('alert.back')}</a>
        <a href={href('rules', {}, ['new'])}>{t('rules.new')}</a>
      </p>
      <p role="status" class={message ? 'notice' : 'visually-hidden'}>
        {message}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <Show result={rules}>
        {({ items }: { items: AlertRule[] }) => (
          <>
            {items.some((r) => r.default) && <p class="muted">{t('rules.defaultsNote')}</p>}
            <div class="table-wrap">
              <table class="rules">
                <thead>
                  <tr>
                    <th scope="col">{t('rules.name')}</th>
                    <th scope="col">{t('alert.detector')}</th>
                    <th scope="col">{t('rules.scope')}</th>
                    <th scope="col">{t('filters.severity')}</th>
                    <th scope="col">{t('rules.state')}</th>
                    <th scope="col">{t('rules.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">{r.name}</th>
                      <td>{t(`detector.${r.detector}`)}</td>
                      <td>{scopeOf(r, t)}</td>
                      <td>
                        <SeverityBadge severity={r.severity} />
                      </td>
                      <td>{r.default ? t('rules.default') : r.enabled ? t('rules.on') : t('rules.off')}</td>
                      <td>
                        {r.default ? (
                          <a href={href('rules', { copy: r.id }, ['new'])}>
                            {t('rules.copy')}
                            <span class="visually-hidden">: {r.name}</span>
                          </a>
                        ) : confirming === r.id ? (
                          <span class="row-actions">
                            <span>{t('rules.confirmDelete', { name: r.name })}</span>
                            <button
                              type="button"
                              class="danger"
                              disabled={busy}
                              onClick={() => void remove(r)}
                            >
                              {t('rules.delete')}
                            </button>
                            <button type="button" class="secondary" onClick={() => setConfirming(undefined)}>
                              {t('rules.cancel')}
                            </button>
                          </span>
                        ) : (
                          <span class="row-actions">
                            <a
                              href={href('rules', {}, [r.id])}
                              aria-label={t('rules.editOf', { name: r.name })}
                            >
                              {t('rules.edit')}
                            </a>
                            <button
                              type="button"
                              class="secondary"
                              disabled={busy}
                              onClick={() => void toggle(r)}
                              aria-label={t(r.enabled ? 'rules.disableOf' : 'rules.enableOf', {
                                name: r.name,
                              })}
                            >
                              {t(r.enabled ? 'rules.disable' : 'rules.enable')}
                            </button>
                            <button
                              type="button"
                              class="secondary"
                              disabled={busy}
                              onClick={() => setConfirming(r.id)}
                              aria-label={t('rules.deleteOf', { name: r.name })}
                            >
                              {t('rules.delete')}
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </>
  );
}

interface Draft {
  name: string;
  detector: Detector;
  level: Level;
  entity: string;
  normalized_aspect: string;
  category: string;
  window_minutes: string;
  baseline_windows: string;
  min_mentions: string;
  cooldown_minutes: string;
  severity: Severity;
  enabled: boolean;
  thresholds: Record<ThresholdName, string>;
  channels: string[];
}

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

function draftOf(r?: AlertRule): Draft {
  const th = r?.thresholds ?? {};
  return {
    name: r?.name ?? '',
    detector: r?.detector ?? 'negative_share',
    level: r?.level ?? 'aspect',
    entity: r?.entity ?? '',
    normalized_aspect: r?.normalized_aspect ?? '',
    category: r?.category ?? '',
    window_minutes: str(r?.window_minutes ?? 60),
    baseline_windows: str(r?.baseline_windows),
    min_mentions: str(r?.min_mentions),
    cooldown_minutes: str(r?.cooldown_minutes),
    severity: r?.severity ?? 'warning',
    enabled: r?.enabled ?? true,
    thresholds: {
      z: str(th.z),
      min_change: str(th.min_change),
      min_ratio: str(th.min_ratio),
      min_negative_share: str(th.min_negative_share),
      max_baseline_mentions: str(th.max_baseline_mentions),
    },
    channels: r?.channels.map((c) => c.url) ?? [],
  };
}

/** What is sent: empty numbers left out (the API's defaults), fields the level does not have null. */
function inputOf(d: Draft): AlertRuleInput {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const text = (s: string) => s.trim() || null;
  const thresholds: AlertRuleInput['thresholds'] = {};
  for (const k of THRESHOLDS[d.detector]) {
    const v = num(d.thresholds[k]);
    if (v !== undefined) thresholds[k] = v;
  }
  return {
    name: d.name.trim(),
    detector: d.detector,
    level: d.level,
    entity: text(d.entity),
    normalized_aspect: d.level === 'aspect' ? text(d.normalized_aspect) : null,
    category: d.level === 'entity' ? null : text(d.category),
    window_minutes: num(d.window_minutes),
    baseline_windows: num(d.baseline_windows),
    min_mentions: num(d.min_mentions),
    thresholds,
    cooldown_minutes: num(d.cooldown_minutes),
    severity: d.severity,
    channels: d.channels
      .filter((u) => u.trim())
      .map((url) => ({ type: 'webhook' as const, url: url.trim() })),
    enabled: d.enabled,
  };
}

/** The field a problem's JSON pointer names: `/thresholds/z` → `thresholds.z`, `/channels/1/url` → `channels.1`. */
function fieldOf(pointer: string): string {
  const [first = '', second] = pointer.split('/').slice(1);
  if (first === 'thresholds' && second) return `thresholds.${second}`;
  if (first === 'channels' && second !== undefined && /^\d+$/.test(second)) return `channels.${second}`;
  return first;
}

function RuleEditor({ id, copyOf }: { id?: string; copyOf?: string }) {
  const { t } = useI18n();
  const source = useAsync<AlertRule | undefined>(
    () =>
      id
        ? api.rule(id)
        : copyOf
          ? api.rules().then((r) => r.items.find((x) => x.id === copyOf))
          : Promise.resolve(undefined),
    [id, copyOf],
  );
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {id ? t('rules.editTitle') : t('rules.newTitle')}
      </h1>
      <p class="links">
        <a href={href('rules')}>{t('rules.back')}</a>
      </p>
      {source.state === 'error' ? (
        <AlertsError error={source.error} />
      ) : source.state === 'loading' ? (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      ) : (
        <RuleForm
          id={id}
          initial={draftOf(source.value && { ...source.value, name: id ? source.value.name : '' })}
        />
      )}
    </>
  );
}

function RuleForm({ id, initial }: { id?: string; initial: Draft }) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(initial);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // After a refused save, focus goes to the first field the API named (or the summary).
  const [focusNext, setFocusNext] = useState(false);
  useEffect(() => {
    if (!focusNext) return;
    setFocusNext(false);
    const bad = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (bad ?? form.current?.querySelector<HTMLElement>('.form-error'))?.focus();
  }, [focusNext]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((old) => ({ ...old, [k]: v }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setProblems({});
    try {
      const input = inputOf(d);
      const saved = id ? await api.replaceRule(id, input) : await api.createRule(input);
      navigate(href('rules', { saved: saved.name }));
    } catch (err) {
      const named: Record<string, string> = {};
      if (err instanceof ApiError && err.status === 400)
        for (const p of err.fields) {
          const f = fieldOf(p.pointer);
          named[f] = named[f] ? `${named[f]}; ${p.reason}` : p.reason;
        }
      if (err instanceof ApiError && err.status === 409) named.name = t('rules.nameTaken');
      setProblems(named);
      setError(Object.keys(named).length ? t('rules.fix') : writeError(err, t));
      setFocusNext(true);
    } finally {
      setBusy(false);
    }
  };

  /** id, aria-invalid and aria-describedby of a field, and its problem under it. */
  const field = (
    name: string,
    label: MessageKey,
    control: (a: object) => preact.JSX.Element,
    hint?: string,
  ) => {
    const fid = `rule-${name.replace('.', '-')}`;
    const problem = problems[name];
    const described = [hint ? `${fid}-hint` : '', problem ? `${fid}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class="field" key={name}>
        <label for={fid}>{t(label)}</label>
        {control({
          id: fid,
          'aria-invalid': problem ? 'true' : undefined,
          'aria-describedby': described || undefined,
        })}
        {hint && (
          <span id={`${fid}-hint`} class="hint">
            {hint}
          </span>
        )}
        {problem && (
          <span id={`${fid}-error`} class="error field-error">
            {problem}
          </span>
        )}
      </div>
    );
  };
  const text =
    (k: 'name' | 'entity' | 'normalized_aspect' | 'category', maxLength: number) => (a: object) => (
      <input
        {...a}
        type="text"
        value={d[k]}
        maxLength={maxLength}
        onInput={(e) => set(k, (e.currentTarget as HTMLInputElement).value)}
      />
    );
  const number =
    (k: 'baseline_windows' | 'min_mentions' | 'cooldown_minutes', min: number, max: number) =>
    (a: object) => (
      <input
        {...a}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={d[k]}
        onInput={(e) => set(k, (e.currentTarget as HTMLInputElement).value)}
      />
    );
  const thresholdLimits: Record<ThresholdName, [number, number, number | 'any']> = {
    z: [1, 10, 'any'],
    min_change: [0, 1, 'any'],
    min_ratio: [1, 1000, 'any'],
    min_negative_share: [0, 1, 'any'],
    max_baseline_mentions: [0, 1_000_000, 1],
  };
  const unlevelled = d.level === 'entity';
  const unsent = problems[''] ? [problems['']] : [];
  const other = Object.entries(problems)
    .filter(([k]) => k !== '' && !isShown(k, d))
    .map(([k, v]) => `${k}: ${v}`);
  return (
    <form ref={form} class="rule-form" onSubmit={submit} noValidate>
      {error && (
        <div class="form-error" role="alert" tabIndex={-1}>
          <p class="error">{error}</p>
          {[...unsent, ...other].length > 0 && (
            <ul>
              {[...unsent, ...other].map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <fieldset>
        <legend>{t('rules.what')}</legend>
        {field('name', 'rules.name', text('name', 100), t('rules.nameHint'))}
        {field(
          'detector',
          'alert.detector',
          (a) => (
            <select
              {...a}
              value={d.detector}
              onChange={(e) => set('detector', (e.currentTarget as HTMLSelectElement).value as Detector)}
            >
              {DETECTORS.map((x) => (
                <option key={x} value={x}>
                  {t(`detector.${x}`)}
                </option>
              ))}
            </select>
          ),
          t(`detector.${d.detector}.hint`),
        )}
        {field('level', 'rules.level', (a) => (
          <select
            {...a}
            value={d.level}
            onChange={(e) => set('level', (e.currentTarget as HTMLSelectElement).value as Level)}
          >
            {LEVELS.map((x) => (
              <option key={x} value={x}>
                {t(`level.${x}`)}
              </option>
            ))}
          </select>
        ))}
        {field('severity', 'filters.severity', (a) => (
          <select
            {...a}
            value={d.severity}
            onChange={(e) => set('severity', (e.currentTarget as HTMLSelectElement).value as Severity)}
          >
            {SEVERITIES.map((x) => (
              <option key={x} value={x}>
                {t(`severity.${x}`)}
              </option>
            ))}
          </select>
        ))}
        <div class="field check-field">
          <label class="check">
            <input
              type="checkbox"
              checked={d.enabled}
              onChange={(e) => set('enabled', (e.currentTarget as HTMLInputElement).checked)}
            />
            {t('rules.enabledField')}
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('rules.scope')}</legend>
        {field('entity', 'filters.entity', text('entity', 200), t('rules.entityHint'))}
        {d.level === 'aspect' &&
          field(
            'normalized_aspect',
            'filters.aspect',
            text('normalized_aspect', 200),
            t('rules.optionalHint'),
          )}
        {!unlevelled && field('category', 'filters.category', text('category', 200), t('rules.optionalHint'))}
      </fieldset>
      <fieldset>
        <legend>{t('rules.when')}</legend>
        {field('window_minutes', 'rules.window', (a) => (
          <select
            {...a}
            value={d.window_minutes}
            onChange={(e) => set('window_minutes', (e.currentTarget as HTMLSelectElement).value)}
          >
            {WINDOW_MINUTES.map((m) => (
              <option key={m} value={String(m)}>
                {t('rules.hours', { count: m / 60 })}
              </option>
            ))}
          </select>
        ))}
        {field(
          'baseline_windows',
          'rules.baseline',
          number('baseline_windows', 1, 2160),
          t('rules.defaultHint', { value: 168 }),
        )}
        {field(
          'min_mentions',
          'rules.minMentions',
          number('min_mentions', 1, 1_000_000),
          t('rules.defaultHint', { value: 30 }),
        )}
        {THRESHOLDS[d.detector].map((k) => {
          const [min, max, step] = thresholdLimits[k];
          return field(
            `thresholds.${k}`,
            `threshold.${k}`,
            (a) => (
              <input
                {...a}
                type="number"
                inputMode="decimal"
                min={min}
                max={max}
                step={step}
                value={d.thresholds[k]}
                onInput={(e) =>
                  set('thresholds', { ...d.thresholds, [k]: (e.currentTarget as HTMLInputElement).value })
                }
              />
            ),
            t('rules.detectorDefaultHint'),
          );
        })}
        {field(
          'cooldown_minutes',
          'rules.cooldown',
          number('cooldown_minutes', 0, 10_080),
          t('rules.defaultHint', { value: 360 }),
        )}
      </fieldset>
      <fieldset>
        <legend>{t('rules.channels')}</legend>
        <p class="hint">{t('rules.channelsHint')}</p>
        {d.channels.map((url, i) =>
          field(`channels.${i}`, 'rules.webhook', (a) => (
            <span class="inline">
              <input
                {...a}
                type="url"
                value={url}
                maxLength={2000}
                onInput={(e) =>
                  set(
                    'channels',
                    d.channels.map((u, j) => (j === i ? (e.currentTarget as HTMLInputElement).value : u)),
                  )
                }
              />
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  set(
                    'channels',
                    d.channels.filter((_, j) => j !== i),
                  )
                }
                aria-label={t('rules.removeWebhookOf', { n: i + 1 })}
              >
                {t('rules.removeWebhook')}
              </button>
            </span>
          )),
        )}
        {d.channels.length < 10 && (
          <button type="button" class="secondary" onClick={() => set('channels', [...d.channels, ''])}>
            {t('rules.addWebhook')}
          </button>
        )}
      </fieldset>
      <button type="submit" disabled={busy}>
        {busy ? t('rules.saving') : id ? t('rules.save') : t('rules.create')}
      </button>
    </form>
  );
}

/** Whether a problem's field has an input on the form now (else it is listed in the summary). */
function isShown(name: string, d: Draft): boolean {
  if (name.startsWith('thresholds.')) return THRESHOLDS[d.detector].includes(name.slice(11) as ThresholdName);
  if (name.startsWith('channels.')) return Number(name.slice(9)) < d.channels.length;
  if (name === 'normalized_aspect') return d.level === 'aspect';
  if (name === 'category') return d.level !== 'entity';
  return [
    'name',
    'detector',
    'level',
    'severity',
    'entity',
    'window_minutes',
    'baseline_windows',
    'min_mentions',
    'cooldown_minutes',
  ].includes(name);
}
