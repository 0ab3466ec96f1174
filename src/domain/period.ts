/**
 * Feed periods: a day (`2025-05-26`), an ISO week (`2025-W22`, Monday to Sunday, ISO 8601) or a month (`2025-05`).
 * Parsing, date ranges and neighbours. Pure; all arithmetic in UTC.
 */
import { isIsoDate } from './paper.js';

export type Period =
  | { kind: 'day'; key: string; from: string; to: string }
  | { kind: 'week'; key: string; from: string; to: string }
  | { kind: 'month'; key: string; from: string; to: string };

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Adds `days` to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return iso(ms(date) + days * DAY_MS);
}

/** Monday of ISO week 1 of `year`: the week with the year's first Thursday. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - dow * DAY_MS;
}

/** Number of ISO weeks in `year` (52 or 53). */
export function isoWeeksInYear(year: number): number {
  return Math.round((isoWeekOneMonday(year + 1) - isoWeekOneMonday(year)) / (7 * DAY_MS));
}

/** The ISO week key (`2025-W22`) that contains a date. */
export function isoWeekOf(date: string): string {
  const t = ms(date);
  let year = new Date(t).getUTCFullYear();
  if (t >= isoWeekOneMonday(year + 1)) year++;
  else if (t < isoWeekOneMonday(year)) year--;
  const week = Math.floor((t - isoWeekOneMonday(year)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function dayPeriod(date: string): Period | null {
  if (!isIsoDate(date)) return null;
  return { kind: 'day', key: date, from: date, to: date };
}

export function weekPeriod(key: string): Period | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 1900 || week < 1 || week > isoWeeksInYear(year)) return null;
  const monday = isoWeekOneMonday(year) + (week - 1) * 7 * DAY_MS;
  return { kind: 'week', key, from: iso(monday), to: iso(monday + 6 * DAY_MS) };
}

export function monthPeriod(key: string): Period | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (year < 1900 || month < 1 || month > 12) return null;
  const first = Date.UTC(year, month - 1, 1);
  const last = Date.UTC(year, month, 1) - DAY_MS;
  return { kind: 'month', key, from: iso(first), to: iso(last) };
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The period before or after `p` of the same kind. */
export function shiftPeriod(p: Period, direction: -1 | 1): Period {
  if (p.kind === 'day') return dayPeriod(addDays(p.key, direction))!;
  if (p.kind === 'week') return weekPeriod(isoWeekOf(addDays(p.from, 7 * direction)))!;
  const [y, m] = p.key.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + direction, 1));
  return monthPeriod(d.toISOString().slice(0, 7))!;
}

/** A readable label: `Monday, 26 May 2025`, `Week 22 of 2025 (26 May – 1 Jun)`, `May 2025`. */
export function periodLabel(p: Period): string {
  const fmt = (d: string, o: Intl.DateTimeFormatOptions) => new Date(ms(d)).toLocaleDateString('en-GB', { timeZone: 'UTC', ...o });
  if (p.kind === 'day') return fmt(p.key, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  if (p.kind === 'week') {
    const w = Number(p.key.slice(6));
    return `Week ${w} of ${p.key.slice(0, 4)} (${fmt(p.from, { day: 'numeric', month: 'short' })} – ${fmt(p.to, { day: 'numeric', month: 'short' })})`;
  }
  return fmt(p.from, { month: 'long', year: 'numeric' });
}
