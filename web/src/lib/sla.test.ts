import { describe, expect, it } from 'vitest';
import { dispatchClock, incidentClock, lastStepAt, median, nextServerClock, slaLimit, span, waitsToDispatch, withSlaLimit, type ServerClock } from './sla';
import { dispatch, FIRE_SLA, incident, iso, report, T0, URGENT_SLA } from './fixtures.test-util';

describe('dispatchClock', () => {
  it('waits for the acknowledgement first', () => {
    const d = dispatch({ id: 'd', incident_id: 'i' });
    const c = dispatchClock(d, FIRE_SLA, T0 + 60_000);
    expect(c.stage).toBe('acknowledge');
    expect(c.due_at).toBe(T0 + 120_000);
    expect(c.overdue).toBe(false);
    expect(dispatchClock(d, FIRE_SLA, T0 + 121_000).overdue).toBe(true);
  });
  it('then for arrival, counted from the notification', () => {
    const d = dispatch({ id: 'd', incident_id: 'i', status: 'en_route', acknowledged_at: iso(T0 + 30_000), en_route_at: iso(T0 + 60_000) });
    const c = dispatchClock(d, FIRE_SLA, T0 + 16 * 60_000);
    expect(c.stage).toBe('on_scene');
    expect(c.overdue).toBe(true);
    expect(c.since_last_ms).toBe(15 * 60_000);
  });
  it('has nothing due once on scene without a completion limit', () => {
    const d = dispatch({ id: 'd', incident_id: 'i', status: 'on_scene', acknowledged_at: iso(T0), on_scene_at: iso(T0 + 600_000) });
    expect(dispatchClock(d, FIRE_SLA, T0 + 99 * 3600_000)).toMatchObject({ stage: null, overdue: false });
  });
  it('skips steps without a limit', () => {
    const d = dispatch({ id: 'd', incident_id: 'i' });
    const c = dispatchClock(d, URGENT_SLA, T0 + 25 * 3600_000);
    expect(c.stage).toBe('complete');
    expect(c.overdue).toBe(true);
  });
  it('is never overdue when done', () => {
    for (const status of ['completed', 'declined', 'cancelled'] as const) {
      expect(dispatchClock(dispatch({ id: 'd', incident_id: 'i', status }), FIRE_SLA, T0 + 1e9).overdue).toBe(false);
    }
  });
  it('is never overdue without a policy', () => {
    expect(dispatchClock(dispatch({ id: 'd', incident_id: 'i' }), undefined, T0 + 1e9).overdue).toBe(false);
  });
});

describe('incidentClock', () => {
  it('counts the time to first dispatch of an open incident', () => {
    const inc = incident({ id: 'i', status: 'open', first_dispatched_at: null });
    expect(incidentClock(inc, FIRE_SLA, T0 + 30_000)).toMatchObject({ stage: 'dispatch', overdue: false });
    expect(incidentClock(inc, FIRE_SLA, T0 + 61_000).overdue).toBe(true);
    expect(incidentClock(incident({ id: 'j' }), FIRE_SLA, T0 + 1e9).stage).toBeNull();
  });
});

describe('helpers', () => {
  it('finds the last step', () => {
    expect(lastStepAt(dispatch({ id: 'd', incident_id: 'i', acknowledged_at: iso(T0 + 5000) }))).toBe(T0 + 5000);
  });
  it('measures spans and medians', () => {
    expect(span(iso(T0), iso(T0 + 42_000))).toBe(42_000);
    expect(span(null, iso(T0))).toBeNaN();
    expect(median([3, 1, NaN, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('waitsToDispatch', () => {
  it('counts from the earliest report, which may have waited in the queue', () => {
    const inc = incident({ id: 'i', created_at: iso(T0 + 41 * 60_000), first_dispatched_at: iso(T0 + 41 * 60_000) });
    const reports = [
      report({ id: 'r1', incident_id: 'i', created_at: iso(T0) }),
      report({ id: 'r2', incident_id: 'i', created_at: iso(T0 + 60_000) }),
      report({ id: 'r3', incident_id: 'other', created_at: iso(T0 - 3600_000) }),
    ];
    expect(waitsToDispatch([inc], reports)).toEqual([41 * 60_000]);
  });
  it('counts from the incident without reports, and gives NaN before a dispatch', () => {
    const made = incident({ id: 'm', created_at: iso(T0), first_dispatched_at: iso(T0 + 30_000) });
    const open = incident({ id: 'o', first_dispatched_at: null });
    const [a, b] = waitsToDispatch([made, open], []);
    expect(a).toBe(30_000);
    expect(Number.isNaN(b)).toBe(true);
  });
});


describe("the server's clocks", () => {
  const clocks = (over: Partial<ServerClock>[]): ServerClock[] =>
    over.map((o) => ({ step: 'acknowledge', started_at: iso(T0), warn_at: iso(T0 + 96_000), due_at: iso(T0 + 120_000), state: 'on_time', unit: 'seconds', limit: 120, ...o }));

  it('replace the reckoning: the first clock not met, its state recomputed as time passes', () => {
    const d = { ...dispatch({ id: 'd', incident_id: 'i' }), clocks: clocks([{ step: 'acknowledge', state: 'met' }, { step: 'on_scene', warn_at: iso(T0 + 600_000), due_at: iso(T0 + 900_000), limit: 900 }]) };
    expect(dispatchClock(d, FIRE_SLA, T0 + 60_000)).toMatchObject({ stage: 'on_scene', state: 'on_time', source: 'server', overdue: false, due_at: T0 + 900_000 });
    expect(dispatchClock(d, FIRE_SLA, T0 + 600_000).state).toBe('due_soon');
    expect(dispatchClock(d, FIRE_SLA, T0 + 900_000)).toMatchObject({ state: 'breached', overdue: true });
    // Without clocks, the browser's reckoning from the policy (acknowledge within 120 s).
    const plain = dispatch({ id: 'd', incident_id: 'i' });
    expect(dispatchClock(plain, FIRE_SLA, T0 + 60_000)).toMatchObject({ stage: 'acknowledge', source: 'browser', state: 'on_time' });
    expect(dispatchClock(plain, FIRE_SLA, T0 + 100_000).state).toBe('due_soon');
    expect(dispatchClock(plain, FIRE_SLA, T0 + 121_000).state).toBe('breached');
  });

  it('never show less than the server said, and nothing once every clock is met', () => {
    const d = { ...dispatch({ id: 'd', incident_id: 'i' }), clocks: clocks([{ state: 'breached', due_at: iso(T0 + 120_000) }]) };
    expect(dispatchClock(d, FIRE_SLA, T0 + 1000).state).toBe('breached');
    const done = { ...dispatch({ id: 'd', incident_id: 'i' }), clocks: clocks([{ state: 'met' }, { step: 'complete', state: 'met_late' }]) };
    expect(dispatchClock(done, FIRE_SLA, T0 + 1e9)).toMatchObject({ stage: null, overdue: false, source: 'server' });
    expect(nextServerClock(undefined, T0)).toBeUndefined();
    expect(nextServerClock([], T0)).toBeNull();
  });

  it("give an incident's clock in working days too", () => {
    const inc = { ...incident({ id: 'i', status: 'in_progress' }), clocks: clocks([{ step: 'dispatch', state: 'met' }, { step: 'close', unit: 'working_days', limit: 5, warn_at: iso(T0 + 4 * 86400_000), due_at: iso(T0 + 7 * 86400_000) }]) };
    expect(incidentClock(inc, FIRE_SLA, T0 + 86400_000)).toMatchObject({ stage: 'close', state: 'on_time', source: 'server' });
    expect(incidentClock(inc, FIRE_SLA, T0 + 5 * 86400_000).state).toBe('due_soon');
    expect(incidentClock(inc, FIRE_SLA, T0 + 8 * 86400_000).state).toBe('breached');
  });
});

describe('the SLA editor', () => {
  const none = withSlaLimit(withSlaLimit(FIRE_SLA, 'dispatch', '', 'min'), 'acknowledge', '', 'min');

  it('reads each step in the unit it was set in', () => {
    expect(slaLimit(FIRE_SLA, 'dispatch')).toEqual({ value: '1', unit: 'min' });
    expect(slaLimit(FIRE_SLA, 'on_scene')).toEqual({ value: '15', unit: 'min' });
    expect(slaLimit(URGENT_SLA, 'complete')).toEqual({ value: '24', unit: 'h' });
    expect(slaLimit({ ...URGENT_SLA, close_within_days: 5 }, 'close')).toEqual({ value: '5', unit: 'wd' });
    expect(slaLimit(none, 'acknowledge')).toEqual({ value: '', unit: 'min' });
    expect(slaLimit(none, 'close')).toEqual({ value: '', unit: 'h' });
  });

  it('keeps one target per step: days clear seconds and the other way round', () => {
    const days = withSlaLimit(URGENT_SLA, 'complete', '3', 'wd');
    expect(days.complete_within_days).toBe(3);
    expect(days.complete_within_s).toBe(0);
    const back = withSlaLimit(days, 'complete', '1,5', 'h');
    expect(back.complete_within_s).toBe(5400);
    expect(back.complete_within_days).toBe(0);
    expect(back.dispatch_within_s).toBe(600);
  });

  it('clears a step for an empty, zero or unreadable value', () => {
    for (const v of ['', '0', 'abc', '-2']) {
      const out = withSlaLimit(FIRE_SLA, 'on_scene', v, 'min');
      expect(out.on_scene_within_s).toBe(0);
      expect(out.on_scene_within_days).toBe(0);
    }
  });
});
