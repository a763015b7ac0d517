/**
 * What one document may emit. Without bounds, a long text full of aspects makes a document event
 * larger than sentiment.documents.v1 accepts (one aspect per character of the largest document is
 * 2.3 MB), its transaction fails on every retry and the partition stops. Each mention also repeats its
 * sentence, so 1,000 aspects in a 20,000-character text without punctuation would be 60 MB of aspect
 * events for one document.
 *
 * Sizes below are Avro bytes; a UTF-16 unit is at most 3 UTF-8 bytes. Worst case with the largest
 * document the collectors accept (producers/document.ts LIMITS, schemas/limits.ts), which is also the
 * processor's default ABSA_MAX_TEXT_CHARS:
 *
 * sentiment.documents.v1 (max.message.bytes 2 MiB = 2,097,152):
 * - fields copied from the raw document ≈ 285,000: text 20,000 units = 60,000; metadata 50 keys ×
 *   (64 + 1,000 code points × 4 bytes) ≈ 213,000; url 2,048 × 4 = 8,192; ids, entity, author ≈ 3,000.
 *   Any raw record is at most text.raw.v1's own limit, 1,048,576.
 * - sentences: at most one per unit, three varints of ≤ 3 bytes: 20,000 × 9 = 180,000.
 * - embedding (384 floats), model, sentiment, status: < 3,000.
 * - aspects: per aspect besides its term < 300 (mention id 37, offsets 9, polarity 9, confidence 4,
 *   category, length prefixes) plus its opinions' offsets, at most OPINIONS_PER_ASPECT × 10 + 2 = 32
 *   (the document event carries no opinion text for this reason); terms are disjoint spans of the text
 *   (≤ 60,000 together) and their normalized forms at most twice that (≤ 120,000).
 * So 650,000 + 332 × aspects: 982,000 at the default 1,000 aspects; at the allowed maximum of 2,000
 * and a raw part at its full 1 MiB, 1,048,576 + 180,000 + 3,000 + 180,000 + 664,000 = 2,075,576.
 * (Encoded, the largest collector document with 2,000 aspects is 792,000: test/unit/absa-output-bounds.)
 *
 * sentiment.aspects.v1 (max.message.bytes 1 MiB = 1,048,576): fixed fields < 3,000, term ≤ 60,000,
 * normalized ≤ 120,000, opinions ≤ OPINIONS_PER_ASPECT × (3 × OPINION_CHARS_MAX + 14) ≈ 950, sentence_text ≤ 3 × ABSA_MAX_MENTION_SENTENCE_CHARS: < 190,000 at the
 * default 1,000 units, < 490,000 at the allowed maximum of 100,000. The sentence cap is what bounds a
 * document's aspect events together: ≤ 1,000 × ~6,000 plus the terms, about 6 MB.
 *
 * Raising ABSA_MAX_TEXT_CHARS above the collectors' limit grows the sentences and terms with it and
 * voids this computation; the processor then dead-letters an oversized output (output_too_large)
 * instead of failing its transaction.
 */

export const ASPECTS_PER_DOCUMENT = { default: 1_000, max: 2_000 } as const;
export const MENTION_SENTENCE_CHARS = { default: 1_000, min: 20, max: 100_000 } as const;
/** Opinion terms kept per aspect (the most confident) and the longest kept; a longer span is no word. */
export const OPINIONS_PER_ASPECT = 3;
export const OPINION_CHARS_MAX = 100;

/**
 * The `max` items of highest confidence (the earlier one on a tie), in their original order; all of
 * them when there are no more than `max`.
 */
export function strongest<T>(items: readonly T[], max: number, confidence: (item: T) => number): T[] {
  if (items.length <= max) return [...items];
  const keep = new Set(
    items
      .map((item, index) => ({ index, c: confidence(item) }))
      .sort((x, y) => y.c - x.c || x.index - y.index)
      .slice(0, max)
      .map((x) => x.index),
  );
  return items.filter((_, index) => keep.has(index));
}

export interface Span {
  from: number;
  to: number;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * The part of `sentence` (offsets into `text`) shown with a mention: the whole sentence when it has at
 * most `max` UTF-16 units, otherwise at most `max` units around the term (centred where the sentence
 * allows; from the term's start when the term alone is longer). A cut never splits a surrogate pair,
 * so the part may be one unit shorter at either end.
 */
export function excerptAround(text: string, sentence: Span, term: Span, max: number): Span {
  if (sentence.to - sentence.from <= max) return sentence;
  const room = max - (term.to - term.from);
  let from =
    room <= 0
      ? term.from
      : Math.max(sentence.from, Math.min(term.from - Math.floor(room / 2), sentence.to - max));
  let to = from + max;
  if (isHigh(text.charCodeAt(from - 1)) && isLow(text.charCodeAt(from))) from++;
  if (isHigh(text.charCodeAt(to - 1)) && isLow(text.charCodeAt(to))) to--;
  return { from, to };
}
