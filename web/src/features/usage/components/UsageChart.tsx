import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { RouterOutputs } from '../../../lib/trpc.js';
import { formatTokens, formatUsd } from '../../../ui/LlmFormat.js';

type Summary = RouterOutputs['llm']['usage']['summary'];
type Row = Summary['series'][number];
export type Metric = 'cost' | 'tokens';

const palette = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#e11d48', '#8b5cf6', '#14b8a6', '#f97316'];
const OFFLINE_COLOUR = '#98a2b3';
const H = 300;
const M = { top: 14, right: 12, bottom: 34, left: 64 };
const plotH = H - M.top - M.bottom;
/** Day labels need about this many pixels each. */
const LABEL_PX = 64;

const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayLabel = (day: string) => dayFmt.format(new Date(`${day}T00:00:00Z`));
const valueOf = (r: Row, metric: Metric) => (metric === 'cost' ? r.costUsd : r.tokensIn + r.tokensOut);
export const formatMetric = (v: number, metric: Metric, isCompact = false) =>
  metric === 'cost' ? formatUsd(v) : `${formatTokens(v, isCompact)} tokens`;

/** Every UTC day from `since`, `days` long: days without calls are on the axis too. */
function allDays(since: string, days: number): string[] {
  const [y, m, d] = since.split('-').map(Number) as [number, number, number];
  return Array.from({ length: days }, (_, i) => new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
}

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) at or above `v`. */
function niceStep(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((s) => s * p >= v) ?? 10) * p;
}

/** Axis ticks from 0: 4 or 5 round steps, whichever reaches `v` with the lower top. */
function niceTicks(v: number, metric: Metric): number[] {
  if (v <= 0) return metric === 'cost' ? [0, 0.0025, 0.005, 0.0075, 0.01] : [0, 25, 50, 75, 100];
  const [n, step] = [4, 5]
    .map((k) => [k, niceStep(v / k)] as const)
    .reduce((a, b) => (b[0] * b[1] < a[0] * a[1] ? b : a));
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

export function providerColours(providers: readonly string[]): Map<string, string> {
  let i = 0;
  return new Map(
    providers.map((p) => [p, p === 'offline' ? OFFLINE_COLOUR : (palette[i++ % palette.length] ?? '#4f46e5')]),
  );
}

/**
 * The element's width in CSS pixels, kept current. The chart draws at that width (one SVG unit
 * is one pixel), so its labels stay at the stylesheet's size instead of growing with the page.
 */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.round(el.getBoundingClientRect().width) || fallback);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width] as const;
}

/** Stacked bars per UTC day, one colour per provider, with a legend and per-day tooltips. */
export function UsageChart({ summary, metric }: { summary: Summary; metric: Metric }) {
  const [hover, setHover] = useState<number | null>(null);
  const [chartRef, width] = useWidth(960);
  const W = Math.max(280, width);
  const plotW = W - M.left - M.right;
  const { days, providers, byDay, ticks } = useMemo(() => {
    const days = allDays(summary.since, summary.days);
    const providers = [...new Set(summary.series.map((r) => r.provider))].sort();
    const byDay = new Map<string, Row[]>();
    for (const r of summary.series) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
    const totals = days.map((d) => (byDay.get(d) ?? []).reduce((s, r) => s + valueOf(r, metric), 0));
    return { days, providers, byDay, ticks: niceTicks(Math.max(0, ...totals), metric) };
  }, [summary, metric]);
  const colours = providerColours(providers);
  const max = ticks[ticks.length - 1] ?? 1;
  const band = plotW / days.length;
  const barW = Math.max(2, Math.min(34, band * 0.7));
  const y = (v: number) => M.top + plotH - (v / max) * plotH;
  const step = Math.ceil(days.length / Math.max(2, Math.min(12, Math.floor(plotW / LABEL_PX))));
  const hovered = hover === null ? null : days[hover];
  const hoveredRows = hovered ? (byDay.get(hovered) ?? []) : [];
  const isEmpty = summary.series.every((r) => valueOf(r, metric) === 0);
  return (
    <div className="chart" data-testid="usage-chart" ref={chartRef}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${metric === 'cost' ? 'Cost' : 'Tokens'} per day by provider, last ${summary.days} days`}
        onMouseLeave={() => setHover(null)}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="chart-grid" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text className="chart-label" x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end">
              {metric === 'cost' ? formatUsd(t) : formatTokens(t, true)}
            </text>
          </g>
        ))}
        {days.map((day, i) => {
          const x = M.left + i * band;
          let top = 0;
          const rows = byDay.get(day) ?? [];
          const calls = rows.reduce((s, r) => s + r.calls, 0);
          return (
            <g key={day}>
              <rect
                className={`chart-column${hover === i ? ' hover' : ''}`}
                x={x}
                y={M.top}
                width={band}
                height={plotH}
                onMouseEnter={() => setHover(i)}
              >
                <title>{`${dayLabel(day)}: ${calls} call${calls === 1 ? '' : 's'}`}</title>
              </rect>
              {providers.map((p) => {
                const r = rows.find((row) => row.provider === p);
                const v = r ? valueOf(r, metric) : 0;
                if (!r || v <= 0) return null;
                const h = (v / max) * plotH;
                top += v;
                return (
                  <rect
                    key={p}
                    className="chart-bar"
                    data-testid="chart-bar"
                    x={x + (band - barW) / 2}
                    y={y(top)}
                    width={barW}
                    height={Math.max(1, h)}
                    fill={colours.get(p)}
                    onMouseEnter={() => setHover(i)}
                  >
                    <title>{`${dayLabel(day)} · ${p}: ${formatMetric(v, metric)} (${r.calls} call${r.calls === 1 ? '' : 's'}${r.errors ? `, ${r.errors} failed` : ''})`}</title>
                  </rect>
                );
              })}
              {(days.length - 1 - i) % step === 0 ? (
                <text
                  className="chart-label"
                  x={i === days.length - 1 ? x + band : x + band / 2}
                  y={H - M.bottom + 18}
                  textAnchor={i === days.length - 1 ? 'end' : 'middle'}
                >
                  {dayLabel(day)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line className="chart-axis" x1={M.left} x2={W - M.right} y1={M.top + plotH} y2={M.top + plotH} />
        {isEmpty ? (
          <text className="chart-empty" x={M.left + plotW / 2} y={M.top + plotH / 2} textAnchor="middle">
            No {metric === 'cost' ? 'spend' : 'tokens'} in this range
          </text>
        ) : null}
      </svg>
      {hovered ? (
        <div
          className="chart-tooltip"
          role="status"
          style={{ left: `${Math.min(88, Math.max(12, ((((hover ?? 0) + 0.5) * band + M.left) / W) * 100))}%` }}
        >
          <strong>{dayLabel(hovered)}</strong>
          {hoveredRows.length === 0 ? <span className="muted">No calls</span> : null}
          {hoveredRows.map((r) => (
            <span key={r.provider} className="tooltip-row">
              <span className="swatch" style={{ background: colours.get(r.provider) }} />
              {r.provider}: {formatMetric(valueOf(r, metric), metric)} · {r.calls} call{r.calls === 1 ? '' : 's'}
              {r.errors ? ` · ${r.errors} failed` : ''}
            </span>
          ))}
        </div>
      ) : null}
      <ul className="legend" aria-label="Providers">
        {providers.map((p) => (
          <li key={p}>
            <span className="swatch" style={{ background: colours.get(p) }} />
            {p}
          </li>
        ))}
        {providers.length === 0 ? <li className="muted">No calls yet</li> : null}
      </ul>
    </div>
  );
}
