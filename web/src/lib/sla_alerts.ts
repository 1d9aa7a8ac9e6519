// The wallboard's SLA alerts: GET /api/v1/sla/alerts?open=true, then the stream's sla.warning,
// sla.breached and sla.escalated events (each carrying one alert) folded in; a later alert of
// the same clock (incident, dispatch, step) replaces the earlier one, worst first.
import type { Stage } from './sla';

export type AlertLevel = 'warning' | 'breach' | 'escalation';

export interface SlaAlert {
  id: string;
  level: AlertLevel;
  step: Stage;
  incident_id: string;
  incident_number: string;
  dispatch_id: string | null;
  agency_id: string | null;
  category_id: string;
  due_at: string;
  raised_at: string;
}

export const ALERT_EVENTS: Record<string, AlertLevel> = { 'sla.warning': 'warning', 'sla.breached': 'breach', 'sla.escalated': 'escalation' };
const RANK: Record<AlertLevel, number> = { escalation: 0, breach: 1, warning: 2 };

const clockKey = (a: SlaAlert) => `${a.incident_id}|${a.dispatch_id ?? ''}|${a.step}`;

/** Is this (an event's payload) an alert? */
export function isAlert(x: unknown): x is SlaAlert {
  const a = x as Partial<SlaAlert> | null;
  return !!a && typeof a.id === 'string' && typeof a.incident_id === 'string' && typeof a.step === 'string' && !!a.level && a.level in RANK;
}

/** Alerts worst first (escalation, breach, warning), then the latest raised first. */
export function sortAlerts(list: SlaAlert[]): SlaAlert[] {
  return [...list].sort((a, b) => RANK[a.level] - RANK[b.level] || b.raised_at.localeCompare(a.raised_at) || a.id.localeCompare(b.id));
}

/** The list with an alert added: one per clock, the worse level kept (a warning never hides a breach). */
export function withAlert(list: SlaAlert[], alert: SlaAlert): SlaAlert[] {
  const key = clockKey(alert);
  const same = list.find((a) => clockKey(a) === key);
  if (same && (same.id === alert.id || RANK[same.level] < RANK[alert.level])) return list;
  return sortAlerts([...list.filter((a) => clockKey(a) !== key), alert]);
}

/** The alerts of the answer to GET /sla/alerts, folded the same way. */
export function alertsOf(items: SlaAlert[]): SlaAlert[] {
  return items.filter(isAlert).reduce(withAlert, [] as SlaAlert[]);
}

/**
 * The alerts with the stream's events folded in (events newest first, as recentStore keeps
 * them); alerts of incidents no longer open (closed set) dropped.
 */
export function withEvents(list: SlaAlert[], events: { kind: string; payload: Record<string, unknown> }[], closed: ReadonlySet<string> = new Set()): SlaAlert[] {
  let out = list;
  for (const e of [...events].reverse()) {
    if (ALERT_EVENTS[e.kind] && isAlert(e.payload)) out = withAlert(out, e.payload);
  }
  return closed.size ? out.filter((a) => !closed.has(a.incident_id)) : out;
}
