// The live calls of the call taker's screen, as pure functions over the calls the server
// lists (GET /calls?live=true) so that they can be tested without a browser.
import type { Call, CallClass, LocationRecord } from '../api/types';
import { parseTime } from './time';

/** Milliseconds of an ISO time, or null. */
function ms(iso: string | null | undefined): number | null {
  const t = parseTime(iso);
  return Number.isNaN(t) ? null : t;
}

export interface LiveCalls {
  /** Ringing or queued, the longest waiting first. */
  waiting: Call[];
  /** The call this user answered (by PBX agent id), if any. */
  mine: Call | null;
  /** Calls answered by others, with the agent on each. */
  others: Call[];
}

/** Splits the live calls for the user whose PBX agent id is `agent` (empty: none is theirs). */
export function splitLiveCalls(calls: Call[], agent: string): LiveCalls {
  const live = calls.filter((c) => c.phase !== 'ended');
  const waiting = live
    .filter((c) => c.phase === 'ringing' || c.phase === 'queued')
    .sort((a, b) => (ms(a.ring_at) ?? 0) - (ms(b.ring_at) ?? 0));
  const answered = live.filter((c) => c.phase === 'talking');
  const mine = agent ? (answered.find((c) => c.agent === agent) ?? null) : null;
  const others = answered.filter((c) => c !== mine);
  return { waiting, mine, others };
}

/** Seconds since the call rang (waiting) at `now`, never negative; null without a ring time. */
export function waitingSeconds(c: Call, now: number): number | null {
  const rang = ms(c.ring_at);
  if (rang === null) return null;
  return Math.max(0, Math.floor((now - rang) / 1000));
}

/** The longest wait among waiting calls, in seconds (0 when none wait). */
export function longestWait(waiting: Call[], now: number): number {
  return waiting.reduce((m, c) => Math.max(m, waitingSeconds(c, now) ?? 0), 0);
}

/** One key per classification: the digits 1 to 6, shown on the buttons. */
export const CLASS_KEYS: [string, CallClass][] = [
  ['1', 'valid'],
  ['2', 'prank'],
  ['3', 'ghost'],
  ['4', 'information'],
  ['5', 'misdirected'],
  ['6', 'test'],
];

export function classForKey(key: string): CallClass | null {
  return CLASS_KEYS.find(([k]) => k === key)?.[1] ?? null;
}

export interface Fix {
  id: string;
  lat: number;
  lon: number;
  radius_m: number | null;
  /** Seconds since the phone took the fix (or since it arrived, without a fix time). */
  age_s: number;
  newest: boolean;
}

/** The accepted fixes of one call, newest first, the newest marked; rejected messages left out. */
export function fixesOf(records: LocationRecord[], callId: string, now: number): Fix[] {
  const out = records
    .filter((r) => r.call_id === callId && r.accepted && r.fix)
    .map((r) => {
      const at = ms(r.fix!.fix_time) ?? ms(r.received_at) ?? now;
      return { id: r.id, lat: r.fix!.lat, lon: r.fix!.lon, radius_m: r.fix!.radius_m, age_s: Math.max(0, Math.floor((now - at) / 1000)), newest: false };
    })
    .sort((a, b) => a.age_s - b.age_s);
  if (out[0]) out[0].newest = true;
  return out;
}

/** The calls the user answered that still need a classification (live or ended). */
export function unclassifiedMine(calls: Call[], agent: string): Call[] {
  if (!agent) return [];
  return calls.filter((c) => c.answered_by === agent && c.classification === null && c.outcome !== 'abandoned' && c.outcome !== 'missed' && c.answered_at);
}
