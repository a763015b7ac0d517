/**
 * The language-specific steps of analysis. A language served by a model gets its sentence splitting,
 * aspect keys and taxonomy seeds from here; a language with no entry uses the neutral steps (ICU
 * sentences, normalizeAspect, the taxonomy as written), so a new language needs a model, and an
 * entry here only where the neutral steps do not fit its writing.
 */
import { normalizeAspect } from './enrichment/aspect-normalizer';
import { normalizeKoreanAspect } from './enrichment/korean/korean-aspect-normalizer';
import { KoreanSentenceSplitter } from './enrichment/korean/korean-sentence-splitter';
import { withKoreanSeeds } from './enrichment/korean/korean-taxonomy';
import { SentenceSplitter, type Sentence } from './enrichment/sentence-splitter';
import type { Taxonomy } from './taxonomy/taxonomy';

export interface TextHandling {
  splitSentences(text: string): Sentence[];
  /** The grouping key of an aspect term: "Batteries" → "battery", "배터리가" → "배터리". */
  aspectKey(term: string): string;
  /** The taxonomy with this language's seeds added. */
  taxonomy(taxonomy: Taxonomy): Taxonomy;
  /**
   * Document sentiment from one more model pass over the whole text (when it has several sentences)
   * instead of the average of its sentences' sentiment.
   */
  wholeTextSentiment: boolean;
}

const icu = new SentenceSplitter();

export function textHandling(language: string): TextHandling {
  if (language === 'ko') {
    // Korean reviews often end sentences with an ending or ㅋㅋ instead of punctuation, and glue
    // particles to the noun; seeds are Korean words, matched exactly before any embedding lookup.
    const korean = new KoreanSentenceSplitter(icu);
    return {
      splitSentences: (text) => korean.split(text),
      aspectKey: normalizeKoreanAspect,
      taxonomy: (t) => withKoreanSeeds(t),
      // Sentences cut at verb endings lose the context that carries a review's verdict: on the NSMC
      // val reviews, the whole text reads right far more often than the average of its pieces
      // (model card of the Korean model); Korean is a small share of traffic, so the extra pass is cheap.
      wholeTextSentiment: true,
    };
  }
  return {
    splitSentences: (text) => icu.split(text, language),
    aspectKey: normalizeAspect,
    taxonomy: (t) => t,
    wholeTextSentiment: false,
  };
}
