/**
 * Hand-made aspect mentions for the alert engine tests. Ids are numbered in order, so a test that
 * restarts the numbering builds the same stream, ids included, a second time.
 */
import type { AspectMention } from '../../../schemas/index';

const HOUR = 3_600_000;

export function mentionMaker(category: string) {
  let seq = 0;
  return {
    restart(): void {
      seq = 0;
    },
    /** `n` mentions of `aspect` spread evenly over the hour from `start`; the first `negative` are negative. */
    hour(start: number, n: number, negative: number, aspect = 'delivery', entity = 'shop'): AspectMention[] {
      return Array.from({ length: n }, (_, i) => {
        const id = `00000000-0000-4000-8000-${String(seq++).padStart(12, '0')}`;
        return {
          mention_id: id,
          document_id: id,
          tenant: 't',
          source: 's',
          entity,
          created_at: start + Math.floor(((i + 0.5) * HOUR) / n),
          processed_at: 0,
          lang: 'en',
          term: aspect,
          start: 0,
          end: 1,
          sentence_index: 0,
          sentence_text: '',
          sentence_start: 0,
          sentence_end: 1,
          normalized_aspect: aspect,
          category,
          polarity: i < negative ? 'negative' : 'positive',
          confidence: 1,
          model: { name: 'm', version: '1' },
          taxonomy_version: null,
        };
      });
    },
  };
}
