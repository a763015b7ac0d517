import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { readAbsaJsonl } from '../../stream-processors/absa/model/cli/cli-support.js';

const FILES = ['train.jsonl', 'written.jsonl', 'names.jsonl'];
const CHALLENGE = path.resolve('models/absa-challenge');
/** Case, punctuation and spacing do not make a sentence new (emoji do: they carry the opinion). */
const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();

/** Words that carry no topic of their own (negations included: they are what the data varies). */
const FUNCTION_WORDS = new Set(
  `a an the is was were are be been it its this that these those i we you my our your he she they their of to in
  on at for with and or but so as by from very really just not no never n't isn't wasn't weren't don't didn't
  doesn't can't couldn't wouldn't won't aren't have has had would could will can all any one some more most than
  then there here what when who how about after before over every only even too much also out up down get got like
  time`.split(/\s+/),
);
const contentWords = (text: string) =>
  new Set(
    (text.toLowerCase().match(/[a-z0-9']+/g) ?? []).filter((w) => w.length >= 3 && !FUNCTION_WORDS.has(w)),
  );
/** A rewording: three or more content words shared, and most of the shorter sentence's. */
function rewords(a: Set<string>, b: Set<string>): boolean {
  const shared = [...a].filter((w) => b.has(w)).length;
  return shared >= 3 && shared / Math.min(a.size, b.size) >= 0.6;
}

for (const file of FILES)
  describe(`English phenomenon training data (models/data/en-phenomena/${file})`, () => {
    const source = path.resolve('models/data/en-phenomena', file);
    const records = readAbsaJsonl(source, { requireAspects: true });
    const raw = readFileSync(source, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { phenomenon: string });

    it('reads as the shared format, every aspect term at its offsets', () => {
      expect(records.length).to.equal(raw.length);
      for (const r of records) {
        expect(r.aspects.length, r.text).to.be.at.least(1);
        for (const a of r.aspects) expect(r.text.slice(a.from, a.to)).to.equal(a.term);
      }
    });

    it('gives every phenomenon both polarities, so no single cue decides it', () => {
      const seen = new Map<string, Set<string>>();
      records.forEach((r, k) => {
        const polarities = seen.get(raw[k]!.phenomenon) ?? new Set<string>();
        for (const a of r.aspects) polarities.add(a.polarity);
        seen.set(raw[k]!.phenomenon, polarities);
      });
      for (const [phenomenon, polarities] of seen) {
        expect([...polarities].sort(), phenomenon).to.include.members(['negative', 'positive']);
      }
    });

    it('holds no sentence of the challenge set (either half)', () => {
      const challenge = new Set(
        ['dev', 'test'].flatMap((half) =>
          readAbsaJsonl(path.join(CHALLENGE, `challenge-${half}.jsonl`), { requireAspects: true }).map((r) =>
            key(r.text),
          ),
        ),
      );
      const shared = records.filter((r) => challenge.has(key(r.text))).map((r) => r.text);
      expect(shared).to.deep.equal([]);
    });

    // The template file predates this check and shares frames ("stopped working after two days") by construction.
    if (file !== 'train.jsonl')
      it('rewords no challenge sentence (either half), so neither half measures memory', () => {
        const challenge = ['dev', 'test'].flatMap((half) =>
          readAbsaJsonl(path.join(CHALLENGE, `challenge-${half}.jsonl`), { requireAspects: true }).map(
            (r) => r.text,
          ),
        );
        const near = records.flatMap((r) =>
          challenge
            .filter((c) => rewords(contentWords(r.text), contentWords(c)))
            .map((c) => `${r.text} ~ ${c}`),
        );
        expect(near).to.deep.equal([]);
      });
  });
