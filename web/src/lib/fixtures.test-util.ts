// Builders of API records for the unit tests.
import type { Dispatch, Incident, Report } from '../api/types';
import { emptyState, withDispatches, withIncidents, withReports, type LiveState } from './live';

export const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
export const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

export function incident(p: Partial<Incident> & { id: string }): Incident {
  return {
    number: 'AMB-261123-0001',
    category_id: 'fire',
    urgency: 'emergency',
    status: 'dispatched',
    summary: 'Kebakaran',
    description: '',
    location: { lat: -3.6946, lon: 128.1797 },
    address: 'Jl. Sultan Hairun',
    district_id: 'sirimau',
    created_by: 'ct',
    created_at: iso(T0),
    updated_at: iso(T0),
    first_dispatched_at: iso(T0),
    resolved_at: null,
    closed_at: null,
    ...p,
  };
}

export function dispatch(p: Partial<Dispatch> & { id: string; incident_id: string }): Dispatch {
  return {
    agency_id: 'damkar',
    role: 'primary',
    status: 'notified',
    share_contact: false,
    note: '',
    public_note: '',
    decline_reason: '',
    notified_at: iso(T0),
    acknowledged_at: null,
    en_route_at: null,
    on_scene_at: null,
    completed_at: null,
    declined_at: null,
    cancelled_at: null,
    updated_at: iso(T0),
    ...p,
  };
}

export function report(p: Partial<Report> & { id: string }): Report {
  return {
    tracking_code: 'ABCDEFGH',
    channel: 'call',
    status: 'new',
    reporter: { name: null, phone: '+62 ••• •••• 7890', has_name: true, masked: true, can_reveal: true },
    description: '',
    category_id: null,
    location: null,
    address: '',
    district_id: null,
    incident_id: null,
    reject_reason: null,
    resolution_note: '',
    created_by: 'ct',
    created_at: iso(T0),
    updated_at: iso(T0),
    ...p,
  };
}

const NO_DAYS = { dispatch_within_days: 0, acknowledge_within_days: 0, on_scene_within_days: 0, complete_within_days: 0, close_within_days: 0 };
export const FIRE_SLA = { dispatch_within_s: 60, acknowledge_within_s: 120, on_scene_within_s: 900, complete_within_s: 0, close_within_s: 0, ...NO_DAYS };
export const URGENT_SLA = { dispatch_within_s: 600, acknowledge_within_s: 0, on_scene_within_s: 0, complete_within_s: 86400, close_within_s: 0, ...NO_DAYS };

/**
 * A working set for the queue and the board: an accepted report; an incident waiting for a
 * dispatch; a busy one with a DAMKAR dispatch not acknowledged since T0, a PLN decline and an
 * RSUD acknowledgement; a closed one with an old decline.
 */
export function busyScene(): LiveState {
  let s = withReports(emptyState(), [report({ id: 'r-done', status: 'accepted' })]);
  s = withIncidents(s, [
    incident({ id: 'waiting', status: 'open', first_dispatched_at: null }),
    incident({ id: 'busy' }),
    incident({ id: 'closed', status: 'closed' }),
  ]);
  return withDispatches(s, [
    dispatch({ id: 'late', incident_id: 'busy' }),
    dispatch({ id: 'no', incident_id: 'busy', agency_id: 'pln', status: 'declined', declined_at: iso(T0 + 1000) }),
    dispatch({ id: 'fine', incident_id: 'busy', agency_id: 'rsud', status: 'acknowledged', acknowledged_at: iso(T0 + 10_000) }),
    dispatch({ id: 'old-decline', incident_id: 'closed', status: 'declined', declined_at: iso(T0) }),
  ]);
}

