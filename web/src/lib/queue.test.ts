import { describe, expect, it } from 'vitest';
import type { AckVia, Urgency } from '../api/types';
import { busyScene, dispatch, FIRE_SLA, incident, iso, report, T0, URGENT_SLA } from './fixtures.test-util';
import { emptyState, withDispatches, withIncidents, withReports } from './live';
import { queueOf, type QueueRules } from './queue';

const urgencies: Record<string, Urgency> = { fire: 'emergency', light: 'complaint', snake: 'urgent', info: 'information' };
const acks: Record<string, AckVia> = { damkar: 'console', pln: 'delivery_receipt', rsud: 'phone', dishub: 'phone' };
const rules: QueueRules = {
  sla: (id) => (id === 'fire' ? FIRE_SLA : URGENT_SLA),
  urgencyOf: (id) => urgencies[id],
  ackOf: (id) => acks[id],
};
const min = 60_000;

describe('queueOf', () => {
  const now = T0 + 5 * min;
  const s = busyScene();

  it('lists new reports, undispatched incidents, declines and overdue incidents in that order', () => {
    const q = queueOf(withReports(s, [report({ id: 'r-new' })]), rules, now);
    expect(q.map((x) => x.key)).toEqual(['r:r-new', 'i:waiting', 'd:no', 'o:busy']);
  });

  it('leaves out dismissed items', () => {
    expect(queueOf(s, rules, now, new Set(['d:no'])).map((q) => q.key)).toEqual(['i:waiting', 'o:busy']);
  });

  it('puts an emergency before older urgent, complaint and information reports, each by age, and an unknown category with the urgent ones', () => {
    const q = queueOf(
      withReports(emptyState(), [
        report({ id: 'light', category_id: 'light', created_at: iso(T0 - 41 * min) }),
        report({ id: 'info', category_id: 'info', created_at: iso(T0 - 50 * min) }),
        report({ id: 'snake', category_id: 'snake', created_at: iso(T0 - 10 * min) }),
        report({ id: 'fire-new', category_id: 'fire', created_at: iso(T0 - 1 * min) }),
        report({ id: 'fire-old', category_id: 'fire', created_at: iso(T0 - 2 * min) }),
        report({ id: 'unknown', category_id: null, created_at: iso(T0 - 5 * min) }),
      ]),
      rules,
      T0,
    );
    expect(q.map((x) => x.key)).toEqual(['r:fire-old', 'r:fire-new', 'r:snake', 'r:unknown', 'r:light', 'r:info']);
  });

  it('marks an emergency report late past its dispatch limit, and nothing else', () => {
    const q = queueOf(
      withReports(emptyState(), [
        report({ id: 'fire-late', category_id: 'fire', created_at: iso(T0 - 61_000) }),
        report({ id: 'fire-fresh', category_id: 'fire', created_at: iso(T0 - 59_000) }),
        report({ id: 'light-old', category_id: 'light', created_at: iso(T0 - 60 * min) }),
      ]),
      rules,
      T0,
    );
    const late = Object.fromEntries(q.map((x) => [x.key, x.kind === 'report' && x.late]));
    expect(late).toEqual({ 'r:fire-late': true, 'r:fire-fresh': false, 'r:light-old': false });
  });

  it('groups overdue dispatches per incident and never counts an agency without a console as silent', () => {
    let f = withIncidents(emptyState(), [incident({ id: 'fire-1' }), incident({ id: 'fire-2', created_at: iso(T0 + 1000) })]);
    f = withDispatches(f, [
      dispatch({ id: 'd-damkar', incident_id: 'fire-1', agency_id: 'damkar' }),
      dispatch({ id: 'd-pln', incident_id: 'fire-1', agency_id: 'pln' }),
      dispatch({ id: 'd-rsud', incident_id: 'fire-1', agency_id: 'rsud' }),
      dispatch({ id: 'd-dishub', incident_id: 'fire-1', agency_id: 'dishub' }),
      dispatch({ id: 'd2-pln', incident_id: 'fire-2', agency_id: 'pln' }),
    ]);
    const q = queueOf(f, rules, T0 + 10 * min);
    expect(q.map((x) => x.key)).toEqual(['o:fire-1']);
    const row = q[0]!;
    if (row.kind !== 'overdue') throw new Error('not an overdue row');
    expect(row.overdue.map((o) => [o.dispatch.agency_id, o.by_phone])).toEqual([
      ['damkar', false],
      ['rsud', true],
      ['dishub', true],
    ]);
  });

  it('keeps a webhook-only agency overdue once acknowledged and late on scene', () => {
    const f = withDispatches(withIncidents(emptyState(), [incident({ id: 'fire-1' })]), [
      dispatch({ id: 'd-pln', incident_id: 'fire-1', agency_id: 'pln', status: 'acknowledged', acknowledged_at: iso(T0 + 1000) }),
    ]);
    expect(queueOf(f, rules, T0 + 60 * min).map((x) => x.key)).toEqual(['o:fire-1']);
  });
});
