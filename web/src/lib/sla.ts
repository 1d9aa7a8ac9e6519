// SLA clocks of dispatches and incidents: the server's `clocks` when the record carries them
// (their state recomputed against the console's clock as time passes), else computed here from
// the category's policy (seconds; 0 = no limit).

import type { Dispatch, DispatchStatus, Incident, Report, SlaPolicy } from '../api/types';
import { parseTime } from './time';

export type Stage = 'dispatch' | 'acknowledge' | 'on_scene' | 'complete' | 'close';

/** What a console shows of an open clock: on time, due soon, breached (colour and text). */
export type ClockState = 'on_time' | 'due_soon' | 'breached';

/** One clock as the server gives it on an incident or a dispatch (as of its answer). */
export interface ServerClock {
  step: Stage;
  started_at: string;
  warn_at: string;
  due_at: string;
  state: ClockState | 'met' | 'met_late';
  unit: 'seconds' | 'working_days';
  limit: number;
}

/** A record that may carry the server's clocks (absent on an older server). */
export type WithClocks = { clocks?: ServerClock[] };

export interface Clock {
  /** The step the clock is waiting for; null when nothing more is due (done or no limit). */
  stage: Stage | null;
  /** When that step is due (epoch ms); NaN when there is no limit. */
  due_at: number;
  /** The state shown; on_time when nothing is due. */
  state: ClockState;
  /** Where the clock comes from: the server's clocks, or this browser's reckoning. */
  source: 'server' | 'browser';
  overdue: boolean;
  /** Time since the last step (epoch ms difference). */
  since_last_ms: number;
  /** Time since the dispatch (or incident) started. */
  total_ms: number;
}

const DONE: readonly DispatchStatus[] = ['completed', 'declined', 'cancelled'];
const RANK: Record<ClockState, number> = { on_time: 0, due_soon: 1, breached: 2 };

/**
 * The first of the server's clocks not met, its state as of now: breached from due_at, due
 * soon from warn_at, never less than the server said (its clock may run ahead of ours). null
 * when every clock is met; undefined when the record has no clocks (use the browser's).
 */
export function nextServerClock(clocks: ServerClock[] | undefined, now: number): { clock: ServerClock; state: ClockState; due_at: number } | null | undefined {
  if (!Array.isArray(clocks)) return undefined;
  const open = clocks.find((c) => c.state !== 'met' && c.state !== 'met_late');
  if (!open) return null;
  const due = parseTime(open.due_at);
  const warn = parseTime(open.warn_at);
  const mine: ClockState = now >= due ? 'breached' : now >= warn ? 'due_soon' : 'on_time';
  const said = open.state as ClockState;
  return { clock: open, state: RANK[said] > RANK[mine] ? said : mine, due_at: due };
}

// The clock of a record from its server clocks, or undefined when it has none.
function fromServer(rec: WithClocks, base: Omit<Clock, 'stage' | 'due_at' | 'state' | 'overdue' | 'source'>, now: number): Clock | undefined {
  const next = nextServerClock(rec.clocks, now);
  if (next === undefined) return undefined;
  if (next === null) return { ...base, stage: null, due_at: NaN, state: 'on_time', source: 'server', overdue: false };
  return { ...base, stage: next.clock.step, due_at: next.due_at, state: next.state, source: 'server', overdue: next.state === 'breached' };
}

// The browser's reckoning: due soon in the last fifth of the limit.
function reckoned(base: Omit<Clock, 'stage' | 'due_at' | 'state' | 'overdue' | 'source'>, stage: Stage, start: number, due: number, now: number): Clock {
  const state: ClockState = now > due ? 'breached' : now >= due - (due - start) / 5 ? 'due_soon' : 'on_time';
  return { ...base, stage, due_at: due, state, source: 'browser', overdue: state === 'breached' };
}

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
export function dispatchClock(d: Dispatch & WithClocks, sla: SlaPolicy | undefined, now: number): Clock {
  const start = parseTime(d.notified_at);
  const last = lastStepAt(d);
  const times = { since_last_ms: now - last, total_ms: now - start };
  const server = fromServer(d, times, now);
  if (server) return server;
  const base: Clock = { ...times, stage: null, due_at: NaN, state: 'on_time', source: 'browser', overdue: false };
  if (DONE.includes(d.status) || !sla || !Number.isFinite(start)) return base;
  const reached: Record<'acknowledge' | 'on_scene' | 'complete', boolean> = {
    acknowledge: d.status !== 'notified',
    on_scene: d.status === 'on_scene',
    complete: false,
  };
  const limits: ['acknowledge' | 'on_scene' | 'complete', number][] = [
    ['acknowledge', sla.acknowledge_within_s],
    ['on_scene', sla.on_scene_within_s],
    ['complete', sla.complete_within_s],
  ];
  for (const [stage, limit] of limits) {
    if (reached[stage] || !limit) continue;
    return reckoned(base, stage, start, start + limit * 1000, now);
  }
  return base;
}

/**
 * The incident's next clock from the server (dispatch, then close); without server clocks, an
 * incident still waiting for its first dispatch, due at created_at + dispatch_within_s.
 */
export function incidentClock(inc: Incident & WithClocks, sla: SlaPolicy | undefined, now: number): Clock {
  const start = parseTime(inc.created_at);
  const times = { since_last_ms: now - parseTime(inc.updated_at), total_ms: now - start };
  const server = fromServer(inc, times, now);
  if (server) return server;
  const base: Clock = { ...times, stage: null, due_at: NaN, state: 'on_time', source: 'browser', overdue: false };
  if (inc.status !== 'open' || inc.first_dispatched_at || !sla || !sla.dispatch_within_s) return base;
  return reckoned(base, 'dispatch', start, start + sla.dispatch_within_s * 1000, now);
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

/** The steps of a category's SLA as the admin edits them, in the order they happen. */
export const SLA_STEPS = ['dispatch', 'acknowledge', 'on_scene', 'complete', 'close'] as const;
export type SlaStep = (typeof SLA_STEPS)[number];
/** Minutes, hours (clock time) or working days of the jurisdiction's calendar. */
export type SlaUnit = 'min' | 'h' | 'wd';

const SECONDS: Record<Exclude<SlaUnit, 'wd'>, number> = { min: 60, h: 3600 };

/**
 * One step's limit for the editor: working days when the policy has them (they win over
 * seconds, as on the server), else hours for a whole number of hours from 2 h, else minutes;
 * an empty value for no target.
 */
export function slaLimit(sla: SlaPolicy, step: SlaStep): { value: string; unit: SlaUnit } {
  const days = sla[`${step}_within_days`];
  if (days > 0) return { value: String(days), unit: 'wd' };
  const s = sla[`${step}_within_s`];
  if (!s) return { value: '', unit: step === 'complete' || step === 'close' ? 'h' : 'min' };
  if (s >= 7200 && s % 3600 === 0) return { value: String(s / 3600), unit: 'h' };
  return { value: String(Math.round((s / 60) * 10) / 10), unit: 'min' };
}

/**
 * The policy with one step's limit set: a working-day limit clears the seconds and the other
 * way round, so the step has one target; an empty, zero or unreadable value clears both.
 */
export function withSlaLimit(sla: SlaPolicy, step: SlaStep, value: string, unit: SlaUnit): SlaPolicy {
  const n = Number(value.trim().replace(',', '.'));
  const ok = value.trim() !== '' && Number.isFinite(n) && n > 0;
  const days = ok && unit === 'wd' ? Math.round(n) : 0;
  const seconds = ok && unit !== 'wd' ? Math.round(n * SECONDS[unit]) : 0;
  return { ...sla, [`${step}_within_s`]: seconds, [`${step}_within_days`]: days };
}
