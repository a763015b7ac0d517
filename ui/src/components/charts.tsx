/**
 * Small charts drawn as SVG by hand: each one is `role="img"` with a label that states its values,
 * and sits next to a table with the same numbers, so nothing is said by colour or shape alone.
 */
import type { CategoryStats, Polarity, TrendPoint } from '../api';
import { useI18n } from '../i18n/index';

export function Sparkline({ aspect, points }: { aspect: string; points: TrendPoint[] }) {
  const { t, num } = useI18n();
  const w = 96;
  const h = 24;
  const values = points.map((p) => p.mentions);
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const d = values
    .map((v, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  const label = t('sparkline.label', { aspect, values: values.map((v) => num(v)).join(', ') });
  return (
    <svg class="sparkline" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      <title>{label}</title>
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

const ORDER: Polarity[] = ['positive', 'neutral', 'conflict', 'negative'];

/** One stacked bar of polarity shares. */
export function ShareBar({ shares, label }: { shares: Record<Polarity, number>; label: string }) {
  let x = 0;
  return (
    <svg class="sharebar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      {ORDER.map((p) => {
        const width = shares[p] * 100;
        const rect = <rect key={p} class={`fill-${p}`} x={x} y={0} width={width} height={10} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}

export function categoryLabel(
  c: CategoryStats[],
  name: (c: string | null) => string,
  pct: (n: number) => string,
) {
  const total = c.reduce((n, x) => n + x.mentions, 0) || 1;
  return c.map((x) => `${name(x.category)} ${pct(x.mentions / total)}`).join(', ');
}
