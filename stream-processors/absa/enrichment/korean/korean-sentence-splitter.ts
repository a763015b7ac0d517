import { SentenceSplitter, type Sentence } from '../sentence-splitter';
import { isHangulSyllable } from './hangul';

/**
 * Sentence splitting for Korean reviews, which often have no punctuation at all:
 * "배터리 오래가요 화면도 좋아요 ㅋㅋ 근데 좀 무거움" is three sentences to a reader, one to ICU.
 *
 * On top of the ICU rules (Intl.Segmenter, which still handles ".", "!", "?"), a sentence ends
 *  - after a word that closes with a sentence-final ending (-요, -다, -네, -죠, -까, -듯, -함, -임, -됨,
 *    -셈, -옴, -짐, and the informal -음 forms such as 있음/했음, -용/-당) when another word follows;
 *  - after a run of laughter/crying jamo (ㅋㅋ, ㅎㅎ, ㅠㅠ, ㅜㅜ, ㅡㅡ), emoji or an emoticon (^^, ;;, T_T)
 *    that follows some words, when more text follows; the run stays with the sentence before it,
 *    as the writer meant it ("좋아요 ㅋㅋ" / "또 갈게요"). A run glued to the next word
 *    ("존맛ㅋㅋㅋ밥 두공기") is a boundary too.
 * Mid-sentence endings (-고, -는데, -서, -면) are never boundaries, and nouns that merely end in one of
 * those syllables (필요, 동네, 게임, 온도 ...) are listed, so they do not cut a sentence.
 * Offsets are UTF-16 indices into the text given, as SentenceSplitter's are.
 */
export class KoreanSentenceSplitter {
  constructor(private readonly icu: SentenceSplitter = new SentenceSplitter()) {}

  split(text: string): Sentence[] {
    const out: Sentence[] = [];
    for (const segment of this.icu.split(text, 'ko')) {
      for (const [from, to] of splitSegment(segment.text)) {
        const body = segment.text.slice(from, to);
        const lead = body.length - body.trimStart().length;
        const trimmed = body.trim();
        if (trimmed) {
          const start = segment.from + from + lead;
          out.push({ text: trimmed, from: start, to: start + trimmed.length });
        }
      }
    }
    return out;
  }
}

/** Jamo used as laughter, crying and sighs (compatibility jamo block), emoji, and emoticons. */
const JAMO = /[\u3131-\u318e]/u;
const EXPRESSIVE_RUN = new RegExp(
  [
    '[\\u3131-\\u318e]{2,}', // ㅋㅋ ㅎㅎ ㅠㅠ ㅜㅜ ㅡㅡ
    '\\p{Extended_Pictographic}(?:\\p{Extended_Pictographic}|\\p{Emoji_Modifier}|\\u200d|\\ufe0f)*',
    '\\^+[_o.]?\\^+', // ^^ ^_^
    ';;+',
    '[Tㅠㅜ]_+[Tㅠㅜ]',
    '[-=>]_+[-=<]', // -_- >_<
    '[:;][-]?[)(DP]',
    '[♡♥★☆]+',
  ].join('|'),
  'gu',
);
/** A whole word made only of expressive runs and stray punctuation. */
const EXPRESSIVE_WORD = new RegExp(`^(?:${EXPRESSIVE_RUN.source}|[\\u3131-\\u318e~!?.,…])+$`, 'u');
/** Trailing marks that do not change how a word ends ("좋아요~", "최고!!", "별로..."). */
const TRAILING_MARKS = /[~!?.,…\u3131-\u318e]+$/u;

const FINAL_SYLLABLES = new Set(['요', '다', '네', '죠', '까', '듯', '함', '임', '됨', '셈', '옴', '짐']);
/** -음 closes an informal sentence only after these (있음, 했음), not in nouns (처음, 소음, 볶음). */
const EUM_FORMS = /(?:[었았했였겠됐왔갔봤줬샀났랐렀웠]음|(?:있|없|좋|같|많|싫|먹|받|닳|늦|찾|잃|읽|씻)음)$/u;
/** -용 / -당: playful spellings of -요 / -다 (좋아용, 감사합니당), not 비용, 내용. */
const PLAYFUL = /(?:[어아해여에예세게지구까네]용|[어아해여에예세게지구까네]욤|니당|었당|았당|했당)$/u;
/** Words that end in a final-ending syllable but are nouns, particles or adverbs. */
const NOT_FINAL = new Set([
  '필요',
  '중요',
  '주요',
  '수요',
  '소요',
  '요요',
  '동네',
  '그네',
  '아까',
  '게임',
  '모임',
  '바다',
  '보다',
  '에다',
]);
/** Particles and connective endings that end in a final-looking syllable: 생각보다, 할때마다, 먹으니까. */
const NOT_FINAL_SUFFIX = /(?:보다|에다|마다|니까|려다)$/u;

function wordEndsSentence(word: string): boolean {
  const core = word.replace(TRAILING_MARKS, '');
  if (core.length < 2 || !isHangulSyllable(core.at(-1))) return false;
  if (NOT_FINAL.has(core) || NOT_FINAL_SUFFIX.test(core)) return false;
  if (PLAYFUL.test(core) || EUM_FORMS.test(core)) return true;
  return FINAL_SYLLABLES.has(core.at(-1)!);
}

function hasContent(s: string): boolean {
  // letters or digits that are not jamo (ㅋㅋ alone does not make a sentence)
  return /[\p{L}\p{N}]/u.test(s.replace(/[\u3131-\u318e]/gu, ''));
}

function endsExpressive(word: string): boolean {
  if (EXPRESSIVE_WORD.test(word)) return true;
  const last = [...word].at(-1) ?? '';
  return JAMO.test(last) || /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f/u.test(last);
}

/** [from, to) ranges of the sentences inside one ICU segment. */
function splitSegment(text: string): [number, number][] {
  const words = [...text.matchAll(/\S+/gu)].map((m) => ({ word: m[0], at: m.index }));
  const cuts: number[] = [];
  let content = false; // the sentence being built has words, not only ㅋㅋ
  for (let i = 0; i < words.length; i++) {
    const { word, at } = words[i]!;
    // a run glued to the following syllables inside one word: "존맛ㅋㅋㅋ밥"
    for (const m of word.matchAll(EXPRESSIVE_RUN)) {
      const end = m.index + m[0].length;
      if (end < word.length && isHangulSyllable(word[end])) {
        if (content || hasContent(word.slice(0, m.index))) {
          cuts.push(at + end);
          content = false;
        }
      }
    }
    const tail = cuts.length > 0 && cuts.at(-1)! > at ? word.slice(cuts.at(-1)! - at) : word;
    if (hasContent(tail)) content = true;
    const next = words[i + 1];
    if (!next || !content) continue;
    const nextExpressive = EXPRESSIVE_WORD.test(next.word);
    const ends = (wordEndsSentence(word) && !nextExpressive) || (endsExpressive(word) && !nextExpressive);
    if (ends && /^[\p{L}\p{N}]/u.test(next.word) && hasContent(next.word)) {
      cuts.push(next.at);
      content = false;
    }
  }
  const ranges: [number, number][] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut > from) ranges.push([from, cut]);
    from = cut;
  }
  ranges.push([from, text.length]);
  return ranges;
}
