import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildDataset,
  DATA_DIR,
  duplicateKey,
  parseSourceLine,
  SourceError,
  SPLITS,
  toJsonl,
  type KoAbsaRecord,
} from '../../models/data/ko-absa/build';

const DOMAINS = ['apps', 'delivery', 'electronics', 'restaurants', 'shopping'];

function committed(split: string): KoAbsaRecord[] {
  return readFileSync(join(DATA_DIR, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as KoAbsaRecord);
}

describe('Korean ABSA data set (models/data/ko-absa)', () => {
  const data = Object.fromEntries(SPLITS.map((s) => [s, committed(s)])) as Record<string, KoAbsaRecord[]>;
  const all = SPLITS.flatMap((s) => data[s] ?? []);

  it('holds at least 600 Korean sentences, every domain in every split', () => {
    expect(all.length).to.be.at.least(600);
    for (const split of SPLITS) {
      const domains = new Set((data[split] ?? []).map((r) => r.domain));
      expect([...domains].sort(), split).to.deep.equal(DOMAINS);
    }
    expect(all.every((r) => r.lang === 'ko')).to.equal(true);
  });

  it('has every aspect span slice exactly its term from the text (UTF-16 offsets)', () => {
    let aspects = 0;
    for (const r of all) {
      for (const a of r.aspects) {
        expect(r.text.slice(a.from, a.to), r.id).to.equal(a.term);
        expect(['positive', 'negative', 'neutral'], r.id).to.include(a.polarity);
        aspects += 1;
      }
    }
    expect(aspects).to.be.at.least(600);
  });

  it('counts offsets in UTF-16 units after an emoji, as JavaScript strings do', () => {
    const withEmoji = all.filter((r) =>
      r.aspects.some((a) => /\p{Extended_Pictographic}/u.test(r.text.slice(0, a.from))),
    );
    expect(withEmoji.length).to.be.greaterThan(0);
    for (const r of withEmoji) for (const a of r.aspects) expect(r.text.slice(a.from, a.to)).to.equal(a.term);
  });

  it('keeps the splits apart: no sentence (up to spacing and punctuation) is in two splits', () => {
    const owner = new Map<string, string>();
    for (const split of SPLITS) {
      for (const r of data[split] ?? []) {
        const key = duplicateKey(r.text);
        const other = owner.get(key);
        expect(other, `${r.id} repeats a sentence of ${other}`).to.equal(undefined);
        owner.set(key, r.id);
      }
    }
    const ids = all.map((r) => r.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('is exactly what build.ts makes from the annotated sources (the committed files are not stale)', () => {
    const built = buildDataset();
    for (const split of SPLITS) {
      expect(toJsonl(built[split]), `${split}.jsonl`).to.equal(
        readFileSync(join(DATA_DIR, `${split}.jsonl`), 'utf8'),
      );
    }
  });

  describe('source markup', () => {
    it('turns {term|+} marks into offsets and removes them from the text', () => {
      const r = parseSourceLine('📱 {화면|-}이 별로고 {배터리|+}는 좋아요', 'x.txt:1');
      expect(r.text).to.equal('📱 화면이 별로고 배터리는 좋아요');
      expect(r.aspects).to.deep.equal([
        { term: '화면', from: 3, to: 5, polarity: 'negative' },
        { term: '배터리', from: 11, to: 14, polarity: 'positive' },
      ]);
    });

    it('rejects a mark without a polarity, an unclosed mark and a stray brace, naming file and line', () => {
      expect(() => parseSourceLine('{화면}이 좋아요', 'a.txt:3')).to.throw(
        SourceError,
        /a\.txt:3: .*polarity/,
      );
      expect(() => parseSourceLine('{화면|+이 좋아요', 'a.txt:4')).to.throw(
        SourceError,
        /a\.txt:4: .*not closed/,
      );
      expect(() => parseSourceLine('화면} 좋아요', 'a.txt:5')).to.throw(SourceError, /a\.txt:5: .*closes no/);
      expect(() => parseSourceLine('{ 화면|+} 좋아요', 'a.txt:6')).to.throw(
        SourceError,
        /surrounding spaces/,
      );
    });

    it('rejects a sentence that repeats another one up to spacing, so it cannot leak across splits', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ko-absa-'));
      try {
        writeFileSync(join(dir, 'a.txt'), '{배터리|+}가 오래가요\n');
        writeFileSync(join(dir, 'b.txt'), '# comment\n배터리가오래가요!\n');
        expect(() => buildDataset(dir)).to.throw(SourceError, /b\.txt:2: duplicate of a\.txt:1/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
