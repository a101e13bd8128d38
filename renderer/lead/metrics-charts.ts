// What the metrics view draws, derived from a MetricsReport: each chart's rows (which its table
// shows too, as the chart's text alternative) and the Chart.js configuration for a theme. Pure,
// so both are tested without a canvas.
import type { ChartConfiguration } from 'chart.js';
import type { MetricFigures, MetricsReport } from '../../shared/protocol/lead.ts';
import { METRIC_CHANNELS } from '../../shared/protocol/lead.ts';
import { PRODUCT_KINDS } from '../../shared/protocol/handoff.ts';
import { TRIGGER_REASONS } from '../../shared/protocol/packet.ts';
import { CHANNEL_LABEL, REASON_LABEL } from '../ui/packet-labels.ts';
import { PRODUCT_KIND_LABEL } from '../ui/product-labels.ts';

export type MetricChartId = 'reasons' | 'channels' | 'time-to-accept' | 'declines' | 'outcomes';

export interface MetricChart {
  id: MetricChartId;
  title: string;
  /** What the rows are, for the table's first column. */
  rowLabel: string;
  /** What the values are, for the table's column and the chart's dataset. */
  valueLabel: string;
  unit: 'count' | 'seconds';
  rows: Array<{ label: string; value: number | null }>;
  /** Nothing to draw (all zero or unknown): the view says so instead of an empty chart. */
  empty: boolean;
}

/** Decline reasons are free text: the most frequent ones get a bar, the rest one together. */
export const MAX_DECLINE_BARS = 6;

/** 350 ms, 2.5 s, 42 s, 3 min 5 s, 1 h 2 min; "—" when unknown. */
export function durationLabel(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds === 0) return '0 s';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) {
    const s = whole % 60;
    return `${Math.floor(whole / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const minutes = Math.round(whole / 60);
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)} h${m ? ` ${m} min` : ''}`;
}

/** A chart value in words: a count as is, seconds as a duration. */
export function valueLabel(chart: Pick<MetricChart, 'unit'>, value: number | null): string {
  if (chart.unit === 'seconds') return durationLabel(value);
  return value === null ? '—' : String(value);
}

/** The figures a view shows: the team's, or one agent's (null when the report does not list them). */
export function figuresOf(report: MetricsReport, agentId?: string): MetricFigures | null {
  if (agentId === undefined) return report.totals;
  return report.agents.find((a) => a.agent.id === agentId) ?? null;
}

function chart(id: MetricChartId, title: string, [rowLabel, valueLabel]: [string, string], unit: MetricChart['unit'], rows: MetricChart['rows']): MetricChart {
  return { id, title, rowLabel, valueLabel, unit, rows, empty: rows.every((r) => !r.value) };
}

function declineRows(declines: MetricFigures['declines']): MetricChart['rows'] {
  const top = declines.byReason.slice(0, MAX_DECLINE_BARS).map((d) => ({ label: d.reason || '(no reason)', value: d.count }));
  const rest = declines.byReason.slice(MAX_DECLINE_BARS).reduce((sum, d) => sum + d.count, 0);
  return rest > 0 ? [...top, { label: 'All other reasons', value: rest }] : top;
}

/** The charts of the team's figures, or of one agent's with `agentId`; none when the agent is not in the report. */
export function chartsFromReport(report: MetricsReport, agentId?: string): MetricChart[] {
  const f = figuresOf(report, agentId);
  if (!f) return [];
  return [
    chart('reasons', 'Handoffs by trigger reason', ['Trigger reason', 'Handoffs'], 'count', TRIGGER_REASONS.map((r) => ({ label: REASON_LABEL[r], value: f.byReason[r] }))),
    chart(
      'channels',
      'Handoffs by channel',
      ['Channel', 'Handoffs'],
      'count',
      METRIC_CHANNELS.map((c) => ({ label: c === 'unspecified' ? 'No channel given' : CHANNEL_LABEL[c], value: f.byChannel[c] })),
    ),
    chart('time-to-accept', 'Time to accept', ['Measure', 'Time'], 'seconds', [
      { label: 'Median', value: f.timeToAccept.medianSeconds },
      { label: '90th percentile', value: f.timeToAccept.p90Seconds },
    ]),
    chart('declines', 'Declines by reason', ['Reason', 'Declines'], 'count', declineRows(f.declines)),
    chart('outcomes', 'How handoffs were finished', ['Outcome', 'Handoffs'], 'count', [
      { label: 'Resolved', value: f.resolved },
      { label: 'Returned to bot', value: f.returnToBot.count },
      ...PRODUCT_KINDS.map((k) => ({ label: `Product route: ${PRODUCT_KIND_LABEL[k].toLowerCase()}`, value: f.productRoutes[k] })),
    ]),
  ];
}

/** The theme's colours as the charts use them (read from console.css's custom properties). */
export interface ChartPalette {
  text: string;
  muted: string;
  grid: string;
  bar: string;
}

/** Long labels (decline reasons) shortened on the axis; the table has them whole. */
export const MAX_AXIS_LABEL = 20;
const shorten = (label: string): string => (label.length > MAX_AXIS_LABEL ? `${label.slice(0, MAX_AXIS_LABEL - 1)}…` : label);

/**
 * A horizontal bar chart: labels stay readable at 360 px, and the colours are the theme's. No
 * animation, so what is drawn is final at once (and reduced-motion users see no movement).
 */
export function chartConfig(chart: MetricChart, palette: ChartPalette): ChartConfiguration<'bar', Array<number | null>, string> {
  const labels = chart.rows.map((r) => r.label);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [{ label: chart.valueLabel, data: chart.rows.map((r) => r.value), backgroundColor: palette.bar, borderRadius: 3, maxBarThickness: 22 }],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: palette.text,
      plugins: {
        tooltip: { callbacks: { label: (item) => `${chart.valueLabel}: ${valueLabel(chart, item.parsed.x)}` } },
      },
      scales: {
        x: {
          beginAtZero: true,
          grid: { color: palette.grid },
          border: { color: palette.grid },
          ticks: {
            color: palette.muted,
            font: { size: 11 },
            maxTicksLimit: 5,
            ...(chart.unit === 'count' ? { precision: 0 } : { callback: (value) => durationLabel(Number(value)) }),
          },
        },
        y: {
          grid: { display: false },
          border: { color: palette.grid },
          ticks: { color: palette.text, font: { size: 12 }, autoSkip: false, callback: (value) => shorten(labels[Number(value)] ?? '') },
        },
      },
    },
  };
}
