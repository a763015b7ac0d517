import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WordPieceTokenizer } from '../../stream-processors/absa/model/tokenizer';

const TOKENIZER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../models/absa/e5-small-absa-koen-0.3.0/tokenizer.json',
);

describe('Korean model tokenizer (e5-small-absa-koen) in the ABSA runtime', () => {
  const tokenizer = WordPieceTokenizer.fromFile(TOKENIZER);

  it('loads with the special tokens the runtime asks for', () => {
    expect([tokenizer.clsId, tokenizer.padId, tokenizer.sepId]).to.deep.equal([0, 1, 2]);
  });

  it('gives UTF-16 offsets that slice Korean text exactly, after emoji too', async () => {
    const text = '😍👍 배터리가 오래가요 ㅋㅋ 화면은 별로';
    const t = await tokenizer.encode(text);
    const slices = [...t.ids].map((_, i) => text.slice(t.starts[i], t.ends[i]));
    expect(slices.join('')).to.include('배터리');
    expect(slices).to.include('가');
    expect(slices).to.include('은');
    // every aspect noun starts and ends on token boundaries, so a tagger can find it whole
    for (const noun of ['배터리', '화면']) {
      const from = text.indexOf(noun);
      expect([...t.starts], noun).to.include(from);
      expect([...t.ends], noun).to.include(from + noun.length);
    }
  });

  it('splits a particle off as its own word, so word-level span decoding stops at the noun', async () => {
    const text = '고기가 맛있어요';
    const t = await tokenizer.encode(text);
    const ga = [...t.ids].findIndex((_, i) => text.slice(t.starts[i], t.ends[i]) === '가');
    expect(ga).to.be.greaterThan(0);
    expect(t.wordStarts[ga]).to.equal(1);
    expect(text.slice(0, t.starts[ga])).to.equal('고기');
  });
});
