/**
 * Turns per-token BIO tags into aspect spans.
 *
 * Decoding is per word: a word's tag is the tag of its first sub-word token (the usual convention when
 * only first sub-words are labelled in training; with all sub-words labelled it gives the same spans),
 * and a span always covers whole words. Rules: B starts a span, I continues the open span or starts one
 * when none is open, O closes it. A span's confidence is the mean probability of the predicted tag over
 * its words; with polarity-suffixed tags its polarity is the one whose words' tag probabilities sum
 * highest.
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
 * @param wordIds word index per token (tokens of one word are contiguous and share it)
 */
export function decodeBio(
  tags: ArrayLike<number>,
  probs: ArrayLike<number>,
  wordIds: ArrayLike<number>,
  scheme: TagScheme,
): TokenSpan[] {
  const n = tags.length;
  const spans: TokenSpan[] = [];
  const votes = new Float64Array(3);
  let open = false;
  let start = 0;
  let words = 0;
  let probSum = 0;

  const close = (end: number): void => {
    if (!open) return;
    let polarity = -1;
    if (scheme.unified) {
      polarity = 0;
      for (let p = 1; p < 3; p++) if (votes[p]! > votes[polarity]!) polarity = p;
    }
    spans.push({ start, end, confidence: probSum / words, polarity });
    open = false;
  };

  for (let i = 0; i < n; i++) {
    const isWordStart = i === 0 || wordIds[i] !== wordIds[i - 1] || wordIds[i]! < 0;
    if (!isWordStart) continue; // later sub-words follow their word's first token
    const tag = tags[i]!;
    const kind = scheme.kind[tag];
    if (kind === TAG_B || (kind === TAG_I && !open)) {
      close(i);
      open = true;
      start = i;
      words = 0;
      probSum = 0;
      votes.fill(0);
    } else if (kind !== TAG_I) {
      close(i);
      continue;
    }
    words++;
    const prob = probs[i]!;
    probSum += prob;
    const polarity = scheme.polarity[tag]!;
    if (polarity >= 0) votes[polarity] = votes[polarity]! + prob;
  }
  close(n);
  return spans;
}
