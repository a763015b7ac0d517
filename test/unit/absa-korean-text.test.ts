import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KoreanSentenceSplitter } from '../../stream-processors/absa/enrichment/korean/korean-sentence-splitter';
import { normalizeKoreanAspect } from '../../stream-processors/absa/enrichment/korean/korean-aspect-normalizer';
import { hasBatchim } from '../../stream-processors/absa/enrichment/korean/hangul';
import {
  loadKoreanSeeds,
  withKoreanSeeds,
} from '../../stream-processors/absa/enrichment/korean/korean-taxonomy';
import { DOMAINS, loadTaxonomy } from '../../stream-processors/absa/taxonomy/taxonomy';
import { DATA_DIR, SPLITS, type KoAbsaRecord } from '../../models/data/ko-absa/build';

function koreanRecords(): KoAbsaRecord[] {
  return SPLITS.flatMap((s) =>
    readFileSync(join(DATA_DIR, `${s}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as KoAbsaRecord),
  );
}

describe('Korean text handling', () => {
  describe('sentence splitting', () => {
    const splitter = new KoreanSentenceSplitter();
    const texts = (t: string) => splitter.split(t).map((s) => s.text);

    it('splits an unpunctuated review at sentence-final endings', () => {
      expect(texts('배터리 오래가요 화면도 선명하네요 근데 좀 무거움')).to.deep.equal([
        '배터리 오래가요',
        '화면도 선명하네요',
        '근데 좀 무거움',
      ]);
    });

    it('keeps ㅋㅋ, ㅠㅠ and emoji with the sentence they follow and splits after them', () => {
      expect(texts('사장님이 친절해요 ㅋㅋ 음식도 맛있고 😍 또 올게요')).to.deep.equal([
        '사장님이 친절해요 ㅋㅋ',
        '음식도 맛있고 😍',
        '또 올게요',
      ]);
      expect(texts('배달이 한시간 걸림ㅠㅠ 다식었어요')).to.deep.equal([
        '배달이 한시간 걸림ㅠㅠ',
        '다식었어요',
      ]);
    });

    it('splits where a laughter run is glued to the next word', () => {
      expect(texts('존맛ㅋㅋㅋ밥 두공기 먹음')).to.deep.equal(['존맛ㅋㅋㅋ', '밥 두공기 먹음']);
    });

    it('does not split at connective endings or at nouns that end like a sentence', () => {
      expect(texts('맛있는데 좀 비싸고 양이 적어요')).to.deep.equal(['맛있는데 좀 비싸고 양이 적어요']);
      expect(texts('생각보다 맛있어요')).to.deep.equal(['생각보다 맛있어요']);
      expect(texts('필요 없는 기능이 많아요')).to.deep.equal(['필요 없는 기능이 많아요']);
      expect(texts('우리 동네 맛집')).to.deep.equal(['우리 동네 맛집']);
      expect(texts('게임 할때마다 렉 걸려요')).to.deep.equal(['게임 할때마다 렉 걸려요']);
      expect(texts('처음 시켜봤는데 제육볶음 존맛')).to.deep.equal(['처음 시켜봤는데 제육볶음 존맛']);
    });

    it('leaves a leading ㅋㅋ with the first sentence instead of making it one', () => {
      expect(texts('ㅋㅋㅋ 또 시켰어요 여기 중독')).to.deep.equal(['ㅋㅋㅋ 또 시켰어요', '여기 중독']);
    });

    it('still splits at punctuation, and leaves English text as ICU splits it', () => {
      expect(texts('동네 맛집이에요. 가격도 착해요!')).to.deep.equal(['동네 맛집이에요.', '가격도 착해요!']);
      expect(texts('The battery is great. Screen too')).to.deep.equal([
        'The battery is great.',
        'Screen too',
      ]);
    });

    it('returns UTF-16 offsets that slice each sentence from the text, after emoji too', () => {
      const text = '  👍 배송 빨라요 😡😡 포장은 엉망 ㅡㅡ 다신 안삼 ';
      const sentences = splitter.split(text);
      expect(sentences.map((s) => s.text)).to.deep.equal([
        '👍 배송 빨라요 😡😡',
        '포장은 엉망 ㅡㅡ',
        '다신 안삼',
      ]);
      for (const s of sentences) expect(text.slice(s.from, s.to)).to.equal(s.text);
    });

    it('never cuts an annotated aspect when two review sentences run together unpunctuated', () => {
      const records = koreanRecords();
      for (let i = 0; i + 1 < records.length; i += 2) {
        const a = records[i]!;
        const b = records[i + 1]!;
        const text = `${a.text} ${b.text}`;
        const cuts = splitter.split(text).map((s) => s.from);
        const spans = [
          ...a.aspects.map((x) => [x.from, x.to]),
          ...b.aspects.map((x) => [x.from + a.text.length + 1, x.to + a.text.length + 1]),
        ];
        for (const [from, to] of spans) {
          expect(
            cuts.filter((c) => c > from! && c < to!),
            text,
          ).to.deep.equal([]);
        }
      }
    });
  });

  describe('aspect normalization', () => {
    it('strips particles so inflected mentions group with the bare noun', () => {
      for (const t of [
        '배터리가',
        '배터리는',
        '배터리를',
        '배터리도',
        '배터리도요',
        '배터리랑',
        '배터리만',
      ]) {
        expect(normalizeKoreanAspect(t), t).to.equal('배터리');
      }
      for (const t of ['화면이', '화면은', '화면을', '화면에서도', '화면이에요']) {
        expect(normalizeKoreanAspect(t), t).to.equal('화면');
      }
    });

    it('strips plural 들 and only the last word of a phrase', () => {
      expect(normalizeKoreanAspect('직원들이')).to.equal('직원');
      expect(normalizeKoreanAspect('배터리 수명이')).to.equal('배터리 수명');
    });

    it('strips only the particle form that fits the noun, and keeps nouns that end like particles', () => {
      expect(normalizeKoreanAspect('포장으로')).to.equal('포장');
      expect(normalizeKoreanAspect('배달로')).to.equal('배달');
      for (const noun of ['속도', '반응속도', '떡볶이', '종이', '불만', '효과', '휴가', '필요']) {
        expect(normalizeKoreanAspect(noun), noun).to.equal(noun);
      }
      expect(normalizeKoreanAspect('충전속도가')).to.equal('충전속도');
      expect(normalizeKoreanAspect('떡볶이랑')).to.equal('떡볶이');
      // a particle after such a noun goes, the noun stays whole
      expect(normalizeKoreanAspect('고양이가')).to.equal('고양이');
      expect(normalizeKoreanAspect('어린이는')).to.equal('어린이');
    });

    it('handles Latin letters before a particle and keeps the English rules for English terms', () => {
      expect(normalizeKoreanAspect('AS가')).to.equal('as');
      expect(normalizeKoreanAspect('UI는')).to.equal('ui');
      expect(normalizeKoreanAspect('Batteries')).to.equal('battery');
      expect(normalizeKoreanAspect(' "배터리가!" ')).to.equal('배터리');
      expect(normalizeKoreanAspect('ㅋㅋ')).to.equal('ㅋㅋ');
      expect(normalizeKoreanAspect('!!')).to.equal('');
    });

    it('maps every aspect term of the Korean data set, with its particles, back to the term itself', () => {
      const terms = new Set(koreanRecords().flatMap((r) => r.aspects.map((a) => a.term)));
      expect(terms.size).to.be.greaterThan(400);
      for (const term of terms) {
        const b = hasBatchim(term.at(-1));
        const forms = [
          term,
          term + (b ? '이' : '가'),
          term + (b ? '은' : '는'),
          term + (b ? '을' : '를'),
          term + '도',
        ];
        for (const form of forms) expect(normalizeKoreanAspect(form), form).to.equal(term.toLowerCase());
      }
    });
  });

  describe('taxonomy seeds', () => {
    it('adds Korean seeds to every v1 taxonomy under its existing categories', () => {
      const seeds = loadKoreanSeeds();
      for (const domain of DOMAINS) {
        const base = loadTaxonomy(domain);
        const merged = withKoreanSeeds(base, seeds);
        expect(merged.version).to.equal(`${base.version}+ko`);
        expect(merged.categories.map((c) => c.name)).to.deep.equal(base.categories.map((c) => c.name));
        const before = base.categories.reduce((n, c) => n + c.seeds.length, 0);
        const after = merged.categories.reduce((n, c) => n + c.seeds.length, 0);
        expect(after, domain).to.be.greaterThan(before);
      }
      const electronics = withKoreanSeeds(loadTaxonomy('electronics'), seeds);
      const battery = electronics.categories.find((c) => c.name === 'battery')!;
      expect(battery.seeds).to.include(normalizeKoreanAspect('배터리가'));
    });

    it('gives the merged taxonomy to the taxonomy validator without complaint', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ko-tax-'));
      try {
        for (const domain of DOMAINS) {
          const file = join(dir, `${domain}.json`);
          writeFileSync(file, JSON.stringify(withKoreanSeeds(loadTaxonomy(domain))));
          expect(loadTaxonomy(domain, file).categories.length).to.be.greaterThan(0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects seeds for a category the taxonomy does not have, or that are not normalized', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ko-seeds-'));
      try {
        const unknown = { domains: { restaurants: { dessert: ['디저트'] } } };
        expect(() => withKoreanSeeds(loadTaxonomy('restaurants'), unknown)).to.throw(/dessert/);
        const file = join(dir, 'seeds.json');
        writeFileSync(file, JSON.stringify({ domains: { apps: { ads: ['광고가'] } } }));
        expect(() => loadKoreanSeeds(file)).to.throw(/'광고가' is not normalized \(write '광고'\)/);
        writeFileSync(file, JSON.stringify({ domains: { pets: { food: ['사료'] } } }));
        expect(() => loadKoreanSeeds(file)).to.throw(/unknown domain 'pets'/);
        writeFileSync(file, JSON.stringify({ domains: { apps: { ads: ['광고'], features: ['광고'] } } }));
        expect(() => loadKoreanSeeds(file)).to.throw(/'광고' is under both 'ads' and 'features'/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
