// The periods a lead reads metrics over: whole local days, so "today" is the same period all day
// and the hub's half-open [from, to) ends at the next midnight.
import { MAX_METRICS_PERIOD_DAYS } from '../../shared/protocol/lead.ts';

export const PERIOD_PRESETS = ['today', 'last7', 'last30'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const PRESET_LABEL: Record<PeriodPreset, string> = {
  today: 'Today',
  last7: 'Last 7 days',
  last30: 'Last 30 days',
};

const PRESET_DAYS: Record<PeriodPreset, number> = { today: 1, last7: 7, last30: 30 };

export interface Period {
  /** ISO 8601 instants, as `team:metrics` takes them. */
  from: string;
  to: string;
}

function startOfDay(ms: number): Date {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day;
}

/** `days` after `day`'s midnight, by the calendar (a DST day is 23 or 25 hours long). */
function addDays(day: Date, days: number): Date {
  const next = new Date(day);
  next.setDate(next.getDate() + days);
  return next;
}

/** The preset's whole days, ending with the day `nowMs` falls on (the hub's clock). */
export function presetPeriod(preset: PeriodPreset, nowMs: number): Period {
  const tomorrow = addDays(startOfDay(nowMs), 1);
  return { from: addDays(tomorrow, -PRESET_DAYS[preset]).toISOString(), to: tomorrow.toISOString() };
}

/** `YYYY-MM-DD` of the local day `ms` falls on, as `<input type="date">` shows it. */
export function dateInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function parseDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return dateInputValue(day.getTime()) === value ? day : null;
}

export type CustomPeriodResult = { ok: true; period: Period } | { ok: false; field: 'From' | 'To'; message: string };

/** From the first day to the last, both included; the problem names the field to fix. */
export function customPeriod(fromDay: string, toDay: string): CustomPeriodResult {
  const from = parseDay(fromDay);
  if (!from) return { ok: false, field: 'From', message: 'From: pick the first day.' };
  const last = parseDay(toDay);
  if (!last) return { ok: false, field: 'To', message: 'To: pick the last day.' };
  if (last < from) return { ok: false, field: 'To', message: 'To: must be on or after From.' };
  const to = addDays(last, 1);
  if (to.getTime() - from.getTime() > MAX_METRICS_PERIOD_DAYS * 86_400_000) {
    return { ok: false, field: 'To', message: `To: at most ${MAX_METRICS_PERIOD_DAYS} days after From.` };
  }
  return { ok: true, period: { from: from.toISOString(), to: to.toISOString() } };
}

const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** "2 Mar 2026" or "2 Mar 2026 – 8 Mar 2026" (the last day included). */
export function periodLabel({ from, to }: Period): string {
  const first = DAY_FORMAT.format(new Date(from));
  const last = DAY_FORMAT.format(new Date(Date.parse(to) - 1));
  return first === last ? first : `${first} – ${last}`;
}
