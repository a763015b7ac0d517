import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OnnxSentimentModel } from '../../stream-processors/absa/model/onnx-sentiment-model.js';

/*
 * The fixtures (test/fixtures/absa-model/make_fixtures.py) are lookup tables: aspect words (pasta,
 * waiter, service, food, battery life, tiramisu, crème brûlée, ...) get B/I tags; opinion words (great,
 * rude, ...) drive polarity_logits; a marked target adds its own bias (waiter, service, staff, price:
 * negative; pasta, food, battery, tiramisu, crème brûlée: positive; screen, keyboard: neutral).
 * max_tokens is 16 (14 content tokens), overlap 4, so short sentences already need several windows.
 */
const FIXTURES = path.resolve('test/fixtures/absa-model');
const EXAMPLE = 'The pasta was great but the waiter was rude.';

const spans = (aspects: { term: string; from: number; to: number; polarity: string }[]) =>
  aspects.map((a) => [a.term, a.from, a.to, a.polarity]);

describe('ABSA model on ONNX Runtime', () => {
  let model: OnnxSentimentModel;
  before(async () => {
    model = await OnnxSentimentModel.load(path.join(FIXTURES, 'tiny-bio'), { threads: 1, batchSize: 4 });
  });
  after(() => model.close());

  describe('analyze', () => {
    it('finds the aspects with exact offsets and their targeted polarity', async () => {
      const [analysis] = await model.analyze([EXAMPLE]);
      expect(spans(analysis!.aspects)).to.deep.equal([
        ['pasta', 4, 9, 'positive'],
        ['waiter', 28, 34, 'negative'],
      ]);
      for (const a of analysis!.aspects) {
        expect(EXAMPLE.slice(a.from, a.to)).to.equal(a.term);
        expect(a.confidence).to.be.closeTo(Math.exp(4) / (Math.exp(4) + 2), 1e-6);
      }
    });

    it('keeps offsets exact after emoji and covers multi-word and sub-word aspects whole', async () => {
      const text = 'I 😀😀 love the Tiramisu, 𝔘 Crème Brûlée and battery life! 👍🏽';
      const [analysis] = await model.analyze([text]);
      expect(analysis!.aspects.map((a) => a.term)).to.deep.equal([
        'Tiramisu',
        'Crème Brûlée',
        'battery life',
      ]);
      for (const a of analysis!.aspects) expect(text.slice(a.from, a.to)).to.equal(a.term);
    });

    it('gives the sentence sentiment with no target marked', async () => {
      const [good, bad, flat] = await model.analyze([
        'The food was great and tasty.',
        'It was slow, cold and rude.',
        'It was a screen.',
      ]);
      expect(good!.sentiment.polarity).to.equal('positive');
      expect(bad!.sentiment.polarity).to.equal('negative');
      const { negative, neutral, positive } = flat!.sentiment.scores;
      expect([negative, neutral, positive].map((p) => Math.round(p * 1000) / 1000)).to.deep.equal([
        0.333, 0.333, 0.333,
      ]);
      expect(good!.sentiment.scores.positive).to.be.greaterThan(0.9);
      const sum = Object.values(bad!.sentiment.scores).reduce((a, b) => a + b, 0);
      expect(sum).to.be.closeTo(1, 1e-6);
    });

    it('finds each aspect of a text longer than max_tokens exactly once, wherever the windows cut', async () => {
      // shift two multi-token aspects across every window boundary
      const texts: string[] = [];
      for (let shift = 0; shift < 30; shift++) {
        texts.push(`${'it was the '.repeat(shift)}crème brûlée and the battery life, so the waiter was too.`);
      }
      const results = await model.analyze(texts);
      results.forEach((analysis, k) => {
        const text = texts[k]!;
        expect(spans(analysis.aspects), `shift ${k}`).to.deep.equal([
          ['crème brûlée', text.indexOf('crème'), text.indexOf(' and'), 'positive'],
          ['battery life', text.indexOf('battery'), text.indexOf(','), 'positive'],
          ['waiter', text.indexOf('waiter'), text.indexOf('waiter') + 6, 'negative'],
        ]);
      });
    });

    it('returns results in input order whatever the batching by length', async () => {
      const texts = [
        EXAMPLE,
        '',
        'pasta',
        `${'the food was good and '.repeat(12)}the staff was rude.`,
        'The keyboard is bad.',
        EXAMPLE.toUpperCase(),
        'Great service!',
      ];
      const together = await model.analyze(texts);
      const alone = await Promise.all(texts.map(async (t) => (await model.analyze([t]))[0]));
      expect(together).to.deep.equal(alone);
      expect(together[1]!.aspects).to.deep.equal([]);
      expect(together[5]!.aspects.map((a) => a.term)).to.deep.equal(['PASTA', 'WAITER']);
    });

    it('answers an empty list with an empty list', async () => {
      expect(await model.analyze([])).to.deep.equal([]);
    });

    it('drops spans under the artifact’s aspect_min_confidence', async () => {
      const parent = mkdtempSync(path.join(tmpdir(), 'absa-threshold-'));
      try {
        const dir = path.join(parent, 'strict');
        cpSync(path.join(FIXTURES, 'tiny-bio'), dir, { recursive: true });
        const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
        config.thresholds.aspect_min_confidence = 0.99;
        writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
        const strict = await OnnxSentimentModel.load(dir, { threads: 1 });
        const [analysis] = await strict.analyze([EXAMPLE]);
        await strict.close();
        expect(analysis!.aspects).to.deep.equal([]);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });
  });

  describe('sentiment (whole text, no aspects)', () => {
    it('gives the same sentiment as analyze, in input order, for short and windowed texts', async () => {
      const long = Array.from({ length: 40 }, () => 'The food was great and tasty.').join(' ');
      const texts = ['It was slow, cold and rude.', long, 'The food was great and tasty.'];
      const whole = await model.sentiment(texts);
      const analysed = await model.analyze(texts);
      expect(whole.map((s) => s.polarity)).to.deep.equal(['negative', 'positive', 'positive']);
      whole.forEach((s, k) => {
        expect(s.polarity).to.equal(analysed[k]!.sentiment.polarity);
        for (const p of ['negative', 'neutral', 'positive'] as const) {
          expect(s.scores[p]).to.be.closeTo(analysed[k]!.sentiment.scores[p], 1e-6);
        }
      });
      expect(await model.sentiment([])).to.deep.equal([]);
    });
  });

  describe('classify (targeted mode)', () => {
    it('gives the polarity towards each target, in order', async () => {
      const [results] = await model.classify([
        {
          text: EXAMPLE,
          targets: [
            { from: 28, to: 34 },
            { from: 4, to: 9 },
          ],
        },
      ]);
      expect(results!.map((r) => [r.from, r.to, r.polarity])).to.deep.equal([
        [28, 34, 'negative'],
        [4, 9, 'positive'],
      ]);
      expect(results![0]!.confidence).to.be.greaterThan(0.9);
    });

    const polarityOf = async (text: string, from: number, to: number) =>
      (await model.classify([{ text, targets: [{ from, to }] }]))[0]![0]!.polarity;

    it('marks every token the target overlaps, including a partly covered word', async () => {
      // "screen" marked: neutral bias 5 beats "great" 2
      expect(await polarityOf('the screen was great', 5, 8)).to.equal('neutral');
    });

    it('falls back to the sentence polarity when the target covers no token', async () => {
      expect(await polarityOf('great   food', 6, 7)).to.equal('positive');
    });

    it('classifies a target deep inside a text longer than max_tokens', async () => {
      const text = `${'it was the '.repeat(20)}waiter${' and it was'.repeat(20)}.`;
      const from = text.indexOf('waiter');
      expect(await polarityOf(text, from, from + 6)).to.equal('negative');
    });

    it('batches many requests and keeps their order', async () => {
      const requests = Array.from({ length: 25 }, (_, k) =>
        k % 2 === 0
          ? { text: `${'the '.repeat(k)}pasta`, targets: [{ from: 4 * k, to: 4 * k + 5 }] }
          : {
              text: `the waiter ${'was '.repeat(k)}`,
              targets: [
                { from: 4, to: 10 },
                { from: 0, to: 3 },
              ],
            },
      );
      const results = await model.classify(requests);
      results.forEach((r, k) => {
        expect(r.map((t) => t.polarity)).to.deep.equal(k % 2 === 0 ? ['positive'] : ['negative', 'negative']);
      });
    });

    it('rejects a target outside the text', async () => {
      const error = await model
        .classify([{ text: 'pasta', targets: [{ from: 2, to: 9 }] }])
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.include('requests[0].targets[0]');
    });
  });

  describe('with polarity-suffixed tags (analyze_polarity "tags")', () => {
    it('takes each aspect’s polarity from its tags, not from a second pass', async () => {
      const tags = await OnnxSentimentModel.load(path.join(FIXTURES, 'tiny-tags'), { threads: 1 });
      try {
        const [analysis] = await tags.analyze(['The waiter was great, the crème brûlée too; the keyboard?']);
        expect(analysis!.aspects.map((a) => [a.term, a.polarity])).to.deep.equal([
          ['waiter', 'negative'],
          ['crème brûlée', 'positive'],
          ['keyboard', 'neutral'],
        ]);
        expect(analysis!.sentiment.polarity).to.equal('positive');
      } finally {
        await tags.close();
      }
    });
  });

  describe('batch observer (onBatch)', () => {
    it('reports each ONNX run with its sequence count, batches capped at batchSize', async () => {
      const runs: Array<{ sequences: number; seconds: number }> = [];
      const observed = await OnnxSentimentModel.load(path.join(FIXTURES, 'tiny-bio'), {
        threads: 1,
        batchSize: 4,
        onBatch: (run) => runs.push(run),
      });
      try {
        // Six one-window sentences without aspects: one untargeted pass, no targeted pass.
        await observed.analyze(Array.from({ length: 6 }, () => 'It was slow, cold and rude.'));
        expect(runs.map((r) => r.sequences)).to.deep.equal([4, 2]);
        for (const r of runs) expect(r.seconds).to.be.greaterThan(0).and.lessThan(10);
      } finally {
        await observed.close();
      }
    });
  });
});
