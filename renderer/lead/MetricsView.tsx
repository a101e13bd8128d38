import { useEffect, useMemo, useState } from 'react';
import { metricsCsvFileName, metricsToCsv } from '../../shared/domain/metrics.ts';
import type { MetricFigures, MetricsReport, TeamMetrics } from '../../shared/protocol/lead.ts';
import { PRODUCT_KINDS } from '../../shared/protocol/handoff.ts';
import { useController } from '../ui/console-context.tsx';
import { percent } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';
import { useConnection } from '../state/connection.ts';
import { hubNow, sessionStore } from '../state/session.ts';
import { useTeam } from '../state/team.ts';
import { BarChart } from './BarChart.tsx';
import { useChartPalette } from './chart-palette.ts';
import { downloadText } from './download.ts';
import { chartsFromReport, durationLabel, figuresOf } from './metrics-charts.ts';
import { customPeriod, dateInputValue, periodLabel, presetPeriod, PERIOD_PRESETS, PRESET_LABEL, type Period, type PeriodPreset } from './metrics-period.ts';

/** Deflection needs the bots' counts of all their conversations; without them there is no rate. */
export const NO_CONVERSATION_COUNTS = 'No bot reported conversation counts for this period.';

const TEAM = '';

/** What the view shows: the last report (kept while the next one loads), or why there is none. */
interface Loaded {
  loading: boolean;
  shown: { report: MetricsReport; agentId: string } | null;
  failure: string | null;
}

const hubNowMs = (): number => hubNow(sessionStore.getState());

/** A key figure: its value, and a line that says what it is made of. */
type Figure = [term: string, value: string | null, note?: string];

function returnToBotFigure({ count, finished, rate }: MetricFigures['returnToBot']): Figure {
  return rate === null ? ['Return-to-bot rate', '—', 'nothing finished'] : ['Return-to-bot rate', percent(rate), `${count} returned of ${finished} finished`];
}

function deflectionFigure({ conversations, handoffs, rate }: TeamMetrics['deflection']): Figure {
  if (rate === null) return ['Deflection rate', null, NO_CONVERSATION_COUNTS];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return ['Deflection rate', percent(rate), `${plural(handoffs, 'handoff')} in ${plural(conversations, 'conversation')}`];
}

function KeyFigures({ figures, deflection }: { figures: MetricFigures; deflection: TeamMetrics['deflection'] | null }) {
  const routes = PRODUCT_KINDS.reduce((sum, k) => sum + figures.productRoutes[k], 0);
  const rows: Figure[] = [
    ['Handoffs', String(figures.handoffs)],
    ['Median time to accept', durationLabel(figures.timeToAccept.medianSeconds)],
    ['90th percentile time to accept', durationLabel(figures.timeToAccept.p90Seconds)],
    ['Offers expired', String(figures.offersExpired)],
    ['Declines', String(figures.declines.total)],
    returnToBotFigure(figures.returnToBot),
    ['Resolved', String(figures.resolved)],
    ['Routed to product', String(routes)],
  ];
  if (deflection) rows.push(deflectionFigure(deflection));
  return (
    <section aria-label="Key figures">
      <dl className="metric-figures">
        {rows.map(([term, value, note]) => (
          <div key={term} className="metric-figure">
            <dt>{term}</dt>
            <dd>
              {value !== null && <span className="metric-value">{value}</span>}
              {value !== null && note && ' '}
              {note && <span className="metric-note">{note}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function AgentsTable({ report, onPick }: { report: MetricsReport; onPick: (agentId: string) => void }) {
  return (
    <section className="metric-agents" aria-labelledby="metric-agents-title">
      <h2 id="metric-agents-title" className="inbox-title">
        By agent
      </h2>
      {report.agents.length === 0 ? (
        <p className="empty">No agents in this team.</p>
      ) : (
        <div className="table-scroll">
          <table className="metric-table" aria-labelledby="metric-agents-title">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Handoffs</th>
                <th scope="col">Median accept</th>
                <th scope="col">90th pct. accept</th>
                <th scope="col">Offers expired</th>
                <th scope="col">Declines</th>
                <th scope="col">Return-to-bot rate</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {report.agents.map((a) => (
                <tr key={a.agent.id}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => onPick(a.agent.id)} aria-label={`Show ${a.agent.name}’s metrics`}>
                      <Text>{a.agent.name}</Text>
                    </button>
                  </th>
                  <td>{a.handoffs}</td>
                  <td>{durationLabel(a.timeToAccept.medianSeconds)}</td>
                  <td>{durationLabel(a.timeToAccept.p90Seconds)}</td>
                  <td>{a.offersExpired}</td>
                  <td>{a.declines.total}</td>
                  <td>{a.returnToBot.rate === null ? '—' : percent(a.returnToBot.rate)}</td>
                  <td>{a.resolved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A lead's metrics: the team's or one agent's figures over a period, as charts with tables, and CSV. */
export function MetricsView() {
  const controller = useController();
  const agents = useTeam((s) => s.agents);
  const people = useMemo(() => agents.filter((a) => a.role === 'agent'), [agents]);
  const connected = useConnection((c) => c.status === 'connected');
  const palette = useChartPalette();
  const [preset, setPreset] = useState<PeriodPreset | 'custom'>('today');
  const [period, setPeriod] = useState<Period>(() => presetPeriod('today', hubNowMs()));
  const [customDays, setCustomDays] = useState(() => ({ from: dateInputValue(hubNowMs()), to: dateInputValue(hubNowMs()) }));
  const [agentId, setAgentId] = useState(TEAM);
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<Loaded>({ loading: true, shown: null, failure: null });
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    if (!connected) {
      setLoaded((l) => ({ ...l, loading: false, failure: 'Not connected to the hub; the figures load once it is back.' }));
      return;
    }
    let current = true;
    setLoaded((l) => ({ ...l, loading: true }));
    void controller.loadMetrics(agentId === TEAM ? period : { ...period, agentId }).then((result) => {
      if (!current) return; // a newer request replaced this one
      // A refusal hides the figures: they would be of another period or person than the one chosen.
      setLoaded(result.ok ? { loading: false, shown: { report: result.report, agentId }, failure: null } : { loading: false, shown: null, failure: result.error.message });
    });
    return () => {
      current = false;
    };
  }, [controller, connected, period, agentId, reloads]);

  const report = loaded.shown?.report ?? null;
  const shownAgent = loaded.shown && loaded.shown.agentId !== TEAM ? loaded.shown.agentId : undefined;
  const figures = report ? figuresOf(report, shownAgent) : null;
  const charts = useMemo(() => (report ? chartsFromReport(report, shownAgent) : []), [report, shownAgent]);

  const choosePreset = (value: string) => {
    setFormError(null);
    if (value === 'custom') return setPreset('custom');
    const next = value as PeriodPreset;
    setPreset(next);
    setPeriod(presetPeriod(next, hubNowMs()));
  };

  const applyCustom = () => {
    const result = customPeriod(customDays.from, customDays.to);
    if (!result.ok) return setFormError(result.message);
    setFormError(null);
    setPeriod(result.period);
  };

  const exportCsv = () => {
    if (report) downloadText(metricsCsvFileName(report, shownAgent), metricsToCsv(report), 'text/csv;charset=utf-8');
  };

  return (
    <main className="lead-metrics" aria-label="Metrics">
      <form
        className="metrics-controls"
        aria-label="Metrics period and people"
        onSubmit={(e) => {
          e.preventDefault();
          applyCustom();
        }}
      >
        <label className="field">
          <span>Period</span>
          <select value={preset} onChange={(e) => choosePreset(e.target.value)}>
            {PERIOD_PRESETS.map((p) => (
              <option key={p} value={p}>
                {PRESET_LABEL[p]}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {preset === 'custom' && (
          <>
            <label className="field">
              <span>From</span>
              <input type="date" value={customDays.from} aria-invalid={formError?.startsWith('From') || undefined} onChange={(e) => setCustomDays((d) => ({ ...d, from: e.target.value }))} />
            </label>
            <label className="field">
              <span>To</span>
              <input type="date" value={customDays.to} aria-invalid={formError?.startsWith('To') || undefined} onChange={(e) => setCustomDays((d) => ({ ...d, to: e.target.value }))} />
            </label>
            <button type="submit">Apply</button>
          </>
        )}
        <label className="field">
          <span>People</span>
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
            <option value={TEAM}>Whole team</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setReloads((n) => n + 1)} disabled={!connected}>
          Refresh
        </button>
        <button type="button" onClick={exportCsv} disabled={!report}>
          Export CSV
        </button>
      </form>
      {formError && (
        <p role="alert" className="form-error">
          {formError}
        </p>
      )}
      <p className="lead-meta metric-period" aria-live="polite">
        {periodLabel(period)}
        {loaded.loading && ' · Loading…'}
      </p>
      {loaded.failure && (
        <p role="alert" className="form-error">
          {loaded.failure}
        </p>
      )}
      {report && figures && (
        <div className="metric-report" aria-busy={loaded.loading}>
          <KeyFigures figures={figures} deflection={shownAgent === undefined ? report.totals.deflection : null} />
          <div className="metric-charts">
            {charts.map((chart) => (
              <BarChart key={chart.id} chart={chart} palette={palette} />
            ))}
          </div>
          {shownAgent === undefined && <AgentsTable report={report} onPick={setAgentId} />}
        </div>
      )}
    </main>
  );
}
