import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysInMonth,
  instantsOf,
  localDate,
  monthRange,
  parseDate,
  periodLabel,
  periodRange,
  periodsOf,
  rangeText,
  reportPeriod,
  reportQuery,
  yearRange,
} from './period';

const ok = (r: ReturnType<typeof periodRange>) => {
  if (!r.ok) throw new Error('expected a range, got ' + r.error);
  return r.range;
};

describe('periods', () => {
  it('knows month ends and leap years', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2025, 4)).toBe(30);
    expect(daysInMonth(2025, 12)).toBe(31);
    expect(parseDate('2024-02-29')).toEqual({ y: 2024, m: 2, d: 29 });
    expect(parseDate('2025-02-29')).toBeNull();
    expect(parseDate('2025-04-31')).toBeNull();
    expect(parseDate('2025-6-1')).toBeNull();
  });

  it('steps over month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-03', -6)).toBe('2025-02-25');
  });

  it('turns each choice into local dates', () => {
    expect(ok(periodRange({ kind: 'today' }, '2025-06-14'))).toEqual({ from: '2025-06-14', to: '2025-06-14', grain: 'day' });
    expect(ok(periodRange({ kind: 'week' }, '2024-03-02'))).toEqual({ from: '2024-02-25', to: '2024-03-02', grain: 'day' });
    expect(ok(periodRange({ kind: 'month' }, '2025-06-14'))).toEqual({ from: '2025-06-01', to: '2025-06-14', grain: 'day' });
    expect(ok(periodRange({ kind: 'chosen_month', month: '2024-02' }, '2025-06-14'))).toEqual({ from: '2024-02-01', to: '2024-02-29', grain: 'day' });
    expect(ok(periodRange({ kind: 'chosen_month', month: '2023-02' }, '2025-06-14')).to).toBe('2023-02-28');
    expect(ok(periodRange({ kind: 'year' }, '2025-06-14'))).toEqual({ from: '2025-01-01', to: '2025-06-14', grain: 'month' });
    expect(ok(periodRange({ kind: 'range', from: '2025-05-01', to: '2025-05-10' }, '2025-06-14')).grain).toBe('day');
    expect(ok(periodRange({ kind: 'range', from: '2025-01-01', to: '2025-06-30' }, '2025-06-14')).grain).toBe('month');
  });

  it('refuses a bad period with the reason', () => {
    expect(periodRange({ kind: 'range', from: '2025-06-10', to: '2025-06-01' }, '2025-06-14')).toEqual({ ok: false, error: 'from_after_to' });
    expect(periodRange({ kind: 'range', from: '2025-06-10', to: '' }, '2025-06-14')).toEqual({ ok: false, error: 'bad_date' });
    expect(periodRange({ kind: 'range', from: '2019-01-01', to: '2025-06-01' }, '2025-06-14')).toEqual({ ok: false, error: 'too_long' });
    expect(periodRange({ kind: 'chosen_month', month: '2025-13' }, '2025-06-14')).toEqual({ ok: false, error: 'bad_date' });
    expect(yearRange('20x5')).toEqual({ ok: false, error: 'bad_date' });
  });

  it('lists every period of the trend, days or months', () => {
    const feb = ok(monthRange('2024-02'));
    const days = periodsOf(feb);
    expect(days).toHaveLength(29);
    expect(days[0]).toBe('2024-02-01');
    expect(days[28]).toBe('2024-02-29');
    expect(periodsOf(ok(yearRange(2025)))).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    expect(periodsOf({ from: '2024-11-15', to: '2025-02-03', grain: 'month' })).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('reads local dates and bounds them in the zone', () => {
    // 2025-06-30 16:30 UTC is already July 1 in Jayapura (UTC+9), still June 30 in Jakarta.
    const at = Date.UTC(2025, 5, 30, 16, 30);
    expect(localDate(at, 'Asia/Jayapura')).toBe('2025-07-01');
    expect(localDate(at, 'Asia/Jakarta')).toBe('2025-06-30');
    expect(instantsOf({ from: '2025-06-01', to: '2025-06-30' }, 'Asia/Jayapura')).toEqual({ from: '2025-05-31T15:00:00.000Z', to: '2025-06-30T15:00:00.000Z' });
    expect(instantsOf({ from: '2024-12-31', to: '2024-12-31' }, 'Asia/Makassar')).toEqual({ from: '2024-12-30T16:00:00.000Z', to: '2024-12-31T16:00:00.000Z' });
  });

  it('names periods for people in both languages', () => {
    expect(rangeText({ from: '2025-06-01', to: '2025-06-30' }, 'id')).toBe('Juni 2025');
    expect(rangeText({ from: '2024-02-01', to: '2024-02-29' }, 'en')).toBe('February 2024');
    expect(rangeText({ from: '2025-01-01', to: '2025-12-31' }, 'id')).toBe('Tahun 2025');
    expect(rangeText({ from: '2025-06-14', to: '2025-06-14' }, 'id')).toBe('14 Juni 2025');
    expect(rangeText({ from: '2025-06-08', to: '2025-06-14' }, 'id')).toBe('8 Juni – 14 Juni 2025');
    expect(rangeText({ from: '2024-12-29', to: '2025-01-04' }, 'en')).toBe('29 December 2024 – 4 January 2025');
    expect(periodLabel('2025-08-17', 'id')).toBe('17 Agu');
    expect(periodLabel('2025-05', 'en')).toBe('May 2025');
  });

  it('reads the report page query', () => {
    expect(ok(reportPeriod('?bulan=2025-06', '2026-12-05'))).toEqual({ from: '2025-06-01', to: '2025-06-30', grain: 'day' });
    expect(ok(reportPeriod('?tahun=2024', '2026-12-05'))).toEqual({ from: '2024-01-01', to: '2024-12-31', grain: 'month' });
    expect(ok(reportPeriod('', '2026-12-05'))).toEqual({ from: '2026-12-01', to: '2026-12-31', grain: 'day' });
    expect(reportPeriod('?bulan=juni', '2026-12-05')).toEqual({ ok: false, error: 'bad_date' });
    expect(ok(reportPeriod('?dari=2026-11-20&sampai=2026-12-05', '2026-12-05'))).toEqual({ from: '2026-11-20', to: '2026-12-05', grain: 'day' });
    expect(reportPeriod('?dari=2026-12-05&sampai=2026-11-20', '2026-12-05')).toEqual({ ok: false, error: 'from_after_to' });
  });

  it('writes the report page query back', () => {
    expect(reportQuery({ from: '2024-02-01', to: '2024-02-29' })).toBe('?bulan=2024-02');
    expect(reportQuery({ from: '2025-01-01', to: '2025-12-31' })).toBe('?tahun=2025');
    expect(reportQuery({ from: '2025-06-01', to: '2025-06-14' })).toBe('?dari=2025-06-01&sampai=2025-06-14');
    expect(reportQuery({ from: '2025-01-01', to: '2025-06-14' })).toBe('?dari=2025-01-01&sampai=2025-06-14');
  });
});
