import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { readAbsaJsonl } from '../../stream-processors/absa/model/cli/cli-support.js';

const DIR = path.resolve('models/absa-challenge');
const PHENOMENA = [
  'negated_negative',
  'double_negation',
  'implicit',
  'contrast',
  'comparative',
  'emoji',
  'sarcasm',
  'multi_word',
  'misspelling',
  'entity_not_aspect',
  'long',
];

interface Line {
  id: string;
  text: string;
  phenomenon: string;
  aspects: { term: string; from: number; to: number; polarity: string }[];
  not_aspects?: { term: string; from: number; to: number }[];
}

const read = (half: string): Line[] =>
  readFileSync(path.join(DIR, `challenge-${half}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);

describe('ABSA challenge set', () => {
  const dev = read('dev');
  const test = read('test');

  it('has at least 400 sentences, split into two halves that share no text', () => {
    expect(dev.length + test.length).to.be.at.least(400);
    const devTexts = new Set(dev.map((l) => l.text));
    expect(test.filter((l) => devTexts.has(l.text))).to.deep.equal([]);
    expect(new Set([...dev, ...test].map((l) => l.id)).size).to.equal(dev.length + test.length);
  });

  it('covers every phenomenon in both halves, with at least 15 sentences each', () => {
    for (const half of [dev, test]) {
      for (const p of PHENOMENA) expect(half.filter((l) => l.phenomenon === p).length, p).to.be.at.least(15);
      expect(half.every((l) => PHENOMENA.includes(l.phenomenon))).to.equal(true);
    }
  });

  it('has offsets that slice the text (UTF-16, also after emoji) and a polarity on every aspect', () => {
    for (const line of [...dev, ...test]) {
      expect(line.aspects.length, line.id).to.be.greaterThan(0);
      for (const a of line.aspects) {
        expect(line.text.slice(a.from, a.to), line.id).to.equal(a.term);
        expect(['positive', 'negative', 'neutral']).to.include(a.polarity);
      }
      for (const n of line.not_aspects ?? []) expect(line.text.slice(n.from, n.to), line.id).to.equal(n.term);
    }
    // the emoji sentences are where Python and JavaScript string indices would part
    expect(dev.some((l) => /\p{Extended_Pictographic}/u.test(l.text))).to.equal(true);
  });

  it('is read by the evaluation CLI without errors, keeping phenomenon and not_aspects', () => {
    const records = readAbsaJsonl(path.join(DIR, 'challenge-test.jsonl'), { requireAspects: true });
    expect(records).to.have.length(test.length);
    const entity = records.find((r) => r.phenomenon === 'entity_not_aspect' && r.notAspects?.length);
    expect(entity, 'an entity_not_aspect sentence with not_aspects').to.not.equal(undefined);
  });
});
