import { normalizeAspect } from '../aspect-normalizer';
import { endsInRieul, hasBatchim, isHangulSyllable } from './hangul';

/**
 * Normalizes a Korean aspect term to a grouping key: the language-neutral steps of normalizeAspect
 * (NFC, lower case, whitespace, surrounding punctuation), then the particles and copula endings a
 * writer glued to the head noun are stripped from its last word, so "배터리가", "배터리는", "배터리도요"
 * and "배터리" group together ("배터리 수명이" → "배터리 수명").
 *
 * Korean particles come in pairs chosen by the noun's last syllable (이/가, 은/는, 을/를, 과/와, 으로/로,
 * 이랑/랑): a form is only stripped where it fits the syllable before it, which keeps nouns that end in
 * a particle-like syllable intact (종이 — 종 + 이 would fit, so such nouns are listed; 휴가, 속도, 불만 ...).
 * After Latin letters or digits ("AS가", "ui는") either form is stripped.
 */
export function normalizeKoreanAspect(term: string): string {
  const base = normalizeAspect(term);
  if (base === '') return '';
  const words = base.split(' ');
  const last = words.length - 1;
  words[last] = stripParticles(words[last]!);
  return words.filter(Boolean).join(' ');
}

type Fits = 'batchim' | 'vowel' | 'vowel-or-rieul' | 'any';

/** Longest first; "fits" is the stem-final syllable the particle follows. */
const PARTICLES: readonly (readonly [string, Fits])[] = [
  ['에서는', 'any'],
  ['에서도', 'any'],
  ['이라도', 'batchim'],
  ['이에요', 'batchim'],
  ['이었어요', 'batchim'],
  ['였어요', 'vowel'],
  ['에서', 'any'],
  ['에게', 'any'],
  ['한테', 'any'],
  ['으로', 'batchim'],
  ['부터', 'any'],
  ['까지', 'any'],
  ['보다', 'any'],
  ['처럼', 'any'],
  ['마다', 'any'],
  ['밖에', 'any'],
  ['이랑', 'batchim'],
  ['이나', 'batchim'],
  ['이고', 'batchim'],
  ['이요', 'batchim'],
  ['이죠', 'batchim'],
  ['예요', 'vowel'],
  ['에요', 'batchim'],
  ['이다', 'batchim'],
  ['인데', 'batchim'],
  ['은요', 'batchim'],
  ['는요', 'vowel'],
  ['도요', 'any'],
  ['만요', 'any'],
  ['로', 'vowel-or-rieul'],
  ['랑', 'vowel'],
  ['와', 'vowel'],
  ['과', 'batchim'],
  ['은', 'batchim'],
  ['는', 'vowel'],
  ['이', 'batchim'],
  ['가', 'vowel'],
  ['을', 'batchim'],
  ['를', 'vowel'],
  ['도', 'any'],
  ['만', 'any'],
  ['의', 'any'],
  ['에', 'any'],
  ['나', 'vowel'],
  ['요', 'any'],
];

/** Nouns whose own last syllable looks like a particle that fits (they are left as they are). */
const KEEP = new Set([
  // -이
  '종이',
  '길이',
  '높이',
  '넓이',
  '깊이',
  '놀이',
  '먹이',
  '떡볶이',
  '손잡이',
  '옷걸이',
  '계란말이',
  '김말이',
  '목걸이',
  '귀걸이',
  '고양이',
  '어린이',
  '원숭이',
  '호랑이',
  '거북이',
  // -가
  '휴가',
  '요가',
  '고가',
  '저가',
  '대가',
  '시가',
  '주가',
  // -도
  '속도',
  '온도',
  '정도',
  '습도',
  '각도',
  '강도',
  '밀도',
  '농도',
  '포도',
  '해상도',
  '만족도',
  '인지도',
  '난이도',
  '완성도',
  '선명도',
  '감도',
  '채도',
  '명도',
  '당도',
  '염도',
  '신선도',
  '지도',
  '태도',
  '용도',
  '빈도',
  '한도',
  '고도',
  '시도',
  '의도',
  '제도',
  '진도',
  '정확도',
  '친절도',
  '신뢰도',
  '인기도',
  '숙련도',
  // -만
  '불만',
  '비만',
  '자만',
  // -의
  '회의',
  '문의',
  '주의',
  '강의',
  '동의',
  '의의',
  // -로
  '도로',
  '경로',
  '통로',
  '피로',
  '선로',
  // -과
  '결과',
  '효과',
  '사과',
  '성과',
  '치과',
  // -나
  '하나',
  '바나나',
  // -랑
  '사랑',
  '자랑',
  // -요
  '필요',
  '중요',
  '요요',
  '수요',
]);

function fits(rule: Fits, stemLast: string): boolean {
  if (!isHangulSyllable(stemLast)) return /[\p{L}\p{N}]/u.test(stemLast); // "AS가", "ui는", "5g도"
  switch (rule) {
    case 'any':
      return true;
    case 'batchim':
      return hasBatchim(stemLast);
    case 'vowel':
      return !hasBatchim(stemLast);
    case 'vowel-or-rieul':
      return !hasBatchim(stemLast) || endsInRieul(stemLast);
  }
}

/**
 * Listed nouns that also close compounds (반응속도, 충전속도, 매운떡볶이): matched as word endings. The
 * rest of KEEP only as whole words, since a short noun is often the tail of a noun plus a particle
 * (광고가 is 광고 + 가, not a word ending in 고가).
 */
const KEEP_HEADS = [
  '속도',
  '온도',
  '습도',
  '해상도',
  '만족도',
  '난이도',
  '완성도',
  '선명도',
  '신선도',
  '정확도',
  '떡볶이',
  '손잡이',
  '목걸이',
  '귀걸이',
  '고양이',
  '어린이',
  '원숭이',
  '호랑이',
  '거북이',
  '계란말이',
  '김말이',
];

function isKept(word: string): boolean {
  return KEEP.has(word) || KEEP_HEADS.some((h) => word.length > h.length && word.endsWith(h));
}

/**
 * Strips at most two particles ("화면에서도" → "화면", "직원들이" → "직원"), then a plural 들. A particle
 * whose first syllables would finish a listed noun is not the particle ("떡볶이랑" is 떡볶이 + 랑).
 */
function stripParticles(word: string): string {
  let w = word;
  for (let round = 0; round < 2; round++) {
    if (isKept(w)) return w;
    const hit = PARTICLES.find(([p, rule]) => {
      if (w.length <= p.length || !w.endsWith(p) || !fits(rule, w.at(-p.length - 1)!)) return false;
      for (let j = 1; j < p.length; j++) if (isKept(w.slice(0, w.length - p.length + j))) return false;
      return true;
    });
    if (!hit) break;
    w = w.slice(0, -hit[0].length);
  }
  if (w.length > 2 && w.endsWith('들') && !isKept(w)) w = w.slice(0, -1);
  return w;
}
