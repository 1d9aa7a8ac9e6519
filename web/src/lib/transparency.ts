// The public transparency page (/transparansi): the answer of GET /api/v1/public/stats, its
// texts in Bahasa Indonesia and English (the page loads none of the consoles' dictionary, to stay
// small), and the geometry of its inline SVG bar charts.
import { count, percent, seconds } from './format';
import { periodLabel } from './period';
import type { Lang } from './time';

export interface PublicAgency {
  code: string;
  name: string;
  dispatches: number;
  on_scene_p50_s: number | null;
}

export interface PublicCategory {
  code: string;
  name_id: string;
  name_en: string;
  incidents: number;
}

export interface PublicFigures {
  period: string;
  calls: number;
  answered: number;
  answered_within_15s: number;
  share_within_15s: number | null;
  pranks_silent: number;
  share_pranks_silent: number | null;
  incidents: number;
  emergencies_dispatched: number;
  agencies: PublicAgency[];
  top_categories: PublicCategory[];
}

export interface PublicStats {
  jurisdiction: { code: string; name: string; timezone: string };
  year: number;
  computed_at: string;
  months: PublicFigures[];
  total: PublicFigures;
}

const texts = {
  title: ['Transparansi layanan 112', '112 service transparency'],
  intro: [
    'Angka gabungan per bulan dari pusat panggilan darurat 112. Tanpa data pribadi dan tanpa rincian kejadian.',
    'Aggregate monthly figures of the 112 emergency call centre. No personal data and no incident details.',
  ],
  year: ['Tahun', 'Year'],
  calls: ['Panggilan', 'Calls'],
  within15: ['Dijawab dalam 15 detik', 'Answered within 15 seconds'],
  target: ['target 90 %', 'target 90 %'],
  emergencies: ['Kedaruratan yang ditangani petugas', 'Emergencies dispatched'],
  pranks: ['Panggilan iseng atau diam', 'Prank or silent calls'],
  incidents: ['Kejadian tercatat', 'Incidents recorded'],
  month: ['Bulan', 'Month'],
  per_month: ['Per bulan', 'By month'],
  agencies: ['Waktu tanggap per instansi (median, sejak diberi tahu sampai tiba di lokasi)', 'Response time by agency (median, notified to on scene)'],
  agency: ['Instansi', 'Agency'],
  dispatches: ['Penugasan', 'Dispatches'],
  median: ['Median tiba', 'Median to scene'],
  top: ['Jenis kejadian terbanyak', 'Top incident types'],
  category: ['Jenis', 'Type'],
  none: ['Belum ada data', 'No data yet'],
  updated: ['Diperbarui {t} (angka disimpan 1 menit)', 'Updated {t} (figures kept 1 minute)'],
  failed: ['Angka tidak dapat dimuat: {m}', 'The figures could not be loaded: {m}'],
  loading: ['Memuat…', 'Loading…'],
  language: ['Bahasa', 'Language'],
} as const;

export type TextKey = keyof typeof texts;

export function tx(lang: Lang, key: TextKey, vars: Record<string, string> = {}): string {
  const s: string = texts[key][lang === 'en' ? 1 : 0];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

/** The year figures as the page's tiles: [test id, label, shown text, exact value]. */
export function tiles(total: PublicFigures, lang: Lang): [string, string, string, string][] {
  return [
    ['calls', tx(lang, 'calls'), count(total.calls, lang), String(total.calls)],
    ['within15', tx(lang, 'within15'), percent(total.share_within_15s), String(total.share_within_15s ?? '')],
    ['emergencies', tx(lang, 'emergencies'), count(total.emergencies_dispatched, lang), String(total.emergencies_dispatched)],
    ['pranks', tx(lang, 'pranks'), percent(total.share_pranks_silent), String(total.share_pranks_silent ?? '')],
  ];
}

export const monthLabel = (period: string, lang: Lang) => periodLabel(period, lang);
export const categoryName = (c: PublicCategory, lang: Lang) => (lang === 'en' && c.name_en ? c.name_en : c.name_id);
export const medianText = (a: PublicAgency, lang: Lang) => seconds(a.on_scene_p50_s, lang);

export interface BarGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Vertical bars for values in a box of width × height (the bottom is zero, the top max, at
 * least 1 so that an empty chart has no division by zero), with a gap between bars.
 */
export function barsOf(values: number[], width: number, height: number, max = Math.max(1, ...values)): BarGeometry[] {
  if (!values.length) return [];
  const slot = width / values.length;
  const gap = Math.min(8, slot * 0.25);
  return values.map((v, i) => {
    const h = Math.max(0, Math.min(1, v / max)) * height;
    return { x: i * slot + gap / 2, y: height - h, width: slot - gap, height: h };
  });
}
