import { expect } from 'chai';
import { goldCategories, type AbsaRecord } from '../../stream-processors/absa/model/cli/cli-support.js';
import {
  categoryScores,
  challengeScores,
  tripletScores,
} from '../../stream-processors/absa/model/metrics.js';

const span = (from: number, to: number) => ({ from, to });

describe('ABSA evaluation metrics: opinions, categories, challenge set', () => {
  describe('opinion pairs and triplets', () => {
    it('needs both spans exact for a pair and the polarity as well for a triplet', () => {
      const gold = [
        { aspect: span(4, 9), opinion: span(14, 19), polarity: 'positive' as const },
        { aspect: span(28, 34), opinion: span(39, 43), polarity: 'negative' as const },
      ];
      const { pairs, triplets } = tripletScores([
        {
          gold,
          predicted: [
            { aspect: span(4, 9), opinion: span(14, 19), polarity: 'positive' }, // right
            { aspect: span(28, 34), opinion: span(39, 43), polarity: 'neutral' }, // pair right, polarity wrong
            { aspect: span(28, 34), opinion: span(35, 43), polarity: 'negative' }, // opinion span too long
          ],
        },
      ]);
      expect([pairs.truePositives, pairs.falsePositives, pairs.falseNegatives]).to.deep.equal([2, 1, 0]);
      expect(pairs.f1).to.be.closeTo(0.8, 1e-9);
      expect([triplets.truePositives, triplets.falsePositives, triplets.falseNegatives]).to.deep.equal([
        1, 2, 1,
      ]);
      expect(triplets.precision).to.be.closeTo(1 / 3, 1e-9);
      expect(triplets.recall).to.be.closeTo(0.5, 1e-9);
    });

    it('scores no predictions as 0, not as an error', () => {
      const { triplets } = tripletScores([
        { gold: [{ aspect: span(0, 1), opinion: span(2, 3), polarity: 'positive' }], predicted: [] },
      ]);
      expect(triplets.f1).to.equal(0);
      expect(triplets.falseNegatives).to.equal(1);
    });
  });

  describe('categories', () => {
    it('gives accuracy and macro F1 over the categories the gold labels use', () => {
      const s = categoryScores([
        { gold: 'food', predicted: 'food' },
        { gold: 'food', predicted: 'food' },
        { gold: 'food', predicted: 'service' },
        { gold: 'service', predicted: 'service' },
        { gold: 'price', predicted: 'drinks' }, // drinks is never gold: no class of its own
      ]);
      expect(s.accuracy).to.be.closeTo(3 / 5, 1e-9);
      expect(Object.keys(s.perClass)).to.deep.equal(['food', 'price', 'service']);
      // food P 1 R 2/3 -> 0.8; service P 1/2 R 1 -> 2/3; price 0
      expect(s.macroF1).to.be.closeTo((0.8 + 2 / 3 + 0) / 3, 1e-9);
    });
  });

  describe('gold categories of aspect terms', () => {
    const record = (over: Partial<AbsaRecord>): AbsaRecord => ({
      id: 1,
      text: 'The pasta and the wine were great.',
      aspects: [{ term: 'pasta', from: 4, to: 9, polarity: 'positive' }],
      line: 1,
      ...over,
    });

    it('takes a SemEval-14 sentence category only when the sentence has one term and one category', () => {
      expect(goldCategories(record({ categories: ['food'] }))).to.deep.equal(['food']);
      expect(goldCategories(record({ categories: ['food', 'price'] }))).to.deep.equal([undefined]);
      const two = record({
        categories: ['food'],
        aspects: [
          { term: 'pasta', from: 4, to: 9, polarity: 'positive' },
          { term: 'wine', from: 18, to: 22, polarity: 'positive' },
        ],
      });
      expect(goldCategories(two)).to.deep.equal([undefined, undefined]);
    });

    it('takes SemEval-15/16 categories from the opinion tuples on the same span', () => {
      const r = record({
        categories: ['FOOD#QUALITY', 'DRINKS#QUALITY'],
        aspects: [
          { term: 'pasta', from: 4, to: 9, polarity: 'positive' },
          { term: 'wine', from: 18, to: 22, polarity: 'positive' },
        ],
        targetCategories: [
          { from: 4, to: 9, category: 'FOOD#QUALITY' },
          { from: 18, to: 22, category: 'DRINKS#QUALITY' },
          { from: 18, to: 22, category: 'DRINKS#PRICES' },
        ],
      });
      // the wine span has two categories: not one label
      expect(goldCategories(r)).to.deep.equal(['FOOD#QUALITY', undefined]);
    });
  });

  describe('challenge set', () => {
    it('counts polarity checks and not-an-aspect checks per phenomenon', () => {
      const { overall, phenomena } = challengeScores([
        {
          phenomenon: 'entity_not_aspect',
          gold: [{ from: 20, to: 25, polarity: 'positive' }],
          notAspects: [span(0, 12)],
          targeted: ['positive'],
          predicted: [span(0, 6), span(20, 25)], // "Harbor" overlaps the entity name: that check fails
        },
        {
          phenomenon: 'negated_negative',
          gold: [{ from: 4, to: 11, polarity: 'positive' }],
          notAspects: [],
          targeted: ['negative'],
          predicted: [span(4, 11)],
        },
        {
          phenomenon: 'negated_negative',
          gold: [{ from: 4, to: 9, polarity: 'positive' }],
          notAspects: [],
          targeted: ['positive'],
          predicted: [span(4, 8)],
        },
      ]);
      expect(phenomena.entity_not_aspect).to.deep.equal({
        sentences: 1,
        checks: 2,
        accuracy: 0.5,
        span_recall: 1,
      });
      expect(phenomena.negated_negative).to.deep.equal({
        sentences: 2,
        checks: 2,
        accuracy: 0.5,
        span_recall: 0.5,
      });
      expect(overall.checks).to.equal(4);
      expect(overall.accuracy).to.equal(0.5);
      expect(overall.span_recall).to.be.closeTo(2 / 3, 1e-9);
    });
  });
});
