import { expect } from 'chai';
import path from 'node:path';
import {
  decodeBio,
  decodeBioWords,
  isOpinionTerm,
  trimSpan,
} from '../../stream-processors/absa/model/bio-decoder.js';
import { parseTagScheme } from '../../stream-processors/absa/model/model-artifact.js';
import { WordPieceTokenizer } from '../../stream-processors/absa/model/tokenizer.js';

const BIO = parseTagScheme(['O', 'B', 'I']);
const UNIFIED = parseTagScheme([
  'O',
  'B-negative',
  'I-negative',
  'B-neutral',
  'I-neutral',
  'B-positive',
  'I-positive',
]);
const [O, B, I] = [0, 1, 2];

function decode(tags: number[], probs?: number[], scheme = BIO) {
  return decodeBio(tags, probs ?? tags.map(() => 1), scheme).map((s) => ({
    ...s,
    confidence: Math.round(s.confidence * 1000) / 1000,
  }));
}

describe('ABSA model BIO decoding', () => {
  it('turns B and following I tags into one span per aspect', () => {
    expect(decode([O, B, I, O, B, O]).map((s) => [s.start, s.end])).to.deep.equal([
      [1, 3],
      [4, 5],
    ]);
  });

  it('starts a span at an I that follows O or begins the text', () => {
    expect(decode([I, I, O, I]).map((s) => [s.start, s.end])).to.deep.equal([
      [0, 2],
      [3, 4],
    ]);
  });

  it('splits two adjacent B tags into two spans', () => {
    expect(decode([B, B, I]).map((s) => [s.start, s.end])).to.deep.equal([
      [0, 1],
      [1, 3],
    ]);
  });

  it('closes a span that runs to the end of the text', () => {
    expect(decode([O, O, B, I]).map((s) => [s.start, s.end])).to.deep.equal([[2, 4]]);
  });

  it('finds nothing in an all-O or empty sequence', () => {
    expect(decode([O, O, O])).to.deep.equal([]);
    expect(decode([])).to.deep.equal([]);
  });

  it('decodes per token, as the model was trained (every word piece labelled)', () => {
    // "cr ##eme br ##ulee" with ##ulee tagged O: the span stops inside the word, as the tags say
    expect(decode([B, I, I, O]).map((s) => [s.start, s.end])).to.deep.equal([[0, 3]]);
  });

  it('scores a span by the mean probability of its tokens’ predicted tags', () => {
    const [span] = decode([O, B, I, I, O], [0.9, 0.9, 0.6, 0.3, 0.9]);
    expect(span!.confidence).to.equal(0.6);
  });

  it('reports no polarity for plain BIO tags', () => {
    expect(decode([B])[0]!.polarity).to.equal(-1);
  });

  it('takes the polarity of unified tags by probability-weighted vote over the span’s tokens', () => {
    const [bPos, iPos, bNeg, iNeg] = [5, 6, 1, 2];
    const spans = decode([bPos, iNeg, iNeg, O, bNeg, iPos], [0.9, 0.4, 0.4, 1, 0.5, 0.9], UNIFIED);
    expect(spans.map((s) => [s.start, s.end, s.polarity])).to.deep.equal([
      [0, 3, 2], // positive 0.9 > negative 0.8
      [4, 6, 2], // positive 0.9 > negative 0.5
    ]);
    expect(decode([iNeg], [0.7], UNIFIED)[0]!.polarity).to.equal(0);
  });
});

describe('ABSA model BIO decoding over words', () => {
  // "the wi ##fi signal": word starts at 0, 1, 3; the pieces of "wifi" are tokens 1-2.
  const wordStarts = [1, 1, 0, 1];

  it('takes each word’s tag from its first piece and covers the word’s pieces whole', () => {
    const spans = decodeBioWords([O, B, O, O], [1, 0.8, 0.9, 1], wordStarts, BIO);
    expect(spans).to.deep.equal([{ start: 1, end: 3, confidence: 0.8, polarity: -1 }]);
  });

  it('ignores the tags of continuing pieces', () => {
    expect(decodeBioWords([O, O, B, O], [1, 1, 1, 1], wordStarts, BIO)).to.deep.equal([]);
  });

  it('runs a span across words to the end of the text', () => {
    const spans = decodeBioWords([O, B, I, I], [1, 0.6, 0.7, 1], wordStarts, BIO);
    expect(spans.map((s) => [s.start, s.end])).to.deep.equal([[1, 4]]);
    expect(spans[0]!.confidence).to.be.closeTo(0.8, 1e-9);
  });
});

describe('ABSA model span trimming', () => {
  const tokenizer = WordPieceTokenizer.fromFile(
    path.resolve('models/absa/minilm-absa-en-1.0.0/tokenizer.json'),
  );

  /** the span of the pieces inside `raw` (its first occurrence in the text), trimmed */
  async function trimmed(text: string, raw: string): Promise<string> {
    const t = await tokenizer.encode(text);
    const from = text.indexOf(raw);
    const inside = [...t.starts].flatMap((s, i) => (s >= from && t.ends[i]! <= from + raw.length ? [i] : []));
    const span = { start: inside[0]!, end: inside.at(-1)! + 1, confidence: 0.9, polarity: -1 };
    const s = trimSpan(span, t.starts, t.ends, text);
    expect(s.confidence).to.equal(0.9);
    return s.end > s.start ? text.slice(t.starts[s.start]!, t.ends[s.end - 1]!) : '';
  }

  it('drops a possessive the tagger let the span start with', async () => {
    expect(await trimmed("Mama Rosa's pizza is the best.", "'s pizza")).to.equal('pizza');
    expect(await trimmed('Mama Rosa’s pizza is the best.', 's pizza')).to.equal('pizza');
  });

  it('keeps an "s" that is a word of its own, and brackets that close inside the span', async () => {
    expect(await trimmed('The s pen works.', 's pen')).to.equal('s pen');
    expect(await trimmed('The wi-fi (5 GHz). It drops.', 'wi-fi (5 GHz).')).to.equal('wi-fi (5 GHz)');
  });

  it('drops punctuation at either end, and a span of punctuation only', async () => {
    expect(await trimmed('Great battery, poor screen.', 'battery,')).to.equal('battery');
    expect(await trimmed('"Screen" is fine.', '"Screen"')).to.equal('Screen');
    expect(await trimmed('Fine... really.', '...')).to.equal('');
  });
});

describe('ABSA model opinion terms', () => {
  it('drops a span of function words, greetings or numbers only', () => {
    for (const term of ['up', 'hello', "didn't", 'didn', 'for', 'back to', '2', '3.5', "it's", '—'])
      expect(isOpinionTerm(term), term).to.equal(false);
  });

  it('keeps a span with a word that says something, an emoji, negations and the words ASTE marks alone', () => {
    for (const term of [
      'rude',
      'not good',
      "didn't work",
      'up to date',
      'ok',
      'no',
      'a must',
      'Overpriced!',
      'mür',
      '😍',
      '👎🏽',
    ])
      expect(isOpinionTerm(term), term).to.equal(true);
  });
});
