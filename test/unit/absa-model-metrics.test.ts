import { expect } from 'chai';
import {
  aspectExtractionScores,
  endToEndScores,
  polarityClassificationScores,
  type GoldAspect,
  type PredictedAspect,
} from '../../stream-processors/absa/model/metrics.js';

const g = (from: number, to: number, polarity: GoldAspect['polarity'] = 'positive'): GoldAspect => ({
  from,
  to,
  polarity,
});
const p = (
  from: number,
  to: number,
  polarity: PredictedAspect['polarity'] = 'positive',
): PredictedAspect => ({
  from,
  to,
  polarity,
});

describe('ABSA model evaluation metrics', () => {
  describe('aspect term extraction', () => {
    it('scores exact span matches over all sentences', () => {
      const s = aspectExtractionScores([
        { gold: [g(0, 5), g(10, 15)], predicted: [p(0, 5), p(10, 14)] }, // one right, one boundary miss
        { gold: [g(3, 8)], predicted: [p(3, 8), p(20, 25)] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([2, 2, 1]);
      expect(s.precision).to.equal(0.5);
      expect(s.recall).to.equal(2 / 3);
      expect(s.f1).to.be.closeTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 1e-12);
    });

    it('counts a span listed twice (two polarities) once, on either side', () => {
      const s = aspectExtractionScores([
        { gold: [g(0, 5, 'positive'), g(0, 5, 'negative')], predicted: [p(0, 5), p(0, 5, 'negative')] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([1, 0, 0]);
      expect(s.f1).to.equal(1);
    });

    it('keeps conflict terms as gold spans', () => {
      const s = aspectExtractionScores([{ gold: [g(0, 5, 'conflict')], predicted: [p(0, 5)] }]);
      expect(s.f1).to.equal(1);
    });

    it('counts predictions on sentences without gold as false positives, and 0/0 as 0', () => {
      const s = aspectExtractionScores([
        { gold: [], predicted: [p(0, 4)] },
        { gold: [], predicted: [] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([0, 1, 0]);
      expect([s.precision, s.recall, s.f1]).to.deep.equal([0, 0, 0]);
      const none = aspectExtractionScores([]);
      expect([none.precision, none.recall, none.f1]).to.deep.equal([0, 0, 0]);
    });

    it('matches spans per sentence, not across sentences', () => {
      const s = aspectExtractionScores([
        { gold: [g(0, 5)], predicted: [] },
        { gold: [], predicted: [p(0, 5)] },
      ]);
      expect(s.truePositives).to.equal(0);
    });
  });

  describe('end-to-end', () => {
    it('needs span and polarity both right', () => {
      const s = endToEndScores([
        { gold: [g(0, 5, 'positive'), g(10, 15, 'negative')], predicted: [p(0, 5), p(10, 15)] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([1, 1, 1]);
      expect(s.f1).to.equal(0.5);
    });

    it('drops conflict terms from gold and counts a prediction on one as a false positive', () => {
      const s = endToEndScores([
        { gold: [g(0, 5, 'conflict'), g(10, 15, 'neutral')], predicted: [p(0, 5), p(10, 15, 'neutral')] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([1, 1, 0]);
      expect(s.precision).to.equal(0.5);
      expect(s.recall).to.equal(1);
    });

    it('treats a span gold twice with two polarities as two gold terms', () => {
      const s = endToEndScores([
        { gold: [g(0, 5, 'positive'), g(0, 5, 'negative')], predicted: [p(0, 5, 'negative')] },
      ]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives]).to.deep.equal([1, 0, 1]);
    });

    it('scores only conflict gold and no predictions as all zero', () => {
      const s = endToEndScores([{ gold: [g(0, 5, 'conflict')], predicted: [] }]);
      expect([s.truePositives, s.falsePositives, s.falseNegatives, s.f1]).to.deep.equal([0, 0, 0, 0]);
    });
  });

  describe('aspect polarity classification', () => {
    it('gives accuracy and macro F1 over the classes present', () => {
      const s = polarityClassificationScores([
        { gold: 'positive', predicted: 'positive' },
        { gold: 'positive', predicted: 'negative' },
        { gold: 'negative', predicted: 'negative' },
        { gold: 'neutral', predicted: 'positive' },
      ]);
      expect(s.accuracy).to.equal(0.5);
      // positive: P 1/2 R 1/2 F 1/2; negative: P 1/2 R 1 F 2/3; neutral: P 0 R 0 F 0
      expect(s.macroF1).to.be.closeTo((0.5 + 2 / 3 + 0) / 3, 1e-12);
      expect(s.perClass.negative.support).to.equal(1);
    });

    it('leaves gold conflict terms out', () => {
      const s = polarityClassificationScores([
        { gold: 'conflict', predicted: 'positive' },
        { gold: 'negative', predicted: 'negative' },
      ]);
      expect([s.total, s.correct, s.accuracy]).to.deep.equal([1, 1, 1]);
    });

    it('averages over all three polarities, as the training evaluator does', () => {
      const s = polarityClassificationScores([{ gold: 'positive', predicted: 'positive' }]);
      expect(s.macroF1).to.equal(1 / 3);
      const wrong = polarityClassificationScores([{ gold: 'positive', predicted: 'neutral' }]);
      expect(wrong.macroF1).to.equal(0);
    });

    it('scores no terms as zero', () => {
      const s = polarityClassificationScores([]);
      expect([s.total, s.accuracy, s.macroF1]).to.deep.equal([0, 0, 0]);
    });
  });
});
