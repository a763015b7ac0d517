/**
 * The narrow port the ABSA stream processor depends on. Adapters (ONNX Runtime today) implement it;
 * nothing outside this folder needs to know about tokenizers, tensors or windows.
 *
 * All offsets are UTF-16 code units (JavaScript string indices): `text.slice(from, to) === term`.
 */

export const POLARITIES = ['negative', 'neutral', 'positive'] as const;
export type Polarity = (typeof POLARITIES)[number];

export interface PolarityScores {
  negative: number;
  neutral: number;
  positive: number;
}

export interface CharSpan {
  /** first UTF-16 code unit of the span */
  from: number;
  /** one past the last UTF-16 code unit of the span */
  to: number;
}

/** A span of words that carries the opinion about an aspect ("rude" for "waiter"). */
export interface OpinionSpan extends CharSpan {
  term: string;
  /** mean probability of the predicted opinion tag over the span's words */
  confidence: number;
}

/** The aspect's category in the model's own label set (the artifact's categories file). */
export interface AspectCategory {
  label: string;
  /** softmax probability of that label */
  confidence: number;
}

export interface AspectSentiment extends CharSpan {
  term: string;
  polarity: Polarity;
  /** extraction confidence: mean probability of the predicted BIO tag over the span's words */
  confidence: number;
  /** present when the model has an opinion head: the opinion spans about this aspect, in text order */
  opinions?: OpinionSpan[];
  /** present when the model has a category head */
  category?: AspectCategory;
}

export interface SentenceSentiment {
  polarity: Polarity;
  scores: PolarityScores;
}

export interface Analysis {
  /** aspects in text order, without overlaps */
  aspects: AspectSentiment[];
  /** sentiment of the whole text, no target marked */
  sentiment: SentenceSentiment;
  /** mean-pooled encoder states, L2-normalized; present when the model exposes hidden states */
  embedding?: Float32Array;
}

export interface TargetSentiment extends CharSpan {
  polarity: Polarity;
  /** probability of the predicted polarity */
  confidence: number;
  /** as in AspectSentiment */
  opinions?: OpinionSpan[];
  category?: AspectCategory;
}

export interface TargetedRequest {
  text: string;
  targets: readonly CharSpan[];
}

export interface ModelInfo {
  name: string;
  version: string;
  languages: readonly string[];
}

export interface SentimentModel {
  readonly info: ModelInfo;
  /** Finds aspect terms and their polarity, plus the sentence sentiment; one result per text, in order. */
  analyze(texts: readonly string[]): Promise<Analysis[]>;
  /** The sentiment of each whole text, no aspects (cheaper than analyze); one result per text, in order. */
  sentiment(texts: readonly string[]): Promise<SentenceSentiment[]>;
  /**
   * Polarity towards given targets (targeted mode); one result list per request, one entry per target,
   * in order. All requests are batched together.
   */
  classify(requests: readonly TargetedRequest[]): Promise<TargetSentiment[][]>;
  close(): Promise<void>;
}
