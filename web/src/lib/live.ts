// The consoles' working set (reports, incidents, dispatches) as an immutable value, the pure
// updates applied to it, and the views the consoles read from it.

import type { AckVia, Category, Dispatch, Incident, IncidentDetail, Report, SiagaEvent, SlaPolicy } from '../api/types';
import { ACTIVE_DISPATCH, ACTIVE_INCIDENT } from '../api/types';
import { dispatchClock, incidentClock, type Clock } from './sla';
import { parseTime } from './time';

export interface LiveState {
  incidents: ReadonlyMap<string, Incident>;
  dispatches: ReadonlyMap<string, Dispatch>;
  reports: ReadonlyMap<string, Report>;
}

export const emptyState = (): LiveState => ({ incidents: new Map(), dispatches: new Map(), reports: new Map() });

function merge<T extends { id: string; updated_at?: string | null }>(
  map: ReadonlyMap<string, T>,
  items: T[],
): ReadonlyMap<string, T> {
  if (!items.length) return map;
  const next = new Map(map);
  for (const item of items) {
    const old = next.get(item.id);
    // Never let an older copy (a slow response) overwrite a newer one.
    if (old && parseTime(old.updated_at ?? null) > parseTime(item.updated_at ?? null)) continue;
    next.set(item.id, item);
  }
  return next;
}

export const withIncidents = (s: LiveState, items: Incident[]): LiveState => ({ ...s, incidents: merge(s.incidents, items) });
export const withDispatches = (s: LiveState, items: Dispatch[]): LiveState => ({ ...s, dispatches: merge(s.dispatches, items) });
export const withReports = (s: LiveState, items: Report[]): LiveState => ({ ...s, reports: merge(s.reports, items) });

/** Takes in an incident as GET /incidents/{id} returns it: the incident, its dispatches, its reports. */
export function withIncidentDetail(s: LiveState, detail: IncidentDetail): LiveState {
  const { reports, dispatches, events: _events, media: _media, ...incident } = detail;
  let next = withIncidents(s, [incident]);
  next = withDispatches(next, dispatches);
  next = withReports(next, reports);
  return next;
}

/** What to read again after an event: the incident's detail, one report, or the directory. */
export interface Targets {
  incident_id: string | null;
  report_id: string | null;
  directory: boolean;
  other: string | null; // subject of a kind the working set does not hold (callback, notification…)
}

export function targetsOf(e: SiagaEvent): Targets {
  const t: Targets = { incident_id: e.incident_id, report_id: null, directory: false, other: null };
  if (e.subject === 'report') t.report_id = e.subject_id;
  else if (e.subject === 'incident') t.incident_id = e.subject_id;
  else if (e.subject === 'agency' || e.subject === 'category' || e.subject === 'district' || e.subject === 'user') {
    t.directory = true;
  } else if (e.subject !== 'dispatch') t.other = e.subject;
  return t;
}

// ---------- views ----------

export function dispatchesOf(s: LiveState, incidentId: string): Dispatch[] {
  const out: Dispatch[] = [];
  for (const d of s.dispatches.values()) if (d.incident_id === incidentId) out.push(d);
  return out.sort((a, b) => parseTime(a.notified_at) - parseTime(b.notified_at));
}

export const isActiveIncident = (i: Incident) => ACTIVE_INCIDENT.includes(i.status);
export const isActiveDispatch = (d: Dispatch) => ACTIVE_DISPATCH.includes(d.status);

export type SlaOf = (categoryId: string) => SlaPolicy | undefined;

export function slaLookup(categories: Category[]): SlaOf {
  const byId = new Map(categories.map((c) => [c.id, c.sla]));
  return (id) => byId.get(id);
}

export interface BoardRow {
  incident: Incident;
  dispatches: { dispatch: Dispatch; clock: Clock }[];
  /** The incident's own next clock (first dispatch, close). */
  clock: Clock;
  overdue: boolean;
}

/**
 * The follow-up board: incidents not yet closed (active, or resolved and waiting for the call
 * taker to close them), of one creator when given; newest first.
 */
/** False for a dispatch still waiting for the delivery of its notice to an agency without a
 * console: its silence is the outbox's business (retries, dead letters), not a late agency. */
export const silenceCounts = (d: Dispatch, via: AckVia | undefined) => !(d.status === 'notified' && via === 'delivery_receipt');

export function boardOf(
  s: LiveState,
  slaOf: SlaOf,
  now: number,
  createdBy: string | null,
  ackOf: (agencyId: string) => AckVia | undefined = () => undefined,
): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const inc of s.incidents.values()) {
    if (!isActiveIncident(inc) && inc.status !== 'resolved') continue;
    if (createdBy && inc.created_by !== createdBy) continue;
    const sla = slaOf(inc.category_id);
    const dispatches = dispatchesOf(s, inc.id).map((dispatch) => {
      const clock = dispatchClock(dispatch, sla, now);
      // The server's clocks already judge a notice still being delivered.
      const counts = clock.source === 'server' || silenceCounts(dispatch, ackOf(dispatch.agency_id));
      return { dispatch, clock: counts ? clock : { ...clock, overdue: false, state: 'on_time' as const } };
    });
    const clock = incidentClock(inc, sla, now);
    const overdue = dispatches.some((d) => d.clock.overdue) || clock.overdue;
    rows.push({ incident: inc, dispatches, clock, overdue });
  }
  return rows.sort((a, b) => parseTime(b.incident.created_at) - parseTime(a.incident.created_at));
}

/** Counts by key, largest first. */
export function countBy<T>(items: Iterable<T>, key: (item: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface AgencyLoad {
  agency_id: string;
  active: number;
  overdue: number;
  oldest_ms: number; // age of the oldest active dispatch, NaN when none
  items: { dispatch: Dispatch; incident: Incident | undefined; clock: Clock }[];
}

/** Active dispatches grouped by agency, for the wallboard: most overdue, then busiest first. */
export function agencyLoads(s: LiveState, slaOf: SlaOf, now: number): AgencyLoad[] {
  const m = new Map<string, AgencyLoad>();
  for (const d of s.dispatches.values()) {
    if (!isActiveDispatch(d)) continue;
    const inc = s.incidents.get(d.incident_id);
    const clock = dispatchClock(d, inc ? slaOf(inc.category_id) : undefined, now);
    let load = m.get(d.agency_id);
    if (!load) {
      load = { agency_id: d.agency_id, active: 0, overdue: 0, oldest_ms: NaN, items: [] };
      m.set(d.agency_id, load);
    }
    load.active++;
    if (clock.overdue) load.overdue++;
    if (!(load.oldest_ms >= clock.total_ms)) load.oldest_ms = clock.total_ms;
    load.items.push({ dispatch: d, incident: inc, clock });
  }
  const out = [...m.values()];
  for (const l of out) l.items.sort((a, b) => b.clock.total_ms - a.clock.total_ms);
  return out.sort((a, b) => b.overdue - a.overdue || b.active - a.active || a.agency_id.localeCompare(b.agency_id));
}

/** Dispatches of one agency: active first (newest first), then the rest (newest first). */
export function agencyDispatches(s: LiveState, agencyId: string): Dispatch[] {
  const mine = [...s.dispatches.values()].filter((d) => d.agency_id === agencyId);
  return mine.sort(
    (a, b) =>
      Number(isActiveDispatch(b)) - Number(isActiveDispatch(a)) || parseTime(b.notified_at) - parseTime(a.notified_at),
  );
}

export interface Activity {
  at: number;
  kind: string; // an event kind: incident.created, dispatch.acknowledged, …
  incident_id: string;
  agency_id: string | null;
}

/**
 * What happened lately, newest first, read off the working set's own timestamps (incidents
 * created, every dispatch step), so that a feed is full at once and follows the live set.
 */
export function activityOf(s: LiveState, limit = 30): Activity[] {
  const out: Activity[] = [];
  for (const i of s.incidents.values()) {
    out.push({ at: parseTime(i.created_at), kind: 'incident.created', incident_id: i.id, agency_id: null });
  }
  const steps = ['notified', 'acknowledged', 'en_route', 'on_scene', 'completed', 'declined', 'cancelled'] as const;
  for (const d of s.dispatches.values()) {
    for (const step of steps) {
      const at = parseTime(d[`${step}_at`]);
      if (Number.isFinite(at)) out.push({ at, kind: 'dispatch.' + step, incident_id: d.incident_id, agency_id: d.agency_id });
    }
  }
  return out
    .filter((a) => Number.isFinite(a.at))
    .sort((a, b) => b.at - a.at || b.kind.localeCompare(a.kind))
    .slice(0, limit);
}
