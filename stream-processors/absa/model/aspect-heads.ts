/**
 * Small heads over the encoder states at an aspect, so they cost no encoder pass of their own: the
 * states of the targeted pass (which runs once per aspect for its polarity), or, where config.json says
 * analyze_polarity "tagging-pass", those of the tagging pass (one encoder pass per text). Each lives in
 * its own optional file in the artifact folder, written by models/training:
 *
 *   categories.json  aspect category, softmax regression on [h_CLS ; mean h over the aspect's word
 *                    pieces] (train_categories.py)
 *   opinions.json    opinion spans, per-token O/B/I (train_opinions.py): a linear layer whose weights
 *                    are in the file, or a small MLP in the ONNX graph the file names (opinions.onnx),
 *                    run by onnxruntime over the whole targeted batch
 *   polarity.json    aspect polarity in place of the model's own: an MLP graph over the aspect's
 *                    pooled states (polarity.onnx, train_polarity.py)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { ModelArtifactError, readArtifactJson } from './model-artifact.js';
import { openSession } from './onnx-session.js';
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

/** The graph a head file names, which must be in the artifact folder beside it. */
function headGraph(file: string, model: string): string {
  const graph = path.join(path.dirname(file), model);
  if (!existsSync(graph)) throw new ModelArtifactError(`names ${model}, which is missing`, file);
  return graph;
}

/** Opens a head's graph and checks that it takes `inputs` and the model's hidden size and gives `output`. */
async function openHeadSession(
  graph: string,
  threads: number,
  hidden: number,
  inputs: readonly string[],
  output: string,
): Promise<ort.InferenceSession> {
  // no memory arena: it would hold the largest batch's features (~25 MB) for the process's life,
  // about 40 MB more peak RSS for no measurable speed
  const session = await openSession(graph, threads, false);
  const fail = (message: string): never => {
    void session.release();
    throw new ModelArtifactError(message, graph);
  };
  for (const name of inputs) if (!session.inputNames.includes(name)) fail(`has no input "${name}"`);
  if (!session.outputNames.includes(output)) fail(`has no output "${output}"`);
  const input = session.inputMetadata.find((m) => m.name === 'hidden_states');
  const size = input?.isTensor ? input.shape[input.shape.length - 1] : undefined;
  if (typeof size === 'number' && size !== hidden)
    fail(`takes hidden states of size ${size}, the model's are ${hidden}`);
  return session;
}

export const OPINION_FILE = 'opinions.json';

const tags = z.tuple([z.literal('O'), z.literal('B'), z.literal('I')]);
/** a head's graph: a file name in the artifact folder */
const graphFile = z
  .string()
  .regex(/^[\w.-]+\.onnx$/, 'must be an .onnx file name inside the artifact folder');
/** signed distance buckets (word pieces from the target): before 1..n, after n+1..2n, 0 inside */
const distanceBuckets = z.array(z.number().int().positive()).min(1);

const opinionFileSchema = z.discriminatedUnion('format', [
  z
    .object({
      format: z.literal('token-linear-bio-1'),
      tags,
      distance_buckets: distanceBuckets,
      weights: z.array(z.array(z.number())).length(3),
      bias: z.array(z.number()).length(3),
    })
    .passthrough(),
  z
    .object({
      format: z.literal('token-mlp-onnx-1'),
      tags,
      distance_buckets: distanceBuckets,
      model: graphFile,
    })
    .passthrough(),
]);

/** One targeted row of a batch: `len` content tokens at positions 1..len, the target at [from, to). */
export interface TargetedRow {
  len: number;
  from: number;
  to: number;
  /** mean hidden state over the target (h_CLS when it has no token) */
  aspect: Float32Array;
}

export interface OpinionTags {
  /** per content token: 0 O, 1 B, 2 I; target tokens are always O */
  tags: Uint8Array;
  /** probability of each token's tag */
  probs: Float32Array;
}

/** 1 on each row's target tokens ([CLS] when it has none), the graphs' `target_mask` input. */
function targetMask(rows: readonly TargetedRow[], seq: number): Float32Array {
  const mask = new Float32Array(rows.length * seq);
  rows.forEach((row, r) => {
    if (row.to > row.from) mask.fill(1, r * seq + row.from, r * seq + row.to);
    else mask[r * seq] = 1;
  });
  return mask;
}

/** Signed distance bucket of position t from the target [from, to), as train_opinions.py distance_bucket. */
export function distanceBucket(t: number, from: number, to: number, buckets: readonly number[]): number {
  if (t >= from && t < to) return 0;
  const d = t < from ? from - t : t - to + 1;
  let b = buckets.findIndex((limit) => d <= limit);
  if (b < 0) b = buckets.length - 1;
  return 1 + b + (t >= to ? buckets.length : 0);
}

/** Tags a row's content tokens from the 3 logits `logitsAt` writes into `z` per position; the target stays O. */
function tagsFromLogits(row: TargetedRow, logitsAt: (pos: number, z: Float64Array) => void): OpinionTags {
  const tags = new Uint8Array(row.len);
  const probs = new Float32Array(row.len);
  const z = new Float64Array(3);
  for (let j = 0; j < row.len; j++) {
    const pos = j + 1;
    if (pos >= row.from && pos < row.to) {
      probs[j] = 1;
      continue;
    }
    logitsAt(pos, z);
    const best = z[1]! > z[0]! ? (z[2]! > z[1]! ? 2 : 1) : z[2]! > z[0]! ? 2 : 0;
    const max = z[best]!;
    tags[j] = best;
    probs[j] = 1 / (Math.exp(z[0]! - max) + Math.exp(z[1]! - max) + Math.exp(z[2]! - max));
  }
  return { tags, probs };
}

/** Opinion spans about the marked aspect, per content token of each targeted row. */
export interface OpinionHead {
  /**
   * Tags for each row of one targeted batch; `data` is its hidden_states tensor ([rows, seq, hidden]).
   */
  tagBatch(hidden: ort.Tensor, seq: number, rows: readonly TargetedRow[]): Promise<OpinionTags[]>;
  release(): Promise<void>;
}

/** The opinion head in `dir` (opinions.json, and the graph it names), or null when there is none. */
export async function loadOpinionHead(
  dir: string,
  hidden: number,
  threads: number,
): Promise<OpinionHead | null> {
  const file = path.join(dir, OPINION_FILE);
  if (!existsSync(file)) return null;
  const spec = readArtifactJson(file, opinionFileSchema);
  if (spec.format === 'token-linear-bio-1') return LinearOpinionHead.of(spec, hidden, file);
  const session = await openHeadSession(
    headGraph(file, spec.model),
    threads,
    hidden,
    ['hidden_states', 'target_mask', 'distance'],
    'opinion_logits',
  );
  return new OnnxOpinionHead(session, spec.distance_buckets);
}

/**
 * Per content token, O/B/I from [h_t ; h_t * a ; distance bucket one-hot] (a = mean h over the
 * target) by one linear layer, as train_opinions.py --hidden 0 trains it.
 */
export class LinearOpinionHead implements OpinionHead {
  private constructor(
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    private readonly buckets: readonly number[],
    private readonly hidden: number,
  ) {}

  static of(
    spec: { weights: number[][]; bias: number[]; distance_buckets: number[] },
    hidden: number,
    file: string,
  ): LinearOpinionHead {
    const expected = 2 * hidden + 2 * spec.distance_buckets.length + 1;
    const bad = spec.weights.findIndex((row) => row.length !== expected);
    if (bad >= 0) {
      throw new ModelArtifactError(
        `weights[${bad}] has ${spec.weights[bad]!.length} values, expected ${expected} (2 x hidden ${hidden} + distance buckets)`,
        file,
      );
    }
    return new LinearOpinionHead(
      Float32Array.from(spec.weights.flat()),
      Float32Array.from(spec.bias),
      spec.distance_buckets,
      hidden,
    );
  }

  tagBatch(hiddenStates: ort.Tensor, seq: number, rows: readonly TargetedRow[]): Promise<OpinionTags[]> {
    const data = hiddenStates.data as Float32Array;
    return Promise.resolve(rows.map((row, r) => this.tag(data, r * seq * this.hidden, row)));
  }

  /** Tags of one row whose states start at `base` in `data`. */
  tag(data: Float32Array, base: number, row: TargetedRow): OpinionTags {
    const h = this.hidden;
    const n = 2 * h + 2 * this.buckets.length + 1;
    const w = this.weights;
    return tagsFromLogits(row, (pos, z) => {
      const o = base + pos * h;
      const bucket = 2 * h + distanceBucket(pos, row.from, row.to, this.buckets);
      for (let k = 0; k < 3; k++) {
        const wk = k * n;
        let s = this.bias[k]! + w[wk + bucket]!;
        for (let d = 0; d < h; d++) s += data[o + d]! * (w[wk + d]! + w[wk + h + d]! * row.aspect[d]!);
        z[k] = s;
      }
    });
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Per content token, O/B/I from a one-hidden-layer MLP over [h_t ; h_t * a ; h_t-1 ; h_t+1 ; distance
 * bucket one-hot], as train_opinions.py exports it: inputs hidden_states, target_mask and distance,
 * output opinion_logits [rows, seq, 3].
 */
export class OnnxOpinionHead implements OpinionHead {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly buckets: readonly number[],
  ) {}

  async tagBatch(
    hiddenStates: ort.Tensor,
    seq: number,
    rows: readonly TargetedRow[],
  ): Promise<OpinionTags[]> {
    const n = rows.length;
    const distance = new BigInt64Array(n * seq);
    rows.forEach((row, r) => {
      const base = r * seq;
      for (let p = 0; p < seq; p++)
        distance[base + p] = BigInt(distanceBucket(p, row.from, row.to, this.buckets));
    });
    const out = await this.session.run(
      {
        hidden_states: hiddenStates,
        target_mask: new ort.Tensor('float32', targetMask(rows, seq), [n, seq]),
        distance: new ort.Tensor('int64', distance, [n, seq]),
      },
      ['opinion_logits'],
    );
    const tensor = out.opinion_logits!;
    try {
      const logits = tensor.data as Float32Array;
      // copied value by value: a subarray view per token would allocate on this hot path
      return rows.map((row, r) =>
        tagsFromLogits(row, (pos, z) => {
          const o = (r * seq + pos) * 3;
          z[0] = logits[o]!;
          z[1] = logits[o + 1]!;
          z[2] = logits[o + 2]!;
        }),
      );
    } finally {
      tensor.dispose();
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export const POLARITY_FILE = 'polarity.json';

const polarityFields = {
  model: graphFile,
  polarities: z.tuple([z.literal('negative'), z.literal('neutral'), z.literal('positive')]),
};
const polarityFileSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('pooled-mlp-onnx-1'), ...polarityFields }).passthrough(),
  z
    .object({
      format: z.literal('pooled-mlp-onnx-2'),
      ...polarityFields,
      /** the content tokens within this many word pieces of the target are pooled too (local_mask) */
      local_window: z.number().int().positive(),
    })
    .passthrough(),
]);

/**
 * Aspect polarity from the encoder states at the aspect pooled four ways ([h_CLS ; mean h over the
 * target ; mean and max h over the text]) and, in format 2, two more: mean and max h over the text's
 * tokens within `local_window` of the target, which tell two aspects of one sentence apart when no pass
 * marks them. A one-hidden-layer MLP (train_polarity.py) in place of the model's own polarity. Inputs
 * hidden_states, target_mask, content_mask (and local_mask); output polarity_logits [rows, 3]
 * (negative, neutral, positive).
 */
export class PolarityHead {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** 0 when the graph pools no local window */
    private readonly localWindow: number,
  ) {}

  /** The head in `dir` (polarity.json and the graph it names), or null when the artifact has none. */
  static async load(dir: string, hidden: number, threads: number): Promise<PolarityHead | null> {
    const file = path.join(dir, POLARITY_FILE);
    if (!existsSync(file)) return null;
    const spec = readArtifactJson(file, polarityFileSchema);
    const localWindow = spec.format === 'pooled-mlp-onnx-2' ? spec.local_window : 0;
    const session = await openHeadSession(
      headGraph(file, spec.model),
      threads,
      hidden,
      ['hidden_states', 'target_mask', 'content_mask', ...(localWindow ? ['local_mask'] : [])],
      'polarity_logits',
    );
    return new PolarityHead(session, localWindow);
  }

  /** Polarity probabilities (negative, neutral, positive) for each row of one targeted batch. */
  async polarities(
    hiddenStates: ort.Tensor,
    seq: number,
    rows: readonly TargetedRow[],
  ): Promise<Float32Array[]> {
    const n = rows.length;
    const content = new Float32Array(n * seq);
    rows.forEach((row, r) => content.fill(1, r * seq + 1, r * seq + 1 + row.len));
    const feeds: Record<string, ort.Tensor> = {
      hidden_states: hiddenStates,
      target_mask: new ort.Tensor('float32', targetMask(rows, seq), [n, seq]),
      content_mask: new ort.Tensor('float32', content, [n, seq]),
    };
    if (this.localWindow) {
      // content positions within the window of the target, as train_polarity.py local_range
      const local = new Float32Array(n * seq);
      const k = this.localWindow;
      rows.forEach((row, r) =>
        local.fill(1, r * seq + Math.max(1, row.from - k), r * seq + Math.min(row.len + 1, row.to + k)),
      );
      feeds.local_mask = new ort.Tensor('float32', local, [n, seq]);
    }
    const out = await this.session.run(feeds, ['polarity_logits']);
    const tensor = out.polarity_logits!;
    try {
      const logits = tensor.data as Float32Array;
      return rows.map((_, r) => {
        const z = logits.subarray(3 * r, 3 * r + 3);
        const max = Math.max(z[0]!, z[1]!, z[2]!);
        const e = Float32Array.from(z, (v) => Math.exp(v - max));
        const sum = e[0]! + e[1]! + e[2]!;
        return e.map((v) => v / sum);
      });
    } finally {
      tensor.dispose();
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
