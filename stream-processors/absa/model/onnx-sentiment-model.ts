/**
 * SentimentModel on ONNX Runtime (CPU).
 *
 * Every call turns its texts into rows (one row = one window of one text, optionally with a target
 * marked through token_type_ids = 1, or only located for the heads to pool), sorts the rows by length,
 * cuts them into batches of `batchSize` and pads each batch only to its own longest row. A batch short of
 * `batchSize` runs in turn with the process's other partial batches (onnx-session.ts runInTurn). Tensors
 * are filled through Int32 views on the BigInt64 buffers and outputs are read in place, so the hot loops
 * allocate nothing per token.
 */
import { availableParallelism, endianness } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  CategoryHead,
  loadOpinionHead,
  PolarityHead,
  type OpinionHead,
  type TargetedRow,
} from './aspect-heads.js';
import { decodeBio, decodeBioWords, isOpinionTerm, trimSpan, type TokenSpan } from './bio-decoder.js';
import { openSession, runInTurn } from './onnx-session.js';
import { DEFAULT_BATCH_SIZE } from './config.js';
import {
  loadModelArtifact,
  ModelArtifactError,
  parseTagScheme,
  type ModelArtifact,
  type TagScheme,
} from './model-artifact.js';
import {
  POLARITIES,
  type Analysis,
  type AspectSentiment,
  type CharSpan,
  type ModelInfo,
  type OpinionSpan,
  type Polarity,
  type PolarityScores,
  type SentenceSentiment,
  type SentimentModel,
  type TargetedRequest,
  type TargetSentiment,
} from './sentiment-model.js';
import { NameFilter } from './name-filter.js';
import { WordPieceTokenizer, type TokenizedText } from './tokenizer.js';
import { ownedRanges, planBatches, planWindows, windowAround, type TokenWindow } from './windowing.js';

if (endianness() !== 'LE') throw new Error('onnx-sentiment-model fills int64 tensors as little-endian words');

export interface OnnxSentimentModelOptions {
  /** ONNX Runtime intra-op threads (default: CPU cores) */
  threads?: number;
  /** sequences per inference batch (default 32) */
  batchSize?: number;
  /** Called after each ONNX run with its sequence count and duration, for the caller's metrics. */
  onBatch?: (batch: { sequences: number; seconds: number }) => void;
}

/** What a run() fills in its rows (polarity unless told otherwise). */
interface RunOutputs {
  tags?: boolean;
  /** the row's summed hidden states, for embeddings */
  hidden?: boolean;
  polarity?: boolean;
  /** the aspect heads' inputs and results over the row's target */
  aspects?: boolean;
  /** the row's hidden states, for the heads to read after tag decoding ("tagging-pass") */
  keepStates?: boolean;
}

/** One window of one text going through the model. */
interface Row {
  tokens: TokenizedText;
  start: number;
  end: number;
  /** token range of the target, where the heads pool; targetFrom === targetTo: none */
  targetFrom: number;
  targetTo: number;
  /** whether the target is marked in the input (token_type_ids = 1) */
  marked: boolean;
  /** filled by run(): predicted tag and its probability per window token */
  tags: Uint8Array | null;
  probs: Float32Array | null;
  /** filled by run(): softmax(polarity_logits) in POLARITIES order */
  polarity: Float32Array | null;
  /** filled by run() when the model has hidden states: their sum over the row's tokens */
  hiddenSum: Float32Array | null;
  /** filled by run() when asked to keep them: hidden states of [CLS], the window's tokens and [SEP] */
  states: Float32Array | null;
  /** filled by run() for targeted rows when an aspect head needs it: [h_CLS ; mean h over the target] */
  aspectFeatures: Float32Array | null;
  /** filled by run() for targeted rows when the model has an opinion head: O/B/I per window token */
  opinionTags: Uint8Array | null;
  opinionProbs: Float32Array | null;
}

const INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
const OUTPUTS = ['tag_logits', 'polarity_logits'] as const;
/** Optional output: the encoder's last hidden state, mean-pooled into embeddings (no second model). */
const HIDDEN = 'hidden_states';

function newRow(
  tokens: TokenizedText,
  window: TokenWindow,
  targetFrom = 0,
  targetTo = 0,
  marked = targetTo > targetFrom,
): Row {
  return {
    tokens,
    start: window.start,
    end: window.end,
    targetFrom,
    targetTo,
    marked,
    tags: null,
    probs: null,
    polarity: null,
    hiddenSum: null,
    states: null,
    aspectFeatures: null,
    opinionTags: null,
    opinionProbs: null,
  };
}

const OPINION_SCHEME: TagScheme = parseTagScheme(['O', 'B', 'I']);

function argmaxPolarity(probs: ArrayLike<number>): number {
  let best = 0;
  for (let p = 1; p < 3; p++) if (probs[p]! > probs[best]!) best = p;
  return best;
}

function scoresOf(probs: ArrayLike<number>): PolarityScores {
  return { negative: probs[0]!, neutral: probs[1]!, positive: probs[2]! };
}

export class OnnxSentimentModel implements SentimentModel {
  readonly info: ModelInfo;
  /** Embedding size when the model exposes hidden states, else 0 (no embeddings). */
  readonly dimensions: number;
  private readonly maxContent: number;
  private readonly overlap: number;
  private readonly nTags: number;
  /** the aspect-category head (categories.json), null when the artifact has none */
  readonly categoryHead: CategoryHead | null;
  /** drops found spans that are names (names.json), null when the artifact has none */
  readonly nameFilter: NameFilter | null;

  private constructor(
    readonly artifact: ModelArtifact,
    private readonly session: ort.InferenceSession,
    /** the opinion-span head (opinions.json), null when the artifact has none */
    readonly opinionHead: OpinionHead | null,
    /** the aspect-polarity head (polarity.json), in place of the model's own; null when none */
    readonly polarityHead: PolarityHead | null,
    private readonly tokenizer: WordPieceTokenizer,
    readonly threads: number,
    readonly batchSize: number,
    private readonly onBatch?: OnnxSentimentModelOptions['onBatch'],
  ) {
    const { config } = artifact;
    this.info = { name: config.name, version: config.version, languages: config.languages };
    this.maxContent = config.max_tokens - 2; // [CLS] ... [SEP]
    this.overlap = config.window_overlap_tokens;
    this.nTags = artifact.labels.tags.length;
    this.dimensions = OnnxSentimentModel.hiddenSize(session);
    this.categoryHead = this.dimensions > 0 ? CategoryHead.load(artifact.dir, this.dimensions) : null;
    this.nameFilter = this.dimensions > 0 ? NameFilter.load(artifact.dir, this.dimensions) : null;
  }

  /** Size of the hidden_states output; 0 without one, -1 when the graph leaves it open. */
  private static hiddenSize(session: ort.InferenceSession): number {
    const hidden = session.outputMetadata.find((m) => m.name === HIDDEN);
    const size = hidden?.isTensor ? hidden.shape[hidden.shape.length - 1] : undefined;
    return hidden ? (typeof size === 'number' ? size : -1) : 0;
  }

  /** whether aspects come with opinion spans */
  get hasOpinionHead(): boolean {
    return this.opinionHead !== null;
  }

  private get wantsAspectStates(): boolean {
    return this.categoryHead !== null || this.opinionHead !== null || this.polarityHead !== null;
  }

  /** Heads' results for one targeted row: its category and opinion spans, where the model has them. */
  private headsOf(
    row: Row,
    text: string,
  ): { category?: AspectSentiment['category']; opinions?: OpinionSpan[] } {
    const out: { category?: AspectSentiment['category']; opinions?: OpinionSpan[] } = {};
    if (row.aspectFeatures && this.categoryHead)
      out.category = this.categoryHead.classify(row.aspectFeatures);
    if (row.opinionTags && row.opinionProbs) {
      const { tokens } = row;
      const spans = decodeBioWords(
        row.opinionTags,
        row.opinionProbs,
        tokens.wordStarts.subarray(row.start, row.end),
        OPINION_SCHEME,
      );
      const starts = tokens.starts.subarray(row.start);
      const ends = tokens.ends.subarray(row.start);
      out.opinions = spans.flatMap((span) => {
        const s = trimSpan(span, starts, ends, text);
        if (s.end <= s.start) return [];
        const from = starts[s.start]!;
        const to = ends[s.end - 1]!;
        const term = text.slice(from, to);
        return to > from && isOpinionTerm(term) ? [{ term, from, to, confidence: s.confidence }] : [];
      });
    }
    return out;
  }

  /** Loads and checks the artifact folder and opens an inference session on it. */
  static async load(dir: string, options: OnnxSentimentModelOptions = {}): Promise<OnnxSentimentModel> {
    const artifact = loadModelArtifact(dir);
    const threads = options.threads ?? availableParallelism();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be a positive integer: ${threads}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer: ${batchSize}`);
    }
    const tokenizer = WordPieceTokenizer.fromFile(artifact.tokenizerPath);
    const session = await openSession(artifact.modelPath, threads);
    OnnxSentimentModel.checkSignature(session, artifact);
    const dimensions = OnnxSentimentModel.hiddenSize(session);
    let opinionHead: OpinionHead | null = null;
    let polarityHead: PolarityHead | null = null;
    try {
      if (dimensions > 0) {
        opinionHead = await loadOpinionHead(artifact.dir, dimensions, threads);
        polarityHead = await PolarityHead.load(artifact.dir, dimensions, threads);
      }
      if (artifact.config.analyze_polarity === 'tagging-pass' && !polarityHead) {
        throw new ModelArtifactError(
          `analyze_polarity "tagging-pass" needs a polarity head (polarity.json) and a "${HIDDEN}" output`,
          path.join(artifact.dir, 'config.json'),
        );
      }
    } catch (err) {
      await opinionHead?.release();
      await polarityHead?.release();
      await session.release();
      throw err;
    }
    return new OnnxSentimentModel(
      artifact,
      session,
      opinionHead,
      polarityHead,
      tokenizer,
      threads,
      batchSize,
      options.onBatch,
    );
  }

  private static checkSignature(session: ort.InferenceSession, artifact: ModelArtifact): void {
    const fail = (message: string): never => {
      void session.release();
      throw new ModelArtifactError(message, artifact.modelPath);
    };
    for (const name of INPUTS) if (!session.inputNames.includes(name)) fail(`has no input "${name}"`);
    for (const name of session.inputNames) {
      if (!(INPUTS as readonly string[]).includes(name)) fail(`has an unexpected input "${name}"`);
    }
    for (const name of OUTPUTS) if (!session.outputNames.includes(name)) fail(`has no output "${name}"`);
    for (const meta of session.inputMetadata) {
      if (meta.isTensor && meta.type !== 'int64')
        fail(`input "${meta.name}" is ${meta.type}, expected int64`);
    }
    for (const meta of session.outputMetadata) {
      if (!meta.isTensor || !(OUTPUTS as readonly string[]).includes(meta.name)) continue;
      if (meta.type !== 'float32') fail(`output "${meta.name}" is ${meta.type}, expected float32`);
      const last = meta.shape[meta.shape.length - 1];
      const expected = meta.name === 'tag_logits' ? artifact.labels.tags.length : 3;
      if (typeof last === 'number' && last !== expected) {
        fail(
          `output "${meta.name}" has ${last} classes, but ${meta.name === 'tag_logits' ? 'labels.json tags list' : 'polarities are'} ${expected}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.opinionHead?.release();
    await this.polarityHead?.release();
    await this.session.release();
  }

  async analyze(texts: readonly string[]): Promise<Analysis[]> {
    if (texts.length === 0) return [];
    const scheme = this.artifact.tagScheme;
    const threshold = this.artifact.config.thresholds.aspect_min_confidence;
    const mode = this.artifact.config.analyze_polarity;
    const encoded = await this.tokenizer.encodeBatch(texts);
    const windowsPerText = encoded.map((t) => planWindows(t.ids.length, this.maxContent, this.overlap));
    const rowsPerText = encoded.map((t, k) => windowsPerText[k]!.map((w) => newRow(t, w)));
    await this.run(rowsPerText.flat(), {
      tags: true,
      hidden: this.dimensions !== 0,
      keepStates: mode === 'tagging-pass' || this.nameFilter !== null,
    });
    // the tagging window that owns a span: its states are the ones the span was found with
    const ownedPerText = windowsPerText.map((windows) => ownedRanges(windows));
    const owner = (k: number, span: TokenSpan): Row =>
      rowsPerText[k]![
        Math.max(
          0,
          ownedPerText[k]!.findIndex((o) => span.start < o.end),
        )
      ]!;

    const spansPerText = encoded.map((tokens, k) => {
      const rows = rowsPerText[k]!;
      let tags: Uint8Array;
      let probs: Float32Array;
      if (rows.length === 1) {
        tags = rows[0]!.tags!;
        probs = rows[0]!.probs!;
      } else {
        tags = new Uint8Array(tokens.ids.length);
        probs = new Float32Array(tokens.ids.length);
        const owned = ownedPerText[k]!;
        rows.forEach((row, w) => {
          const { start, end } = owned[w]!;
          tags.set(row.tags!.subarray(start - row.start, end - row.start), start);
          probs.set(row.probs!.subarray(start - row.start, end - row.start), start);
        });
      }
      const spans =
        this.artifact.config.span_decoding === 'words'
          ? decodeBioWords(tags, probs, tokens.wordStarts, scheme)
          : decodeBio(tags, probs, scheme);
      return spans
        .map((s) => trimSpan(s, tokens.starts, tokens.ends, texts[k]!))
        .filter((s) => s.confidence >= threshold && s.end > s.start)
        .filter((s) => {
          if (!this.nameFilter) return true;
          const row = owner(k, s);
          return !this.nameFilter.isName({ ...row, states: row.states! }, texts[k]!, s.start, s.end);
        });
    });

    // one row per found span: for "targeted", one more batched pass with the span marked; for
    // "tagging-pass", the span located in the tagging window that owns it, whose states the heads read
    const spanRows: Row[][] = [];
    const perAspect = mode === 'targeted' || mode === 'tagging-pass';
    if (mode === 'targeted') {
      encoded.forEach((tokens, k) => {
        spanRows[k] = spansPerText[k]!.map((s) =>
          newRow(tokens, windowAround(tokens.ids.length, this.maxContent, s.start, s.end), s.start, s.end),
        );
      });
      await this.run(spanRows.flat(), { aspects: this.wantsAspectStates });
    } else if (mode === 'tagging-pass') {
      encoded.forEach((tokens, k) => {
        spanRows[k] = spansPerText[k]!.map((s) => {
          const window = owner(k, s);
          return { ...newRow(tokens, window, s.start, s.end, false), states: window.states };
        });
      });
      await this.runHeads(spanRows.flat());
    }

    return encoded.map((tokens, k) => {
      const text = texts[k]!;
      const aspects: AspectSentiment[] = spansPerText[k]!.map((s, j) => {
        const from = tokens.starts[s.start]!;
        const to = tokens.ends[s.end - 1]!;
        const polarity = perAspect ? argmaxPolarity(spanRows[k]![j]!.polarity!) : s.polarity;
        return {
          term: text.slice(from, to),
          from,
          to,
          polarity: POLARITIES[polarity]!,
          confidence: s.confidence,
          ...(perAspect ? this.headsOf(spanRows[k]![j]!, text) : {}),
        };
      });
      const rows = rowsPerText[k]!;
      return {
        aspects,
        sentiment: windowSentiment(rows),
        ...(this.dimensions !== 0 ? { embedding: pooled(rows) } : {}),
      };
    });
  }

  /**
   * The sentiment of each whole text, no target marked: the polarity pass alone (no tags, no targeted
   * pass), so it costs one encoder run per text (per window of a long text).
   */
  async sentiment(texts: readonly string[]): Promise<SentenceSentiment[]> {
    if (texts.length === 0) return [];
    const rowsPerText = await this.windowRows(texts);
    await this.run(rowsPerText.flat(), {});
    return rowsPerText.map(windowSentiment);
  }

  /**
   * Mean-pooled, L2-normalized encoder states of each text (one pass, no tags): the same vectors
   * `analyze` returns, for texts that only need an embedding, e.g. aspect terms and taxonomy seeds.
   */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.dimensions === 0) {
      throw new ModelArtifactError(
        `has no "${HIDDEN}" output, so it gives no embeddings`,
        this.artifact.modelPath,
      );
    }
    const rowsPerText = await this.windowRows(texts);
    await this.run(rowsPerText.flat(), { hidden: true, polarity: false });
    return rowsPerText.map(pooled);
  }

  /** Each text tokenized and cut into its windows, one untargeted row per window. */
  private async windowRows(texts: readonly string[]): Promise<Row[][]> {
    const encoded = await this.tokenizer.encodeBatch(texts);
    return encoded.map((t) =>
      planWindows(t.ids.length, this.maxContent, this.overlap).map((w) => newRow(t, w)),
    );
  }

  async classify(requests: readonly TargetedRequest[]): Promise<TargetSentiment[][]> {
    if (requests.length === 0) return [];
    requests.forEach((r, k) =>
      r.targets.forEach((t, j) => checkSpan(r.text, t, `requests[${k}].targets[${j}]`)),
    );
    const encoded = await this.tokenizer.encodeBatch(requests.map((r) => r.text));
    // the heads of a "tagging-pass" model learnt from states with nothing marked
    const mark = this.artifact.config.analyze_polarity !== 'tagging-pass';
    const rowsPerRequest = requests.map((request, k) => {
      const tokens = encoded[k]!;
      return request.targets.map((target) => {
        const [from, to] = tokensOverlapping(tokens, target);
        const window = windowAround(tokens.ids.length, this.maxContent, from, to);
        return newRow(tokens, window, from, to, mark && to > from);
      });
    });
    await this.run(rowsPerRequest.flat(), { aspects: this.wantsAspectStates });
    return requests.map((request, k) =>
      request.targets.map((target, j) => {
        const row = rowsPerRequest[k]![j]!;
        const probs = row.polarity!;
        const polarity = argmaxPolarity(probs);
        return {
          from: target.from,
          to: target.to,
          polarity: POLARITIES[polarity] as Polarity,
          confidence: probs[polarity]!,
          ...this.headsOf(row, request.text),
        };
      }),
    );
  }

  /** Runs rows through the model in length-sorted batches cut by planBatches; fills their outputs. */
  private async run(rows: Row[], want: RunOutputs): Promise<void> {
    if (rows.length === 0) return;
    const wantTags = want.tags ?? false;
    const wantHidden = want.hidden ?? false;
    const wantPolarity = want.polarity ?? true;
    const wantAspectFeatures = want.aspects ?? false;
    const keepStates = want.keepStates ?? false;
    const order = rows.slice().sort((a, b) => b.end - b.start - (a.end - a.start));
    const { clsId, sepId, padId } = this.tokenizer;
    const nTags = this.nTags;
    const columns = this.artifact.polarityColumns;
    const fetches = [
      ...(wantTags ? ['tag_logits'] : []),
      ...(wantPolarity ? ['polarity_logits'] : []),
      ...(wantHidden || wantAspectFeatures || keepStates ? [HIDDEN] : []),
    ];

    const lengths = order.map((r) => r.end - r.start);
    let b = 0;
    for (const rowsInBatch of planBatches(lengths, this.batchSize)) {
      const batch = order.slice(b, (b += rowsInBatch));
      const seq = batch[0]!.end - batch[0]!.start + 2;
      const size = batch.length * seq;
      const ids = new BigInt64Array(size);
      const mask = new BigInt64Array(size);
      const types = new BigInt64Array(size);
      // little-endian: the low 32-bit word of element i is at 2 * i, the high word stays 0
      const ids32 = new Int32Array(ids.buffer);
      const mask32 = new Int32Array(mask.buffer);
      const types32 = new Int32Array(types.buffer);
      if (padId !== 0) for (let i = 0; i < size; i++) ids32[2 * i] = padId;
      batch.forEach((row, r) => {
        const base = r * seq;
        const len = row.end - row.start;
        const tokenIds = row.tokens.ids;
        ids32[2 * base] = clsId;
        mask32[2 * base] = 1;
        for (let j = 0; j < len; j++) {
          const at = 2 * (base + 1 + j);
          const token = row.start + j;
          ids32[at] = tokenIds[token]!;
          mask32[at] = 1;
          if (row.marked && token >= row.targetFrom && token < row.targetTo) types32[at] = 1;
        }
        ids32[2 * (base + 1 + len)] = sepId;
        mask32[2 * (base + 1 + len)] = 1;
      });
      const dims = [batch.length, seq];
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', types, dims),
      };
      // the heads' runs in the same turn as the encoder's, so a batch is not queued twice
      const { out, headPolarity } = await runInTurn(batch.length === this.batchSize, async () => {
        const started = performance.now();
        const out = await this.session.run(feeds, fetches);
        this.onBatch?.({ sequences: batch.length, seconds: (performance.now() - started) / 1000 });
        const targeted = wantAspectFeatures ? await this.targetFeatures(batch, seq, out[HIDDEN]!) : null;
        const headPolarity =
          targeted && wantPolarity && this.polarityHead
            ? await this.polarityHead.polarities(out[HIDDEN]!, seq, targeted)
            : null;
        return { out, headPolarity };
      });
      if (wantHidden) this.sumHidden(batch, seq, out[HIDDEN]!);
      if (keepStates) this.keepStates(batch, seq, out[HIDDEN]!);
      if (!wantPolarity) {
        for (const tensor of Object.values(out)) tensor.dispose();
        continue;
      }

      const polarity = out.polarity_logits!;
      if (polarity.dims.length !== 2 || polarity.dims[0] !== batch.length || polarity.dims[1] !== 3) {
        throw new ModelArtifactError(
          `polarity_logits has shape [${polarity.dims.join(', ')}], expected [${batch.length}, 3]`,
          this.artifact.modelPath,
        );
      }
      const polarityData = polarity.data as Float32Array;
      batch.forEach((row, r) => {
        const probs = new Float32Array(3);
        const o = r * 3;
        const max = Math.max(polarityData[o]!, polarityData[o + 1]!, polarityData[o + 2]!);
        let sum = 0;
        for (let c = 0; c < 3; c++) {
          const e = Math.exp(polarityData[o + c]! - max);
          probs[columns[c]!] = e;
          sum += e;
        }
        for (let p = 0; p < 3; p++) probs[p] = probs[p]! / sum;
        row.polarity = probs;
      });
      if (headPolarity) batch.forEach((row, r) => (row.polarity = headPolarity[r]!));

      if (wantTags) {
        const tagTensor = out.tag_logits!;
        if (
          tagTensor.dims.length !== 3 ||
          tagTensor.dims[0] !== batch.length ||
          tagTensor.dims[1] !== seq ||
          tagTensor.dims[2] !== nTags
        ) {
          throw new ModelArtifactError(
            `tag_logits has shape [${tagTensor.dims.join(', ')}], expected [${batch.length}, ${seq}, ${nTags}]`,
            this.artifact.modelPath,
          );
        }
        const logits = tagTensor.data as Float32Array;
        batch.forEach((row, r) => {
          const len = row.end - row.start;
          const tags = new Uint8Array(len);
          const probs = new Float32Array(len);
          for (let j = 0; j < len; j++) {
            const o = (r * seq + 1 + j) * nTags;
            let best = 0;
            let max = logits[o]!;
            for (let c = 1; c < nTags; c++) {
              const v = logits[o + c]!;
              if (v > max) {
                max = v;
                best = c;
              }
            }
            let sum = 0;
            for (let c = 0; c < nTags; c++) sum += Math.exp(logits[o + c]! - max);
            tags[j] = best;
            probs[j] = 1 / sum;
          }
          row.tags = tags;
          row.probs = probs;
        });
      }
      for (const tensor of Object.values(out)) tensor.dispose();
    }
  }

  /**
   * The aspect heads over states kept from the tagging pass, in batches of rows of similar length:
   * category, opinion spans and polarity, with no encoder run.
   */
  private async runHeads(rows: Row[]): Promise<void> {
    const dims = this.dimensions;
    const order = rows.slice().sort((a, b) => b.end - b.start - (a.end - a.start));
    for (let b = 0; b < order.length; b += this.batchSize) {
      const batch = order.slice(b, b + this.batchSize);
      const seq = batch[0]!.end - batch[0]!.start + 2;
      const data = new Float32Array(batch.length * seq * dims);
      batch.forEach((row, r) => data.set(row.states!, r * seq * dims));
      const tensor = new ort.Tensor('float32', data, [batch.length, seq, dims]);
      const polarities = await runInTurn(batch.length === this.batchSize, async () => {
        const targeted = await this.targetFeatures(batch, seq, tensor);
        return this.polarityHead!.polarities(tensor, seq, targeted);
      });
      batch.forEach((row, r) => (row.polarity = polarities[r]!));
    }
  }

  /** Copies each row's hidden states ([CLS], its tokens, [SEP]) out of the batch's output tensor. */
  private keepStates(batch: Row[], seq: number, tensor: ort.Tensor): void {
    const dims = tensor.dims[2]!;
    const data = tensor.data as Float32Array;
    batch.forEach((row, r) => {
      const base = r * seq * dims;
      row.states = data.slice(base, base + (row.end - row.start + 2) * dims);
    });
  }

  /**
   * [h_CLS ; mean of h over the target tokens] per row, the category head's input (the same as
   * models/training/aspect_states.py aspect_features; a row with no marked token uses h_CLS twice), and
   * the opinion head's tags; returns the rows' targets for the heads that read the whole batch.
   */
  private async targetFeatures(batch: Row[], seq: number, tensor: ort.Tensor): Promise<TargetedRow[]> {
    const dims = tensor.dims[2]!;
    if (tensor.dims.length !== 3 || tensor.dims[0] !== batch.length || tensor.dims[1] !== seq) {
      throw new ModelArtifactError(
        `${HIDDEN} has shape [${tensor.dims.join(', ')}], expected [${batch.length}, ${seq}, hidden]`,
        this.artifact.modelPath,
      );
    }
    const data = tensor.data as Float32Array;
    const targeted: TargetedRow[] = [];
    batch.forEach((row, r) => {
      const features = new Float32Array(2 * dims);
      const base = r * seq * dims;
      features.set(data.subarray(base, base + dims), 0);
      const from = Math.max(row.targetFrom, row.start) - row.start + 1;
      const to = Math.min(row.targetTo, row.end) - row.start + 1;
      if (to > from) {
        for (let j = from; j < to; j++) {
          const o = base + j * dims;
          for (let d = 0; d < dims; d++) features[dims + d] = features[dims + d]! + data[o + d]!;
        }
        for (let d = 0; d < dims; d++) features[dims + d] = features[dims + d]! / (to - from);
      } else {
        features.set(data.subarray(base, base + dims), dims);
      }
      row.aspectFeatures = features;
      targeted.push({ len: row.end - row.start, from, to, aspect: features.subarray(dims) });
    });
    if (this.opinionHead) {
      const tagged = await this.opinionHead.tagBatch(tensor, seq, targeted);
      batch.forEach((row, r) => {
        row.opinionTags = tagged[r]!.tags;
        row.opinionProbs = tagged[r]!.probs;
      });
    }
    return targeted;
  }

  /** Sums each row's hidden states over its tokens ([CLS], content, [SEP]), as mean pooling needs. */
  private sumHidden(batch: Row[], seq: number, tensor: ort.Tensor): void {
    const [n, t, dims] = tensor.dims;
    if (tensor.dims.length !== 3 || n !== batch.length || t !== seq || !dims) {
      throw new ModelArtifactError(
        `${HIDDEN} has shape [${tensor.dims.join(', ')}], expected [${batch.length}, ${seq}, hidden]`,
        this.artifact.modelPath,
      );
    }
    const data = tensor.data as Float32Array;
    batch.forEach((row, r) => {
      const sum = new Float32Array(dims);
      const tokens = row.end - row.start + 2;
      for (let j = 0; j < tokens; j++) {
        const o = (r * seq + j) * dims;
        for (let d = 0; d < dims; d++) sum[d] = sum[d]! + data[o + d]!;
      }
      row.hiddenSum = sum;
    });
  }
}

/** A text's sentiment from its windows' polarity probabilities, weighted by window length. */
function windowSentiment(rows: Row[]): SentenceSentiment {
  const probs = new Float32Array(3);
  if (rows.length === 1) {
    probs.set(rows[0]!.polarity!);
  } else {
    let total = 0;
    for (const row of rows) {
      const weight = row.end - row.start;
      total += weight;
      for (let p = 0; p < 3; p++) probs[p] = probs[p]! + weight * row.polarity![p]!;
    }
    for (let p = 0; p < 3; p++) probs[p] = probs[p]! / total;
  }
  return { polarity: POLARITIES[argmaxPolarity(probs)]!, scores: scoresOf(probs) };
}

/** Token-weighted mean of a text's window sums, L2-normalized (cosine similarity = dot product). */
function pooled(rows: Row[]): Float32Array {
  const dims = rows[0]!.hiddenSum!.length;
  const v = new Float32Array(dims);
  for (const row of rows) for (let d = 0; d < dims; d++) v[d] = v[d]! + row.hiddenSum![d]!;
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += v[d]! * v[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) v[d] = v[d]! / norm;
  return v;
}

function checkSpan(text: string, span: CharSpan, where: string): void {
  if (
    !Number.isInteger(span.from) ||
    !Number.isInteger(span.to) ||
    span.from < 0 ||
    span.to > text.length ||
    span.from >= span.to
  ) {
    throw new RangeError(
      `${where}: span [${span.from}, ${span.to}) is not inside the text (length ${text.length})`,
    );
  }
}

/**
 * Content tokens whose characters overlap [from, to). When none does (a span of spaces), an empty range
 * at the next token: nothing is marked and the result is the sentence's polarity.
 */
function tokensOverlapping(tokens: TokenizedText, span: CharSpan): [number, number] {
  const n = tokens.ids.length;
  let first = 0;
  while (first < n && tokens.ends[first]! <= span.from) first++;
  let last = first;
  while (last < n && tokens.starts[last]! < span.to) last++;
  return [first, last];
}
