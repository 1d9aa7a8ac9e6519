// Geometry on the client: distances, district of a point, and stand-in district shapes for
// districts that have only a centre point (Voronoi cells of the centres, clipped to a box).

import type { District, GeoJsonGeometry, GeoPoint } from '../api/types';

const EARTH_RADIUS_M = 6371008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres. */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

type Ring = [number, number][]; // GeoJSON order: [lon, lat]

function inRing(p: GeoPoint, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p.lat !== yj > p.lat && p.lon < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(p: GeoPoint, rings: Ring[]): boolean {
  if (!rings.length || !inRing(p, rings[0]!)) return false;
  return !rings.slice(1).some((hole) => inRing(p, hole));
}

/** Is the point inside a GeoJSON Polygon or MultiPolygon (holes respected)? */
export function pointInGeometry(p: GeoPoint, g: GeoJsonGeometry | null | undefined): boolean {
  if (!g || !Array.isArray(g.coordinates)) return false;
  if (g.type === 'Polygon') return inPolygon(p, g.coordinates as Ring[]);
  if (g.type === 'MultiPolygon') return (g.coordinates as Ring[][]).some((poly) => inPolygon(p, poly));
  return false;
}

/**
 * The district of a point: the one whose boundary contains it; failing that (no boundaries, or
 * a point outside all of them) the one with the nearest centre, if it is within maxCentreM.
 */
export function districtOf(p: GeoPoint, districts: District[], maxCentreM = 25000): District | null {
  for (const d of districts) {
    if (d.boundary && pointInGeometry(p, d.boundary)) return d;
  }
  let best: District | null = null;
  let bestM = Infinity;
  for (const d of districts) {
    if (!d.center) continue;
    const m = distanceM(p, d.center);
    if (m < bestM) {
      best = d;
      bestM = m;
    }
  }
  return bestM <= maxCentreM ? best : null;
}

export interface Box {
  south: number;
  west: number;
  north: number;
  east: number;
}

/** The bounding box of points, grown by pad (a fraction of its size, at least minPad degrees). */
export function boxOf(points: GeoPoint[], pad = 0.25, minPad = 0.01): Box | null {
  if (!points.length) return null;
  let south = Infinity,
    west = Infinity,
    north = -Infinity,
    east = -Infinity;
  for (const p of points) {
    south = Math.min(south, p.lat);
    north = Math.max(north, p.lat);
    west = Math.min(west, p.lon);
    east = Math.max(east, p.lon);
  }
  const dLat = Math.max((north - south) * pad, minPad);
  const dLon = Math.max((east - west) * pad, minPad);
  return { south: south - dLat, west: west - dLon, north: north + dLat, east: east + dLon };
}

type XY = [number, number]; // [lat, lon]

// Keeps the part of a convex polygon nearer to a than to b (Sutherland–Hodgman, one edge).
function clipNearer(poly: XY[], a: XY, b: XY): XY[] {
  // Points x with (x - m)·(b - a) <= 0 are nearer a; m is the midpoint. Longitude is scaled by
  // cos(lat) so that the cells are fair at the equator's distance scale.
  const k = Math.cos(rad((a[0] + b[0]) / 2));
  const nx = b[0] - a[0];
  const ny = (b[1] - a[1]) * k * k;
  const mx = (a[0] + b[0]) / 2;
  const my = (a[1] + b[1]) / 2;
  const side = (p: XY) => (p[0] - mx) * nx + (p[1] - my) * ny;
  const out: XY[] = [];
  for (let i = 0; i < poly.length; i++) {
    const cur = poly[i]!;
    const prev = poly[(i + poly.length - 1) % poly.length]!;
    const sc = side(cur);
    const sp = side(prev);
    if (sc <= 0) {
      if (sp > 0) out.push(cross(prev, cur, sp, sc));
      out.push(cur);
    } else if (sp <= 0) {
      out.push(cross(prev, cur, sp, sc));
    }
  }
  return out;
}

function cross(p: XY, q: XY, sp: number, sq: number): XY {
  const t = sp / (sp - sq);
  return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
}

/**
 * Stand-in shapes for districts known only by their centre: each centre's Voronoi cell,
 * clipped to box. Returns [lat, lon] rings keyed by district id.
 */
export function voronoiCells(districts: District[], box: Box): Map<string, XY[]> {
  const withCentre = districts.filter((d) => d.center);
  const cells = new Map<string, XY[]>();
  for (const d of withCentre) {
    const a: XY = [d.center!.lat, d.center!.lon];
    let poly: XY[] = [
      [box.south, box.west],
      [box.south, box.east],
      [box.north, box.east],
      [box.north, box.west],
    ];
    for (const o of withCentre) {
      if (o === d || poly.length === 0) continue;
      poly = clipNearer(poly, a, [o.center!.lat, o.center!.lon]);
    }
    if (poly.length >= 3) cells.set(d.id, poly);
  }
  return cells;
}

// Hemisphere letters in English and Indonesian (Lintang Utara/Selatan, Bujur Timur/Barat).
const HEMISPHERES: Record<string, { axis: 'lat' | 'lon'; sign: 1 | -1 }> = {
  N: { axis: 'lat', sign: 1 },
  U: { axis: 'lat', sign: 1 },
  LU: { axis: 'lat', sign: 1 },
  S: { axis: 'lat', sign: -1 },
  LS: { axis: 'lat', sign: -1 },
  E: { axis: 'lon', sign: 1 },
  T: { axis: 'lon', sign: 1 },
  BT: { axis: 'lon', sign: 1 },
  W: { axis: 'lon', sign: -1 },
  B: { axis: 'lon', sign: -1 },
  BB: { axis: 'lon', sign: -1 },
};

/**
 * Reads a point typed or pasted in any common form: "-3.6954, 128.1808", "-3,6954; 128,1808",
 * degrees-minutes-seconds with hemispheres ("3°41'48"S 128°10'47"E", "LS 3.69 BT 128.18"),
 * longitude first when the hemispheres say so, a Google Maps or geo: link. Null when the text
 * is not a point, or is one off the globe.
 */
export function parseLatLon(text: string): GeoPoint | null {
  const link = text.match(/(?:@|[?&](?:q|ll|query)=|geo:)\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)/i);
  if (link) return onGlobe(Number(link[1]), Number(link[2]));
  let t = text
    .trim()
    .toUpperCase()
    .replace(/[\u2032\u2019\u2018`]/g, "'")
    .replace(/[\u2033\u201c\u201d]|''/g, '"')
    .replace(/[\u00ba\u02da]/g, '\u00b0');
  // A decimal comma, as Indonesian spreadsheets write it, when the two numbers are apart otherwise.
  if (t.includes(';') || /^-?\d+,\d+\s+-?\d+,\d+$/.test(t)) t = t.replace(/(\d),(\d)/g, '$1.$2');
  // Tokens: hemisphere letters and numbers with their degree, minute and second marks. The
  // letters go all before their numbers (S 3.69 E 128.18) or all after (3.69 S 128.18 E).
  const token = /LU|LS|BT|BB|[NSEWUTB](?![A-Z])|(-?\d+(?:\.\d+)?)\s*\u00b0?\s*(?:(\d+(?:\.\d+)?)\s*'\s*)?(?:(\d+(?:\.\d+)?)\s*"\s*)?/g;
  const tokens: ({ hemi: string } | { value: number })[] = [];
  let rest = t;
  for (const m of t.matchAll(token)) {
    if (!m[0].trim()) continue;
    rest = rest.replace(m[0], ' ');
    if (m[1] === undefined) {
      tokens.push({ hemi: m[0] });
      continue;
    }
    if ((m[2] && Number(m[2]) >= 60) || (m[3] && Number(m[3]) >= 60)) return null;
    const value = Math.abs(Number(m[1])) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
    tokens.push({ value: m[1].startsWith('-') ? -value : value });
  }
  if (!/^[\s,;/]*$/.test(rest)) return null;
  const shape = tokens.map((x) => ('hemi' in x ? 'H' : 'n')).join('');
  const pick = (h: number, n: number) => {
    const hemi = HEMISPHERES[(tokens[h] as { hemi: string }).hemi]!;
    return { axis: hemi.axis, value: Math.abs((tokens[n] as { value: number }).value) * hemi.sign };
  };
  let parts: { axis: 'lat' | 'lon' | null; value: number }[];
  if (shape === 'nn') parts = tokens.map((x) => ({ axis: null, value: (x as { value: number }).value }));
  else if (shape === 'HnHn') parts = [pick(0, 1), pick(2, 3)];
  else if (shape === 'nHnH') parts = [pick(1, 0), pick(3, 2)];
  else return null;
  const [a, b] = parts as [(typeof parts)[0], (typeof parts)[0]];
  if (a.axis === 'lon' || b.axis === 'lat') return a.axis === b.axis ? null : onGlobe(b.value, a.value);
  return onGlobe(a.value, b.value);
}

function onGlobe(lat: number, lon: number): GeoPoint | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
