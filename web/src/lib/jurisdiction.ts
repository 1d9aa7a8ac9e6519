// The admin's jurisdiction settings (GET/PATCH /api/v1/jurisdiction): name, time zone, weekend
// days (0 = Sunday … 6 = Saturday) and holidays (date and name; a PATCH replaces the whole
// list). The form's state, its checks before sending, and the body it sends.

export interface Holiday {
  date: string;
  name: string;
}

export interface JurisdictionSettings {
  id: string;
  code: string;
  name: string;
  timezone: string;
  weekend_days: number[];
  holidays: Holiday[];
}

/** The zones of Indonesia (WIB, WITA, WIT); Pontianak keeps WIB. */
export const INDONESIAN_ZONES = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura'] as const;

export const DAY_NAMES: Record<'id' | 'en', string[]> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/** The weekend days with day toggled, sorted. */
export function toggleDay(days: number[], day: number): number[] {
  const set = new Set(days);
  if (set.has(day)) set.delete(day);
  else set.add(day);
  return [...set].sort((a, b) => a - b);
}

const realDate = (s: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export type SettingsProblem =
  | { key: 'name_required' }
  | { key: 'holiday_date'; row: number }
  | { key: 'holiday_name'; row: number }
  | { key: 'holiday_twice'; row: number; date: string }
  | { key: 'all_weekend' };

/** What is wrong with the form (the server checks again), first problem first; [] when fine. */
export function problemsOf(s: Pick<JurisdictionSettings, 'name' | 'weekend_days' | 'holidays'>): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  if (!s.name.trim()) out.push({ key: 'name_required' });
  if (s.weekend_days.length >= 7) out.push({ key: 'all_weekend' });
  const seen = new Set<string>();
  s.holidays.forEach((h, row) => {
    if (!realDate(h.date)) out.push({ key: 'holiday_date', row });
    else if (seen.has(h.date)) out.push({ key: 'holiday_twice', row, date: h.date });
    seen.add(h.date);
    if (!h.name.trim()) out.push({ key: 'holiday_name', row });
  });
  return out;
}

/** The PATCH body: every field, names trimmed, holidays by date. */
export function patchOf(s: Pick<JurisdictionSettings, 'name' | 'timezone' | 'weekend_days' | 'holidays'>) {
  return {
    name: s.name.trim(),
    timezone: s.timezone,
    weekend_days: [...s.weekend_days].sort((a, b) => a - b),
    holidays: s.holidays.map((h) => ({ date: h.date, name: h.name.trim() })).sort((a, b) => a.date.localeCompare(b.date)),
  };
}
