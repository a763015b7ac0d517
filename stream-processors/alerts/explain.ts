/**
 * The one sentence an alert carries as its message: what was observed, in which scope and window,
 * against what, in the tenant's alert language (alert settings `language`). Only this sentence is
 * translated: the alert's codes and numbers stay as they are, and aspect, category and entity
 * names are quoted as stored.
 */
import type { Detector, Level } from './rules';

/** Languages alert messages are written in; `en` for a tenant that chose none. */
export const ALERT_LANGUAGES = ['en', 'ko'] as const;
export type AlertLanguage = (typeof ALERT_LANGUAGES)[number];
export const DEFAULT_ALERT_LANGUAGE: AlertLanguage = 'en';

export function isAlertLanguage(value: unknown): value is AlertLanguage {
  return (ALERT_LANGUAGES as readonly unknown[]).includes(value);
}

export interface ExplainInput {
  detector: Detector;
  level: Level;
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  /** Negative share 0..1 or mention count, as in Evaluation. */
  observed: number;
  baseline: number | null;
  mention_count: number;
  negative_count: number | null;
  window_minutes: number;
  baseline_windows: number;
  status: 'open' | 'resolved';
  /** negative_share: the baseline is the assumed prior (Evaluation.baseline_prior). */
  baseline_prior?: boolean;
  /** emerging_aspect: the aspect's mentions over the baseline, when known. */
  baseline_mention_count?: number | null;
}

type Phrasebook = Record<Detector, (a: ExplainInput) => string>;

export function explain(a: ExplainInput, language: AlertLanguage = DEFAULT_ALERT_LANGUAGE): string {
  return (language === 'ko' ? korean : english)[a.detector](a);
}

/** What the baseline of emerging_aspect held: 'none', 'few' (mentions, count unknown) or a count. */
function before(a: ExplainInput): 'none' | 'few' | number {
  const known = a.baseline_mention_count;
  if (known === undefined || known === null) return a.baseline === null ? 'none' : 'few';
  return known === 0 ? 'none' : known;
}

/** Whole numbers from 10 on; one decimal below, where rounding would change the ratio read. */
function rounded(x: number): number {
  return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
}

/** [count, unit] of a window length: whole days, else whole hours, else minutes. */
function duration(minutes: number): [number, 'day' | 'hour' | 'minute'] {
  if (minutes % 1440 === 0) return [minutes / 1440, 'day'];
  if (minutes % 60 === 0) return [minutes / 60, 'hour'];
  return [minutes, 'minute'];
}

// ---------------------------------------------------------------------------------------------
// English

const english: Phrasebook = {
  negative_share(a) {
    const counts =
      a.negative_count === null
        ? `(${plural(a.mention_count, 'mention')})`
        : `(${a.negative_count} of ${a.mention_count})`;
    const now = `${percent(a.observed)} ${counts} in ${lastWindow(a.window_minutes)}`;
    const over = previous(a.baseline_windows * a.window_minutes);
    const subject = `Negative mentions ${scope(a)}`;
    const assumed = (baseline: number) => `${percent(baseline)} assumed for lack of mentions over ${over}`;
    if (a.status === 'resolved') {
      if (a.baseline === null) return `${subject} are back to ${now}.`;
      if (a.baseline_prior) return `${subject} are back to ${now}, near the ${assumed(a.baseline)}.`;
      return `${subject} are back to ${now}, near ${percent(a.baseline)} over ${over}.`;
    }
    if (a.baseline === null) return `${subject} reached ${now}, with no baseline over ${over}.`;
    if (a.baseline_prior) return `${subject} reached ${now}, above the ${assumed(a.baseline)}.`;
    return `${subject} rose to ${now}, from ${percent(a.baseline)} over ${over}.`;
  },

  volume_spike(a) {
    const now = `${Math.round(a.observed)} in ${lastWindow(a.window_minutes)}`;
    const subject = `Mentions ${scope(a)}`;
    if (a.status === 'resolved') {
      return a.baseline === null
        ? `${subject} are back to ${now}.`
        : `${subject} are back to ${now}, against ${rounded(a.baseline)} expected.`;
    }
    if (a.baseline === null || a.baseline <= 0) return `${subject} rose to ${now}.`;
    return `${subject} rose to ${now}, ${(a.observed / a.baseline).toFixed(1)} times the ${rounded(a.baseline)} expected.`;
  },

  emerging_aspect(a) {
    const where = a.entity === null ? 'across all entities' : `for ${a.entity}`;
    const now = `${plural(a.mention_count, 'mention')} in ${lastWindow(a.window_minutes)}, ${percent(a.observed)} negative`;
    if (a.status === 'resolved') {
      const at = a.entity === null ? 'across all entities' : `at ${a.entity}`;
      const aspect =
        a.normalized_aspect === null ? 'The new aspect' : `The new aspect "${a.normalized_aspect}"`;
      return `${aspect} ${at} has settled: ${now}.`;
    }
    const aspect = a.normalized_aspect === null ? 'A new aspect' : `A new aspect, "${a.normalized_aspect}",`;
    const over = previous(a.baseline_windows * a.window_minutes);
    const was = before(a);
    const seen = was === 'none' ? 'none' : was === 'few' ? 'hardly any' : String(was);
    return `${aspect} appeared ${where}: ${now} (${seen} over ${over}).`;
  },
};

/** "of delivery at Snapcart", "in the category Shipping at Snapcart", "of Snapcart", "across all entities". */
function scope(a: ExplainInput): string {
  const at = a.entity === null ? 'across all entities' : `at ${a.entity}`;
  if (a.level === 'aspect' && a.normalized_aspect !== null) return `of ${a.normalized_aspect} ${at}`;
  if (a.level === 'category' && a.category !== null) return `in the category ${a.category} ${at}`;
  return a.entity === null ? 'across all entities' : `of ${a.entity}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 60 → "the last hour", 120 → "the last 2 hours", 1440 → "the last day". */
export function lastWindow(minutes: number): string {
  return `the last ${englishDuration(minutes)}`;
}

/** 10080 → "the previous 7 days", 2160 → "the previous 36 hours". */
export function previous(minutes: number): string {
  return `the previous ${englishDuration(minutes)}`;
}

function englishDuration(minutes: number): string {
  const [n, unit] = duration(minutes);
  return n === 1 ? unit : `${n} ${unit}s`;
}

// ---------------------------------------------------------------------------------------------
// Korean
//
// Particles that change with the sound before them (이/가, 을/를, 으로/로) follow only this
// module's own words and numbers (건, %, 배), never a stored name: names are followed by 의 or 에서,
// which do not change, so no name needs a reading of its last syllable.

const korean: Phrasebook = {
  negative_share(a) {
    const counts =
      a.negative_count === null
        ? `(언급 ${koNumber(a.mention_count)}건)`
        : `(${koNumber(a.mention_count)}건 중 ${koNumber(a.negative_count)}건)`;
    const now = `최근 ${koDuration(a.window_minutes)} ${koPercent(a.observed)}${counts}`;
    const over = `지난 ${koDuration(a.baseline_windows * a.window_minutes)}`;
    const subject = `${koScope(a)} 부정 언급 비율이`;
    const assumed = (baseline: number) => `${over} 동안 언급이 부족해 가정한 기준값 ${koPercent(baseline)}`;
    if (a.status === 'resolved') {
      if (a.baseline === null) return `${subject} ${now}로 돌아왔습니다.`;
      if (a.baseline_prior) return `${subject} ${now}로 돌아와 ${assumed(a.baseline)}에 가까워졌습니다.`;
      return `${subject} ${now}로 돌아와 ${over} 평균 ${koPercent(a.baseline)}에 가까워졌습니다.`;
    }
    if (a.baseline === null) return `${subject} ${over}의 기준값 없이 ${now}에 이르렀습니다.`;
    if (a.baseline_prior) return `${subject} ${now}에 이르러 ${assumed(a.baseline)}를 넘었습니다.`;
    return `${subject} ${over} 평균 ${koPercent(a.baseline)}에서 ${now}로 올랐습니다.`;
  },

  volume_spike(a) {
    const now = `최근 ${koDuration(a.window_minutes)} ${koNumber(Math.round(a.observed))}건`;
    const subject = `${koScope(a)} 언급이`;
    if (a.status === 'resolved') {
      return a.baseline === null
        ? `${subject} ${now}으로 돌아왔습니다.`
        : `${subject} ${now}(예상 ${koNumber(rounded(a.baseline))}건)으로 돌아왔습니다.`;
    }
    if (a.baseline === null || a.baseline <= 0) return `${subject} ${now}으로 늘었습니다.`;
    const times = koOneDecimal.format(a.observed / a.baseline);
    return `${subject} ${now}으로 늘어 예상치 ${koNumber(rounded(a.baseline))}건의 ${times}배가 되었습니다.`;
  },

  emerging_aspect(a) {
    const aspect = a.normalized_aspect === null ? '새 속성' : `새 속성 ‘${a.normalized_aspect}’`;
    const count = `최근 ${koDuration(a.window_minutes)} ${koNumber(a.mention_count)}건`;
    if (a.status === 'resolved') {
      const of = a.entity === null ? '모든 대상의' : `${a.entity}의`;
      return `${of} ${aspect} 언급이 ${count}, 부정 ${koPercent(a.observed)}로 안정되었습니다.`;
    }
    const where = a.entity === null ? '모든 대상에서' : `${a.entity}에서`;
    const over = `지난 ${koDuration(a.baseline_windows * a.window_minutes)}`;
    const was = before(a);
    const seen =
      was === 'none'
        ? `${over} 동안 없음`
        : was === 'few'
          ? `${over} 동안 거의 없음`
          : `${over} 동안 ${koNumber(was)}건`;
    return `${where} ${aspect} 언급이 ${count} 나타났고 그중 ${koPercent(a.observed)}가 부정적입니다(${seen}).`;
  },
};

/** "Snapcart의 delivery", "Snapcart의 Shipping 범주", "Snapcart의", "모든 대상의": a subject follows. */
function koScope(a: ExplainInput): string {
  const of = a.entity === null ? '모든 대상의' : `${a.entity}의`;
  if (a.level === 'aspect' && a.normalized_aspect !== null) return `${of} ${a.normalized_aspect}`;
  if (a.level === 'category' && a.category !== null) return `${of} ${a.category} 범주`;
  return of;
}

const koInteger = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 });
const koDecimal = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 1 });
const koOneDecimal = new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Digit groups as Korean writes them (1,234), at most one decimal. */
function koNumber(n: number): string {
  return Number.isInteger(n) ? koInteger.format(n) : koDecimal.format(n);
}

/** Korean writes the percent sign without a space: 64%. */
function koPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** 60 → "1시간", 120 → "2시간", 1440 → "1일", 10080 → "7일", 90 → "90분". */
function koDuration(minutes: number): string {
  const [n, unit] = duration(minutes);
  return `${koNumber(n)}${unit === 'day' ? '일' : unit === 'hour' ? '시간' : '분'}`;
}
