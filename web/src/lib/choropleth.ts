// The leader's map of incidents by kecamatan, drawn as inline SVG without tiles or a map
// library: each district's GeoJSON boundary (Polygon or MultiPolygon) projected into a box and
// shaded by its count in classes of a colour-blind-safe sequential palette; a district without a
// boundary is a shaded circle at its centre (the fallback, so the map works before boundaries
// are loaded).
import type { District, GeoJsonGeometry, GeoPoint } from '../api/types';
import type { BreakdownRow } from './stats';

/** A district as the API may give it: boundary_approximate marks a stand-in boundary. */
export type MapDistrict = District & { boundary_approximate?: boolean };

/** ColorBrewer YlGnBu (5 classes): sequential, safe for the common colour blindnesses and in grey. */
export const PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;
/** A district with no incident: neutral, apart from the scale. */
export const ZERO_COLOR = '#eef0f3';

export interface MapClass {
  /** Counts from lo to hi, both included. */
  lo: number;
  hi: number;
  color: string;
}

/**
 * Up to five classes of equal width over 1..max (whole numbers; fewer when max is small), each
 * with its palette colour, darkest for the largest counts. No class for 0 (ZERO_COLOR).
 */
export function classesOf(max: number): MapClass[] {
  if (!(max >= 1)) return [];
  const k = Math.min(PALETTE.length, Math.floor(max));
  const out: MapClass[] = [];
  let lo = 1;
  for (let i = 1; i <= k; i++) {
    const hi = Math.ceil((max * i) / k);
    if (hi < lo) continue;
    out.push({ lo, hi, color: '' });
    lo = hi + 1;
  }
  // Spread the used classes over the palette so that two classes are not two pale yellows.
  return out.map((c, i) => ({ ...c, color: PALETTE[out.length === 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (out.length - 1))]! }));
}

export function colorOf(n: number, classes: MapClass[]): string {
  if (n <= 0) return ZERO_COLOR;
  return classes.find((c) => n >= c.lo && n <= c.hi)?.color ?? classes[classes.length - 1]?.color ?? ZERO_COLOR;
}

type Ring = [number, number][]; // GeoJSON: [lon, lat]

/** The rings of a Polygon or MultiPolygon (outer rings and holes alike); [] for anything else. */
export function ringsOf(g: GeoJsonGeometry | null | undefined): Ring[] {
  if (!g || !Array.isArray(g.coordinates)) return [];
  const valid = (r: unknown): r is Ring => Array.isArray(r) && r.length >= 3 && r.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (g.type === 'Polygon') return (g.coordinates as unknown[]).filter(valid);
  if (g.type === 'MultiPolygon') return (g.coordinates as unknown[][]).flatMap((poly) => (Array.isArray(poly) ? poly.filter(valid) : []));
  return [];
}

export type Project = (lon: number, lat: number) => [number, number];

/**
 * An equirectangular projection (longitudes shrunk by the cosine of the middle latitude, so that
 * a kecamatan keeps its shape) that fits the points into width × height with a margin; north up.
 */
export function projectionOf(points: [number, number][], width: number, height: number, margin = 12): Project {
  if (!points.length) return () => [width / 2, height / 2];
  let west = Infinity,
    east = -Infinity,
    south = Infinity,
    north = -Infinity;
  for (const [lon, lat] of points) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const k = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const spanX = Math.max((east - west) * k, 1e-6);
  const spanY = Math.max(north - south, 1e-6);
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  return (lon, lat) => [offX + (lon - west) * k * scale, offY + (north - lat) * scale];
}

/** The SVG path of rings ("M x y L … Z" each; draw with fill-rule evenodd so holes stay open). */
export function pathOf(rings: Ring[], project: Project): string {
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return rings
    .map((ring) => ring.map(([lon, lat], i) => {
      const [x, y] = project(lon, lat);
      return `${i ? 'L' : 'M'}${r1(x)} ${r1(y)}`;
    }).join('') + 'Z')
    .join('');
}

export interface MapShape {
  id: string;
  name: string;
  count: number;
  color: string;
  /** A path of its boundary, or else a circle at its centre. */
  path: string | null;
  circle: { x: number; y: number; r: number } | null;
  /** Where its name goes: the middle of its largest ring's box (or under the circle). */
  label: { x: number; y: number };
  approximate: boolean;
}

export interface MapModel {
  shapes: MapShape[];
  classes: MapClass[];
  /** Incidents without a kecamatan. */
  none: number;
  /** Any boundary drawn is approximate. */
  approximate: boolean;
  /** Some districts are circles at their centres (no boundary). */
  circles: boolean;
  width: number;
  height: number;
}

export const CIRCLE_R = 16;

// The middle of the box of the ring with the most points (the main island of a kecamatan).
function labelAt(rings: Ring[], project: Project): [number, number] {
  const ring = rings.reduce((a, b) => (b.length > a.length ? b : a));
  const xy = ring.map(([lon, lat]) => project(lon, lat));
  const xs = xy.map((p) => p[0]);
  const ys = xy.map((p) => p[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

/** The map of the period: every district with a boundary or a centre, shaded by its count. */
export function mapModel(districts: MapDistrict[], rows: BreakdownRow[], width = 560, height = 400): MapModel {
  const counts = new Map<string | null, number>(rows.map((r) => [r.key, r.count]));
  const drawable = districts.filter((d) => ringsOf(d.boundary).length || d.center);
  const points: [number, number][] = [];
  for (const d of drawable) {
    const rings = ringsOf(d.boundary);
    if (rings.length) for (const r of rings) points.push(...r);
    else if (d.center) points.push([d.center.lon, d.center.lat]);
  }
  const circlesOnly = drawable.every((d) => !ringsOf(d.boundary).length);
  const project = projectionOf(points, width, height, circlesOnly ? CIRCLE_R * 2 + 4 : 12);
  const classes = classesOf(Math.max(0, ...drawable.map((d) => counts.get(d.id) ?? 0)));
  const shapes = drawable.map((d): MapShape => {
    const n = counts.get(d.id) ?? 0;
    const rings = ringsOf(d.boundary);
    const at = d.center as GeoPoint;
    const [x, y] = rings.length ? labelAt(rings, project) : project(at.lon, at.lat);
    return {
      id: d.id,
      name: d.name,
      count: n,
      color: colorOf(n, classes),
      path: rings.length ? pathOf(rings, project) : null,
      circle: rings.length ? null : { x, y, r: CIRCLE_R },
      label: rings.length ? { x, y } : { x, y: y + CIRCLE_R + 12 },
      approximate: rings.length > 0 && d.boundary_approximate === true,
    };
  });
  return {
    shapes,
    classes,
    none: counts.get(null) ?? 0,
    approximate: shapes.some((s) => s.approximate),
    circles: shapes.some((s) => s.circle),
    width,
    height,
  };
}

/** Dark text on the pale classes, white on the dark ones (contrast for the labels). */
export const inkOn = (color: string) => (color === PALETTE[3] || color === PALETTE[4] ? '#ffffff' : '#1f2a37');
