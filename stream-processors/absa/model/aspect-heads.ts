/**
 * Small heads over the encoder states of the targeted pass (the pass that already runs once per aspect
 * for its polarity), so they cost no encoder pass of their own. Each lives in its own optional file in
 * the artifact folder, written by models/training:
 *
 *   categories.json  aspect category, softmax regression on [h_CLS ; mean h over the aspect's word
 *                    pieces] (train_categories.py)
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelArtifactError } from './model-artifact.js';
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
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new ModelArtifactError(`is not readable JSON (${(cause as Error).message})`, file, { cause });
    }
    const parsed = categoryFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new ModelArtifactError(issues.join('; '), file);
    }
    const { labels, weights, bias, label_map } = parsed.data;
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
