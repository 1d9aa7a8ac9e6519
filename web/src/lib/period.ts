// Periods of the statistics: a choice (today, 7 days, this month, a month, this year, a range)
// becomes local dates of the jurisdiction ("YYYY-MM-DD", both included), as the statistics API
// takes them, and the instants that bound them for the lists and the call statistics.
import type { Lang } from './time';
import { zoneOffsetMinutes } from './time';

export type PeriodKind = 'today' | 'week' | 'month' | 'chosen_month' | 'year' | 'range';

export interface PeriodChoice {
  kind: PeriodKind;
  /** "YYYY-MM" for chosen_month. */
  month?: string;
  /** "YYYY-MM-DD" for range. */
  from?: string;
  to?: string;
}

export type Grain = 'day' | 'month';

export interface Range {
  from: string;
  to: string;
  grain: Grain;
}

export type PeriodError = 'bad_date' | 'from_after_to' | 'too_long';
export type RangeResult = { ok: true; range: Range } | { ok: false; error: PeriodError };

/** The server refuses a period of 5 × 366 days or more. */
export const MAX_DAYS = 5 * 366;
/** Up to this many days the trend has a bar per day, beyond it one per month. */
export const DAILY_UP_TO = 62;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** "2024-02-29" → {y, m, d}; null for anything that is not a real date. */
export function parseDate(s: string | null | undefined): { y: number; m: number; d: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** "2025-06" → {y, m}; null otherwise. */
export function parseMonth(s: string | null | undefined): { y: number; m: number } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(s ?? '');
  if (!match) return null;
  const [y, m] = [Number(match[1]), Number(match[2])];
  return y >= 1970 && m >= 1 && m <= 12 ? { y, m } : null;
}

const dayNumber = (s: string) => {
  const p = parseDate(s)!;
  return Date.UTC(p.y, p.m - 1, p.d) / 86400_000;
};
const dateOfDay = (n: number) => new Date(n * 86400_000).toISOString().slice(0, 10);

/** The date n days after (or before) a date. */
export const addDays = (date: string, n: number) => dateOfDay(dayNumber(date) + n);

/** Days from a to b (b - a). */
export const daysBetween = (a: string, b: string) => dayNumber(b) - dayNumber(a);

/** The local date of an instant in the zone. */
export function localDate(ms: number, timeZone: string): string {
  return dateOfDay(Math.floor((ms + zoneOffsetMinutes(ms, timeZone) * 60000) / 86400_000));
}

/** Epoch ms of the local midnight that starts a date in the zone. */
export function startOfDate(date: string, timeZone: string): number {
  const utcMidnight = dayNumber(date) * 86400_000;
  const guess = utcMidnight - zoneOffsetMinutes(utcMidnight, timeZone) * 60000;
  return utcMidnight - zoneOffsetMinutes(guess, timeZone) * 60000;
}

/** The instants [from, to) of a range in the zone, as ISO strings for the lists' from and to. */
export function instantsOf(range: { from: string; to: string }, timeZone: string): { from: string; to: string } {
  return {
    from: new Date(startOfDate(range.from, timeZone)).toISOString(),
    to: new Date(startOfDate(addDays(range.to, 1), timeZone)).toISOString(),
  };
}

function checked(from: string, to: string, grain?: Grain): RangeResult {
  if (!parseDate(from) || !parseDate(to)) return { ok: false, error: 'bad_date' };
  const days = daysBetween(from, to);
  if (days < 0) return { ok: false, error: 'from_after_to' };
  if (days >= MAX_DAYS) return { ok: false, error: 'too_long' };
  return { ok: true, range: { from, to, grain: grain ?? (days + 1 <= DAILY_UP_TO ? 'day' : 'month') } };
}

/** The whole month of "YYYY-MM". */
export function monthRange(month: string): RangeResult {
  const p = parseMonth(month);
  if (!p) return { ok: false, error: 'bad_date' };
  return checked(`${p.y}-${pad(p.m)}-01`, `${p.y}-${pad(p.m)}-${pad(daysInMonth(p.y, p.m))}`, 'day');
}

/** The whole year, a bar per month. */
export function yearRange(year: number | string): RangeResult {
  const y = Number(year);
  if (!Number.isInteger(y) || y < 1970 || y > 9999) return { ok: false, error: 'bad_date' };
  return checked(`${y}-01-01`, `${y}-12-31`, 'month');
}

/** The local dates of a choice, given today's local date. */
export function periodRange(choice: PeriodChoice, today: string): RangeResult {
  switch (choice.kind) {
    case 'today':
      return checked(today, today, 'day');
    case 'week':
      return checked(addDays(today, -6), today, 'day');
    case 'month':
      return checked(today.slice(0, 8) + '01', today, 'day');
    case 'chosen_month':
      return monthRange(choice.month ?? '');
    case 'year':
      return checked(today.slice(0, 5) + '01-01', today, 'month');
    case 'range':
      return checked(choice.from ?? '', choice.to ?? '');
  }
}

/** Every period label of a range at its grain ("2025-06-01"…, or "2025-01"…), in order. */
export function periodsOf(range: Range): string[] {
  const out: string[] = [];
  if (range.grain === 'day') {
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
    return out;
  }
  let { y, m } = parseDate(range.from)!;
  const end = range.to.slice(0, 7);
  for (let label = `${y}-${pad(m)}`; label <= end; label = `${y}-${pad(m)}`) {
    out.push(label);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out;
}

const MONTHS: Record<Lang, string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};
const short = (lang: Lang, m: number) => MONTHS[lang][m - 1]!.slice(0, 3);

/** A trend bar's label: "5 Jun" for a day, "Jun 2025" for a month. */
export function periodLabel(label: string, lang: Lang): string {
  const d = parseDate(label);
  if (d) return `${d.d} ${short(lang, d.m)}`;
  const m = parseMonth(label);
  if (m) return `${short(lang, m.m)} ${m.y}`;
  return label;
}

/** A range for people: "Juni 2025", "Tahun 2025", "5 Juni 2025", "1 Juni – 7 Juni 2025". */
export function rangeText(range: { from: string; to: string }, lang: Lang): string {
  const a = parseDate(range.from)!;
  const b = parseDate(range.to)!;
  const name = (m: number) => MONTHS[lang][m - 1]!;
  if (a.y === b.y && a.m === 1 && a.d === 1 && b.m === 12 && b.d === 31) return `${lang === 'en' ? 'Year' : 'Tahun'} ${a.y}`;
  if (a.y === b.y && a.m === b.m && a.d === 1 && b.d === daysInMonth(b.y, b.m)) return `${name(a.m)} ${a.y}`;
  if (range.from === range.to) return `${a.d} ${name(a.m)} ${a.y}`;
  const left = a.y === b.y ? `${a.d} ${name(a.m)}` : `${a.d} ${name(a.m)} ${a.y}`;
  return `${left} – ${b.d} ${name(b.m)} ${b.y}`;
}

/**
 * The report page's period from its query: ?bulan=2025-06, ?tahun=2025 or
 * ?dari=2025-06-01&sampai=2025-06-14 (this month without any).
 */
export function reportPeriod(search: string, today: string): RangeResult {
  const q = new URLSearchParams(search);
  const month = q.get('bulan') ?? q.get('month');
  const year = q.get('tahun') ?? q.get('year');
  const from = q.get('dari') ?? q.get('from');
  if (month !== null) return monthRange(month);
  if (year !== null) return yearRange(year);
  if (from !== null) return checked(from, q.get('sampai') ?? q.get('to') ?? '');
  return monthRange(today.slice(0, 7));
}

/** The report page's query for a range: the inverse of reportPeriod. */
export function reportQuery(range: { from: string; to: string }): string {
  const a = parseDate(range.from)!;
  const b = parseDate(range.to)!;
  if (a.y === b.y && a.m === 1 && a.d === 1 && b.m === 12 && b.d === 31) return `?tahun=${a.y}`;
  if (a.y === b.y && a.m === b.m && a.d === 1 && b.d === daysInMonth(b.y, b.m)) return `?bulan=${range.from.slice(0, 7)}`;
  return `?dari=${range.from}&sampai=${range.to}`;
}
