// What needs a call taker now, in the order it should be done: new reports first, emergencies
// before urgent before complaints and information, each oldest first; then incidents waiting
// for a dispatch, declines, and overdue dispatches grouped per incident. An agency that
// cannot press "acknowledge" (no console) is never overdue for it: its delivered notice
// acknowledges it, or the call taker confirms it by phone (the row says so).
import type { AckVia, Dispatch, Incident, Report, Urgency } from '../api/types';
import { dispatchesOf, isActiveDispatch, isActiveIncident, silenceCounts, type LiveState, type SlaOf } from './live';
import { dispatchClock, incidentClock, type Clock } from './sla';
import { parseTime } from './time';

export interface OverdueDispatch {
  dispatch: Dispatch;
  clock: Clock;
  /** The agency has no console and no endpoint: the call taker phones it and confirms. */
  by_phone: boolean;
}

export type QueueItem =
  | { kind: 'report'; key: string; at: number; urgency: Urgency | null; report: Report; late: boolean }
  | { kind: 'undispatched'; key: string; at: number; urgency: Urgency | null; incident: Incident; clock: Clock }
  | { kind: 'declined'; key: string; at: number; urgency: Urgency | null; incident: Incident; dispatch: Dispatch }
  | { kind: 'overdue'; key: string; at: number; urgency: Urgency | null; incident: Incident; overdue: OverdueDispatch[] };

export interface QueueRules {
  sla: SlaOf;
  /** The urgency of a category; undefined for an unknown one. */
  urgencyOf?: (categoryId: string) => Urgency | undefined;
  /** How an agency acknowledges; undefined (a console) when unknown. */
  ackOf?: (agencyId: string) => AckVia | undefined;
}

/** An emergency report waits at most this long without a category's own dispatch limit. */
const DEFAULT_EMERGENCY_WAIT_S = 60;

// A report without a category may be anything: it is read right after the emergencies.
const URGENCY_RANK: Record<string, number> = { emergency: 0, urgent: 1, none: 1, complaint: 2, information: 3 };
const KIND_RANK = { report: 0, undispatched: 1, declined: 2, overdue: 3 } as const;

export function queueOf(s: LiveState, rules: QueueRules, now: number, dismissed: ReadonlySet<string> = new Set()): QueueItem[] {
  const urgencyOf = (id: string | null) => (id ? (rules.urgencyOf?.(id) ?? null) : null);
  const out: QueueItem[] = [];
  for (const r of s.reports.values()) {
    if (r.status !== 'new') continue;
    const urgency = urgencyOf(r.category_id);
    const at = parseTime(r.created_at);
    const limit = (r.category_id ? rules.sla(r.category_id)?.dispatch_within_s : 0) || DEFAULT_EMERGENCY_WAIT_S;
    out.push({ kind: 'report', key: 'r:' + r.id, at, urgency, report: r, late: urgency === 'emergency' && now - at > limit * 1000 });
  }
  for (const inc of s.incidents.values()) {
    if (!isActiveIncident(inc)) continue;
    const ds = dispatchesOf(s, inc.id);
    const sla = rules.sla(inc.category_id);
    const urgency = inc.urgency ?? urgencyOf(inc.category_id);
    if (!ds.some(isActiveDispatch) && !ds.some((d) => d.status === 'completed')) {
      out.push({ kind: 'undispatched', key: 'i:' + inc.id, at: parseTime(inc.created_at), urgency, incident: inc, clock: incidentClock(inc, sla, now) });
    }
    const overdue: OverdueDispatch[] = [];
    for (const d of ds) {
      if (d.status === 'declined') {
        const key = 'd:' + d.id;
        if (!dismissed.has(key)) out.push({ kind: 'declined', key, at: parseTime(d.declined_at), urgency, incident: inc, dispatch: d });
        continue;
      }
      if (!isActiveDispatch(d)) continue;
      const clock = dispatchClock(d, sla, now);
      if (!clock.overdue) continue;
      const via = rules.ackOf?.(d.agency_id) ?? 'console';
      if (!silenceCounts(d, via)) continue;
      overdue.push({ dispatch: d, clock, by_phone: d.status === 'notified' && via === 'phone' });
    }
    if (overdue.length) {
      const at = Math.min(...overdue.map((o) => o.clock.due_at));
      out.push({ kind: 'overdue', key: 'o:' + inc.id, at, urgency, incident: inc, overdue });
    }
  }
  const rank = (u: Urgency | null) => URGENCY_RANK[u ?? 'none'] ?? 1;
  return out.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || rank(a.urgency) - rank(b.urgency) || a.at - b.at);
}
