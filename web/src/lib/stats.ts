// The server's statistics (/api/v1/stats/incidents, /dispatches, /calls) shaped for the leader
// dashboard, the wallboard and the report page: the paths to ask, the headline that centres
// quote, breakdown rows, the trend, agency rows and the drill-down behind a figure.
import type { Incident, Urgency } from '../api/types';
import { count } from './format';
import { instantsOf, periodsOf, type Range } from './period';
import type { Lang } from './time';

export interface CountItem {
  period?: string;
  category?: string | null;
  urgency?: string | null;
  district?: string | null;
  status?: string | null;
  count: number;
}

/** /stats/incidents and /stats/reports. */
export interface CountStats {
  from: string;
  to: string;
  group: string[];
  total: number;
  items: CountItem[];
}

export interface StepStats {
  reached: number;
  p50_s: number | null;
  p90_s: number | null;
  p95_s: number | null;
  with_limit: number;
  within: number;
  share_within: number | null;
}

export interface DispatchItem {
  period?: string;
  agency?: string;
  category?: string;
  status?: string;
  count: number;
  by_status: Record<string, number>;
  acknowledged: StepStats;
  en_route: StepStats;
  on_scene: StepStats;
  completed: StepStats;
}

/** /stats/dispatches. */
export interface DispatchStats {
  from: string;
  to: string;
  group: string[];
  total: number;
  items: DispatchItem[];
}

type Targets = { '10s'?: number | null; '15s'?: number | null; '20s'?: number | null };

export interface CallBucket {
  key: string;
  total: number;
  answered: number;
  abandoned: number;
  missed: number;
  by_classification: Record<string, number>;
  answered_within?: Targets;
  share_answered_within?: Targets;
  follow_ups?: number;
}

/** /stats/calls. */
export interface CallStats {
  from: string;
  to: string;
  group: string;
  groups: CallBucket[];
  total: CallBucket;
}

export type Dim = 'category' | 'district' | 'urgency';

/** The requests behind a period's figures. The call statistics take instants, not dates. */
export function statsPaths(range: Range, timeZone: string) {
  const q = `from=${range.from}&to=${range.to}`;
  const at = instantsOf(range, timeZone);
  return {
    trend: `/stats/incidents?${q}&group=${range.grain}`,
    dims: `/stats/incidents?${q}&group=category,district,urgency`,
    dispatches: `/stats/dispatches?${q}&group=agency`,
    calls: `/stats/calls?from=${encodeURIComponent(at.from)}&to=${encodeURIComponent(at.to)}&group=${range.grain}`,
  };
}

export interface Headline {
  /** null when the server has no call statistics. */
  calls: number | null;
  answered: number | null;
  valid: number | null;
  pranks_silent: number | null;
  /** Share of calls answered within 15 s (answered + missed, as NENA counts). */
  within_15s: number | null;
  incidents: number;
  dispatches: number;
}

export function headlineOf(calls: CallStats | null, incidents: CountStats, dispatches: DispatchStats): Headline {
  const c = calls?.total;
  const cls = c?.by_classification ?? {};
  return {
    calls: c ? c.total : null,
    answered: c ? c.answered : null,
    valid: c ? (cls.valid ?? 0) : null,
    pranks_silent: c ? (cls.prank ?? 0) + (cls.ghost ?? 0) : null,
    within_15s: c?.share_answered_within?.['15s'] ?? null,
    incidents: incidents.total,
    dispatches: dispatches.total,
  };
}

/** "5.982 panggilan, 2.522 valid, 1.222 iseng atau diam, 120 insiden, 99 tindak lanjut ke lapangan". */
export function headlineText(h: Headline, lang: Lang): string {
  const n = (x: number) => count(x, lang);
  const en = lang === 'en';
  const parts: string[] = [];
  if (h.calls !== null) {
    parts.push(`${n(h.calls)} ${en ? (h.calls === 1 ? 'call' : 'calls') : 'panggilan'}`);
    parts.push(`${n(h.valid ?? 0)} valid`);
    parts.push(`${n(h.pranks_silent ?? 0)} ${en ? 'prank or silent' : 'iseng atau diam'}`);
  }
  parts.push(`${n(h.incidents)} ${en ? (h.incidents === 1 ? 'incident' : 'incidents') : 'insiden'}`);
  parts.push(`${n(h.dispatches)} ${en ? (h.dispatches === 1 ? 'field follow-up' : 'field follow-ups') : 'tindak lanjut ke lapangan'}`);
  return parts.join(', ');
}

export interface BreakdownRow {
  /** The value (a category, district or urgency id); null for records without one. */
  key: string | null;
  count: number;
  /** Of the period's total. */
  share: number;
  /** Of the largest row, for the bar. */
  bar: number;
}

/** Counts by one dimension, summed over the others, largest first (none last). */
export function breakdown(stats: CountStats, dim: Dim): BreakdownRow[] {
  const sums = new Map<string | null, number>();
  for (const it of stats.items) {
    const key = it[dim] ?? null;
    sums.set(key, (sums.get(key) ?? 0) + it.count);
  }
  const total = stats.total || [...sums.values()].reduce((a, b) => a + b, 0);
  const max = Math.max(0, ...sums.values());
  return [...sums.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => (a[0] === null ? 1 : 0) - (b[0] === null ? 1 : 0) || b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
    .map(([key, n]) => ({ key, count: n, share: total ? n / total : 0, bar: max ? n / max : 0 }));
}

/** The trend: every period of the range, zero where nothing happened. */
export function trendOf(stats: CountStats, range: Range): { periods: string[]; values: number[] } {
  const byPeriod = new Map<string, number>();
  for (const it of stats.items) if (it.period) byPeriod.set(it.period, (byPeriod.get(it.period) ?? 0) + it.count);
  const periods = periodsOf(range);
  return { periods, values: periods.map((p) => byPeriod.get(p) ?? 0) };
}

export interface AgencyRow {
  agency_id: string;
  count: number;
  completed: number;
  declined: number;
  ack_p50_s: number | null;
  ack_p90_s: number | null;
  scene_p50_s: number | null;
  scene_p90_s: number | null;
  /** Shares within the category's SLA limit, of those with a limit that reached the step. */
  ack_within: number | null;
  scene_within: number | null;
  bar: number;
}

/** One row per agency (dispatch statistics grouped by agency, summed over periods), busiest first. */
export function agencyRows(stats: DispatchStats): AgencyRow[] {
  const max = Math.max(0, ...stats.items.map((i) => i.count));
  return stats.items
    .filter((i) => i.agency)
    .map((i) => ({
      agency_id: i.agency!,
      count: i.count,
      completed: i.by_status.completed ?? 0,
      declined: i.by_status.declined ?? 0,
      ack_p50_s: i.acknowledged.p50_s,
      ack_p90_s: i.acknowledged.p90_s,
      scene_p50_s: i.on_scene.p50_s,
      scene_p90_s: i.on_scene.p90_s,
      ack_within: i.acknowledged.share_within,
      scene_within: i.on_scene.share_within,
      bar: max ? i.count / max : 0,
    }))
    .sort((a, b) => b.count - a.count || a.agency_id.localeCompare(b.agency_id));
}

export type Drill = { dim: 'category' | 'district' | 'agency'; value: string } | { dim: 'all' };

/**
 * The list behind a figure, for the period: incidents created in it (of that category or
 * district), or for an agency the dispatches notified to it in the period, which is exactly
 * what the agency's figure counts.
 */
export function drillPath(drill: Drill, range: Range, timeZone: string, limit = 100): string {
  const at = instantsOf(range, timeZone);
  const q = new URLSearchParams();
  if (drill.dim !== 'all') q.set(`${drill.dim}_id`, drill.value);
  q.set('from', at.from);
  q.set('to', at.to);
  q.set('limit', String(limit));
  return `${drill.dim === 'agency' ? '/dispatches' : '/incidents'}?${q.toString()}`;
}

const URGENCY_RANK: Record<Urgency, number> = { emergency: 0, urgent: 1, complaint: 2, information: 3 };

/** The categories of the period's most urgent incidents (by count), to read the notable ones. */
export function notableCategories(dims: CountStats, max = 5): { urgency: string; categories: string[] } | null {
  let best: string | null = null;
  for (const it of dims.items) {
    if (!it.urgency || !it.count) continue;
    const rank = URGENCY_RANK[it.urgency as Urgency] ?? 9;
    if (best === null || rank < (URGENCY_RANK[best as Urgency] ?? 9)) best = it.urgency;
  }
  if (best === null) return null;
  const sums = new Map<string, number>();
  for (const it of dims.items) {
    if (it.urgency === best && it.category) sums.set(it.category, (sums.get(it.category) ?? 0) + it.count);
  }
  const categories = [...sums.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  return { urgency: best, categories: categories.slice(0, max) };
}

/** The notable incidents: most urgent first, then the newest, at most n, each once. */
export function notableOf(incidents: Incident[], n = 10): Incident[] {
  const seen = new Set<string>();
  return incidents
    .filter((i) => !seen.has(i.id) && seen.add(i.id))
    .sort((a, b) => (URGENCY_RANK[a.urgency] ?? 9) - (URGENCY_RANK[b.urgency] ?? 9) || b.created_at.localeCompare(a.created_at))
    .slice(0, n);
}
