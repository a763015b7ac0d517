/**
 * names.json: keeps a business, product or person's name from being reported as an aspect ("Harbor
 * Sushi has the freshest rolls" → "rolls" only). The tagger reads lower-cased word pieces and cannot see
 * that "Harbor Sushi" is capitalised mid-sentence; this logistic regression reads both, per found span:
 *
 *   [mean h over the span's words ; h of the word before ; h of the word after ;
 *    mean and max over the span's words of the 5 case flags (caseFlags) ; words / 5]
 *
 * where h is the tagging pass's hidden state at a word's first piece (zeros past either end of the window).
 * A span whose p(name) reaches the threshold is dropped. Trained by models/training/train_names.py, which
 * computes the same features.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelArtifactError, readArtifactJson } from './model-artifact.js';
import type { TokenizedText } from './tokenizer.js';

export const NAME_FILE = 'names.json';
const FLAGS = 5;
const QUOTES = new Set([' ', '"', "'", '(', '\u201c', '\u2018']);
const SENTENCE_END = new Set(['.', '!', '?', ':', ';']);

const nameFileSchema = z
  .object({
    format: z.literal('span-logistic-1'),
    threshold: z.number().gt(0).lt(1),
    bias: z.number(),
    weights: z.array(z.number()),
  })
  .passthrough();

/**
 * The word text.slice(from, to): capitalised not at a sentence start, capitalised at a sentence start,
 * all capitals, mixed case or letters with digits ("QuickBank", "QC45"), all digits; 1 or 0 each.
 */
export function caseFlags(text: string, from: number, to: number): number[] {
  const word = text.slice(from, to);
  let j = from - 1;
  while (j >= 0 && QUOTES.has(text[j]!)) j--;
  const initial = j < 0 || SENTENCE_END.has(text[j]!);
  const title = /^\p{Lu}/u.test(word);
  const allCaps = [...word].length > 1 && word === word.toUpperCase() && word !== word.toLowerCase();
  const mixed = /\p{Ll}\p{Lu}/u.test(word) || (/\p{Nd}/u.test(word) && /\p{L}/u.test(word));
  return [title && !initial, title && initial, allCaps, mixed, /^\p{Nd}+$/u.test(word)].map(Number);
}

/** The tagging-pass window a span was found in. */
export interface TaggedWindow {
  tokens: TokenizedText;
  /** the window's first token */
  start: number;
  /** one past its last token */
  end: number;
  /** hidden states of [CLS], the window's tokens and [SEP], row by row */
  states: Float32Array;
}

export class NameFilter {
  private constructor(
    private readonly weights: Float32Array,
    private readonly bias: number,
    readonly threshold: number,
    private readonly hidden: number,
  ) {}

  /** The filter in `dir`, or null when the artifact has none. */
  static load(dir: string, hidden: number): NameFilter | null {
    const file = path.join(dir, NAME_FILE);
    if (!existsSync(file)) return null;
    const { weights, bias, threshold } = readArtifactJson(file, nameFileSchema);
    const size = 3 * hidden + 2 * FLAGS + 1;
    if (weights.length !== size) {
      throw new ModelArtifactError(
        `has ${weights.length} weights, the model's states need ${size} (3 x hidden ${hidden} + ${2 * FLAGS + 1})`,
        file,
      );
    }
    return new NameFilter(Float32Array.from(weights), bias, threshold, hidden);
  }

  /** p(name) of the span of tokens [from, to) of the window's text, which must lie in the window. */
  probability(window: TaggedWindow, text: string, from: number, to: number): number {
    const { tokens, start, end, states } = window;
    const h = this.hidden;
    // the window's words: first piece and one past the last
    const words: { first: number; end: number }[] = [];
    for (let i = start; i < end; i++) {
      if (i === start || tokens.wordStarts[i]) words.push({ first: i, end: i + 1 });
      else words.at(-1)!.end = i + 1;
    }
    const hit = words.flatMap((w, u) => (w.end > from && w.first < to ? [u] : []));
    let z = this.bias;
    const addState = (u: number, offset: number, scale: number) => {
      if (u < 0 || u >= words.length) return; // past the window: zeros
      const row = (words[u]!.first - start + 1) * h;
      for (let d = 0; d < h; d++) z += this.weights[offset + d]! * states[row + d]! * scale;
    };
    for (const u of hit) addState(u, 0, 1 / hit.length);
    addState(hit[0]! - 1, h, 1);
    addState(hit.at(-1)! + 1, 2 * h, 1);
    const flags = hit.map((u) =>
      caseFlags(text, tokens.starts[words[u]!.first]!, tokens.ends[words[u]!.end - 1]!),
    );
    for (let f = 0; f < FLAGS; f++) {
      const values = flags.map((row) => row[f]!);
      z += this.weights[3 * h + f]! * (values.reduce((a, b) => a + b, 0) / values.length);
      z += this.weights[3 * h + FLAGS + f]! * Math.max(...values);
    }
    z += this.weights[3 * h + 2 * FLAGS]! * (hit.length / 5);
    return 1 / (1 + Math.exp(-z));
  }

  isName(window: TaggedWindow, text: string, from: number, to: number): boolean {
    return this.probability(window, text, from, to) >= this.threshold;
  }
}
