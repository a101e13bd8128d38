import { useEffect, useId, useMemo, useRef } from 'react';
import { drawChart } from './chart-canvas.ts';
import { chartConfig, valueLabel, type ChartPalette, type MetricChart } from './metrics-charts.ts';

/** The canvas's height class by its number of bars (console.css; no inline styles under the CSP). */
const size = (bars: number): 's' | 'm' | 'l' => (bars <= 2 ? 's' : bars <= 4 ? 'm' : 'l');

/**
 * One chart with its figures as a table: the table is the chart's text alternative (and what a
 * screen reader reads), the canvas is for the eye.
 */
export function BarChart({ chart, palette }: { chart: MetricChart; palette: ChartPalette }) {
  const titleId = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  const config = useMemo(() => chartConfig(chart, palette), [chart, palette]);

  useEffect(() => {
    if (chart.empty || !canvas.current) return;
    const drawn = drawChart(canvas.current, config);
    return () => drawn.destroy();
  }, [chart.empty, config]);

  return (
    <figure className="metric-chart" aria-labelledby={titleId} data-chart={chart.id}>
      <figcaption id={titleId}>{chart.title}</figcaption>
      {chart.empty ? (
        <p className="empty">Nothing to chart for this period.</p>
      ) : (
        <div className="metric-canvas" data-size={size(chart.rows.length)}>
          <canvas ref={canvas} role="img" aria-label={`${chart.title}: a bar chart of the figures in the table below`} />
        </div>
      )}
      <table className="metric-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{chart.rowLabel}</th>
            <th scope="col">{chart.valueLabel}</th>
          </tr>
        </thead>
        <tbody>
          {chart.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{valueLabel(chart, row.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
