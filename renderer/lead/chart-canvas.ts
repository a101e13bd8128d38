// Chart.js with only what the metrics view draws (horizontal bars, their two axes, tooltips):
// registering these few instead of `chart.js/auto` keeps the bundle small. It is part of the
// Metrics view's chunk, which App loads on demand: consoles that never open Metrics never load it.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface DrawnChart {
  destroy(): void;
}

export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration<'bar', Array<number | null>, string>): DrawnChart {
  return new Chart(canvas, config);
}
