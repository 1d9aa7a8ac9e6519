import { describe, expect, it } from 'vitest';
import type { IncidentDetail, SiagaEvent } from '../api/types';
import { busyScene, dispatch, FIRE_SLA, incident, iso, report, T0 } from './fixtures.test-util';
import {
  activityOf,
  agencyDispatches,
  agencyLoads,
  boardOf,
  countBy,
  emptyState,
  targetsOf,
  withDispatches,
  withIncidentDetail,
  withIncidents,
  withReports,
} from './live';

const slaOf = () => FIRE_SLA;

describe('updates', () => {
  it('keeps the newer copy of a record', () => {
    let s = withIncidents(emptyState(), [incident({ id: 'i', status: 'in_progress', updated_at: iso(T0 + 5000) })]);
    s = withIncidents(s, [incident({ id: 'i', status: 'dispatched', updated_at: iso(T0) })]);
    expect(s.incidents.get('i')!.status).toBe('in_progress');
    s = withIncidents(s, [incident({ id: 'i', status: 'resolved', updated_at: iso(T0 + 9000) })]);
    expect(s.incidents.get('i')!.status).toBe('resolved');
  });
  it('takes in an incident detail whole', () => {
    const detail: IncidentDetail = {
      ...incident({ id: 'i' }),
      reports: [report({ id: 'r', status: 'accepted', incident_id: 'i' })],
      dispatches: [dispatch({ id: 'd1', incident_id: 'i' }), dispatch({ id: 'd2', incident_id: 'i', agency_id: 'pln' })],
      events: [],
    };
    const s = withIncidentDetail(emptyState(), detail);
    expect(s.incidents.get('i')).not.toHaveProperty('events');
    expect(s.dispatches.size).toBe(2);
    expect(s.reports.get('r')!.status).toBe('accepted');
  });
});

describe('targetsOf', () => {
  const ev = (p: Partial<SiagaEvent>): SiagaEvent => ({
    seq: 1, id: 'e', kind: 'x', subject: 'incident', subject_id: 's', incident_id: null, agency_id: null,
    actor_id: 'a', at: iso(T0), payload: {}, hash: 'h', ...p,
  });
  it('maps subjects to what to read again', () => {
    expect(targetsOf(ev({ subject: 'report', subject_id: 'r', kind: 'report.created' }))).toMatchObject({ report_id: 'r', incident_id: null });
    expect(targetsOf(ev({ subject: 'report', subject_id: 'r', incident_id: 'i' }))).toMatchObject({ report_id: 'r', incident_id: 'i' });
    expect(targetsOf(ev({ subject: 'incident', subject_id: 'i' }))).toMatchObject({ incident_id: 'i' });
    expect(targetsOf(ev({ subject: 'dispatch', subject_id: 'd', incident_id: 'i' }))).toMatchObject({ incident_id: 'i', other: null });
    expect(targetsOf(ev({ subject: 'category', subject_id: 'c' })).directory).toBe(true);
    expect(targetsOf(ev({ subject: 'callback', subject_id: 'c' })).other).toBe('callback');
  });
});

describe('board and loads', () => {
  const now = T0 + 5 * 60_000;
  const s = withReports(busyScene(), [report({ id: 'r-new' })]);

  it('shows the board of one call taker with overdue marks', () => {
    const mine = withIncidents(s, [incident({ id: 'other', created_by: 'someone', created_at: iso(T0 + 1) })]);
    const rows = boardOf(mine, slaOf, now, 'ct');
    expect(rows.map((r) => r.incident.id).sort()).toEqual(['busy', 'waiting']);
    expect(rows.find((r) => r.incident.id === 'busy')!.overdue).toBe(true);
    expect(rows.find((r) => r.incident.id === 'waiting')!.overdue).toBe(true);
    expect(boardOf(mine, slaOf, now, null)[0]!.incident.id).toBe('other');
  });
  it('does not mark late a dispatch waiting for the delivery receipt of an agency without a console', () => {
    const rows = boardOf(s, slaOf, now, 'ct', (id) => (id === 'damkar' ? 'delivery_receipt' : 'console'));
    const busy = rows.find((r) => r.incident.id === 'busy')!;
    expect(busy.dispatches.find((d) => d.dispatch.id === 'late')!.clock.overdue).toBe(false);
    expect(busy.overdue).toBe(false);
  });
  it('groups active dispatches by agency', () => {
    const loads = agencyLoads(s, slaOf, now);
    expect(loads.map((l) => [l.agency_id, l.active, l.overdue])).toEqual([
      ['damkar', 1, 1],
      ['rsud', 1, 0],
    ]);
    expect(loads[0]!.oldest_ms).toBe(5 * 60_000);
  });
  it('orders an agency console: active first, newest first', () => {
    const t = withDispatches(s, [dispatch({ id: 'newer', incident_id: 'busy', notified_at: iso(T0 + 60_000) }), dispatch({ id: 'done', incident_id: 'busy', status: 'completed', notified_at: iso(T0 + 120_000) })]);
    expect(agencyDispatches(t, 'damkar').map((d) => d.id)).toEqual(['newer', 'late', 'done', 'old-decline']);
  });
});

describe('countBy', () => {
  it('counts and orders', () => {
    expect(countBy(['a', 'b', 'a', 'c', 'b', 'a'], (x) => x)).toEqual([['a', 3], ['b', 2], ['c', 1]]);
  });
});

describe('activityOf', () => {
  it('lists incident creations and dispatch steps, newest first', () => {
    let s = withIncidents(emptyState(), [incident({ id: 'i', created_at: iso(T0) })]);
    s = withDispatches(s, [dispatch({ id: 'd', incident_id: 'i', status: 'acknowledged', notified_at: iso(T0 + 1000), acknowledged_at: iso(T0 + 5000) })]);
    expect(activityOf(s).map((a) => [a.kind, a.at - T0])).toEqual([
      ['dispatch.acknowledged', 5000],
      ['dispatch.notified', 1000],
      ['incident.created', 0],
    ]);
    expect(activityOf(s, 1)).toHaveLength(1);
  });
});
