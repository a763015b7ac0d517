/**
 * A time-series chart drawn by uPlot (loaded only when a chart is shown). The canvas is an image
 * with a label; the same numbers are always in the table that follows it.
 */
import { useEffect, useRef } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: Array<number | null>;
}

/** Series colours come from the theme (--s0 … --s4 in styles.css), so they keep 3:1 on both backgrounds. */
export const SERIES_COUNT = 5;

export function TrendChart({
  times,
  series,
  label,
  yRange,
}: {
  times: number[];
  series: Series[];
  label: string;
  yRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: { destroy(): void; setSize(s: { width: number; height: number }): void } | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const css = getComputedStyle(document.documentElement);
      const fg = css.getPropertyValue('--fg').trim() || '#222';
      const grid = css.getPropertyValue('--grid').trim() || '#ddd';
      const axis = { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } };
      const width = Math.max(280, el.clientWidth);
      chart = new UPlot(
        {
          width,
          height: 240,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: yRange ? { range: yRange } : {} },
          axes: [axis, axis],
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              stroke: css.getPropertyValue(`--s${i % SERIES_COUNT}`).trim() || fg,
              width: 2,
              dash: i % 2 ? [6, 3] : undefined,
              spanGaps: false,
            })),
          ],
        },
        [times.map((t) => t / 1000), ...series.map((s) => s.values)] as never,
        el,
      );
      observer = new ResizeObserver(() =>
        chart?.setSize({ width: Math.max(280, el.clientWidth), height: 240 }),
      );
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [times, series, yRange, document.documentElement.dataset.theme]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
