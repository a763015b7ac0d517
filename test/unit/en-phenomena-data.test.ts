import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { readAbsaJsonl } from '../../stream-processors/absa/model/cli/cli-support.js';

const TRAIN = path.resolve('models/data/en-phenomena/train.jsonl');
const CHALLENGE = path.resolve('models/absa-challenge');
/** Case, punctuation and spacing do not make a sentence new (emoji do: they carry the opinion). */
const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();

describe('English phenomenon training data (models/data/en-phenomena)', () => {
  const records = readAbsaJsonl(TRAIN, { requireAspects: true });
  const raw = readFileSync(TRAIN, 'utf8')
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
});
