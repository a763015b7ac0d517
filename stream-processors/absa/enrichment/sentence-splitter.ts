export interface Sentence {
  readonly text: string;
  /** UTF-16 offset of the sentence in the text it was split from. */
  readonly from: number;
  readonly to: number;
}

/**
 * Splits text into sentences with Intl.Segmenter (ICU rules), trimming surrounding whitespace.
 * Empty segments are dropped, so a whitespace-only text gives no sentences.
 */
export class SentenceSplitter {
  private readonly segmenters = new Map<string, Intl.Segmenter>();

  split(text: string, language: string): Sentence[] {
    let segmenter = this.segmenters.get(language);
    if (!segmenter) {
      segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
      this.segmenters.set(language, segmenter);
    }
    const sentences: Sentence[] = [];
    for (const { segment, index } of segmenter.segment(text)) {
      const lead = segment.length - segment.trimStart().length;
      const body = segment.trim();
      if (body) sentences.push({ text: body, from: index + lead, to: index + lead + body.length });
    }
    return sentences;
  }
}
