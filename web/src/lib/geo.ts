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

/** Reads "lat, lon" typed by a person ("-3.6954, 128.1808"); null when it is not that. */
export function parseLatLon(text: string): GeoPoint | null {
  const m = text.trim().match(/^(-?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)$/);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
