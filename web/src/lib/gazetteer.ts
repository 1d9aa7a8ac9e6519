// Address and landmark search as the call taker types: the server's gazetteer (landmarks,
// streets, kelurahan: GET /places) first, then what the console already knows: district names
// and the addresses of earlier reports and incidents that carry a location. A typed or pasted
// point in any common form (geo.ts parseLatLon) comes before everything.

import type { District, GazetteerPlace, GeoPoint } from '../api/types';
import { parseLatLon } from './geo';

export interface Place {
  label: string;
  location: GeoPoint;
  kind: 'district' | 'address' | 'point' | 'landmark' | 'street' | 'village' | 'other';
  district_id: string | null;
}

/** Lower case, without diacritics and punctuation, single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export interface Located {
  address: string;
  location: GeoPoint | null;
  district_id: string | null;
}

/** Builds the list of known places: districts first, then distinct addresses. */
export function buildPlaces(districts: District[], located: Iterable<Located>): Place[] {
  const out: Place[] = [];
  for (const d of districts) {
    if (d.center) out.push({ label: `Kec. ${d.name}`, location: d.center, kind: 'district', district_id: d.id });
  }
  const seen = new Set<string>();
  for (const r of located) {
    if (!r.location || !r.address.trim()) continue;
    const key = fold(r.address);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label: r.address.trim(), location: r.location, kind: 'address', district_id: r.district_id });
  }
  return out;
}

/**
 * Places matching what was typed: every typed word must start a word of the place (so
 * "psr mard" does not match but "pasar mard" does); exact coordinates come first.
 */
export function searchPlaces(query: string, places: Place[], max = 8): Place[] {
  const point = parseLatLon(query);
  const out: Place[] = [];
  if (point) out.push({ label: `${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}`, location: point, kind: 'point', district_id: null });
  const words = fold(query).split(' ').filter(Boolean);
  if (!words.length || point) return out;
  const scored: [number, Place][] = [];
  for (const p of places) {
    const target = fold(p.label).split(' ');
    let score = 0;
    let all = true;
    for (const w of words) {
      const i = target.findIndex((t) => t.startsWith(w));
      if (i < 0) {
        all = false;
        break;
      }
      score += i + (target[i] === w ? 0 : 0.5);
    }
    if (all) scored.push([score + (p.kind === 'district' ? -1 : 0), p]);
  }
  scored.sort((a, b) => a[0] - b[0]);
  return out.concat(scored.slice(0, max).map(([, p]) => p));
}

/** The gazetteer's places as search results. */
export const fromGazetteer = (items: GazetteerPlace[]): Place[] =>
  items.map((p) => ({ label: p.name, location: p.location, kind: p.kind, district_id: p.district_id }));

/** The gazetteer's answer first, then the local matches not already in it, at most max. */
export function mergePlaces(local: Place[], remote: Place[], max = 8): Place[] {
  const points = local.filter((p) => p.kind === 'point');
  if (points.length) return points;
  const seen = new Set(remote.map((p) => fold(p.label)));
  return [...remote, ...local.filter((p) => !seen.has(fold(p.label)))].slice(0, max);
}

