/** Review text with aspect spans marked: always text nodes, never parsed as HTML. */
import type { Polarity } from '../api';
import { useI18n } from '../i18n/index';
import { parseHighlight, splitBySpans } from '../text';

export interface MarkedSpan {
  from: number;
  to: number;
  polarity: Polarity;
}

export function Marked({ text, spans }: { text: string; spans: MarkedSpan[] }) {
  const { t } = useI18n();
  return (
    <>
      {splitBySpans(text, spans).map((seg, i) => {
        if (seg.span === undefined) return seg.text;
        const p = spans[seg.span]!.polarity;
        return (
          <mark key={i} class={`aspect pol-${p}`}>
            {seg.text}
            <span class="visually-hidden"> ({t(`polarity.${p}`)})</span>
          </mark>
        );
      })}
    </>
  );
}

/** A search highlight fragment: `<em>` markers become <mark>, everything else stays literal text. */
export function Fragment({ html }: { html: string }) {
  return (
    <>
      {parseHighlight(html).map((f, i) =>
        f.match ? (
          <mark key={i} class="match">
            {f.text}
          </mark>
        ) : (
          f.text
        ),
      )}
    </>
  );
}

export function PolarityBadge({ polarity }: { polarity: string }) {
  const { t } = useI18n();
  const known = ['positive', 'negative', 'neutral', 'conflict', 'mixed'].includes(polarity);
  return (
    <span class={`badge pol-${polarity}`}>
      {known ? t(`polarity.${polarity as Polarity | 'mixed'}`) : polarity}
    </span>
  );
}
