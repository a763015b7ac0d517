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
import {
  ASTE_DIR,
  buildAste,
  buildAsteSplit,
  parseOpinionLines,
  toAsteJsonl,
  type AsteRecord,
} from '../../models/data/ko-absa/build-aste';

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

describe('Korean opinion terms (models/data/ko-absa/aste)', () => {
  const source = Object.fromEntries(SPLITS.map((s) => [s, committed(s)])) as Record<string, KoAbsaRecord[]>;
  const aste = Object.fromEntries(
    SPLITS.map((s) => [
      s,
      readFileSync(join(ASTE_DIR, `${s}.jsonl`), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l, i) => {
          let value: unknown;
          expect(() => (value = JSON.parse(l)), `aste/${s}.jsonl line ${i + 1}`).not.to.throw();
          return value as AsteRecord;
        }),
    ]),
  ) as Record<string, AsteRecord[]>;

  it('has one line per sentence with aspects, in the shared ASTE shape, ids naming the same split', () => {
    for (const split of SPLITS) {
      const lines = aste[split] ?? [];
      const withAspects = (source[split] ?? []).filter((r) => r.aspects.length > 0);
      expect(
        lines.map((r) => r.source_id),
        split,
      ).to.deep.equal(withAspects.map((r) => r.id));
      lines.forEach((r, i) => {
        expect(Object.keys(r).sort(), r.id).to.deep.equal(['id', 'lang', 'source_id', 'text', 'triplets']);
        expect(r.id).to.equal(`aste_ko_reviews-${split}-${i}`);
        expect(r.source_id.startsWith(`ko_reviews-${split}-`), r.source_id).to.equal(true);
        expect(r.lang).to.equal('ko');
        expect(r.text, r.id).to.equal(withAspects[i]?.text);
        expect(r.triplets, r.id).to.be.an('array');
      });
    }
  });

  it('has every aspect and opinion span slice exactly its term from the text (UTF-16 offsets)', () => {
    let triplets = 0;
    for (const r of SPLITS.flatMap((s) => aste[s] ?? [])) {
      for (const t of r.triplets) {
        for (const span of [t.aspect, t.opinion]) {
          expect(span.from, r.id).to.be.lessThan(span.to);
          expect(r.text.slice(span.from, span.to), r.id).to.equal(span.term);
        }
        triplets += 1;
      }
    }
    expect(triplets).to.be.at.least(700);
  });

  it('takes every triplet aspect from the source split, same span and polarity, and no opinion overlaps it', () => {
    for (const split of SPLITS) {
      const byId = new Map((source[split] ?? []).map((r) => [r.id, r]));
      for (const r of aste[split] ?? []) {
        const src = byId.get(r.source_id);
        for (const t of r.triplets) {
          const a = src?.aspects.find((x) => x.from === t.aspect.from && x.to === t.aspect.to);
          expect(a, `${r.id}: aspect ${t.aspect.term}`).to.not.equal(undefined);
          expect(t.aspect.term, r.id).to.equal(a?.term);
          expect(t.polarity, `${r.id}: ${t.aspect.term}`).to.equal(a?.polarity);
          const overlap = t.opinion.from < t.aspect.to && t.aspect.from < t.opinion.to;
          expect(overlap, `${r.id}: opinion ${t.opinion.term} overlaps ${t.aspect.term}`).to.equal(false);
        }
      }
    }
  });

  it('gives most aspects an opinion; those without one are a small, counted share', () => {
    for (const split of SPLITS) {
      const aspects = (source[split] ?? []).reduce((n, r) => n + r.aspects.length, 0);
      const withOpinion = new Set(
        (aste[split] ?? []).flatMap((r) => r.triplets.map((t) => `${r.source_id}:${t.aspect.from}`)),
      ).size;
      expect(withOpinion / aspects, split).to.be.greaterThan(0.8);
    }
  });

  it('is exactly what build-aste.ts makes from the opinion sources (the committed files are not stale)', () => {
    const built = buildAste();
    for (const split of SPLITS) {
      expect(toAsteJsonl(built[split].records), `aste/${split}.jsonl`).to.equal(
        readFileSync(join(ASTE_DIR, `${split}.jsonl`), 'utf8'),
      );
    }
  });

  describe('opinion source lines', () => {
    const sentence: KoAbsaRecord = {
      id: 'ko_reviews-val-0',
      text: '화면이 좋아요 배터리는 안 좋아요',
      lang: 'ko',
      domain: 'electronics',
      aspects: [
        { term: '화면', from: 0, to: 2, polarity: 'positive' },
        { term: '배터리', from: 8, to: 11, polarity: 'negative' },
      ],
    };
    const build = (tsv: string) => buildAsteSplit('val', [sentence], parseOpinionLines(tsv, 'val.tsv'));

    it('turns (id, aspect, opinion, occurrence) into offsets, the aspect keeping its polarity', () => {
      const { records, stats } = build(
        '# comment\nko_reviews-val-0\t화면\t좋아요\t1\nko_reviews-val-0\t배터리\t안 좋아요\n',
      );
      expect(records[0]?.triplets).to.deep.equal([
        {
          aspect: { term: '화면', from: 0, to: 2 },
          opinion: { term: '좋아요', from: 4, to: 7 },
          polarity: 'positive',
        },
        {
          aspect: { term: '배터리', from: 8, to: 11 },
          opinion: { term: '안 좋아요', from: 13, to: 18 },
          polarity: 'negative',
        },
      ]);
      expect(stats).to.deep.equal({
        sentences: 1,
        triplets: 2,
        aspectsWithoutOpinion: 0,
        sentencesWithoutTriplet: 0,
      });
    });

    it('counts an aspect marked "-" as having no opinion and leaves it out of the triplets', () => {
      const { records, stats } = build('ko_reviews-val-0\t화면\t-\nko_reviews-val-0\t배터리\t안 좋아요\n');
      expect(records[0]?.triplets.map((t) => t.aspect.term)).to.deep.equal(['배터리']);
      expect(stats.aspectsWithoutOpinion).to.equal(1);
    });

    it('refuses an ambiguous opinion, an overlap with an aspect, a missing or unknown aspect, naming the line', () => {
      const ok = 'ko_reviews-val-0\t배터리\t안 좋아요\n';
      expect(() => build(`ko_reviews-val-0\t화면\t좋아요\n${ok}`)).to.throw(
        SourceError,
        /val\.tsv:1: .*occurs 2 times/,
      );
      expect(() => build(`ko_reviews-val-0\t화면\t좋아요\t3\n${ok}`)).to.throw(SourceError, /only 2/);
      expect(() => build(`ko_reviews-val-0\t화면\t화면이\n${ok}`)).to.throw(
        SourceError,
        /val\.tsv:1: .*overlaps the aspect "화면"/,
      );
      expect(() => build(ok)).to.throw(SourceError, /"화면" of ko_reviews-val-0 has no line/);
      expect(() => build(`ko_reviews-val-0\t화질\t좋아요\t1\n${ok}`)).to.throw(
        SourceError,
        /"화질" is not an aspect/,
      );
      expect(() => build(`ko_reviews-val-9\t화면\t좋아요\t1\n${ok}`)).to.throw(
        SourceError,
        /not a sentence of val\.jsonl/,
      );
      expect(() => build(`ko_reviews-val-0\t화면\t-\nko_reviews-val-0\t화면\t좋아요\t1\n${ok}`)).to.throw(
        SourceError,
        /both "-" and an opinion/,
      );
      expect(() => parseOpinionLines('ko_reviews-val-0\t화면\n', 'val.tsv')).to.throw(
        SourceError,
        /val\.tsv:1: expected/,
      );
    });
  });
});
