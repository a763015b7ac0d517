/**
 * Small heads over the encoder states of the targeted pass (the pass that already runs once per aspect
 * for its polarity), so they cost no encoder pass of their own. Each lives in its own optional file in
 * the artifact folder, written by models/training:
 *
 *   categories.json  aspect category, softmax regression on [h_CLS ; mean h over the aspect's word
 *                    pieces] (train_categories.py)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelArtifactError, readArtifactJson } from './model-artifact.js';
import type { AspectCategory } from './sentiment-model.js';

export const CATEGORY_FILE = 'categories.json';

const categoryFileSchema = z
  .object({
    format: z.literal('linear-softmax-1'),
    labels: z.array(z.string().min(1)).min(2),
    /** data labels (SemEval categories) -> accepted model labels, the first being the gold one */
    label_map: z.record(z.string(), z.array(z.string().min(1)).min(1)),
    weights: z.array(z.array(z.number())),
    bias: z.array(z.number()),
  })
  .passthrough();

export class CategoryHead {
  private constructor(
    readonly labels: readonly string[],
    /** data label -> model labels that count as right for it (the first is its own) */
    readonly labelMap: Readonly<Record<string, readonly string[]>>,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    /** feature size: 2 x hidden */
    readonly inputSize: number,
  ) {}

  /** The head in `dir`, or null when the artifact has none. */
  static load(dir: string, hidden: number): CategoryHead | null {
    const file = path.join(dir, CATEGORY_FILE);
    if (!existsSync(file)) return null;
    const { labels, weights, bias, label_map } = readArtifactJson(file, categoryFileSchema);
    const inputSize = 2 * hidden;
    if (weights.length !== labels.length || bias.length !== labels.length) {
      throw new ModelArtifactError(
        `has ${weights.length} weight rows and ${bias.length} biases for ${labels.length} labels`,
        file,
      );
    }
    const bad = weights.findIndex((row) => row.length !== inputSize);
    if (bad >= 0) {
      throw new ModelArtifactError(
        `weights[${bad}] has ${weights[bad]!.length} values, the model's states need ${inputSize} (2 x hidden ${hidden})`,
        file,
      );
    }
    for (const [data, accepted] of Object.entries(label_map)) {
      const unknown = accepted.find((l) => !labels.includes(l));
      if (unknown !== undefined)
        throw new ModelArtifactError(`label_map.${data}: "${unknown}" is not a label`, file);
    }
    return new CategoryHead(
      labels,
      label_map,
      Float32Array.from(weights.flat()),
      Float32Array.from(bias),
      inputSize,
    );
  }

  /** The category of one aspect from its features ([h_CLS ; mean h over the aspect]). */
  classify(features: Float32Array): AspectCategory {
    const k = this.labels.length;
    const n = this.inputSize;
    const logits = new Float64Array(k);
    let best = 0;
    for (let c = 0; c < k; c++) {
      let z = this.bias[c]!;
      const o = c * n;
      for (let d = 0; d < n; d++) z += this.weights[o + d]! * features[d]!;
      logits[c] = z;
      if (z > logits[best]!) best = c;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[c]! - logits[best]!);
    return { label: this.labels[best]!, confidence: 1 / sum };
  }
}

export const OPINION_FILE = 'opinions.json';

const opinionFileSchema = z
  .object({
    format: z.literal('token-linear-bio-1'),
    tags: z.tuple([z.literal('O'), z.literal('B'), z.literal('I')]),
    /** signed distance buckets (word pieces from the target): before 1..n, after n+1..2n, 0 inside */
    distance_buckets: z.array(z.number().int().positive()).min(1),
    weights: z.array(z.array(z.number())).length(3),
    bias: z.array(z.number()).length(3),
  })
  .passthrough();

/**
 * Opinion spans about the marked aspect: per content token, O/B/I from
 * [h_t ; h_t * a ; distance bucket one-hot] (a = mean h over the target), as
 * models/training/train_opinions.py trains it.
 */
export class OpinionHead {
  private constructor(
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    private readonly buckets: readonly number[],
    private readonly hidden: number,
  ) {}

  private get inputSize(): number {
    return 2 * this.hidden + 2 * this.buckets.length + 1;
  }

  static load(dir: string, hidden: number): OpinionHead | null {
    const file = path.join(dir, OPINION_FILE);
    if (!existsSync(file)) return null;
    const { weights, bias, distance_buckets } = readArtifactJson(file, opinionFileSchema);
    const expected = 2 * hidden + 2 * distance_buckets.length + 1;
    const bad = weights.findIndex((row) => row.length !== expected);
    if (bad >= 0) {
      throw new ModelArtifactError(
        `weights[${bad}] has ${weights[bad]!.length} values, expected ${expected} (2 x hidden ${hidden} + distance buckets)`,
        file,
      );
    }
    return new OpinionHead(
      Float32Array.from(weights.flat()),
      Float32Array.from(bias),
      distance_buckets,
      hidden,
    );
  }

  private bucket(t: number, from: number, to: number): number {
    if (t >= from && t < to) return 0;
    const d = t < from ? from - t : t - to + 1;
    let b = this.buckets.findIndex((limit) => d <= limit);
    if (b < 0) b = this.buckets.length - 1;
    return 1 + b + (t >= to ? this.buckets.length : 0);
  }

  /**
   * Tags and tag probabilities for positions 1..len of one row of `hidden_states` (data from `base`,
   * `seq` positions of `hidden` floats); target tokens at positions [from, to) are never opinions.
   */
  tag(
    data: Float32Array,
    base: number,
    len: number,
    from: number,
    to: number,
    aspect: Float32Array,
  ): { tags: Uint8Array; probs: Float32Array } {
    const h = this.hidden;
    const n = this.inputSize;
    const w = this.weights;
    const tags = new Uint8Array(len);
    const probs = new Float32Array(len);
    const z = new Float64Array(3);
    for (let j = 0; j < len; j++) {
      const pos = j + 1;
      if (pos >= from && pos < to) {
        probs[j] = 1;
        continue;
      }
      const o = base + pos * h;
      const bucket = 2 * h + this.bucket(pos, from, to);
      let best = 0;
      for (let c = 0; c < 3; c++) {
        const wc = c * n;
        let s = this.bias[c]! + w[wc + bucket]!;
        for (let d = 0; d < h; d++) {
          const x = data[o + d]!;
          s += x * (w[wc + d]! + w[wc + h + d]! * aspect[d]!);
        }
        z[c] = s;
        if (s > z[best]!) best = c;
      }
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += Math.exp(z[c]! - z[best]!);
      tags[j] = best;
      probs[j] = 1 / sum;
    }
    return { tags, probs };
  }
}
