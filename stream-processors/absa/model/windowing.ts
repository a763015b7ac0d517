/**
 * Windows over a text's content tokens for texts longer than the model's max_tokens.
 *
 * Analyze mode cuts the text into windows of `size` tokens that overlap by at least `overlap` tokens;
 * each token's prediction is taken from the window where it sits farthest from an edge (the split
 * between two windows is the middle of their overlap), and spans are decoded once over the stitched
 * sequence, so a span seen by two windows comes out once. Targeted mode uses one window centred on the
 * target.
 */

/** Content-token range [start, end). */
export interface TokenWindow {
  start: number;
  end: number;
}

/** Windows covering tokens [0, n); a single [0, n) window when the text fits. */
export function planWindows(n: number, size: number, overlap: number): TokenWindow[] {
  if (size < 1) throw new RangeError(`window size must be at least 1, got ${size}`);
  if (overlap < 0 || overlap >= size) throw new RangeError(`overlap must be in [0, ${size}), got ${overlap}`);
  if (n <= size) return [{ start: 0, end: n }];
  const stride = size - overlap;
  const windows: TokenWindow[] = [];
  let start = 0;
  while (start + size < n) {
    windows.push({ start, end: start + size });
    start += stride;
  }
  // the last window ends at n and is full size, so it overlaps its neighbour by at least `overlap`
  windows.push({ start: n - size, end: n });
  return windows;
}

/**
 * For each window, the range of tokens it owns: consecutive windows split their overlap in the middle.
 * The owned ranges partition [0, n).
 */
export function ownedRanges(windows: readonly TokenWindow[]): TokenWindow[] {
  return windows.map((w, k) => {
    const prev = windows[k - 1];
    const next = windows[k + 1];
    const start = prev ? Math.floor((w.start + prev.end) / 2) : w.start;
    const end = next ? Math.floor((next.start + w.end) / 2) : w.end;
    return { start, end };
  });
}

/** A window of at most `size` tokens around the target tokens [from, to), centred where the text allows. */
export function windowAround(n: number, size: number, from: number, to: number): TokenWindow {
  if (n <= size) return { start: 0, end: n };
  const span = to - from;
  if (span >= size) return { start: from, end: from + size };
  const before = Math.floor((size - span) / 2);
  const start = Math.min(Math.max(0, from - before), n - size);
  return { start, end: start + size };
}

/**
 * Cost of one batch in units of one row-token. Fitted to int8 MiniLM encoder runs on 2 cores (1 to 32
 * rows of 10 to 66 tokens: about 1 ms per run, 49 µs per position, 73 µs per row-token, i.e. 13 + 0.67
 * × seq + rows × seq); the fixed part is raised to 40 because a targeted batch also runs its heads'
 * graphs, and 40 measured fastest on chunks of 5 to 20 documents (bench/chunks.ts; docs/benchmarks.md,
 * section "Model batches cut by padded cost").
 */
const batchCost = (rows: number, seq: number): number => 40 + 0.67 * seq + rows * seq;

/**
 * Splits rows sorted by length, longest first, into consecutive batches of at most `maxRows` that
 * minimise the padded work plus a fixed cost per run. Slicing by a fixed count pads every row of a
 * batch to its longest: a small chunk of 30 sentences from 5 to 60 tokens then costs twice its
 * tokens. Returns the batch sizes in order.
 */
export function planBatches(sortedLengths: readonly number[], maxRows: number): number[] {
  if (maxRows < 1) throw new RangeError(`batch size must be at least 1, got ${maxRows}`);
  const n = sortedLengths.length;
  // best[j]: cheapest plan for the first j rows; cut[j]: where its last batch starts
  const best = new Float64Array(n + 1).fill(Infinity);
  const cut = new Int32Array(n + 1);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = Math.max(0, j - maxRows); i < j; i++) {
      // the batch's first row is its longest
      const cost = best[i]! + batchCost(j - i, sortedLengths[i]! + 2);
      // on a tie the later cut wins: full batches first, the partial one last
      if (cost <= best[j]!) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  const sizes: number[] = [];
  for (let j = n; j > 0; j = cut[j]!) sizes.push(j - cut[j]!);
  return sizes.reverse();
}
