/**
 * Evaluation metrics for aspect-based sentiment analysis, on character spans (UTF-16 offsets).
 *
 * - Aspect term extraction (ATE): precision / recall / F1 of predicted spans against gold spans, exact
 *   (from, to) match per sentence. Duplicates count once on both sides (SemEval-2015/16 list a span twice
 *   when it carries two polarities). Gold `conflict` terms are ordinary gold spans here.
 * - Aspect polarity classification (APC): accuracy and macro F1 of the polarity predicted for each gold
 *   term (targeted mode). Gold `conflict` terms are left out. Macro F1 averages the per-class F1 over the
 *   three polarities (as models/training/evaluate.py and SemEval do; a class absent from both gold and
 *   predictions counts as F1 0).
 * - End-to-end (E2E): a predicted (span, polarity) is right when the same (span, polarity) is gold.
 *   Gold `conflict` terms are not gold, so a prediction on a conflict span is a false positive.
 *
 * A ratio whose denominator is zero is 0 (no predictions: precision 0; no gold: recall 0).
 */
import { POLARITIES, type CharSpan, type Polarity } from './sentiment-model.js';

export type GoldPolarity = Polarity | 'conflict';

export interface GoldAspect extends CharSpan {
  polarity: GoldPolarity;
}

export interface PredictedAspect extends CharSpan {
  polarity: Polarity;
}

export interface PrfScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface ClassificationScores {
  accuracy: number;
  macroF1: number;
  total: number;
  correct: number;
  perClass: Record<Polarity, { precision: number; recall: number; f1: number; support: number }>;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function prf(truePositives: number, falsePositives: number, falseNegatives: number): PrfScores {
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { precision, recall, f1, truePositives, falsePositives, falseNegatives };
}

const spanKey = (s: CharSpan): string => `${s.from}:${s.to}`;
const labelledKey = (s: CharSpan & { polarity: string }): string => `${s.from}:${s.to}:${s.polarity}`;

function countMatches(gold: Set<string>, predicted: Set<string>): [number, number, number] {
  let tp = 0;
  for (const key of predicted) if (gold.has(key)) tp++;
  return [tp, predicted.size - tp, gold.size - tp];
}

/** ATE: one entry per sentence. */
export function aspectExtractionScores(
  sentences: readonly { gold: readonly CharSpan[]; predicted: readonly CharSpan[] }[],
): PrfScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of sentences) {
    const [t, p, n] = countMatches(new Set(s.gold.map(spanKey)), new Set(s.predicted.map(spanKey)));
    tp += t;
    fp += p;
    fn += n;
  }
  return prf(tp, fp, fn);
}

/** E2E: one entry per sentence; gold conflict terms are excluded from the gold set. */
export function endToEndScores(
  sentences: readonly { gold: readonly GoldAspect[]; predicted: readonly PredictedAspect[] }[],
): PrfScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of sentences) {
    const gold = new Set(s.gold.filter((g) => g.polarity !== 'conflict').map(labelledKey));
    const [t, p, n] = countMatches(gold, new Set(s.predicted.map(labelledKey)));
    tp += t;
    fp += p;
    fn += n;
  }
  return prf(tp, fp, fn);
}

/** APC: one pair per gold term; pairs whose gold is conflict are skipped. */
export function polarityClassificationScores(
  pairs: readonly { gold: GoldPolarity; predicted: Polarity }[],
): ClassificationScores {
  const tp = new Map<Polarity, number>();
  const goldCount = new Map<Polarity, number>();
  const predCount = new Map<Polarity, number>();
  let total = 0;
  let correct = 0;
  for (const { gold, predicted } of pairs) {
    if (gold === 'conflict') continue;
    total++;
    goldCount.set(gold, (goldCount.get(gold) ?? 0) + 1);
    predCount.set(predicted, (predCount.get(predicted) ?? 0) + 1);
    if (gold === predicted) {
      correct++;
      tp.set(gold, (tp.get(gold) ?? 0) + 1);
    }
  }
  const perClass = {} as ClassificationScores['perClass'];
  let f1Sum = 0;
  for (const p of POLARITIES) {
    const t = tp.get(p) ?? 0;
    const support = goldCount.get(p) ?? 0;
    const precision = ratio(t, predCount.get(p) ?? 0);
    const recall = ratio(t, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[p] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return { accuracy: ratio(correct, total), macroF1: f1Sum / POLARITIES.length, total, correct, perClass };
}

/**
 * Opinion pairs and triplets (ASTE): a pair is (aspect span, opinion span), a triplet adds the
 * aspect's polarity; both exact. Predicted pairs come from analyze mode (each found aspect with each
 * of its opinion spans), so aspect extraction errors count here too, as in the ASTE literature.
 */
export interface Triplet {
  aspect: CharSpan;
  opinion: CharSpan;
  polarity: Polarity;
}

export function tripletScores(
  sentences: readonly { gold: readonly Triplet[]; predicted: readonly Triplet[] }[],
): { pairs: PrfScores; triplets: PrfScores } {
  const pairKey = (t: Triplet): string => `${spanKey(t.aspect)}|${spanKey(t.opinion)}`;
  const counts = { pairs: [0, 0, 0], triplets: [0, 0, 0] };
  for (const s of sentences) {
    const add = (into: number[], [t, p, n]: [number, number, number]): void => {
      into[0]! += t;
      into[1]! += p;
      into[2]! += n;
    };
    add(counts.pairs, countMatches(new Set(s.gold.map(pairKey)), new Set(s.predicted.map(pairKey))));
    const tripletKey = (t: Triplet): string => `${pairKey(t)}|${t.polarity}`;
    add(counts.triplets, countMatches(new Set(s.gold.map(tripletKey)), new Set(s.predicted.map(tripletKey))));
  }
  const [pt, pp, pn] = counts.pairs as [number, number, number];
  const [tt, tp, tn] = counts.triplets as [number, number, number];
  return { pairs: prf(pt, pp, pn), triplets: prf(tt, tp, tn) };
}

/**
 * Category classification of gold aspect terms: accuracy, and macro F1 over the categories that
 * occur in the gold labels (a category only ever predicted lowers precision elsewhere but adds no
 * class of its own, so the average is over what the data labels).
 */
export function categoryScores(pairs: readonly { gold: string; predicted: string }[]): {
  accuracy: number;
  macroF1: number;
  total: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
} {
  const tp = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  let correct = 0;
  for (const { gold, predicted } of pairs) {
    goldCount.set(gold, (goldCount.get(gold) ?? 0) + 1);
    predCount.set(predicted, (predCount.get(predicted) ?? 0) + 1);
    if (gold === predicted) {
      correct++;
      tp.set(gold, (tp.get(gold) ?? 0) + 1);
    }
  }
  const perClass: Record<string, { precision: number; recall: number; f1: number; support: number }> = {};
  let f1Sum = 0;
  const labels = [...goldCount.keys()].sort();
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const support = goldCount.get(label)!;
    const precision = ratio(t, predCount.get(label) ?? 0);
    const recall = ratio(t, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    accuracy: ratio(correct, pairs.length),
    macroF1: ratio(f1Sum, labels.length),
    total: pairs.length,
    perClass,
  };
}

/**
 * Challenge-set scores per phenomenon. Checks: each gold aspect (its targeted polarity is the gold
 * one) and each span that must not be an aspect (no predicted aspect overlaps it). span_recall: the
 * share of gold aspects analyze mode finds with exactly the gold span.
 */
export interface ChallengeSentence {
  phenomenon: string;
  gold: readonly GoldAspect[];
  notAspects: readonly CharSpan[];
  /** targeted-mode polarity per gold aspect, same order as gold */
  targeted: readonly Polarity[];
  /** analyze-mode aspects */
  predicted: readonly CharSpan[];
}

export interface PhenomenonScores {
  sentences: number;
  checks: number;
  accuracy: number;
  span_recall: number;
}

export function challengeScores(sentences: readonly ChallengeSentence[]): {
  overall: PhenomenonScores;
  phenomena: Record<string, PhenomenonScores>;
} {
  const acc = new Map<
    string,
    { sentences: number; checks: number; passed: number; gold: number; found: number }
  >();
  const total = { sentences: 0, checks: 0, passed: 0, gold: 0, found: 0 };
  for (const s of sentences) {
    let a = acc.get(s.phenomenon);
    if (!a) acc.set(s.phenomenon, (a = { sentences: 0, checks: 0, passed: 0, gold: 0, found: 0 }));
    const predicted = new Set(s.predicted.map(spanKey));
    let checks = 0;
    let passed = 0;
    let found = 0;
    s.gold.forEach((g, i) => {
      if (g.polarity === 'conflict') return;
      checks++;
      if (s.targeted[i] === g.polarity) passed++;
      if (predicted.has(spanKey(g))) found++;
    });
    const gold = checks;
    for (const n of s.notAspects) {
      checks++;
      if (!s.predicted.some((p) => p.from < n.to && n.from < p.to)) passed++;
    }
    for (const into of [a, total]) {
      into.sentences++;
      into.checks += checks;
      into.passed += passed;
      into.gold += gold;
      into.found += found;
    }
  }
  const scores = (x: typeof total): PhenomenonScores => ({
    sentences: x.sentences,
    checks: x.checks,
    accuracy: ratio(x.passed, x.checks),
    span_recall: ratio(x.found, x.gold),
  });
  const phenomena: Record<string, PhenomenonScores> = {};
  for (const key of [...acc.keys()].sort()) phenomena[key] = scores(acc.get(key)!);
  return { overall: scores(total), phenomena };
}
