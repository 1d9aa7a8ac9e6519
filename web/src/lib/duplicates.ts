// Duplicate suggestions: while a call taker types a report, open incidents of the same category
// near it (500 m) and recent (2 h) are offered, so that a repeat caller is linked to the
// incident instead of creating a second one.

import type { GeoPoint, Incident } from '../api/types';
import { ACTIVE_INCIDENT } from '../api/types';
import { distanceM } from './geo';
import { parseTime } from './time';

export interface DraftForMatch {
  category_id: string | null;
  location: GeoPoint | null;
  district_id: string | null;
}

export interface Suggestion {
  incident: Incident;
  /** Metres from the draft's location; null when either has no location. */
  distance_m: number | null;
  /** Milliseconds since the incident was created. */
  age_ms: number;
  /** Why it is offered: near the point, or (without a point) in the same district. */
  basis: 'distance' | 'district';
}

export interface MatchRules {
  radius_m: number;
  window_ms: number;
  max: number;
}

export const DEFAULT_RULES: MatchRules = { radius_m: 500, window_ms: 2 * 3600 * 1000, max: 5 };

/**
 * Open incidents that may be the draft's event: same category, created within the window, and
 * within the radius when the draft has a location; without a location, those in the draft's
 * district. Nearest first, then newest.
 */
export function suggestDuplicates(
  draft: DraftForMatch,
  incidents: Iterable<Incident>,
  now: number,
  rules: MatchRules = DEFAULT_RULES,
): Suggestion[] {
  if (!draft.category_id) return [];
  const out: Suggestion[] = [];
  for (const inc of incidents) {
    if (inc.category_id !== draft.category_id) continue;
    if (!ACTIVE_INCIDENT.includes(inc.status)) continue;
    const age = now - parseTime(inc.created_at);
    if (!(age <= rules.window_ms) || age < -60000) continue;
    if (draft.location) {
      if (!inc.location) {
        if (draft.district_id && inc.district_id === draft.district_id) {
          out.push({ incident: inc, distance_m: null, age_ms: age, basis: 'district' });
        }
        continue;
      }
      const d = distanceM(draft.location, inc.location);
      if (d <= rules.radius_m) out.push({ incident: inc, distance_m: d, age_ms: age, basis: 'distance' });
    } else if (draft.district_id && inc.district_id === draft.district_id) {
      out.push({ incident: inc, distance_m: null, age_ms: age, basis: 'district' });
    }
  }
  out.sort((a, b) => {
    const da = a.distance_m ?? Infinity;
    const db = b.distance_m ?? Infinity;
    return da !== db ? da - db : a.age_ms - b.age_ms;
  });
  return out.slice(0, rules.max);
}

/** A likely duplicate that already has some of the agencies about to be dispatched. */
export interface DuplicateGuard {
  suggestion: Suggestion;
  agency_ids: string[];
}

/**
 * The nearest suggestion within the radius (a point, not only the same district) on which one
 * of agencyIds already has an active dispatch: sending that agency again would send a second
 * crew to the same fire. Null when there is none.
 */
export function guardAgainstDuplicate(
  suggestions: Suggestion[],
  agencyIds: string[],
  activeAgenciesOf: (incidentId: string) => string[],
): DuplicateGuard | null {
  for (const s of suggestions) {
    if (s.basis !== 'distance') continue;
    const on = new Set(activeAgenciesOf(s.incident.id));
    const both = agencyIds.filter((id) => on.has(id));
    if (both.length) return { suggestion: s, agency_ids: both };
  }
  return null;
}
