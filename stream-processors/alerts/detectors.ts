/**
 * The detectors: pure functions from a window's counts (and its baseline or history) to an
 * evaluation. Windowing, state and delivery are the alert service's; nothing here reads a clock.
 */
import type { Detector, Thresholds } from './rules';

export interface WindowCounts {
  mentions: number;
  negative: number;
}

export interface Evaluation {
  /** The window fires: every condition of the detector holds. */
  anomalous: boolean;
  metric: 'negative_share' | 'mention_count';
  /** Negative share 0..1 (negative_share, emerging_aspect) or mention count (volume_spike). */
  observed: number;
  /** Baseline share or expected count; null when there is no baseline. */
  baseline: number | null;
  /**
   * The value `observed` had to reach to fire, in its unit. A share's is at this window's mention
   * count (the mention minimum being a condition apart), 1 when no share could fire; a count's
   * includes minMentions.
   */
  threshold: number;
  /** One-sided z score of the change; null for a detector without one. */
  score: number | null;
  /** negative_share: the baseline is NEGATIVE_SHARE_PRIOR, the real baseline having too few mentions. */
  baseline_prior: boolean;
}

/**
 * Defaults for unset thresholds.
 *
 * negative_share: a scope is evaluated 24 times per entity-day (hourly windows); at ~6 scopes per
 * entity with enough mentions (the entity, a few categories, the busiest aspects), 1 false alarm per
 * 100 entity-days is at most 7e-5 per window. z = 4 (normal tail 3.2e-5) stays under it: exact
 * binomial sums give at most 6e-5 per window on a stable stream, for baseline shares 1-90 %,
 * 30-1000 mentions per window and baselines from one window's size up. z = 3 would give ~1e-3, about
 * 15 false alarms per 100 entity-days. The cost is recall on small windows, since at 30 mentions
 * the two goals exclude each other: a rise from 20 % to 40 % fires in 10 % of windows at 30
 * mentions, 34 % at 60, 69 % at 100, 92 % at 150 and 99 % at 200 (z = 3: 29, 65, 94, 99, 100 %).
 * Recall reaches 0.95 from ~160 mentions per window (~200 from a 50 % baseline); rules on smaller
 * scopes can lower z or take longer windows. min_change = 0.10 keeps large scopes, where tiny
 * shifts are significant, from firing on rises nobody acts on.
 *
 * volume_spike: the Poisson model ignores overdispersion (bursty traffic, an estimated expectation),
 * so z = 4 and at least twice the expected count.
 *
 * emerging_aspect: an aspect (nearly) unseen over the baseline whose mentions are mostly negative.
 */
export const DETECTOR_DEFAULTS: {
  readonly negative_share: { readonly z: number; readonly min_change: number };
  readonly volume_spike: { readonly z: number; readonly min_ratio: number };
  readonly emerging_aspect: { readonly min_negative_share: number; readonly max_baseline_mentions: number };
} = {
  negative_share: { z: 4, min_change: 0.1 },
  volume_spike: { z: 4, min_ratio: 2 },
  emerging_aspect: { min_negative_share: 0.6, max_baseline_mentions: 2 },
};

/** Baseline share when the baseline has fewer than min_mentions mentions (a new or quiet scope). */
export const NEGATIVE_SHARE_PRIOR = 0.2;
/** Smallest expected count, so that a scope without history does not spike on its first mentions. */
export const EXPECTED_FLOOR = 1;
/** Windows of recent history whose level scales the seasonal estimate (a day of hourly windows). */
export const LEVEL_WINDOWS = 24;
/** Counts make exact boundaries common (9 of 30 vs 0.2 + 0.1); float rounding must not decide them. */
const EPS = 1e-9;

export function share(c: WindowCounts): number {
  return c.mentions > 0 ? c.negative / c.mentions : 0;
}

/**
 * negative_share: the window's negative share against the pooled share of the baseline windows.
 *
 * Significance: the signed root of the likelihood-ratio (G) statistic of the two-proportion test
 * (window vs baseline, under a pooled share), which counts the baseline's own sampling error and is
 * one-sided by its sign. Chosen over the pooled-variance z test, whose normal tail understates the
 * binomial one at low shares: at a 2 % baseline and 30 mentions per window, z >= 4 fires ~90 times
 * its nominal 3.2e-5, the root of G below it (see DETECTOR_DEFAULTS).
 *
 * A baseline with fewer than minMentions mentions is replaced by NEGATIVE_SHARE_PRIOR taken as
 * known (one-sample test). Fires when the window has minMentions mentions, the share rose by at
 * least min_change and the score reaches t.z.
 */
export function negativeShareShift(
  current: WindowCounts,
  baseline: WindowCounts,
  minMentions: number,
  t: Thresholds,
): Evaluation {
  const zMin = t.z ?? DETECTOR_DEFAULTS.negative_share.z;
  const minChange = t.min_change ?? DETECTOR_DEFAULTS.negative_share.min_change;
  const prior = baseline.mentions < minMentions;
  const p0 = prior ? NEGATIVE_SHARE_PRIOR : share(baseline);
  const observed = share(current);
  // The score as a function of the window's share, at this window's mention count.
  const n = Math.max(current.mentions, 1);
  const zAt = (s: number): number =>
    prior ? oneProportionZ(n * s, n, p0) : twoProportionZ(n * s, n, baseline.negative, baseline.mentions);
  const score = current.mentions > 0 ? zAt(observed) : 0;
  const anomalous =
    current.mentions >= minMentions && observed >= p0 + minChange - EPS && score >= zMin - EPS;
  return {
    anomalous,
    metric: 'negative_share',
    observed,
    baseline: p0,
    threshold: Math.max(Math.min(p0 + minChange, 1), shareReachingZ(zAt, p0, zMin)),
    score,
    baseline_prior: prior,
  };
}

/** One cell of G = 2·sum(o·ln(o/e)). */
const gTerm = (o: number, e: number): number => (o > 0 ? o * Math.log(o / e) : 0);

/** Signed root of G, one-sample: k of n against a known share p0. k may be fractional. */
function oneProportionZ(k: number, n: number, p0: number): number {
  const g = 2 * (gTerm(k, n * p0) + gTerm(n - k, n * (1 - p0)));
  return Math.sign(k / n - p0) * Math.sqrt(Math.max(g, 0));
}

/** Signed root of G, two-sample: k of n against kb of nb. k may be fractional (thresholds are solved for). */
export function twoProportionZ(k: number, n: number, kb: number, nb: number): number {
  const total = n + nb;
  const neg = k + kb;
  // Pooled share 0 or 1: both all-positive or all-negative, no change.
  if (n <= 0 || nb <= 0 || neg <= 0 || neg >= total) return 0;
  const pooled = neg / total;
  const g =
    2 *
    (gTerm(k, n * pooled) +
      gTerm(n - k, n * (1 - pooled)) +
      gTerm(kb, nb * pooled) +
      gTerm(nb - kb, nb * (1 - pooled)));
  return Math.sign(k / n - kb / nb) * Math.sqrt(Math.max(g, 0));
}

/** Smallest share in [from, 1] where the increasing zAt reaches zMin; 1 when none does. */
function shareReachingZ(zAt: (s: number) => number, from: number, zMin: number): number {
  if (zAt(1) < zMin) return 1;
  let lo = from;
  let hi = 1;
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    if (zAt(mid) >= zMin) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Expected mentions of the current window. history is oldest first, one entry per earlier window,
 * history[history.length - windowsPerWeek] being the current window's hour of the week.
 *
 * With two full weeks or more: the mean of the same hour of the week in earlier weeks, scaled by the
 * recent level (the last LEVEL_WINDOWS windows, at most a week, against their own same-hour means),
 * so that a daily and weekly rhythm is expected and a scope that grew or shrank is judged at its
 * present size. With less (or windowsPerWeek not a whole number), a week's rhythm cannot be told
 * from noise: the mean of the history.
 * Never below EXPECTED_FLOOR.
 */
export function expectedMentions(history: readonly number[], windowsPerWeek: number): number {
  const len = history.length;
  const w = windowsPerWeek;
  let expected: number;
  if (Number.isInteger(w) && w >= 1 && len >= 2 * w) {
    const sameHourMean = (i: number): number => {
      let sum = 0;
      let count = 0;
      for (let j = i - w; j >= 0; j -= w) {
        sum += history[j] ?? 0;
        count++;
      }
      return count > 0 ? sum / count : 0;
    };
    let recent = 0;
    let recentUsual = 0;
    for (let j = 1; j <= Math.min(LEVEL_WINDOWS, w); j++) {
      recent += history[len - j] ?? 0;
      recentUsual += sameHourMean(len - j);
    }
    const level = recentUsual > 0 ? recent / recentUsual : 1;
    expected = sameHourMean(len) * level;
  } else {
    expected = len > 0 ? history.reduce((a, b) => a + b, 0) / len : 0;
  }
  return Math.max(expected, EXPECTED_FLOOR);
}

/**
 * Poisson z on the square-root (Anscombe) scale: 2·sqrt(X + 3/8) has variance ~1 and mean
 * ~2·sqrt(mu + 1/8). Slightly conservative in the tail: at z = 4 (normal tail 3.2e-5) the exact
 * Poisson tail is 1e-6 at 1 expected mention, 1e-5 at 20-40, 2e-5 at 200.
 */
export function poissonZ(observed: number, expected: number): number {
  return 2 * (Math.sqrt(observed + 3 / 8) - Math.sqrt(expected + 1 / 8));
}

/**
 * volume_spike: the window's mention count against expectedMentions. Fires when the window has
 * minMentions mentions, at least min_ratio times the expected count, and poissonZ reaches t.z.
 */
export function volumeSpike(
  current: WindowCounts,
  history: readonly number[],
  windowsPerWeek: number,
  minMentions: number,
  t: Thresholds,
): Evaluation {
  const zMin = t.z ?? DETECTOR_DEFAULTS.volume_spike.z;
  const minRatio = t.min_ratio ?? DETECTOR_DEFAULTS.volume_spike.min_ratio;
  const expected = expectedMentions(history, windowsPerWeek);
  const observed = current.mentions;
  const score = poissonZ(observed, expected);
  const zCount = (Math.sqrt(expected + 1 / 8) + zMin / 2) ** 2 - 3 / 8;
  return {
    anomalous: observed >= minMentions && observed >= minRatio * expected - EPS && score >= zMin - EPS,
    metric: 'mention_count',
    observed,
    baseline: expected,
    threshold: Math.max(minMentions, minRatio * expected, zCount),
    score,
    baseline_prior: false,
  };
}

/**
 * emerging_aspect: an aspect with at most max_baseline_mentions mentions over the whole baseline
 * that now has minMentions mentions, at least min_negative_share of them negative. No z score: with
 * no baseline there is nothing to compare against.
 */
export function emergingAspect(
  current: WindowCounts,
  baseline: WindowCounts,
  minMentions: number,
  t: Thresholds,
): Evaluation {
  const minShare = t.min_negative_share ?? DETECTOR_DEFAULTS.emerging_aspect.min_negative_share;
  const maxBaseline = t.max_baseline_mentions ?? DETECTOR_DEFAULTS.emerging_aspect.max_baseline_mentions;
  const observed = share(current);
  return {
    anomalous:
      baseline.mentions <= maxBaseline && current.mentions >= minMentions && observed >= minShare - EPS,
    metric: 'negative_share',
    observed,
    baseline: baseline.mentions > 0 ? share(baseline) : null,
    threshold: minShare,
    score: null,
    baseline_prior: false,
  };
}

/**
 * Recovery of an open alert's scope from a later window. Easier than firing (hysteresis), so that a
 * value hovering at the threshold does not open and resolve alerts in turn; a window too small to
 * judge counts as recovered, since it could not fire either:
 * - negative_share: share below baseline + min_change/2, or fewer than minMentions mentions;
 * - volume_spike: below (1 + min_ratio)/2 times the expected count, or fewer than minMentions;
 * - emerging_aspect: share below min_negative_share - 0.1, or fewer than minMentions/2 mentions.
 */
export function recovered(
  detector: Detector,
  current: WindowCounts,
  baseline: WindowCounts,
  history: readonly number[],
  windowsPerWeek: number,
  minMentions: number,
  t: Thresholds,
): boolean {
  switch (detector) {
    case 'negative_share': {
      const e = negativeShareShift(current, baseline, minMentions, t);
      const minChange = t.min_change ?? DETECTOR_DEFAULTS.negative_share.min_change;
      if (e.anomalous) return false;
      return current.mentions < minMentions || e.observed < (e.baseline ?? 0) + minChange / 2 - EPS;
    }
    case 'volume_spike': {
      const e = volumeSpike(current, history, windowsPerWeek, minMentions, t);
      const minRatio = t.min_ratio ?? DETECTOR_DEFAULTS.volume_spike.min_ratio;
      if (e.anomalous) return false;
      return e.observed < minMentions || e.observed < ((1 + minRatio) / 2) * (e.baseline ?? 0) - EPS;
    }
    case 'emerging_aspect': {
      const e = emergingAspect(current, baseline, minMentions, t);
      const minShare = t.min_negative_share ?? DETECTOR_DEFAULTS.emerging_aspect.min_negative_share;
      if (e.anomalous) return false;
      return current.mentions < minMentions / 2 || e.observed < minShare - 0.1 - EPS;
    }
  }
}
