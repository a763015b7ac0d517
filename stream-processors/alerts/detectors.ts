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
   * includes minMentions (and is minMentions when there is no baseline, nothing firing then).
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
 * No test does much better at 30 mentions: even against a baseline known exactly, the most powerful
 * test of a +20 point rise (negatives of the window above a count; Neyman-Pearson) reaches 0.95 only
 * at a false-alarm rate of 0.06 (5 % baseline) to 0.29 (40 %) per window, 10^3-10^4 times the
 * 4e-5-8e-5 that 1 false alarm per 100 entity-days allows at 5-10 scopes. Pooling the previous
 * window (`previous` of negativeShareShift: 60 mentions, one window of delay) needs 7e-4 to 7e-2;
 * at 4e-5 (each of its two tests) it gets 0.85 (5 %), 0.55 (10 %), 0.34 (20 %), 0.18 (30-40 %).
 *
 * volume_spike: one entity-level scope tested 24 times per entity-day; z = 4 (3.2e-5 per window,
 * ~0.08 false alarms per 100 entity-days if the quasi-Poisson model held exactly) leaves room for
 * more scopes and for a model that holds only roughly, and at least twice the expected count keeps
 * a large scope from firing on a rise nobody calls a spike. On the bench's stream (Poisson counts,
 * daily and weekly rhythm) z = 3.5 with a ratio of 1.5 gives 0.3 false alarms per 100 entity-days
 * against a nominal 0.56: the test holds its rate without the ratio's help.
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
 * With `previous` (the scope's counts in the window just before, part of `baseline`), a second test
 * pools the two windows against the baseline without the previous window: a shift that a window's
 * 30 mentions cannot show is shown by 60 one window later, within the delay of one window. Each of
 * the two tests then runs at half the false-alarm rate of t.z (Bonferroni: z = 4 becomes 4.16 for
 * both), and the pooled one also needs this window's share at least min_change/2 above the baseline,
 * so that a window that has recovered does not fire for the one before it.
 *
 * A baseline with fewer than minMentions mentions is replaced by NEGATIVE_SHARE_PRIOR taken as
 * known (one-sample test). Fires when the window has minMentions mentions, the share (of the window,
 * or of the two pooled) rose by at least min_change and its score reaches the z above.
 */
export function negativeShareShift(
  current: WindowCounts,
  baseline: WindowCounts,
  minMentions: number,
  t: Thresholds,
  previous?: WindowCounts,
): Evaluation {
  const zRule = t.z ?? DETECTOR_DEFAULTS.negative_share.z;
  const minChange = t.min_change ?? DETECTOR_DEFAULTS.negative_share.min_change;
  const pooling = previous !== undefined && previous.mentions > 0 && baseline.mentions >= previous.mentions;
  const zMin = pooling ? bonferroniZ(zRule) : zRule;
  const base = pooling
    ? { mentions: baseline.mentions - previous.mentions, negative: baseline.negative - previous.negative }
    : baseline;
  const prior = base.mentions < minMentions;
  const p0 = prior ? NEGATIVE_SHARE_PRIOR : share(base);
  const observed = share(current);
  // A score as a function of this window's share, at its mention count, with `k0 of n0` pooled in.
  const n = Math.max(current.mentions, 1);
  const zAt =
    (k0: number, n0: number) =>
    (s: number): number =>
      prior
        ? oneProportionZ(n * s + k0, n + n0, p0)
        : twoProportionZ(n * s + k0, n + n0, base.negative, base.mentions);
  const single = zAt(0, 0);
  const enough = current.mentions >= minMentions;
  let score = current.mentions > 0 ? single(observed) : 0;
  let anomalous = enough && observed >= p0 + minChange - EPS && score >= zMin - EPS;
  let threshold = Math.max(Math.min(p0 + minChange, 1), shareReachingZ(single, p0, zMin));
  if (pooling) {
    const pooled = zAt(previous.negative, previous.mentions);
    const pooledShare = (s: number) => (n * s + previous.negative) / (n + previous.mentions);
    const pooledScore = current.mentions > 0 ? pooled(observed) : 0;
    score = Math.max(score, pooledScore);
    anomalous ||=
      enough &&
      observed >= p0 + minChange / 2 - EPS &&
      pooledShare(observed) >= p0 + minChange - EPS &&
      pooledScore >= zMin - EPS;
    // This window's share at which the pooled test fires, given the previous window.
    const forChange = (p0 + minChange - pooledShare(0)) / (pooledShare(1) - pooledShare(0));
    const pooledThreshold = Math.max(p0 + minChange / 2, forChange, shareReachingZ(pooled, 0, zMin));
    threshold = Math.min(threshold, Math.min(pooledThreshold, 1));
  }
  return {
    anomalous,
    metric: 'negative_share',
    observed,
    baseline: p0,
    threshold,
    score,
    baseline_prior: prior,
  };
}

/** Upper tail of the standard normal: the density integrated from z (Simpson's rule; the rest beyond z + 12 is < 1e-30). */
export function normalTail(z: number): number {
  if (z < 0) return 1 - normalTail(-z);
  const steps = 1200;
  const h = 12 / steps;
  const density = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  let sum = density(z) + density(z + 12);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * density(z + i * h);
  return (sum * h) / 3;
}

const halfTailZ = new Map<number, number>();
/** The z whose upper normal tail is half that of z: each of two tests sharing z's false-alarm rate. */
export function bonferroniZ(z: number): number {
  let found = halfTailZ.get(z);
  if (found === undefined) {
    const tail = normalTail(z) / 2;
    let lo = z;
    let hi = z + 2;
    while (hi - lo > 1e-9) {
      const mid = (lo + hi) / 2;
      if (normalTail(mid) > tail) lo = mid;
      else hi = mid;
    }
    found = hi;
    halfTailZ.set(z, found);
  }
  return found;
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

/** Complete days of history a volume baseline needs: one for the daily rhythm, a second for its noise. */
export const MIN_HISTORY_DAYS = 2;
/**
 * Cap on one day-to-day term (a - b)^2 / (a + b) of the dispersion, in units of the dispersion
 * itself (a 2-sigma difference): past spikes in the history then raise the estimate by little
 * (a 3-sigma cap let the bench's spikes, one every two days, double it). Under the null a term is
 * ~φ·chi-square(1 df), whose mean capped at 4 is 0.9205: the estimate is divided by it.
 */
const DISPERSION_CAP = 4;
const CAPPED_CHI2_MEAN = 0.9205;
/** Re-estimations of the dispersion with the cap scaled by the previous estimate. */
const DISPERSION_ROUNDS = 5;

/** What volumeSpike compares the window against. */
export interface VolumeBaseline {
  /** Expected mentions of the current window, at least EXPECTED_FLOOR. */
  expected: number;
  /** Relative variance of `expected` as an estimate, per unit of dispersion (its counts' Poisson noise). */
  relativeVariance: number;
  /** Quasi-Poisson dispersion of the scope's counts (variance over mean), at least 1. */
  dispersion: number;
  /** Complete days of history behind it. */
  days: number;
}

/**
 * The volume baseline of the current window from the counts of earlier windows (oldest first, the
 * last one just before the current window); null when there are fewer than MIN_HISTORY_DAYS days of
 * it, or windowsPerWeek is not a whole number of windows per day.
 *
 * History starts at the scope's first mention: leading zero windows are windows before the scope
 * existed (or before its retained history), not quiet ones.
 *
 * Model: count = day level × share of the day at this hour of day × noise. Over the complete days
 * d = 1..K before the window (day d being the 24 hours that start d days before the window's
 * start), the share is S / T (S: the counts at this hour of day, T: those days' totals) and the
 * level is the last day's total L, times a weekly factor W when a week ago is known (the day that
 * started then over the day before it, summed over the weeks available), so a daily rhythm in the
 * scope's own time zone, a weekly one and growth are all expected:
 *   expected = L · W · S / T,  relative variance (Poisson counts) ≈ 1/S + 1/L (+ 1/W's two totals).
 * Dispersion φ: the mean over all hours of the day and consecutive days of (a - b)^2 / (a + b), the
 * two days' counts at that hour. Exactly 1 in expectation for Poisson counts of equal mean (given
 * a + b, a is binomial(a + b, 1/2)); real traffic (bursts, a level changing from day to day, a
 * rhythm that is not the same every day) makes it larger. Robust to past spikes: a first estimate
 * with terms capped at DISPERSION_CAP, then DISPERSION_ROUNDS more with terms capped at
 * DISPERSION_CAP times the previous one; never below 1.
 */
export function volumeBaseline(history: readonly number[], windowsPerWeek: number): VolumeBaseline | null {
  const perDay = windowsPerWeek / 7;
  if (!Number.isInteger(perDay) || perDay < 1) return null;
  let first = 0;
  while (first < history.length && history[first] === 0) first++;
  const len = history.length;
  const days = Math.floor((len - first) / perDay);
  if (days < MIN_HISTORY_DAYS) return null;
  // Day d (1 = the last 24 hours) at offset h from its start; offset 0 is the current hour of day.
  const at = (d: number, h: number): number => history[len - d * perDay + h] ?? 0;
  const totals = [0];
  for (let d = 1; d <= days; d++) {
    let sum = 0;
    for (let h = 0; h < perDay; h++) sum += at(d, h);
    totals.push(sum);
  }
  let sameHour = 0;
  let allDays = 0;
  for (let d = 1; d <= days; d++) {
    sameHour += at(d, 0);
    allDays += totals[d]!;
  }
  const level = totals[1]!;
  let next = 0;
  let before = 0;
  for (let d = 7; d + 1 <= days; d += 7) {
    next += totals[d]!;
    before += totals[d + 1]!;
  }
  const weekly = next > 0 && before > 0 ? next / before : 1;
  const expected = allDays > 0 ? (level * weekly * sameHour) / allDays : 0;
  const relativeVariance =
    1 / Math.max(sameHour, 1) + 1 / Math.max(level, 1) + (next > 0 && before > 0 ? 1 / next + 1 / before : 0);
  const terms: number[] = [];
  for (let d = 1; d < days; d++) {
    for (let h = 0; h < perDay; h++) {
      const a = at(d, h);
      const b = at(d + 1, h);
      if (a + b > 0) terms.push((a - b) ** 2 / (a + b));
    }
  }
  const cappedMean = (cap: number): number =>
    terms.length > 0
      ? terms.reduce((acc, x) => acc + Math.min(x, cap), 0) / terms.length / CAPPED_CHI2_MEAN
      : 1;
  let dispersion = Math.max(1, cappedMean(DISPERSION_CAP));
  for (let i = 0; i < DISPERSION_ROUNDS; i++)
    dispersion = Math.max(1, cappedMean(DISPERSION_CAP * dispersion));
  return { expected: Math.max(expected, EXPECTED_FLOOR), relativeVariance, dispersion, days };
}

/**
 * Quasi-Poisson z of a count against a baseline, on the square-root scale: 2·sqrt(X + 3/8) has
 * variance ~φ and mean ~2·sqrt(mu + 1/8) for counts of mean mu and dispersion φ, and the estimated
 * mu adds φ·mu·relativeVariance, so
 *   z = 2·(sqrt(X + 3/8) - sqrt(mu + 1/8)) / sqrt(φ·(1 + mu·relativeVariance)).
 * The square root makes the count's right tail close to normal (slightly conservative: at z = 4,
 * normal tail 3.2e-5, the exact Poisson tail is 1e-6 at 1 expected mention, 1e-5 at 20-40).
 */
export function volumeZ(observed: number, b: VolumeBaseline): number {
  return (2 * (Math.sqrt(observed + 3 / 8) - Math.sqrt(b.expected + 1 / 8))) / volumeScale(b);
}

const volumeScale = (b: VolumeBaseline): number =>
  Math.sqrt(b.dispersion * (1 + b.expected * b.relativeVariance));

/**
 * volume_spike: the window's mention count against volumeBaseline. Fires when the window has
 * minMentions mentions, at least min_ratio times the expected count (so also an excess of at least
 * (1 - 1/min_ratio)·minMentions mentions) and volumeZ reaches t.z. Without a baseline (under
 * MIN_HISTORY_DAYS of history) it never fires: a new scope's first busy hour is not a spike.
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
  const observed = current.mentions;
  const b = volumeBaseline(history, windowsPerWeek);
  if (!b)
    return {
      anomalous: false,
      metric: 'mention_count',
      observed,
      baseline: null,
      threshold: minMentions,
      score: null,
      baseline_prior: false,
    };
  const score = volumeZ(observed, b);
  const zCount = (Math.sqrt(b.expected + 1 / 8) + (zMin * volumeScale(b)) / 2) ** 2 - 3 / 8;
  return {
    anomalous: observed >= minMentions && observed >= minRatio * b.expected - EPS && score >= zMin - EPS,
    metric: 'mention_count',
    observed,
    baseline: b.expected,
    threshold: Math.max(minMentions, minRatio * b.expected, zCount),
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
 * - volume_spike: below (1 + min_ratio)/2 times the expected count, fewer than minMentions, or no
 *   baseline;
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
      return (
        e.baseline === null ||
        e.observed < minMentions ||
        e.observed < ((1 + minRatio) / 2) * e.baseline - EPS
      );
    }
    case 'emerging_aspect': {
      const e = emergingAspect(current, baseline, minMentions, t);
      const minShare = t.min_negative_share ?? DETECTOR_DEFAULTS.emerging_aspect.min_negative_share;
      if (e.anomalous) return false;
      return current.mentions < minMentions / 2 || e.observed < minShare - 0.1 - EPS;
    }
  }
}
