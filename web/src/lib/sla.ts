// SLA clocks of dispatches and incidents, from the category's policy (seconds; 0 = no limit).

import type { Dispatch, DispatchStatus, Incident, Report, SlaPolicy } from '../api/types';
import { parseTime } from './time';

export type Stage = 'dispatch' | 'acknowledge' | 'on_scene' | 'complete';

export interface Clock {
  /** The step the clock is waiting for; null when nothing more is due (done or no limit). */
  stage: Stage | null;
  /** When that step is due (epoch ms); NaN when there is no limit. */
  due_at: number;
  overdue: boolean;
  /** Time since the last step (epoch ms difference). */
  since_last_ms: number;
  /** Time since the dispatch (or incident) started. */
  total_ms: number;
}

const DONE: readonly DispatchStatus[] = ['completed', 'declined', 'cancelled'];

/** The time of the dispatch's latest step (its current status). */
export function lastStepAt(d: Dispatch): number {
  const times = [
    d.notified_at,
    d.acknowledged_at,
    d.en_route_at,
    d.on_scene_at,
    d.completed_at,
    d.declined_at,
    d.cancelled_at,
  ].map(parseTime);
  const valid = times.filter(Number.isFinite);
  return valid.length ? Math.max(...valid) : NaN;
}

/**
 * The clock of one dispatch: from its notification, the first step not yet reached that has a
 * limit (acknowledge, then on scene, then complete) is due at notified_at + limit.
 */
export function dispatchClock(d: Dispatch, sla: SlaPolicy | undefined, now: number): Clock {
  const start = parseTime(d.notified_at);
  const last = lastStepAt(d);
  const base: Clock = {
    stage: null,
    due_at: NaN,
    overdue: false,
    since_last_ms: now - last,
    total_ms: now - start,
  };
  if (DONE.includes(d.status) || !sla || !Number.isFinite(start)) return base;
  const reached: Record<Exclude<Stage, 'dispatch'>, boolean> = {
    acknowledge: d.status !== 'notified',
    on_scene: d.status === 'on_scene',
    complete: false,
  };
  const limits: [Exclude<Stage, 'dispatch'>, number][] = [
    ['acknowledge', sla.acknowledge_within_s],
    ['on_scene', sla.on_scene_within_s],
    ['complete', sla.complete_within_s],
  ];
  for (const [stage, limit] of limits) {
    if (reached[stage] || !limit) continue;
    const due = start + limit * 1000;
    return { ...base, stage, due_at: due, overdue: now > due };
  }
  return base;
}

/** An incident still waiting for its first dispatch: due at created_at + dispatch_within_s. */
export function incidentClock(inc: Incident, sla: SlaPolicy | undefined, now: number): Clock {
  const start = parseTime(inc.created_at);
  const base: Clock = { stage: null, due_at: NaN, overdue: false, since_last_ms: now - parseTime(inc.updated_at), total_ms: now - start };
  if (inc.status !== 'open' || inc.first_dispatched_at || !sla || !sla.dispatch_within_s) return base;
  const due = start + sla.dispatch_within_s * 1000;
  return { ...base, stage: 'dispatch', due_at: due, overdue: now > due };
}

/** Milliseconds between two API times, NaN when either is missing. */
export function span(from: string | null, to: string | null): number {
  return parseTime(to) - parseTime(from);
}

/**
 * How long each incident waited from the moment the centre first heard of it (its earliest
 * report, which may have waited in the queue) to its first dispatch; NaN for one not
 * dispatched yet.
 */
export function waitsToDispatch(incidents: Incident[], reports: Iterable<Report>): number[] {
  const first = new Map<string, number>();
  for (const r of reports) {
    if (!r.incident_id) continue;
    const at = parseTime(r.created_at);
    if (!(at >= (first.get(r.incident_id) ?? Infinity))) first.set(r.incident_id, at);
  }
  return incidents.map((i) => {
    const heard = Math.min(first.get(i.id) ?? Infinity, parseTime(i.created_at));
    return parseTime(i.first_dispatched_at) - heard;
  });
}

/** The median of the finite values, NaN when there is none. */
export function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}
