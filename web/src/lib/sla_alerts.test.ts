import { describe, expect, it } from 'vitest';
import { alertsOf, isAlert, withAlert, withEvents, type SlaAlert } from './sla_alerts';

const alert = (over: Partial<SlaAlert>): SlaAlert => ({
  id: 'a1',
  level: 'warning',
  step: 'acknowledge',
  incident_id: 'i1',
  incident_number: 'AMB-2025-0001',
  dispatch_id: 'd1',
  agency_id: 'g1',
  category_id: 'c1',
  due_at: '2025-06-01T10:02:00Z',
  raised_at: '2025-06-01T10:01:36Z',
  ...over,
});

describe('SLA alerts', () => {
  it('keeps one alert per clock, the worst, worst first', () => {
    const warn = alert({});
    const breach = alert({ id: 'a2', level: 'breach', raised_at: '2025-06-01T10:02:00Z' });
    const other = alert({ id: 'a3', incident_id: 'i2', incident_number: 'AMB-2025-0002', dispatch_id: null, agency_id: null, step: 'dispatch', raised_at: '2025-06-01T10:05:00Z' });
    expect(alertsOf([warn, other, breach]).map((a) => a.id)).toEqual(['a2', 'a3']);
    // A late warning of a breached clock does not hide the breach.
    expect(withAlert([breach], warn)).toEqual([breach]);
    const esc = alert({ id: 'a4', level: 'escalation', incident_id: 'i3', raised_at: '2025-06-01T09:00:00Z' });
    expect(withAlert([breach, other], esc).map((a) => a.id)).toEqual(['a4', 'a2', 'a3']);
    expect(withAlert([breach], breach)).toEqual([breach]);
  });

  it('folds in the stream events, oldest first, and drops alerts of closed incidents', () => {
    const events = [
      { kind: 'sla.breached', payload: alert({ id: 'a2', level: 'breach' }) as unknown as Record<string, unknown> },
      { kind: 'incident.updated', payload: { id: 'x' } },
      { kind: 'sla.warning', payload: alert({}) as unknown as Record<string, unknown> },
      { kind: 'sla.escalated', payload: { nonsense: true } },
    ];
    expect(withEvents([], events).map((a) => [a.id, a.level])).toEqual([['a2', 'breach']]);
    expect(withEvents([], events, new Set(['i1']))).toEqual([]);
    expect(isAlert({ id: 'a', incident_id: 'i', step: 'close', level: 'panic' })).toBe(false);
  });
});
