/** Small facts about Hangul that the Korean text handling relies on. */

const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;
/** Final consonants (jongseong) per initial/medial pair: index 0 is "none". */
const FINALS = 28;
const FINAL_RIEUL = 8;

export function isHangulSyllable(ch: string | undefined): boolean {
  if (ch === undefined || ch.length === 0) return false;
  const c = ch.charCodeAt(0);
  return c >= SYLLABLE_FIRST && c <= SYLLABLE_LAST;
}

/** Index of the syllable's final consonant, 0 when it ends in a vowel; -1 when not a syllable. */
export function finalConsonant(ch: string | undefined): number {
  if (!isHangulSyllable(ch)) return -1;
  return (ch!.charCodeAt(0) - SYLLABLE_FIRST) % FINALS;
}

/** True when the syllable closes with a consonant (batchim): 화면, 가격; false for 배터리, 커피. */
export function hasBatchim(ch: string | undefined): boolean {
  return finalConsonant(ch) > 0;
}

/** True when the syllable closes with ㄹ, which takes the vowel-final particle forms (로, 랑). */
export function endsInRieul(ch: string | undefined): boolean {
  return finalConsonant(ch) === FINAL_RIEUL;
}

/** Any Hangul letter: syllables, conjoining jamo and compatibility jamo (ㅋ, ㅠ). */
export const HANGUL = /[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]/u;
