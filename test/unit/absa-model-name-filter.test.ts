import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelArtifactError } from '../../stream-processors/absa/model/model-artifact.js';
import { caseFlags, NameFilter, NAME_FILE } from '../../stream-processors/absa/model/name-filter.js';
import { WordPieceTokenizer } from '../../stream-processors/absa/model/tokenizer.js';

const HIDDEN = 2;
const SIZE = 3 * HIDDEN + 11;

function filterWith(weights: number[], bias = 0): NameFilter {
  const dir = mkdtempSync(path.join(tmpdir(), 'absa-names-'));
  try {
    writeFileSync(
      path.join(dir, NAME_FILE),
      JSON.stringify({ format: 'span-logistic-1', threshold: 0.5, bias, weights }),
    );
    return NameFilter.load(dir, HIDDEN)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const logit = (p: number) => Math.log(p / (1 - p));

describe('ABSA name filter (names.json)', () => {
  const tokenizer = WordPieceTokenizer.fromFile(
    path.resolve('models/absa/minilm-absa-en-1.0.0/tokenizer.json'),
  );

  it('flags capitals by where the word stands: mid-sentence, at a start, all capitals, mixed, digits', () => {
    const text = 'Harbor Sushi beats QuickBank. "Great" SUSHI, QC45 and 2024.';
    const flags = (word: string) => caseFlags(text, text.indexOf(word), text.indexOf(word) + word.length);
    expect(flags('Harbor')).to.deep.equal([0, 1, 0, 0, 0]);
    expect(flags('Sushi')).to.deep.equal([1, 0, 0, 0, 0]);
    expect(flags('QuickBank')).to.deep.equal([1, 0, 0, 1, 0]);
    expect(flags('Great')).to.deep.equal([0, 1, 0, 0, 0]); // after a full stop and a quote
    expect(flags('SUSHI')).to.deep.equal([1, 0, 1, 0, 0]);
    expect(flags('QC45')).to.deep.equal([1, 0, 1, 1, 0]);
    expect(flags('2024')).to.deep.equal([0, 0, 0, 0, 1]);
    expect(flags('beats')).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('reads the span’s words, the words either side and the case flags where train_names.py puts them', async () => {
    const text = 'we love Lotus Garden dumplings';
    const tokens = await tokenizer.encode(text);
    // one state per window row ([CLS], pieces, [SEP]): [row, 1]
    const states = Float32Array.from({ length: (tokens.ids.length + 2) * HIDDEN }, (_, i) =>
      i % HIDDEN === 0 ? i / HIDDEN : 1,
    );
    const window = { tokens, start: 0, end: tokens.ids.length, states };
    const piece = (word: string) => [...tokens.starts].indexOf(text.indexOf(word));
    const [from, to] = [piece('Lotus'), piece('dumplings')]; // "Lotus Garden"
    const p = (weights: number[]) => filterWith(weights).probability(window, text, from, to);
    const only = (index: number, value = 1) =>
      Array.from({ length: SIZE }, (_, i) => (i === index ? value : 0));

    const firstPieceRow = (word: string) => piece(word) + 1; // [CLS] is row 0
    expect(logit(p(only(0)))).to.be.closeTo((firstPieceRow('Lotus') + firstPieceRow('Garden')) / 2, 1e-4);
    expect(logit(p(only(HIDDEN)))).to.be.closeTo(firstPieceRow('love'), 1e-4);
    expect(logit(p(only(2 * HIDDEN)))).to.be.closeTo(firstPieceRow('dumplings'), 1e-4);
    expect(logit(p(only(3 * HIDDEN)))).to.be.closeTo(1, 1e-6); // both words capitalised mid-sentence
    expect(logit(p(only(3 * HIDDEN + 5)))).to.be.closeTo(1, 1e-6); // their max
    expect(logit(p(only(3 * HIDDEN + 10)))).to.be.closeTo(2 / 5, 1e-6); // two words
    // the word before the text's first word is past the window: zeros
    expect(logit(filterWith(only(HIDDEN)).probability(window, text, 0, 1))).to.equal(0);
  });

  it('says what is wrong with a file whose weights do not fit the model', () => {
    expect(() => filterWith([1, 2, 3])).to.throw(
      ModelArtifactError,
      /has 3 weights, the model's states need 17/,
    );
  });
});
