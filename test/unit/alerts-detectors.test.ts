/**
 * The alert detectors and their sentences on hand-made series: what fires, what must not, and how an
 * open alert resolves. Windowing and delivery are the alert service's and tested with it.
 */
import { expect } from 'chai';
import {
  DETECTOR_DEFAULTS,
  NEGATIVE_SHARE_PRIOR,
  bonferroniZ,
  emergingAspect,
  negativeShareShift,
  normalTail,
  recovered,
  volumeBaseline,
  volumeSpike,
  type WindowCounts,
} from '../../stream-processors/alerts/detectors';
import { explain, type ExplainInput } from '../../stream-processors/alerts/explain';

const HOURLY_WEEK = 168;

/** mulberry32: a small seeded PRNG, so that the random streams are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) draws by inversion of the cumulative distribution, one uniform per draw. */
function binomialSampler(random: () => number, p: number): (n: number) => number {
  const cdfs = new Map<number, number[]>();
  return (n) => {
    let cdf = cdfs.get(n);
    if (!cdf) {
      cdf = [];
      let pmf = (1 - p) ** n;
      let sum = 0;
      for (let k = 0; k <= n; k++) {
        sum += pmf;
        cdf.push(sum);
        pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
      }
      cdfs.set(n, cdf);
    }
    const u = random();
    let k = 0;
    while (k < n && u >= cdf[k]!) k++;
    return k;
  };
}

/** A week of hourly windows pooled at the given share: the baseline of a steady scope. */
const steadyBaseline = (perWindow: number, share: number): WindowCounts => ({
  mentions: HOURLY_WEEK * perWindow,
  negative: Math.round(HOURLY_WEEK * perWindow * share),
});

describe('alert detectors', () => {
  describe('negative_share', () => {
    const baseline = steadyBaseline(60, 0.2);

    it('fires on a clear rise of 25 points with 60 mentions', () => {
      const e = negativeShareShift({ mentions: 60, negative: 27 }, baseline, 30, {});
      expect(e.anomalous).to.equal(true);
      expect(e.metric).to.equal('negative_share');
      expect(e.observed).to.equal(0.45);
      expect(e.baseline).to.be.closeTo(0.2, 1e-12);
      expect(e.baseline_prior).to.equal(false);
      expect(e.score).to.be.at.least(DETECTOR_DEFAULTS.negative_share.z);
    });

    it('reports as threshold the share the window had to reach', () => {
      const { threshold } = negativeShareShift({ mentions: 60, negative: 0 }, baseline, 30, {});
      const needed = Math.ceil(threshold * 60);
      expect(threshold).to.be.within(0.3, 0.45);
      expect(negativeShareShift({ mentions: 60, negative: needed }, baseline, 30, {}).anomalous).to.equal(
        true,
      );
      expect(negativeShareShift({ mentions: 60, negative: needed - 1 }, baseline, 30, {}).anomalous).to.equal(
        false,
      );
    });

    it('does not fire on the same share from a window with fewer than min_mentions mentions', () => {
      const current = { mentions: 10, negative: 5 };
      const base = steadyBaseline(60, 0.25);
      expect(negativeShareShift({ mentions: 60, negative: 30 }, base, 30, {}).anomalous).to.equal(true);
      expect(negativeShareShift(current, base, 30, {}).anomalous).to.equal(false);
      // Significant enough at a low z: only the mention minimum holds it back.
      expect(negativeShareShift(current, base, 30, { z: 1 }).anomalous).to.equal(false);
      expect(negativeShareShift(current, base, 10, { z: 1 }).anomalous).to.equal(true);
    });

    it('does not fire on a significant rise smaller than min_change', () => {
      const base = steadyBaseline(5000, 0.2);
      const e = negativeShareShift({ mentions: 5000, negative: 1250 }, base, 30, {});
      expect(e.score).to.be.greaterThan(2 * DETECTOR_DEFAULTS.negative_share.z);
      expect(e.anomalous).to.equal(false);
      expect(e.threshold).to.be.closeTo(0.3, 1e-9);
      expect(
        negativeShareShift({ mentions: 5000, negative: 1250 }, base, 30, { min_change: 0.04 }).anomalous,
      ).to.equal(true);
    });

    it('counts the rise at exactly min_change despite float rounding', () => {
      const base = { mentions: 3000, negative: 600 };
      const e = negativeShareShift({ mentions: 1000, negative: 300 }, base, 30, { z: 1 });
      expect(e.anomalous).to.equal(true);
    });

    it('does not fire on a fall of the share', () => {
      const e = negativeShareShift({ mentions: 200, negative: 0 }, steadyBaseline(60, 0.6), 30, { z: 1 });
      expect(e.score).to.be.lessThan(0);
      expect(e.anomalous).to.equal(false);
    });

    it('compares against the prior share, taken as known, when the baseline has too few mentions', () => {
      const current = { mentions: 60, negative: 27 };
      for (const tiny of [
        { mentions: 0, negative: 0 },
        { mentions: 10, negative: 9 },
      ]) {
        const e = negativeShareShift(current, tiny, 30, {});
        expect(e.baseline).to.equal(NEGATIVE_SHARE_PRIOR);
        expect(e.baseline_prior).to.equal(true);
        expect(e.anomalous).to.equal(true);
      }
      // The same counts against a real baseline at 90 % are no rise.
      expect(negativeShareShift(current, { mentions: 30, negative: 27 }, 30, {}).anomalous).to.equal(false);
    });

    describe('with the previous window', () => {
      // The engine's baseline ends where the current window starts: it holds the previous window.
      const withPrevious = (previous: WindowCounts): WindowCounts => ({
        mentions: baseline.mentions + previous.mentions,
        negative: baseline.negative + previous.negative,
      });

      it('fires one window later on a rise that 30 mentions cannot show', () => {
        const shifted = { mentions: 30, negative: 14 };
        expect(negativeShareShift(shifted, baseline, 30, {}).anomalous, 'one window').to.equal(false);
        const e = negativeShareShift(shifted, withPrevious(shifted), 30, {}, shifted);
        expect(e.anomalous, 'two windows').to.equal(true);
        expect(e.baseline).to.be.closeTo(0.2, 1e-12);
        expect(e.observed).to.be.closeTo(14 / 30, 1e-12);
      });

      it('does not fire for the previous window once this one is back near the baseline', () => {
        const previous = { mentions: 30, negative: 20 };
        const back = { mentions: 30, negative: 7 };
        expect(negativeShareShift(back, withPrevious(previous), 30, {}, previous).anomalous).to.equal(false);
        // 30 % is not back (under baseline + min_change/2, 25 %, is): the two windows together fire.
        const notBack = { mentions: 30, negative: 9 };
        expect(negativeShareShift(notBack, withPrevious(previous), 30, {}, previous).anomalous).to.equal(
          true,
        );
      });

      it('runs each of its two tests at half the false-alarm rate of z', () => {
        expect(normalTail(4)).to.be.closeTo(3.167e-5, 1e-8);
        expect(normalTail(-1)).to.be.closeTo(0.841345, 1e-6);
        expect(bonferroniZ(4)).to.be.closeTo(4.1611, 1e-3);
        expect(normalTail(bonferroniZ(3))).to.be.closeTo(normalTail(3) / 2, 1e-9);
        // A window whose own score is between 4 and 4.16 fires alone, not beside an ordinary one.
        const base = steadyBaseline(200, 0.2);
        const k = Array.from({ length: 201 }, (_, i) => i).find((i) => {
          const { score } = negativeShareShift({ mentions: 200, negative: i }, base, 30, {});
          return score! >= 4 && score! < bonferroniZ(4);
        });
        expect(k, 'a count scoring between the two').to.not.equal(undefined);
        const current = { mentions: 200, negative: k! };
        const ordinary = { mentions: 200, negative: 40 };
        const both = { mentions: base.mentions + 200, negative: base.negative + 40 };
        expect(negativeShareShift(current, base, 30, {}).anomalous).to.equal(true);
        expect(negativeShareShift(current, both, 30, {}, ordinary).anomalous).to.equal(false);
      });

      it('reports as threshold the share this window had to reach', () => {
        // A previous window already up: this one needs less to fire than it would alone.
        const previous = { mentions: 30, negative: 13 };
        const base = withPrevious(previous);
        const { threshold } = negativeShareShift({ mentions: 40, negative: 0 }, base, 30, {}, previous);
        const alone = negativeShareShift({ mentions: 40, negative: 0 }, base, 30, {}).threshold;
        expect(threshold).to.be.below(alone);
        const needed = Math.ceil(threshold * 40 - 1e-9);
        const at = (negative: number) =>
          negativeShareShift({ mentions: 40, negative }, base, 30, {}, previous).anomalous;
        expect(at(needed)).to.equal(true);
        expect(at(needed - 1)).to.equal(false);
      });
    });

    it('keeps false alarms of a stable stream under 7e-5 per window, where z = 3 would not', function () {
      this.timeout(60_000);
      const target = 7e-5;
      const windows = 150_000;
      for (const [seed, p] of [
        [1, 0.2],
        [2, 0.05],
      ] as const) {
        const random = prng(seed);
        const binomial = binomialSampler(random, p);
        const series: WindowCounts[] = [];
        const base = { mentions: 0, negative: 0 };
        let fired = 0;
        let firedPooled = 0;
        let firedAtZ3 = 0;
        for (let i = 0; i < windows + HOURLY_WEEK; i++) {
          const mentions = 30 + Math.floor(random() * 91);
          const current = { mentions, negative: binomial(mentions) };
          if (i >= HOURLY_WEEK) {
            if (negativeShareShift(current, base, 30, {}).anomalous) fired++;
            if (negativeShareShift(current, base, 30, {}, series[i - 1]).anomalous) firedPooled++;
            if (negativeShareShift(current, base, 30, { z: 3 }).anomalous) firedAtZ3++;
            const old = series[i - HOURLY_WEEK]!;
            base.mentions -= old.mentions;
            base.negative -= old.negative;
          }
          series.push(current);
          base.mentions += mentions;
          base.negative += current.negative;
        }
        expect(fired / windows, `share ${p}: ${fired} of ${windows}`).to.be.lessThan(target);
        expect(firedPooled / windows, `share ${p}, two windows: ${firedPooled}`).to.be.lessThan(target);
        expect(firedAtZ3 / windows, `share ${p} at z = 3: ${firedAtZ3}`).to.be.greaterThan(target * 5);
      }
    });
  });

  describe('volume_spike', () => {
    /** A daily rhythm: nights at 10, the evening peak at 100 (a flat mean of the day would be ~48). */
    const rhythm = (hourOfDay: number): number =>
      [10, 10, 10, 10, 10, 15, 25, 40, 55, 60, 60, 60, 60, 60, 60, 60, 65, 80, 95, 100, 90, 60, 30, 15][
        hourOfDay
      ]!;
    /** `days` days of the rhythm (times level(day), day 0 the oldest), ending before `hour` of day. */
    const daysBefore = (hour: number, days: number, level = (_day: number) => 1): number[] =>
      Array.from({ length: days * 24 }, (_, i) => rhythm((hour + i) % 24) * level(Math.floor(i / 24)));
    const night = 3;
    const peak = 19;
    const spike = (mentions: number, history: number[], minMentions = 30, t = {}) =>
      volumeSpike({ mentions, negative: 0 }, history, HOURLY_WEEK, minMentions, t);

    /** Poisson draws (Knuth; the means here are small). */
    const poisson = (random: () => number, mean: number): number => {
      const limit = Math.exp(-mean);
      let k = 0;
      for (let p = random(); p > limit; p *= random()) k++;
      return k;
    };

    it('expects the same hour of the day at the recent level', () => {
      expect(volumeBaseline(daysBefore(night, 14), HOURLY_WEEK)!.expected).to.be.closeTo(10, 1e-9);
      expect(volumeBaseline(daysBefore(peak, 14), HOURLY_WEEK)!.expected).to.be.closeTo(100, 1e-9);
      // The scope grew by half over the last day: expected at its present size.
      const grown = daysBefore(peak, 14, (d) => (d === 13 ? 1.5 : 1));
      expect(volumeBaseline(grown, HOURLY_WEEK)!.expected).to.be.closeTo(150, 1e-9);
    });

    it('expects the weekly rhythm once a week ago is known', () => {
      // Days 1 and 8 were twice as busy; the current window opens day 15, as busy.
      const weekly = (d: number) => (d % 7 === 1 ? 2 : 1);
      const history = daysBefore(peak, 15, weekly);
      expect(volumeBaseline(history, HOURLY_WEEK)!.expected).to.be.closeTo(200, 20);
      expect(spike(200, history).anomalous, 'the busy day at its usual level').to.equal(false);
      // Without a week of history the same day would look like a spike.
      expect(volumeBaseline(daysBefore(peak, 6, weekly), HOURLY_WEEK)!.expected).to.be.closeTo(100, 1e-9);
    });

    it('fires on the quiet hour tripled, not on the peak hour at its usual level', () => {
      const quiet = spike(30, daysBefore(night, 14));
      expect(quiet).to.include({ anomalous: true, metric: 'mention_count', observed: 30 });
      expect(quiet.baseline).to.be.closeTo(10, 1e-9);
      expect(quiet.threshold).to.be.within(20, 30);
      expect(spike(100, daysBefore(peak, 14)).anomalous).to.equal(false);
      expect(spike(120, daysBefore(peak, 14)).anomalous, 'the peak 20 % up').to.equal(false);
    });

    it('ignores the windows before the scope had mentions', () => {
      // Three weeks of history of a scope that started 4 days ago: the zeros before it are not quiet hours.
      const history = [...new Array<number>(17 * 24).fill(0), ...daysBefore(peak, 4)];
      expect(volumeBaseline(history, HOURLY_WEEK)!.expected).to.be.closeTo(100, 1e-9);
      expect(spike(100, history).anomalous).to.equal(false);
    });

    it('does not fire with under two days of history', () => {
      const e = spike(500, daysBefore(peak, 1));
      expect(e).to.include({ anomalous: false, baseline: null, score: null });
      expect(spike(500, []).anomalous).to.equal(false);
      expect(spike(500, new Array<number>(500).fill(0)).anomalous).to.equal(false);
      expect(
        recovered(
          'volume_spike',
          { mentions: 500, negative: 0 },
          { mentions: 0, negative: 0 },
          [],
          HOURLY_WEEK,
          30,
          {},
        ),
      ).to.equal(true);
      expect(spike(500, daysBefore(peak, 2)).anomalous).to.equal(true);
    });

    it('widens the test by the dispersion of the counts', () => {
      const smooth = daysBefore(night, 14);
      // Same mean, but days alternate between half and one and a half times the rhythm.
      const bursty = daysBefore(night, 14, (d) => (d % 2 ? 1.5 : 0.5));
      expect(volumeBaseline(smooth, HOURLY_WEEK)!.dispersion).to.equal(1);
      expect(volumeBaseline(bursty, HOURLY_WEEK)!.dispersion).to.be.greaterThan(2);
      // The last day of `bursty` is at 1.5: 15 expected at night.
      expect(spike(40, smooth, 30, { min_ratio: 1 }).anomalous).to.equal(true);
      expect(spike(40, bursty, 30, { min_ratio: 1 }).anomalous).to.equal(false);
    });

    it('keeps the dispersion of Poisson counts near 1 when the history had spikes every other day', () => {
      const random = prng(11);
      const history = Array.from({ length: 14 * 24 }, (_, i) => poisson(random, rhythm((peak + i) % 24)));
      expect(volumeBaseline(history, HOURLY_WEEK)!.dispersion).to.be.below(1.3);
      // Two hours tripled every second day, at a different hour each time.
      for (let day = 0; day < 14; day += 2) {
        const start = day * 24 + ((day * 5) % 22);
        for (const i of [start, start + 1]) history[i] = poisson(random, 3 * rhythm((peak + i) % 24));
      }
      expect(volumeBaseline(history, HOURLY_WEEK)!.dispersion).to.be.below(1.5);
      expect(spike(300, history).anomalous, 'the peak hour tripled').to.equal(true);
    });

    it('reports as threshold the count the window had to reach', () => {
      const history = daysBefore(night, 14);
      const { threshold } = spike(0, history);
      const needed = Math.ceil(threshold);
      expect(spike(needed, history).anomalous).to.equal(true);
      expect(spike(needed - 1, history).anomalous).to.equal(false);
    });

    it('does not fire below min_mentions or min_ratio', () => {
      const history = daysBefore(night, 14);
      expect(spike(30, history, 25).anomalous).to.equal(true);
      expect(spike(30, history, 35).anomalous).to.equal(false);
      expect(spike(30, history, 25, { min_ratio: 4 }).anomalous).to.equal(false);
    });

    it('on Poisson counts with the rhythm: no false alarm in 3,000 windows, ×3 spikes found', () => {
      const random = prng(7);
      let falseAlarms = 0;
      let spikes = 0;
      let found = 0;
      for (let run = 0; run < 10; run++) {
        const scale = 0.5 + run / 3;
        const counts = Array.from({ length: 40 * 24 }, (_, i) => poisson(random, rhythm(i % 24) * scale));
        for (let end = 10 * 24; end < counts.length; end += 3) {
          const history = counts.slice(Math.max(0, end - 21 * 24), end);
          if (spike(counts[end]!, history).anomalous) falseAlarms++;
          const mean = rhythm(end % 24) * scale;
          if (3 * mean < 40) continue;
          spikes++;
          if (spike(poisson(random, 3 * mean), history).anomalous) found++;
        }
      }
      expect(falseAlarms).to.equal(0);
      expect(spikes).to.be.greaterThan(1000);
      expect(found / spikes).to.be.greaterThan(0.97);
    });
  });

  describe('emerging_aspect', () => {
    it('fires for a new, mostly negative aspect', () => {
      const e = emergingAspect({ mentions: 12, negative: 10 }, { mentions: 0, negative: 0 }, 10, {});
      expect(e).to.include({ anomalous: true, metric: 'negative_share', baseline: null, score: null });
      expect(e.observed).to.be.closeTo(10 / 12, 1e-12);
      expect(e.threshold).to.equal(DETECTOR_DEFAULTS.emerging_aspect.min_negative_share);
      const seenTwice = emergingAspect({ mentions: 12, negative: 10 }, { mentions: 2, negative: 1 }, 10, {});
      expect(seenTwice.anomalous).to.equal(true);
      expect(seenTwice.baseline).to.equal(0.5);
    });

    it('does not fire for an aspect with baseline history, a mostly positive one or a rare one', () => {
      const negative = { mentions: 12, negative: 10 };
      expect(emergingAspect(negative, { mentions: 3, negative: 0 }, 10, {}).anomalous).to.equal(false);
      expect(
        emergingAspect(negative, { mentions: 3, negative: 0 }, 10, { max_baseline_mentions: 3 }).anomalous,
      ).to.equal(true);
      expect(
        emergingAspect({ mentions: 12, negative: 3 }, { mentions: 0, negative: 0 }, 10, {}).anomalous,
      ).to.equal(false);
      expect(
        emergingAspect({ mentions: 9, negative: 9 }, { mentions: 0, negative: 0 }, 10, {}).anomalous,
      ).to.equal(false);
    });
  });

  describe('recovered', () => {
    const none = { mentions: 0, negative: 0 };

    it('negative_share: resolves below baseline + min_change/2, or on a window too small to judge', () => {
      const base = steadyBaseline(100, 0.2);
      const at = (mentions: number, negative: number) =>
        recovered('negative_share', { mentions, negative }, base, [], HOURLY_WEEK, 30, {});
      expect(negativeShareShift({ mentions: 100, negative: 27 }, base, 30, {}).anomalous).to.equal(false);
      expect(at(100, 27), 'not firing, not recovered').to.equal(false);
      expect(at(100, 24)).to.equal(true);
      expect(at(100, 50), 'still firing').to.equal(false);
      expect(at(10, 10), 'too few mentions').to.equal(true);
    });

    it('volume_spike: resolves below (1 + min_ratio)/2 times the expected count', () => {
      // 40 an hour, every hour, for two weeks.
      const flat = new Array<number>(14 * 24).fill(40);
      const at = (mentions: number) =>
        recovered('volume_spike', { mentions, negative: 0 }, none, flat, HOURLY_WEEK, 30, {});
      expect(volumeSpike({ mentions: 70, negative: 0 }, flat, HOURLY_WEEK, 30, {}).anomalous).to.equal(false);
      expect(at(70), 'not firing, not recovered').to.equal(false);
      expect(at(55)).to.equal(true);
      expect(at(120), 'still firing').to.equal(false);
      expect(
        recovered('volume_spike', { mentions: 70, negative: 0 }, none, flat, HOURLY_WEEK, 30, {
          min_ratio: 3,
        }),
      ).to.equal(true);
    });

    it('emerging_aspect: resolves below min_negative_share - 0.1, or under min_mentions/2 mentions', () => {
      // The window that fired is part of the baseline now.
      const base = { mentions: 12, negative: 10 };
      const at = (mentions: number, negative: number) =>
        recovered('emerging_aspect', { mentions, negative }, base, [], HOURLY_WEEK, 10, {});
      expect(at(20, 11), 'not firing, not recovered').to.equal(false);
      expect(at(20, 9)).to.equal(true);
      expect(at(4, 4), 'too few mentions').to.equal(true);
      expect(at(6, 6)).to.equal(false);
      expect(
        recovered('emerging_aspect', { mentions: 12, negative: 10 }, none, [], HOURLY_WEEK, 10, {}),
      ).to.equal(false);
    });
  });
});

describe('alert explanations', () => {
  const aspect: ExplainInput = {
    detector: 'negative_share',
    level: 'aspect',
    entity: 'Snapcart',
    normalized_aspect: 'delivery',
    category: null,
    observed: 38 / 59,
    baseline: 0.18,
    mention_count: 59,
    negative_count: 38,
    window_minutes: 60,
    baseline_windows: 168,
    status: 'open',
  };

  it('says what rose, where, in which window and from what', () => {
    expect(explain(aspect)).to.equal(
      'Negative mentions of delivery at Snapcart rose to 64 % (38 of 59) in the last hour, from 18 % over the previous 7 days.',
    );
  });

  it('says a resolved alert is back near its baseline', () => {
    expect(
      explain({ ...aspect, observed: 5 / 30, mention_count: 30, negative_count: 5, status: 'resolved' }),
    ).to.equal(
      'Negative mentions of delivery at Snapcart are back to 17 % (5 of 30) in the last hour, near 18 % over the previous 7 days.',
    );
  });

  it('names the category, longer windows and baselines in hours', () => {
    const category = {
      ...aspect,
      level: 'category' as const,
      normalized_aspect: null,
      category: 'Shipping',
      window_minutes: 120,
      baseline_windows: 18,
    };
    expect(explain(category)).to.equal(
      'Negative mentions in the category Shipping at Snapcart rose to 64 % (38 of 59) in the last 2 hours, from 18 % over the previous 36 hours.',
    );
  });

  it('says "all entities" for an alert without entity, and days for daily windows', () => {
    const all = {
      ...aspect,
      level: 'entity' as const,
      entity: null,
      normalized_aspect: null,
      window_minutes: 1440,
      baseline_windows: 7,
    };
    expect(explain(all)).to.equal(
      'Negative mentions across all entities rose to 64 % (38 of 59) in the last day, from 18 % over the previous 7 days.',
    );
  });

  it('says when the baseline is the assumed prior', () => {
    const prior = {
      ...aspect,
      observed: 27 / 60,
      mention_count: 60,
      negative_count: 27,
      baseline: 0.2,
      baseline_prior: true,
    };
    expect(explain(prior)).to.equal(
      'Negative mentions of delivery at Snapcart reached 45 % (27 of 60) in the last hour, above the 20 % assumed for lack of mentions over the previous 7 days.',
    );
  });

  it('explains a volume spike as a multiple of the expected count', () => {
    const volume: ExplainInput = {
      ...aspect,
      detector: 'volume_spike',
      level: 'entity',
      normalized_aspect: null,
      observed: 240,
      baseline: 58,
      mention_count: 240,
      negative_count: null,
    };
    expect(explain(volume)).to.equal(
      'Mentions of Snapcart rose to 240 in the last hour, 4.1 times the 58 expected.',
    );
    expect(explain({ ...volume, observed: 12, mention_count: 12, baseline: 2.5 })).to.equal(
      'Mentions of Snapcart rose to 12 in the last hour, 4.8 times the 2.5 expected.',
    );
    expect(explain({ ...volume, observed: 70, mention_count: 70, status: 'resolved' })).to.equal(
      'Mentions of Snapcart are back to 70 in the last hour, against 58 expected.',
    );
  });

  it('explains an emerging aspect', () => {
    const emerging: ExplainInput = {
      ...aspect,
      detector: 'emerging_aspect',
      normalized_aspect: 'refund',
      observed: 10 / 12,
      baseline: null,
      mention_count: 12,
      negative_count: 10,
    };
    expect(explain(emerging)).to.equal(
      'A new aspect, "refund", appeared for Snapcart: 12 mentions in the last hour, 83 % negative (none over the previous 7 days).',
    );
    expect(explain({ ...emerging, baseline: 0.5, baseline_mention_count: 2 })).to.equal(
      'A new aspect, "refund", appeared for Snapcart: 12 mentions in the last hour, 83 % negative (2 over the previous 7 days).',
    );
    expect(
      explain({ ...emerging, observed: 1 / 4, mention_count: 4, negative_count: 1, status: 'resolved' }),
    ).to.equal(
      'The new aspect "refund" at Snapcart has settled: 4 mentions in the last hour, 25 % negative.',
    );
  });

  describe('in Korean', () => {
    // Korean names, as a Korean tenant stores them; "Snapcart" stays as stored.
    const battery: ExplainInput = {
      ...aspect,
      normalized_aspect: '배터리',
      observed: 31 / 100,
      baseline: 0.12,
      mention_count: 100,
      negative_count: 31,
    };

    it('says what rose, where, in which window and from what', () => {
      expect(explain(battery, 'ko')).to.equal(
        'Snapcart의 배터리 부정 언급 비율이 지난 7일 평균 12%에서 최근 1시간 31%(100건 중 31건)로 올랐습니다.',
      );
      expect(explain(battery, 'en')).to.equal(
        'Negative mentions of 배터리 at Snapcart rose to 31 % (31 of 100) in the last hour, from 12 % over the previous 7 days.',
      );
    });

    it('says a resolved negative share is back near its baseline, or its assumed prior', () => {
      const back = {
        ...battery,
        observed: 5 / 30,
        mention_count: 30,
        negative_count: 5,
        status: 'resolved' as const,
      };
      expect(explain(back, 'ko')).to.equal(
        'Snapcart의 배터리 부정 언급 비율이 최근 1시간 17%(30건 중 5건)로 돌아와 지난 7일 평균 12%에 가까워졌습니다.',
      );
      expect(explain({ ...back, baseline: 0.2, baseline_prior: true }, 'ko')).to.equal(
        'Snapcart의 배터리 부정 언급 비율이 최근 1시간 17%(30건 중 5건)로 돌아와 지난 7일 동안 언급이 부족해 가정한 기준값 20%에 가까워졌습니다.',
      );
    });

    it('names the category and every entity, with windows in hours and days', () => {
      const category = {
        ...battery,
        level: 'category' as const,
        normalized_aspect: null,
        category: '배송',
        window_minutes: 120,
        baseline_windows: 18,
      };
      expect(explain(category, 'ko')).to.equal(
        'Snapcart의 배송 범주 부정 언급 비율이 지난 36시간 평균 12%에서 최근 2시간 31%(100건 중 31건)로 올랐습니다.',
      );
      const all = {
        ...battery,
        level: 'entity' as const,
        entity: null,
        normalized_aspect: null,
        window_minutes: 1440,
        baseline_windows: 7,
      };
      expect(explain(all, 'ko')).to.equal(
        '모든 대상의 부정 언급 비율이 지난 7일 평균 12%에서 최근 1일 31%(100건 중 31건)로 올랐습니다.',
      );
    });

    it('says when the baseline is the assumed prior', () => {
      const prior = {
        ...battery,
        observed: 27 / 60,
        mention_count: 60,
        negative_count: 27,
        baseline: 0.2,
        baseline_prior: true,
      };
      expect(explain(prior, 'ko')).to.equal(
        'Snapcart의 배터리 부정 언급 비율이 최근 1시간 45%(60건 중 27건)에 이르러 지난 7일 동안 언급이 부족해 가정한 기준값 20%를 넘었습니다.',
      );
    });

    it('explains a volume spike as a multiple of the expected count, digits grouped', () => {
      const volume: ExplainInput = {
        ...battery,
        detector: 'volume_spike',
        level: 'entity',
        normalized_aspect: null,
        observed: 2400,
        baseline: 58,
        mention_count: 2400,
        negative_count: null,
      };
      expect(explain(volume, 'ko')).to.equal(
        'Snapcart의 언급이 최근 1시간 2,400건으로 늘어 예상치 58건의 41.4배가 되었습니다.',
      );
      expect(explain({ ...volume, observed: 12, mention_count: 12, baseline: 2.5 }, 'ko')).to.equal(
        'Snapcart의 언급이 최근 1시간 12건으로 늘어 예상치 2.5건의 4.8배가 되었습니다.',
      );
      expect(explain({ ...volume, observed: 70, mention_count: 70, status: 'resolved' }, 'ko')).to.equal(
        'Snapcart의 언급이 최근 1시간 70건(예상 58건)으로 돌아왔습니다.',
      );
    });

    it('explains an emerging aspect, quoting it as stored', () => {
      const emerging: ExplainInput = {
        ...battery,
        detector: 'emerging_aspect',
        normalized_aspect: '환불',
        observed: 10 / 12,
        baseline: null,
        mention_count: 12,
        negative_count: 10,
      };
      expect(explain(emerging, 'ko')).to.equal(
        'Snapcart에서 새 속성 ‘환불’ 언급이 최근 1시간 12건 나타났고 그중 83%가 부정적입니다(지난 7일 동안 없음).',
      );
      expect(
        explain(
          {
            ...emerging,
            entity: null,
            normalized_aspect: 'refund',
            baseline: 0.5,
            baseline_mention_count: 2,
          },
          'ko',
        ),
      ).to.equal(
        '모든 대상에서 새 속성 ‘refund’ 언급이 최근 1시간 12건 나타났고 그중 83%가 부정적입니다(지난 7일 동안 2건).',
      );
      expect(
        explain(
          { ...emerging, observed: 1 / 4, mention_count: 4, negative_count: 1, status: 'resolved' },
          'ko',
        ),
      ).to.equal('Snapcart의 새 속성 ‘환불’ 언급이 최근 1시간 4건, 부정 25%로 안정되었습니다.');
    });

    it('writes every kind, state and scope wholly in the language asked, with the same numbers', () => {
      // Korean names, so a Latin letter in a Korean sentence is English left in; Latin names the other way round.
      const names = {
        ko: { entity: '스냅카트', normalized_aspect: '배송', category: '물류' },
        en: { entity: 'Snapcart', normalized_aspect: 'delivery', category: 'Shipping' },
      };
      const kinds: Array<Pick<ExplainInput, 'detector' | 'level'>> = [
        { detector: 'negative_share', level: 'aspect' },
        { detector: 'negative_share', level: 'category' },
        { detector: 'negative_share', level: 'entity' },
        { detector: 'volume_spike', level: 'entity' },
        { detector: 'volume_spike', level: 'aspect' },
        { detector: 'emerging_aspect', level: 'aspect' },
      ];
      let checked = 0;
      for (const language of ['ko', 'en'] as const)
        for (const kind of kinds)
          for (const status of ['open', 'resolved'] as const)
            for (const baseline of [null, 0.2])
              for (const prior of [false, true])
                for (const everyEntity of [false, true]) {
                  const input: ExplainInput = {
                    ...aspect,
                    ...names[language === 'ko' ? 'ko' : 'en'],
                    ...kind,
                    ...(everyEntity ? { entity: null } : {}),
                    observed: kind.detector === 'volume_spike' ? 1234 : 0.45,
                    baseline: kind.detector === 'volume_spike' && baseline !== null ? 58 : baseline,
                    baseline_prior: prior,
                    mention_count: 1234,
                    negative_count: 555,
                    status,
                  };
                  const text = explain(input, language);
                  const what = `${language} ${JSON.stringify(input)}: ${text}`;
                  if (language === 'ko') {
                    expect(text, what).to.not.match(/[A-Za-z]/);
                    expect(text, what).to.match(/다\.$|\)\.$/);
                    expect(text, what).to.contain('1,234');
                  } else {
                    expect(text, what).to.not.match(/[\uac00-\ud7a3]/);
                    expect(text, what).to.contain('1234');
                  }
                  checked++;
                }
      expect(checked).to.equal(2 * 6 * 2 * 2 * 2 * 2);
    });
  });
});
