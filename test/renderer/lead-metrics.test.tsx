// @vitest-environment jsdom
// The lead's Metrics view over a fake hub: what it asks (`team:metrics` with the period and the
// person chosen), what it shows (key figures, one chart per breakdown with its table, figures by
// agent), the CSV it saves, and the charts' configuration, which jsdom cannot draw: Chart.js is
// replaced by a stub that records what it was asked to draw.
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ChartConfiguration } from 'chart.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { computeMetrics, metricsToCsv, type MetricsEvent, type MetricsHandoff, type MetricsInput } from '../../shared/domain/metrics.ts';
import type { AgentView } from '../../shared/protocol/agent.ts';
import type { MetricsReport, TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import type { CommandPayload } from '../../shared/protocol/socket.ts';
import { chartConfig, chartsFromReport, durationLabel, MAX_DECLINE_BARS } from '../../renderer/lead/metrics-charts.ts';
import { customPeriod, presetPeriod } from '../../renderer/lead/metrics-period.ts';
import { NO_CONVERSATION_COUNTS } from '../../renderer/lead/MetricsView.tsx';
import { ana, ben } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, startConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

type BarConfig = ChartConfiguration<'bar', Array<number | null>, string>;
const drawn = vi.hoisted(() => [] as Array<{ canvas: HTMLCanvasElement; config: BarConfig; destroyed: boolean }>);
vi.mock('../../renderer/lead/chart-canvas.ts', () => ({
  drawChart(canvas: HTMLCanvasElement, config: BarConfig) {
    const chart = { canvas, config, destroyed: false };
    drawn.push(chart);
    return { destroy: () => void (chart.destroyed = true) };
  },
}));

const lee: AgentView = { ...ana, id: 'lee', name: 'Lee', role: 'lead', skills: [], capacity: 0 };
const TEAM: TeamView = { name: 'support', routing: 'push', offerTimeoutSeconds: 45, stalledQueueSeconds: 120, stalledAcceptedSeconds: 900 };
const AGENTS: TeamAgentView[] = [ana, ben, lee].map((a) => ({ ...a, handoffIds: [], lastAcceptedAt: null }));

const bot = { kind: 'bot', id: 'bot-1' } as const;
const router = { kind: 'system', id: 'router' } as const;
const by = (id: string) => ({ kind: 'agent', id }) as const;

/**
 * Four handoffs, `s` seconds after the period's start:
 * - h1 complexity/chat: Ana accepts after 30 s and resolves it.
 * - h2 bug report/email: Ben declines ("Busy"), Ana accepts after 60 s and routes it as a bug report.
 * - h3 emotional state/voice: Ben accepts after 45 s and returns it to the bot.
 * - h4 complexity/no channel: Ana's offer expires.
 * Team: accepts 30, 45, 60 → median 45 s, p90 60 s; 1 returned of 3 finished; the bot reported 20
 * conversations for the period, so deflection is 1 − 4/20 = 80 %.
 */
function metricsInput(from: string, to: string, conversations: boolean): MetricsInput {
  const t0 = Date.parse(from);
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const handoff = (id: string, reason: MetricsHandoff['reason'], channel: MetricsHandoff['channel'], events: Array<Omit<MetricsEvent, 'at'> & { s: number }>): MetricsHandoff => ({
    id,
    integrationId: 'bot-1',
    reason,
    channel,
    createdAt: at(0),
    events: [{ type: 'created', at: at(0), actor: bot }, ...events.map(({ s, ...e }) => ({ ...e, at: at(s) }))],
  });
  return {
    team: 'support',
    from,
    to,
    agents: [
      { id: 'ana', name: 'Ana Ruiz' },
      { id: 'ben', name: 'Ben Okafor' },
    ],
    handoffs: [
      handoff('h1', 'complexity', 'chat', [
        { type: 'offered', s: 0, actor: router, agentIds: ['ana'] },
        { type: 'accepted', s: 30, actor: by('ana') },
        { type: 'resolved', s: 100, actor: by('ana') },
      ]),
      handoff('h2', 'bug_report', 'email', [
        { type: 'offered', s: 0, actor: router, agentIds: ['ben'] },
        { type: 'declined', s: 10, actor: by('ben'), reason: 'Busy', agentIds: ['ben'] },
        { type: 'offered', s: 10, actor: router, agentIds: ['ana'] },
        { type: 'accepted', s: 60, actor: by('ana') },
        { type: 'routed_to_product', s: 200, actor: by('ana'), product: { kind: 'bug_report' } },
      ]),
      handoff('h3', 'emotional_state', 'voice', [
        { type: 'offered', s: 0, actor: router, agentIds: ['ben'] },
        { type: 'accepted', s: 45, actor: by('ben') },
        { type: 'returned_to_bot', s: 300, actor: by('ben') },
      ]),
      handoff('h4', 'complexity', null, [
        { type: 'offered', s: 0, actor: router, agentIds: ['ana'] },
        { type: 'offer_expired', s: 45, actor: router, agentIds: ['ana'] },
      ]),
    ],
    conversations: conversations ? [{ integrationId: 'bot-1', integrationName: 'bot-one', from, to, count: 20 }] : [],
  };
}

/** What the hub would answer to `team:metrics`, computed by the shared code the hub runs. */
const reportFor = ({ from, to, agentId }: CommandPayload<'team:metrics'>, conversations = true): MetricsReport =>
  computeMetrics({ ...metricsInput(from, to, conversations), ...(agentId !== undefined && { agentId }) });

let consoles: TestConsole[] = [];
beforeEach(() => {
  resetStores();
  drawn.length = 0;
});
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
  document.documentElement.removeAttribute('style');
  vi.restoreAllMocks();
});

/** Lee's console, connected as the hub greets a lead, with the Metrics tab open. */
async function openMetrics(options: { conversations?: boolean } = {}): Promise<TestConsole> {
  const c = await startConsole();
  consoles.push(c);
  c.hub.respond = (command, payload) =>
    command === 'team:metrics' ? { ok: true, report: reportFor(payload as CommandPayload<'team:metrics'>, options.conversations ?? true) } : { ok: false, error: { code: 'internal', message: 'unexpected' } };
  c.hub.connectAs(lee, []);
  c.hub.emit('team:changed', { team: TEAM });
  c.hub.emit('agents:changed', { agents: AGENTS });
  await flushMicrotasks();
  renderConsole(c);
  await userEvent.click(screen.getByRole('button', { name: 'Metrics' }));
  await screen.findByRole('region', { name: 'Key figures' });
  return c;
}

const controls = () => screen.getByRole('form', { name: 'Metrics period and people' });
/** A key figure's value, by its term. */
const figure = (term: string) => within(screen.getByRole('region', { name: 'Key figures' })).getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;
/** A table's body as [label, value…] rows. */
const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .slice(1)
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
const metricsAsked = (c: TestConsole) => c.hub.commands('team:metrics').map((s) => s.payload);

describe('the lead’s metrics view', () => {
  it('asks for today’s team figures and shows them as key figures, and as charts each with a table', async () => {
    const c = await openMetrics();
    expect(metricsAsked(c)).toEqual([presetPeriod('today', Date.now())]);

    expect(figure('Handoffs')).toBe('4');
    expect(figure('Median time to accept')).toBe('45 s');
    expect(figure('90th percentile time to accept')).toBe('1 min');
    expect(figure('Offers expired')).toBe('1');
    expect(figure('Declines')).toBe('1');
    expect(figure('Return-to-bot rate')).toBe('33% 1 returned of 3 finished');
    expect(figure('Resolved')).toBe('1');
    expect(figure('Routed to product')).toBe('1');
    expect(figure('Deflection rate')).toBe('80% 4 handoffs in 20 conversations');

    expect(rows('Handoffs by trigger reason')).toEqual([
      ['Complexity', '2'],
      ['Emotional state', '1'],
      ['Outside the bot’s scope', '0'],
      ['Feature request', '0'],
      ['Bug report', '1'],
      ['Customer asked for a person', '0'],
      ['Other', '0'],
    ]);
    expect(rows('Handoffs by channel')).toEqual([
      ['Chat', '1'],
      ['Voice', '1'],
      ['Email', '1'],
      ['SMS', '0'],
      ['Social', '0'],
      ['Other channel', '0'],
      ['No channel given', '1'],
    ]);
    expect(rows('Time to accept')).toEqual([
      ['Median', '45 s'],
      ['90th percentile', '1 min'],
    ]);
    expect(rows('Declines by reason')).toEqual([['Busy', '1']]);
    expect(rows('How handoffs were finished')).toEqual([
      ['Resolved', '1'],
      ['Returned to bot', '1'],
      ['Product route: feature request', '0'],
      ['Product route: bug report', '1'],
    ]);
    expect(rows('By agent')).toEqual([
      ['Ana Ruiz', '2', '30 s', '1 min', '1', '0', '0%', '1'],
      ['Ben Okafor', '1', '45 s', '45 s', '0', '1', '100%', '0'],
    ]);

    // Each chart is drawn on its own canvas with the figures its table shows.
    await waitFor(() => expect(drawn).toHaveLength(5));
    const byTitle = Object.fromEntries(
      drawn.map((d) => [d.canvas.closest('figure')!.querySelector('figcaption')!.textContent, { labels: d.config.data.labels, data: d.config.data.datasets[0]!.data }]),
    );
    expect(byTitle['Handoffs by trigger reason']!.data).toEqual([2, 1, 0, 0, 1, 0, 0]);
    expect(byTitle['Handoffs by channel']!.data).toEqual([1, 1, 1, 0, 0, 0, 1]);
    expect(byTitle['Time to accept']).toEqual({ labels: ['Median', '90th percentile'], data: [45, 60] });
    expect(byTitle['Declines by reason']).toEqual({ labels: ['Busy'], data: [1] });
    expect(byTitle['How handoffs were finished']!.data).toEqual([1, 1, 0, 1]);
    for (const d of drawn) expect(d.canvas).toHaveAccessibleName(/a bar chart of the figures in the table below$/);
  });

  it('says plainly that no bot reported conversation counts instead of showing a deflection rate', async () => {
    await openMetrics({ conversations: false });
    expect(figure('Deflection rate')).toBe(NO_CONVERSATION_COUNTS);
    expect(NO_CONVERSATION_COUNTS).toBe('No bot reported conversation counts for this period.');
  });

  it('asks for the chosen preset’s days, and for a custom period; a custom period ending before it starts names the field and asks nothing', async () => {
    const c = await openMetrics();
    const period = within(controls()).getByRole('combobox', { name: 'Period' });
    await userEvent.selectOptions(period, 'Last 7 days');
    await userEvent.selectOptions(period, 'Last 30 days');
    await waitFor(() => expect(metricsAsked(c)).toHaveLength(3));
    expect(metricsAsked(c).slice(1)).toEqual([presetPeriod('last7', Date.now()), presetPeriod('last30', Date.now())]);

    await userEvent.selectOptions(period, 'Custom…');
    const from = within(controls()).getByLabelText('From');
    const to = within(controls()).getByLabelText('To');
    await userEvent.clear(from);
    await userEvent.type(from, '2026-03-10');
    await userEvent.clear(to);
    await userEvent.type(to, '2026-03-02');
    await userEvent.click(within(controls()).getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert')).toHaveTextContent('To: must be on or after From.');
    expect(to).toHaveAttribute('aria-invalid', 'true');
    expect(metricsAsked(c)).toHaveLength(3);

    await userEvent.clear(to);
    await userEvent.type(to, '2026-03-16');
    await userEvent.click(within(controls()).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(metricsAsked(c)).toHaveLength(4));
    const custom = customPeriod('2026-03-10', '2026-03-16');
    expect(custom.ok && metricsAsked(c)[3]).toEqual(custom.ok && custom.period);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows one agent’s figures when the lead picks them, without the team-only deflection', async () => {
    const c = await openMetrics();
    await userEvent.selectOptions(within(controls()).getByRole('combobox', { name: 'People' }), 'Ben Okafor');
    await waitFor(() => expect(figure('Handoffs')).toBe('1'));
    expect(metricsAsked(c).at(-1)).toEqual({ ...presetPeriod('today', Date.now()), agentId: 'ben' });
    expect(figure('Median time to accept')).toBe('45 s');
    expect(figure('Return-to-bot rate')).toBe('100% 1 returned of 1 finished');
    expect(within(screen.getByRole('region', { name: 'Key figures' })).queryByText('Deflection rate')).toBeNull();
    expect(rows('Declines by reason')).toEqual([['Busy', '1']]);
    expect(screen.queryByRole('table', { name: 'By agent' })).toBeNull();

    // Back to the team, then to Ana from the table of agents.
    await userEvent.selectOptions(within(controls()).getByRole('combobox', { name: 'People' }), 'Whole team');
    await waitFor(() => expect(figure('Handoffs')).toBe('4'));
    await userEvent.click(screen.getByRole('button', { name: 'Show Ana Ruiz’s metrics' }));
    await waitFor(() => expect(figure('Handoffs')).toBe('2'));
    expect(metricsAsked(c).at(-1)).toMatchObject({ agentId: 'ana' });
    // Ana declined nothing: that chart says so instead of drawing nothing.
    expect(within(screen.getByRole('figure', { name: 'Declines by reason' })).getByText('Nothing to chart for this period.')).toBeInTheDocument();
  });

  it('exports the report shown as CSV, made by the shared metricsToCsv, through a Blob link', async () => {
    const c = await openMetrics();
    const saved: Array<{ name: string; blob: Blob }> = [];
    const blobs = new Map<string, Blob>();
    let next = 0;
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      const url = `blob:test/${++next}`;
      blobs.set(url, blob as Blob);
      return url;
    };
    URL.revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href')!)! });
    });
    await userEvent.click(within(controls()).getByRole('button', { name: 'Export CSV' }));
    expect(saved).toHaveLength(1);
    const report = reportFor(c.hub.commands('team:metrics')[0]!.payload as CommandPayload<'team:metrics'>);
    expect(saved[0]!.blob.type).toBe('text/csv;charset=utf-8');
    expect(await saved[0]!.blob.text()).toBe(metricsToCsv(report));
    expect(saved[0]!.name).toMatch(/^baton-metrics-support-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
  });

  it('draws the charts in the theme’s colours, and again when the theme changes', async () => {
    const root = document.documentElement;
    root.style.setProperty('--accent', '#3b5bdb');
    root.style.setProperty('--text', '#1d232b');
    await openMetrics();
    await waitFor(() => expect(drawn).toHaveLength(5));
    expect(drawn.map((d) => d.config.data.datasets[0]!.backgroundColor)).toEqual(Array(5).fill('#3b5bdb'));

    act(() => {
      root.style.setProperty('--accent', '#748ffc');
      root.style.setProperty('--text', '#e6e9ee');
      root.dataset.theme = 'dark';
    });
    await waitFor(() => expect(drawn).toHaveLength(10));
    expect(drawn.slice(0, 5).every((d) => d.destroyed)).toBe(true);
    const dark = drawn.slice(5);
    expect(dark.map((d) => d.config.data.datasets[0]!.backgroundColor)).toEqual(Array(5).fill('#748ffc'));
    expect(dark.every((d) => d.config.options?.scales?.y?.ticks?.color === '#e6e9ee')).toBe(true);
    delete root.dataset.theme;
  });

  it('shows the hub’s refusal in its own words instead of figures', async () => {
    const c = await startConsole();
    consoles.push(c);
    c.hub.respond = () => ({ ok: false, error: { code: 'forbidden', message: 'Only a team lead can read team metrics.' } });
    c.hub.connectAs(lee, []);
    await flushMicrotasks();
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Metrics' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only a team lead can read team metrics.');
    expect(screen.queryByRole('region', { name: 'Key figures' })).toBeNull();
    expect(within(controls()).getByRole('button', { name: 'Export CSV' })).toBeDisabled();
  });
});

describe('chartsFromReport and chartConfig', () => {
  const period = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' };
  const light = { text: '#1d232b', muted: '#5d6773', grid: '#dde1e7', bar: '#3b5bdb' };

  it('builds one chart per breakdown from the team’s or one agent’s figures, marking charts with nothing to draw', () => {
    const report = reportFor(period);
    const team = chartsFromReport(report);
    expect(team.map((c) => [c.id, c.rows.map((r) => r.value), c.empty])).toEqual([
      ['reasons', [2, 1, 0, 0, 1, 0, 0], false],
      ['channels', [1, 1, 1, 0, 0, 0, 1], false],
      ['time-to-accept', [45, 60], false],
      ['declines', [1], false],
      ['outcomes', [1, 1, 0, 1], false],
    ]);
    const anas = chartsFromReport(report, 'ana');
    expect(anas.find((c) => c.id === 'time-to-accept')!.rows.map((r) => r.value)).toEqual([30, 60]);
    expect(anas.find((c) => c.id === 'declines')).toMatchObject({ rows: [], empty: true });
    expect(chartsFromReport(report, 'nobody')).toEqual([]);
    // Without accepts the times are unknown, not zero, and there is nothing to draw.
    const none = computeMetrics({ ...metricsInput(period.from, period.to, false), handoffs: [] });
    expect(chartsFromReport(none).find((c) => c.id === 'time-to-accept')).toMatchObject({ rows: [{ value: null }, { value: null }], empty: true });
  });

  it('gives the most frequent decline reasons a bar each and the rest one together', () => {
    const report = reportFor(period);
    const reasons = Array.from({ length: MAX_DECLINE_BARS + 2 }, (_, i) => ({ reason: `Reason ${i + 1}`, count: 10 - i }));
    const many = { ...report, totals: { ...report.totals, declines: { total: reasons.reduce((s, r) => s + r.count, 0), byReason: reasons } } };
    const declines = chartsFromReport(many).find((c) => c.id === 'declines')!;
    expect(declines.rows).toHaveLength(MAX_DECLINE_BARS + 1);
    expect(declines.rows.at(-1)).toEqual({ label: 'All other reasons', value: 4 + 3 }); // counts 10, 9 … 3: the last two
  });

  it('configures horizontal bars in the palette’s colours, whole-number counts, durations on the time axis, no animation', () => {
    const [reasons, , time] = chartsFromReport(reportFor(period));
    const config = chartConfig(reasons!, light);
    expect(config.type).toBe('bar');
    expect(config.options?.indexAxis).toBe('y');
    expect(config.options?.animation).toBe(false);
    expect(config.options?.maintainAspectRatio).toBe(false);
    expect(config.data.datasets[0]!.backgroundColor).toBe(light.bar);
    expect(config.options?.scales?.x?.grid?.color).toBe(light.grid);
    expect(config.options?.scales?.x?.ticks).toMatchObject({ color: light.muted, precision: 0 });
    expect(config.options?.scales?.y?.ticks?.color).toBe(light.text);
    const timeTicks = chartConfig(time!, light).options?.scales?.x?.ticks as { callback: (v: number) => string };
    expect(timeTicks.callback(90)).toBe('1 min 30 s');
  });

  it('writes durations as people read them', () => {
    expect([null, 0, 0.0424, 2.5, 9.96, 42.4, 60, 185, 3599.6, 3720, 7200].map(durationLabel)).toEqual([
      '—',
      '0 s',
      '42 ms',
      '2.5 s',
      '10 s',
      '42 s',
      '1 min',
      '3 min 5 s',
      '1 h',
      '1 h 2 min',
      '2 h',
    ]);
  });
});

describe('metrics periods', () => {
  it('are whole local days ending tomorrow at midnight: today, the last 7 and the last 30', () => {
    const now = new Date(2026, 2, 10, 15, 30).getTime();
    expect(presetPeriod('today', now)).toEqual({ from: new Date(2026, 2, 10).toISOString(), to: new Date(2026, 2, 11).toISOString() });
    expect(presetPeriod('last7', now)).toEqual({ from: new Date(2026, 2, 4).toISOString(), to: new Date(2026, 2, 11).toISOString() });
    expect(presetPeriod('last30', now)).toEqual({ from: new Date(2026, 1, 9).toISOString(), to: new Date(2026, 2, 11).toISOString() });
  });

  it('take a custom first and last day, both included, and name the field that is wrong', () => {
    expect(customPeriod('2026-03-02', '2026-03-08')).toEqual({ ok: true, period: { from: new Date(2026, 2, 2).toISOString(), to: new Date(2026, 2, 9).toISOString() } });
    expect(customPeriod('', '2026-03-08')).toMatchObject({ ok: false, field: 'From' });
    expect(customPeriod('2026-02-30', '2026-03-08')).toMatchObject({ ok: false, field: 'From' });
    expect(customPeriod('2026-03-02', '')).toMatchObject({ ok: false, field: 'To' });
    expect(customPeriod('2025-01-01', '2026-03-08')).toMatchObject({ ok: false, field: 'To', message: 'To: at most 366 days after From.' });
  });
});
