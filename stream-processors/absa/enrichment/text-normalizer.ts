/**
 * Text normalization with an offset map back to the original string.
 *
 * The model sees NFC text without control characters, but every offset we publish points into
 * the text the customer sent, so `original.slice(from, to)` is the aspect term as written.
 */

export interface NormalizedText {
  /** NFC text, control characters removed (tab and newline kept as spaces). */
  readonly text: string;
  /** `starts[i]` is the UTF-16 index in the original text where normalized unit `i` begins. */
  readonly starts: Uint32Array;
  /** `ends[i]` is the original index just after normalized unit `i` (a composed unit covers its whole sequence). */
  readonly ends: Uint32Array;
}

// C0/C1 controls, DEL, and the zero-width/bidi formatting characters that only confuse a tokenizer.
const REMOVED =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const WHITESPACE_CONTROL = /[\t\n\r]/;
// A combining sequence: one base character followed by its combining marks. NFC never
// composes across such sequences, so normalizing them one at a time keeps an exact map.
const SEQUENCE = /[^\p{M}][\p{M}]*|[\p{M}]+/gsu;

export function normalizeText(original: string): NormalizedText {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const match of original.matchAll(SEQUENCE)) {
    const start = match.index;
    let seq = match[0];
    if (REMOVED.test(seq[0] ?? '')) continue;
    if (WHITESPACE_CONTROL.test(seq)) seq = ' ';
    const normalized = seq.normalize('NFC');
    out.push(normalized);
    const same = normalized.length === seq.length;
    for (let i = 0; i < normalized.length; i++) {
      // Where composition changed the length, every unit covers its whole sequence.
      starts.push(same ? start + i : start);
      ends.push(same ? start + i + 1 : start + match[0].length);
    }
  }
  return { text: out.join(''), starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}

/** Maps a [from, to) span of the normalized text to the original text. */
export function toOriginalSpan(n: NormalizedText, from: number, to: number): { from: number; to: number } {
  if (from < 0 || to > n.text.length || to <= from)
    throw new RangeError(`span [${from}, ${to}) is outside the text`);
  return { from: n.starts[from]!, to: n.ends[to - 1]! };
}
