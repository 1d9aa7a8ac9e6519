import { describe, expect, it } from 'vitest';
import { guardAgainstDuplicate, suggestDuplicates } from './duplicates';
import { incident, iso, T0 } from './fixtures.test-util';

const honipopu = { lat: -3.6946, lon: 128.1797 };
const nearby = { lat: -3.6962, lon: 128.1823 }; // ~340 m away
const uritetu = { lat: -3.6978, lon: 128.1833 }; // ~535 m away

describe('suggestDuplicates', () => {
  const incidents = [
    incident({ id: 'same', location: nearby }),
    incident({ id: 'far', location: uritetu }),
    incident({ id: 'other-category', category_id: 'medical', location: honipopu }),
    incident({ id: 'old', location: honipopu, created_at: iso(T0 - 3 * 3600_000) }),
    incident({ id: 'closed', location: honipopu, status: 'closed' }),
    incident({ id: 'exact', location: honipopu, created_at: iso(T0 - 3600_000) }),
    incident({ id: 'no-location', location: null, district_id: 'sirimau' }),
  ];
  const now = T0 + 10 * 60_000;

  it('offers open incidents of the same category within 500 m and 2 h, nearest first', () => {
    const s = suggestDuplicates({ category_id: 'fire', location: honipopu, district_id: 'sirimau' }, incidents, now);
    expect(s.map((x) => x.incident.id)).toEqual(['exact', 'same', 'no-location']);
    expect(s[0]!.distance_m).toBeCloseTo(0);
    expect(s[1]!.distance_m!).toBeGreaterThan(300);
    expect(s[1]!.distance_m!).toBeLessThan(500);
    expect(s[2]!.basis).toBe('district');
  });

  it('falls back to the district without a location', () => {
    const s = suggestDuplicates({ category_id: 'fire', location: null, district_id: 'sirimau' }, incidents, now);
    expect(s.map((x) => x.incident.id).sort()).toEqual(['exact', 'far', 'no-location', 'same']);
    expect(s.every((x) => x.basis === 'district')).toBe(true);
  });

  it('offers nothing without a category, or without location and district', () => {
    expect(suggestDuplicates({ category_id: null, location: honipopu, district_id: null }, incidents, now)).toEqual([]);
    expect(suggestDuplicates({ category_id: 'fire', location: null, district_id: null }, incidents, now)).toEqual([]);
  });

  it('respects the window exactly', () => {
    const edge = [incident({ id: 'edge', location: honipopu, created_at: iso(now - 2 * 3600_000) })];
    expect(suggestDuplicates({ category_id: 'fire', location: honipopu, district_id: null }, edge, now)).toHaveLength(1);
    expect(suggestDuplicates({ category_id: 'fire', location: honipopu, district_id: null }, edge, now + 1)).toHaveLength(0);
  });
});

describe('guardAgainstDuplicate', () => {
  const incidents = [
    incident({ id: 'near', location: nearby }),
    incident({ id: 'exact', location: honipopu, created_at: iso(T0 - 3600_000) }),
    incident({ id: 'district-only', location: null, district_id: 'sirimau' }),
  ];
  const suggestions = suggestDuplicates({ category_id: 'fire', location: honipopu, district_id: 'sirimau' }, incidents, T0 + 60_000);
  const on: Record<string, string[]> = { exact: ['pln'], near: ['damkar', 'rsud'], 'district-only': ['damkar'] };

  it('finds the nearest likely duplicate that already has one of the agencies', () => {
    const g = guardAgainstDuplicate(suggestions, ['damkar', 'dishub'], (id) => on[id] ?? []);
    expect(g?.suggestion.incident.id).toBe('near');
    expect(g?.agency_ids).toEqual(['damkar']);
    expect(guardAgainstDuplicate(suggestions, ['pln'], (id) => on[id] ?? [])?.suggestion.incident.id).toBe('exact');
  });

  it('lets a dispatch through when no nearby incident has those agencies', () => {
    expect(guardAgainstDuplicate(suggestions, ['dishub'], (id) => on[id] ?? [])).toBeNull();
    expect(guardAgainstDuplicate([], ['damkar'], () => ['damkar'])).toBeNull();
  });
});

