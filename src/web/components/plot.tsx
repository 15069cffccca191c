/**
 * A time-series plot (uPlot) that fills its container's width and follows the theme's colours. Series are
 * lines, areas or bars; bars are used for counts per bucket (PyFarm drew task events that way).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlotSeries {
  label: string;
  /** A CSS colour or a variable name such as `--st-done`. */
  color: string;
  kind?: 'line' | 'area' | 'bars';
  values: readonly (number | null)[];
}

function resolveColor(color: string, el: Element): string {
  if (!color.startsWith('--')) return color;
  return getComputedStyle(el).getPropertyValue(color).trim() || '#888';
}

function withAlpha(color: string, alpha: number): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) {
    return `${color}${Math.round(alpha * 255)
      .toString(16)
      .padStart(2, '0')}`;
  }
  return color;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Axis ticks in the viewer's zone, 24-hour: dates at midnight (or for day-sized steps), times otherwise. */
export function formatTick(seconds: number, stepSeconds: number): string {
  const d = new Date(seconds * 1000);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (stepSeconds >= 86_400 || (d.getHours() === 0 && d.getMinutes() === 0)) return date;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function formatLegendTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function Plot({
  times,
  series,
  height = 300,
  label,
  yLabel,
  xRange,
}: {
  /** Unix seconds. */
  times: readonly number[];
  series: readonly PlotSeries[];
  height?: number;
  label: string;
  yLabel?: string;
  /** Unix seconds: the time span to show even where there is no data. */
  xRange?: readonly [number, number];
}) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const text = getComputedStyle(el).getPropertyValue('--muted').trim() || '#666';
    const grid = getComputedStyle(el).getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true, ...(xRange ? { range: [xRange[0], xRange[1]] as [number, number] } : {}) } },
      axes: [
        {
          ...axis,
          // A date label is ~10 characters: ticks closer than this overlap into one unreadable line.
          space: 100,
          values: (_u, splits, _i, step) => splits.map((v) => formatTick(v, step)),
        },
        { ...axis, ...(yLabel ? { label: yLabel } : {}), size: 56 },
      ],
      series: [
        { value: (_u, v) => (v === null ? '--' : formatLegendTime(v)) },
        ...series.map((s) => {
          const color = resolveColor(s.color, el);
          return {
            label: s.label,
            stroke: color,
            width: s.kind === 'bars' ? 0 : 2,
            ...(s.kind === 'area' ? { fill: withAlpha(color, 0.18) } : {}),
            ...(s.kind === 'bars'
              ? { fill: withAlpha(color, 0.85), ...(bars ? { paths: bars } : {}), points: { show: false } }
              : {}),
            points: { show: times.length <= 60 && s.kind !== 'bars' },
            spanGaps: false,
          } satisfies uPlot.Series;
        }),
      ],
    };
    const data = [
      times as number[],
      ...series.map((s) => s.values as (number | null)[]),
    ] as uPlot.AlignedData;
    const plot = new uPlot(options, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [times, series, height, yLabel, xRange]);

  return <div className="plot" ref={host} role="img" aria-label={label} />;
}
