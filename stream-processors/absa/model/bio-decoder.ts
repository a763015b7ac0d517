/**
 * Turns per-token BIO tags into aspect spans (the model contract; models/training/evaluate.py decodes
 * the same way, so both evaluators agree).
 *
 * B starts a span, I continues the open span or starts one when none is open, O closes it. A span's
 * confidence is the mean, over its tokens, of the probability of the token's predicted tag. With
 * polarity-suffixed tags ("B-positive"), the span's polarity is the one whose tokens' tag probabilities
 * sum highest (a span tagged B-positive I-negative I-negative votes by probability mass).
 */
import { TAG_B, TAG_I, type TagScheme } from './model-artifact.js';

export interface TokenSpan {
  /** first token */
  start: number;
  /** one past the last token */
  end: number;
  confidence: number;
  /** index into POLARITIES from the tags, -1 when the tags carry none */
  polarity: number;
}

/**
 * @param tags predicted tag id per token
 * @param probs softmax probability of the predicted tag per token
 */
export function decodeBio(tags: ArrayLike<number>, probs: ArrayLike<number>, scheme: TagScheme): TokenSpan[] {
  const n = tags.length;
  const spans: TokenSpan[] = [];
  const votes = new Float64Array(3);
  let open = false;
  let start = 0;
  let probSum = 0;

  const close = (end: number): void => {
    if (!open) return;
    let polarity = -1;
    if (scheme.unified) {
      polarity = 0;
      for (let p = 1; p < 3; p++) if (votes[p]! > votes[polarity]!) polarity = p;
    }
    spans.push({ start, end, confidence: probSum / (end - start), polarity });
    open = false;
  };

  for (let i = 0; i < n; i++) {
    const tag = tags[i]!;
    const kind = scheme.kind[tag];
    if (kind === TAG_B || (kind === TAG_I && !open)) {
      close(i);
      open = true;
      start = i;
      probSum = 0;
      votes.fill(0);
    } else if (kind !== TAG_I) {
      close(i);
      continue;
    }
    const prob = probs[i]!;
    probSum += prob;
    const polarity = scheme.polarity[tag]!;
    if (polarity >= 0) votes[polarity] = votes[polarity]! + prob;
  }
  close(n);
  return spans;
}

/**
 * Word-level decoding: each word takes the tag and probability of its first piece, BIO runs over
 * words, and a span covers its words' pieces whole. Spans come back in token indices.
 */
export function decodeBioWords(
  tags: ArrayLike<number>,
  probs: ArrayLike<number>,
  wordStarts: ArrayLike<number>,
  scheme: TagScheme,
): TokenSpan[] {
  const firstPiece: number[] = [];
  for (let i = 0; i < tags.length; i++) if (wordStarts[i] || i === 0) firstPiece.push(i);
  const wordTags = firstPiece.map((i) => tags[i]!);
  const wordProbs = firstPiece.map((i) => probs[i]!);
  return decodeBio(wordTags, wordProbs, scheme).map((span) => ({
    ...span,
    start: firstPiece[span.start]!,
    end: span.end < firstPiece.length ? firstPiece[span.end]! : tags.length,
  }));
}

const PUNCTUATION = /^\p{P}+$/u;
const APOSTROPHES = new Set(["'", '\u2019']);

/**
 * A span without the punctuation the tagger sometimes lets it start or end with: "'s pizza" (from "Rosa's
 * pizza") becomes "pizza", "battery," becomes "battery". A leading "s" right after an apostrophe is the
 * possessive's, not a word. Brackets that close inside the span stay ("wi-fi (5 GHz)"). Tokens are pieces
 * with character offsets; the span keeps its confidence.
 */
export function trimSpan(
  span: TokenSpan,
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  text: string,
): TokenSpan {
  const piece = (i: number) => text.slice(starts[i]!, ends[i]!);
  let { start, end } = span;
  while (start < end) {
    const first = piece(start);
    const clitic = first.toLowerCase() === 's' && APOSTROPHES.has(text[starts[start]! - 1] ?? '');
    if (!PUNCTUATION.test(first) && !clitic) break;
    start++;
  }
  while (end > start) {
    const last = piece(end - 1);
    if (!PUNCTUATION.test(last) || closesInside(text.slice(starts[start]!, ends[end - 1]!))) break;
    end--;
  }
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

/** whether the text ends with a bracket it also opens */
function closesInside(text: string): boolean {
  const close = text.at(-1);
  const open = close === ')' ? '(' : close === ']' ? '[' : undefined;
  return open !== undefined && text.includes(open);
}

/**
 * Words that carry no opinion on their own: articles, pronouns, prepositions, conjunctions, auxiliaries
 * and their contractions (the tagger sees "didn't" as "didn", "'", "t"), greetings. The opinion head
 * sometimes tags one next to a real opinion ("showed up", "hello"). Left out on purpose: words the
 * ASTE training data does mark as opinions by themselves ("ok", "no", "more", "must", "please",
 * "down", "few", "thanks", "both").
 */
const FUNCTION_WORDS = new Set(
  (
    'a an the and or but nor so yet for of to in on at by with from up out off over under about into onto ' +
    'upon as than then there here this that these those it its i me my mine we us our you your he him his ' +
    'she her they them their what which who whom whose when where why how all any each other some ' +
    'such only own same too very s t can will just don didn doesn isn wasn aren weren won wouldn couldn ' +
    'shouldn haven hasn hadn should now is are was were be been being have has had having do does did ' +
    'doing would could might shall may hello hi hey not also even still again back ever'
  ).split(' '),
);

/**
 * Whether an opinion span says something: an emoji, or a word that is not a function word ("hello",
 * "didn't", "2" do not; "not good", "ok", "😍" do). Apostrophes split a contraction into its parts.
 */
export function isOpinionTerm(term: string): boolean {
  if (/\p{Extended_Pictographic}/u.test(term)) return true;
  const words = term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.some((w) => /\p{L}/u.test(w) && !FUNCTION_WORDS.has(w));
}
