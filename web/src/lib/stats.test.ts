import { describe, expect, it } from 'vitest';
import { incident, iso, T0 } from './fixtures.test-util';
import type { Range } from './period';
import {
  agencyRows,
  breakdown,
  drillPath,
  headlineOf,
  headlineText,
  notableCategories,
  notableOf,
  statsPaths,
  trendOf,
  type CallStats,
  type CountStats,
  type DispatchItem,
  type DispatchStats,
  type StepStats,
} from './stats';

const june: Range = { from: '2025-06-01', to: '2025-06-30', grain: 'day' };
const counts = (items: CountStats['items'], group: string[] = []): CountStats => ({
  from: june.from,
  to: june.to,
  group,
  total: items.reduce((n, i) => n + i.count, 0),
  items,
});
const step = (p: Partial<StepStats> = {}): StepStats => ({ reached: 0, p50_s: null, p90_s: null, p95_s: null, with_limit: 0, within: 0, share_within: null, ...p });
const ditem = (p: Partial<DispatchItem>): DispatchItem => ({
  count: 0,
  by_status: {},
  acknowledged: step(),
  en_route: step(),
  on_scene: step(),
  completed: step(),
  ...p,
});
const dstats = (items: DispatchItem[]): DispatchStats => ({ from: june.from, to: june.to, group: ['agency'], total: items.reduce((n, i) => n + i.count, 0), items });
const calls: CallStats = {
  from: '2025-05-31T15:00:00Z',
  to: '2025-06-30T15:00:00Z',
  group: 'day',
  groups: [],
  total: {
    key: 'total',
    total: 5982,
    answered: 5100,
    abandoned: 700,
    missed: 182,
    by_classification: { valid: 2522, prank: 1000, ghost: 222, information: 900 },
    share_answered_within: { '10s': 0.8, '15s': 0.91, '20s': 0.95 },
  },
};

describe('statistics', () => {
  it('asks the four statistics for the local period, the calls by its instants', () => {
    const p = statsPaths(june, 'Asia/Jayapura');
    expect(p.trend).toBe('/stats/incidents?from=2025-06-01&to=2025-06-30&group=day');
    expect(p.dims).toBe('/stats/incidents?from=2025-06-01&to=2025-06-30&group=category,district,urgency');
    expect(p.dispatches).toBe('/stats/dispatches?from=2025-06-01&to=2025-06-30&group=agency');
    expect(p.calls).toBe('/stats/calls?from=2025-05-31T15%3A00%3A00.000Z&to=2025-06-30T15%3A00%3A00.000Z&group=day');
    expect(statsPaths({ from: '2025-01-01', to: '2025-12-31', grain: 'month' }, 'Asia/Jakarta').calls).toContain('group=month');
  });

  it('makes the headline that centres quote', () => {
    const h = headlineOf(calls, counts([{ count: 120 }]), dstats([ditem({ agency: 'a', count: 99 })]));
    expect(h).toEqual({ calls: 5982, answered: 5100, valid: 2522, pranks_silent: 1222, within_15s: 0.91, incidents: 120, dispatches: 99 });
    expect(headlineText(h, 'id')).toBe('5.982 panggilan, 2.522 valid, 1.222 iseng atau diam, 120 insiden, 99 tindak lanjut ke lapangan');
    expect(headlineText(h, 'en')).toBe('5,982 calls, 2,522 valid, 1,222 prank or silent, 120 incidents, 99 field follow-ups');
  });

  it('leaves the calls out of the headline when the server has no call statistics', () => {
    const h = headlineOf(null, counts([{ count: 1 }]), dstats([]));
    expect(h.calls).toBeNull();
    expect(headlineText(h, 'en')).toBe('1 incident, 0 field follow-ups');
  });

  it('sums a dimension over the others, largest first and none last', () => {
    const dims = counts([
      { category: 'fire', district: 'sirimau', urgency: 'emergency', count: 3 },
      { category: 'fire', district: null, urgency: 'emergency', count: 1 },
      { category: 'tree', district: 'nusaniwe', urgency: 'urgent', count: 5 },
      { category: 'light', district: 'sirimau', urgency: 'complaint', count: 2 },
    ]);
    expect(breakdown(dims, 'category')).toEqual([
      { key: 'tree', count: 5, share: 5 / 11, bar: 1 },
      { key: 'fire', count: 4, share: 4 / 11, bar: 4 / 5 },
      { key: 'light', count: 2, share: 2 / 11, bar: 2 / 5 },
    ]);
    expect(breakdown(dims, 'district').map((r) => [r.key, r.count])).toEqual([
      ['nusaniwe', 5],
      ['sirimau', 5],
      [null, 1],
    ]);
    expect(breakdown(counts([]), 'district')).toEqual([]);
  });

  it('fills the trend with zeros for days without incidents', () => {
    const t = trendOf(counts([{ period: '2025-06-02', count: 4 }, { period: '2025-06-30', count: 1 }], ['day']), june);
    expect(t.periods).toHaveLength(30);
    expect(t.values[0]).toBe(0);
    expect(t.values[1]).toBe(4);
    expect(t.values[29]).toBe(1);
    expect(t.values.reduce((a, b) => a + b, 0)).toBe(5);
    const year = trendOf(counts([{ period: '2024-02', count: 7 }], ['month']), { from: '2024-01-01', to: '2024-12-31', grain: 'month' });
    expect(year.values).toEqual([0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('makes one row per agency with outcomes, times and shares within the SLA', () => {
    const rows = agencyRows(
      dstats([
        ditem({ agency: 'psc', count: 2, by_status: { completed: 2 }, acknowledged: step({ reached: 2, p50_s: 30, p90_s: 60, with_limit: 2, within: 2, share_within: 1 }) }),
        ditem({
          agency: 'damkar',
          count: 4,
          by_status: { completed: 2, declined: 1, on_scene: 1 },
          acknowledged: step({ reached: 3, p50_s: 45, p90_s: 120, share_within: 2 / 3 }),
          on_scene: step({ reached: 3, p50_s: 600, p90_s: 1200, share_within: 1 / 3 }),
        }),
      ]),
    );
    expect(rows.map((r) => r.agency_id)).toEqual(['damkar', 'psc']);
    expect(rows[0]).toEqual({
      agency_id: 'damkar',
      count: 4,
      completed: 2,
      declined: 1,
      ack_p50_s: 45,
      ack_p90_s: 120,
      scene_p50_s: 600,
      scene_p90_s: 1200,
      ack_within: 2 / 3,
      scene_within: 1 / 3,
      bar: 1,
    });
    expect(rows[1]!.scene_p50_s).toBeNull();
    expect(rows[1]!.bar).toBe(0.5);
  });

  it('opens the incident list behind a figure, and an agency\'s dispatches, for the period', () => {
    expect(drillPath({ dim: 'category', value: 'c1' }, june, 'Asia/Jayapura')).toBe(
      '/incidents?category_id=c1&from=2025-05-31T15%3A00%3A00.000Z&to=2025-06-30T15%3A00%3A00.000Z&limit=100',
    );
    expect(drillPath({ dim: 'agency', value: 'a 1' }, june, 'Asia/Jakarta', 20)).toBe(
      '/dispatches?agency_id=a+1&from=2025-05-31T17%3A00%3A00.000Z&to=2025-06-30T17%3A00%3A00.000Z&limit=20',
    );
    expect(drillPath({ dim: 'all' }, june, 'Asia/Jakarta')).toBe('/incidents?from=2025-05-31T17%3A00%3A00.000Z&to=2025-06-30T17%3A00%3A00.000Z&limit=100');
  });

  it('picks the notable incidents: the most urgent, newest first', () => {
    const dims = counts([
      { category: 'tree', urgency: 'urgent', count: 9 },
      { category: 'fire', urgency: 'emergency', count: 2 },
      { category: 'medical', urgency: 'emergency', count: 5 },
    ]);
    expect(notableCategories(dims)).toEqual({ urgency: 'emergency', categories: ['medical', 'fire'] });
    expect(notableCategories(counts([{ category: 'tree', urgency: 'urgent', count: 0 }]))).toBeNull();
    const list = notableOf([
      incident({ id: 'a', urgency: 'urgent', created_at: iso(T0 + 5000) }),
      incident({ id: 'b', urgency: 'emergency', created_at: iso(T0) }),
      incident({ id: 'c', urgency: 'emergency', created_at: iso(T0 + 1000) }),
      incident({ id: 'b', urgency: 'emergency', created_at: iso(T0) }),
    ]);
    expect(list.map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(notableOf(list, 1).map((i) => i.id)).toEqual(['c']);
  });
});
