import { describe, expect, it } from 'vitest';
import type { Call, LocationRecord } from '../api/types';
import { classForKey, fixesOf, longestWait, splitLiveCalls, unclassifiedMine, waitingSeconds } from './calls_live';

const t0 = Date.parse('2026-12-05T03:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function call(id: string, patch: Partial<Call>): Call {
  return {
    id,
    external_id: 'pbx-' + id,
    caller: '+6281200000' + id.padStart(3, '0'),
    caller_masked: false,
    line: '112',
    phase: 'ringing',
    ring_at: iso(t0),
    answered_at: null,
    ended_at: null,
    wait_s: null,
    answered_by: '',
    agent: '',
    outcome: null,
    classification: null,
    classification_source: null,
    report_id: null,
    location: null,
    ...patch,
  };
}

describe('splitLiveCalls', () => {
  const calls = [
    call('1', { phase: 'queued', ring_at: iso(t0 + 20_000) }),
    call('2', { phase: 'ringing', ring_at: iso(t0) }),
    call('3', { phase: 'talking', agent: 'ext201', answered_by: 'ext201', answered_at: iso(t0 + 5000) }),
    call('4', { phase: 'talking', agent: 'ext202', answered_by: 'ext202', answered_at: iso(t0 + 5000) }),
    call('5', { phase: 'ended', ended_at: iso(t0 + 60_000) }),
  ];

  it('puts the longest waiting first, finds my call by agent, lists the others', () => {
    const v = splitLiveCalls(calls, 'ext201');
    expect(v.waiting.map((c) => c.id)).toEqual(['2', '1']);
    expect(v.mine?.id).toBe('3');
    expect(v.others.map((c) => c.id)).toEqual(['4']);
  });

  it('gives a user without an agent id no call of their own', () => {
    const v = splitLiveCalls(calls, '');
    expect(v.mine).toBeNull();
    expect(v.others.map((c) => c.id)).toEqual(['3', '4']);
  });

  it('drops ended calls', () => {
    expect(splitLiveCalls(calls, 'x').waiting.concat(splitLiveCalls(calls, 'x').others).some((c) => c.id === '5')).toBe(false);
  });
});

describe('waiting time', () => {
  it('counts up from the ring and never goes negative', () => {
    expect(waitingSeconds(call('1', {}), t0 + 12_500)).toBe(12);
    expect(waitingSeconds(call('1', {}), t0 - 3000)).toBe(0);
    expect(waitingSeconds(call('1', { ring_at: null }), t0)).toBeNull();
    expect(longestWait([call('1', {}), call('2', { ring_at: iso(t0 + 10_000) })], t0 + 30_000)).toBe(30);
    expect(longestWait([], t0)).toBe(0);
  });
});

describe('classification keys', () => {
  it('maps the digits 1 to 6 and nothing else', () => {
    expect(classForKey('1')).toBe('valid');
    expect(classForKey('2')).toBe('prank');
    expect(classForKey('3')).toBe('ghost');
    expect(classForKey('6')).toBe('test');
    expect(classForKey('7')).toBeNull();
    expect(classForKey('v')).toBeNull();
  });
});

describe('fixesOf', () => {
  const rec = (id: string, patch: Partial<LocationRecord>, fixTime: number | null, radius = 18): LocationRecord => ({
    id,
    call_id: 'c1',
    number: '+628120000001',
    accepted: true,
    format: 'els_https',
    fix: { lat: -3.69, lon: 128.18, radius_m: radius, fix_time: fixTime === null ? null : iso(fixTime), method: 'gnss' },
    received_at: iso(t0 + 1000),
    ...patch,
  });
  it('keeps the accepted fixes of the call, newest first and marked, with their age', () => {
    const fixes = fixesOf(
      [
        rec('old', {}, t0 - 60_000, 120),
        rec('new', {}, t0 - 5000),
        rec('other-call', { call_id: 'c2' }, t0),
        rec('refused', { accepted: false, fix: null }, null),
      ],
      'c1',
      t0,
    );
    expect(fixes.map((f) => f.id)).toEqual(['new', 'old']);
    expect(fixes[0]!.newest).toBe(true);
    expect(fixes[1]!.newest).toBe(false);
    expect(fixes[0]!.age_s).toBe(5);
    expect(fixes[1]!.radius_m).toBe(120);
  });
  it('ages a fix without its own time from its arrival', () => {
    expect(fixesOf([rec('a', {}, null)], 'c1', t0 + 11_000)[0]!.age_s).toBe(10);
  });
});

describe('unclassifiedMine', () => {
  it('lists the answered calls of this agent without a classification', () => {
    const calls = [
      call('1', { phase: 'ended', answered_by: 'ext201', answered_at: iso(t0), outcome: 'answered' }),
      call('2', { phase: 'ended', answered_by: 'ext201', answered_at: iso(t0), outcome: 'answered', classification: 'prank' }),
      call('3', { phase: 'talking', answered_by: 'ext202', answered_at: iso(t0) }),
    ];
    expect(unclassifiedMine(calls, 'ext201').map((c) => c.id)).toEqual(['1']);
    expect(unclassifiedMine(calls, '')).toEqual([]);
  });
});
