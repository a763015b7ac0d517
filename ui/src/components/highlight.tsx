/** Review text with aspect spans and opinion words marked: always text nodes, never parsed as HTML. */
import type { Opinion, Polarity } from '../api';
import { useI18n } from '../i18n/index';
import { parseHighlight, splitBySpans } from '../text';

export interface MarkedSpan {
  from: number;
  to: number;
  polarity: Polarity;
}

/** An opinion word's place in the text shown. */
export interface OpinionSpan {
  from: number;
  to: number;
}

/**
 * The API's opinion words (offsets into the document text) as spans of a part of it that starts at
 * `offset` and is `length` long (a mention's sentence); words outside it are left out.
 */
export function opinionSpans(
  opinions: Opinion[] | null | undefined,
  offset = 0,
  length = Infinity,
): OpinionSpan[] {
  return (opinions ?? [])
    .map((o) => ({ from: o.from - offset, to: o.to - offset }))
    .filter((o) => o.from >= 0 && o.to <= length && o.to > o.from);
}

/**
 * Aspect spans get a <mark> tinted by polarity (its name for screen readers), opinion words an
 * underline and the words "opinion word" for screen readers. An overlap keeps the aspect.
 */
export function Marked({
  text,
  spans,
  opinions = [],
}: {
  text: string;
  spans: MarkedSpan[];
  opinions?: OpinionSpan[];
}) {
  const { t } = useI18n();
  return (
    <>
      {splitBySpans(text, [...spans, ...opinions]).map((seg, i) => {
        if (seg.span === undefined) return seg.text;
        if (seg.span >= spans.length)
          return (
            <span key={i} class="opinion">
              {seg.text}
              <span class="visually-hidden"> ({t('highlight.opinion')})</span>
            </span>
          );
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

/** The words of an alert's or rule's severity, as a badge. */
export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useI18n();
  const known = ['info', 'warning', 'critical'].includes(severity);
  return (
    <span class={`badge sev-${known ? severity : 'info'}`}>
      {known ? t(`severity.${severity as 'info'}`) : severity}
    </span>
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
