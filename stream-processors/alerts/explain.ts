/**
 * The one sentence an alert carries as its message: what was observed, in which scope and window,
 * against what.
 */
import type { Detector, Level } from './rules';

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

export function explain(a: ExplainInput): string {
  switch (a.detector) {
    case 'negative_share':
      return negativeShare(a);
    case 'volume_spike':
      return volume(a);
    case 'emerging_aspect':
      return emerging(a);
  }
}

function negativeShare(a: ExplainInput): string {
  const counts =
    a.negative_count === null
      ? `(${plural(a.mention_count, 'mention')})`
      : `(${a.negative_count} of ${a.mention_count})`;
  const now = `${percent(a.observed)} ${counts} in ${lastWindow(a.window_minutes)}`;
  const over = previous(a.baseline_windows * a.window_minutes);
  const subject = `Negative mentions ${scope(a)}`;
  if (a.status === 'resolved') {
    if (a.baseline === null) return `${subject} are back to ${now}.`;
    if (a.baseline_prior) return `${subject} are back to ${now}, near the ${assumed(a.baseline, over)}.`;
    return `${subject} are back to ${now}, near ${percent(a.baseline)} over ${over}.`;
  }
  if (a.baseline === null) return `${subject} reached ${now}, with no baseline over ${over}.`;
  if (a.baseline_prior) return `${subject} reached ${now}, above the ${assumed(a.baseline, over)}.`;
  return `${subject} rose to ${now}, from ${percent(a.baseline)} over ${over}.`;
}

function assumed(baseline: number, over: string): string {
  return `${percent(baseline)} assumed for lack of mentions over ${over}`;
}

function volume(a: ExplainInput): string {
  const now = `${Math.round(a.observed)} in ${lastWindow(a.window_minutes)}`;
  const subject = `Mentions ${scope(a)}`;
  if (a.status === 'resolved') {
    return a.baseline === null
      ? `${subject} are back to ${now}.`
      : `${subject} are back to ${now}, against ${count(a.baseline)} expected.`;
  }
  if (a.baseline === null || a.baseline <= 0) return `${subject} rose to ${now}.`;
  return `${subject} rose to ${now}, ${(a.observed / a.baseline).toFixed(1)} times the ${count(a.baseline)} expected.`;
}

function emerging(a: ExplainInput): string {
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
  const known = a.baseline_mention_count;
  const before =
    known === undefined || known === null
      ? a.baseline === null
        ? 'none'
        : 'hardly any'
      : known === 0
        ? 'none'
        : String(known);
  return `${aspect} appeared ${where}: ${now} (${before} over ${over}).`;
}

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

/** Whole numbers from 10 on; one decimal below, where rounding would change the ratio read. */
function count(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 60 → "the last hour", 120 → "the last 2 hours", 1440 → "the last day". */
export function lastWindow(minutes: number): string {
  return `the last ${duration(minutes)}`;
}

/** 10080 → "the previous 7 days", 2160 → "the previous 36 hours". */
export function previous(minutes: number): string {
  return `the previous ${duration(minutes)}`;
}

function duration(minutes: number): string {
  const [n, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return n === 1 ? unit : `${n} ${unit}s`;
}
