import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { Tokenizer } from 'tokenizers';

/** Turns texts into unit-length vectors; cosine similarity is then a dot product. */
export interface Embedder {
  readonly dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

interface EmbedderConfig {
  name: string;
  dimensions: number;
  max_tokens: number;
}

/**
 * Mean-pooled, L2-normalized sentence embeddings from a BERT-style ONNX encoder
 * (all-MiniLM-L6-v2 in int8, 384 dimensions).
 */
export class OnnxSentenceEmbedder implements Embedder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    readonly config: EmbedderConfig,
  ) {}

  get dimensions(): number {
    return this.config.dimensions;
  }

  static async load(dir: string, threads = 1): Promise<OnnxSentenceEmbedder> {
    for (const file of ['config.json', 'tokenizer.json', 'model.onnx']) {
      if (!existsSync(path.join(dir, file))) {
        throw new Error(`embedding model file missing: ${path.join(dir, file)} (run models/embeddings/fetch.sh)`);
      }
    }
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as EmbedderConfig;
    const tokenizer = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    tokenizer.setTruncation(config.max_tokens);
    tokenizer.setPadding({ maxLength: undefined });
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new OnnxSentenceEmbedder(session, tokenizer, config);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const encodings = await this.tokenizer.encodeBatch(texts);
    const batch = encodings.length;
    const seq = encodings[0]!.getIds().length; // padded to the longest in the batch
    const ids = new BigInt64Array(batch * seq);
    const mask = new BigInt64Array(batch * seq);
    encodings.forEach((e, b) => {
      const eIds = e.getIds();
      const eMask = e.getAttentionMask();
      for (let t = 0; t < seq; t++) {
        ids[b * seq + t] = BigInt(eIds[t] ?? 0);
        mask[b * seq + t] = BigInt(eMask[t] ?? 0);
      }
    });
    const shape = [batch, seq];
    const out = await this.session.run({
      input_ids: new ort.Tensor('int64', ids, shape),
      attention_mask: new ort.Tensor('int64', mask, shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * seq), shape),
    });
    const hidden = out['last_hidden_state']!.data as Float32Array;
    const dim = this.config.dimensions;
    const vectors: Float32Array[] = [];
    for (let b = 0; b < batch; b++) {
      const v = new Float32Array(dim);
      let count = 0;
      for (let t = 0; t < seq; t++) {
        if (mask[b * seq + t] === 0n) continue;
        count++;
        const base = (b * seq + t) * dim;
        for (let d = 0; d < dim; d++) v[d]! += hidden[base + d]!;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) v[d]! /= norm;
      vectors.push(count ? v : new Float32Array(dim));
    }
    return vectors;
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
