import { describe, expect, it } from 'vitest';
import { classesOf, colorOf, mapModel, PALETTE, pathOf, projectionOf, ringsOf, ZERO_COLOR, type MapDistrict } from './choropleth';
import type { BreakdownRow } from './stats';

// Two kecamatan with square boundaries side by side (one with a hole), one as a MultiPolygon.
const square = (w: number, s: number, size = 0.1): [number, number][] => [
  [w, s],
  [w + size, s],
  [w + size, s + size],
  [w, s + size],
  [w, s],
];
const withBoundary: MapDistrict[] = [
  { id: 'd1', code: '81.71.01', name: 'Nusaniwe', center: { lat: -3.75, lon: 128.15 }, boundary: { type: 'Polygon', coordinates: [square(128.1, -3.8), square(128.12, -3.78, 0.02)] }, boundary_approximate: true },
  { id: 'd2', code: '81.71.02', name: 'Sirimau', center: { lat: -3.7, lon: 128.25 }, boundary: { type: 'MultiPolygon', coordinates: [[square(128.2, -3.8)], [square(128.3, -3.8, 0.05)]] } },
];
const rows = (pairs: [string | null, number][]): BreakdownRow[] => pairs.map(([key, count]) => ({ key, count, share: 0, bar: 0 }));

describe('classes and colours', () => {
  it('splits 1..max into up to five classes of whole numbers, darkest for the most', () => {
    expect(classesOf(0)).toEqual([]);
    expect(classesOf(1)).toEqual([{ lo: 1, hi: 1, color: PALETTE[4] }]);
    expect(classesOf(3).map((c) => [c.lo, c.hi])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(classesOf(3).map((c) => c.color)).toEqual([PALETTE[0], PALETTE[2], PALETTE[4]]);
    expect(classesOf(12).map((c) => [c.lo, c.hi])).toEqual([
      [1, 3],
      [4, 5],
      [6, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(classesOf(12).map((c) => c.color)).toEqual([...PALETTE]);
    const c = classesOf(12);
    expect(colorOf(0, c)).toBe(ZERO_COLOR);
    expect(colorOf(1, c)).toBe(PALETTE[0]);
    expect(colorOf(5, c)).toBe(PALETTE[1]);
    expect(colorOf(12, c)).toBe(PALETTE[4]);
  });
});

describe('geometry', () => {
  it('reads the rings of polygons and multipolygons and nothing else', () => {
    expect(ringsOf(withBoundary[0]!.boundary)).toHaveLength(2);
    expect(ringsOf(withBoundary[1]!.boundary)).toHaveLength(2);
    expect(ringsOf({ type: 'Point', coordinates: [1, 2] })).toEqual([]);
    expect(ringsOf({ type: 'Polygon', coordinates: [[[1, 2]]] })).toEqual([]);
    expect(ringsOf(null)).toEqual([]);
  });

  it('projects north up into the box, keeping the shape', () => {
    const p = projectionOf([[128.1, -3.8], [128.2, -3.7]], 200, 200, 0);
    const [x0, y0] = p(128.1, -3.7);
    const [x1, y1] = p(128.2, -3.8);
    expect(y0).toBeLessThan(y1);
    expect(x0).toBeLessThan(x1);
    // A square of 0.1° stays nearly square (cos 3.75° ≈ 0.998).
    expect(Math.abs((x1 - x0) / (y1 - y0) - Math.cos((3.75 * Math.PI) / 180))).toBeLessThan(1e-9);
    expect(pathOf([square(128.1, -3.8)], p)).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){4}Z$/);
  });
});

describe('the map model', () => {
  it('shades each boundary by its count and counts the incidents without a kecamatan', () => {
    const m = mapModel(withBoundary, rows([['d2', 12], ['d1', 3], [null, 4]]));
    expect(m.none).toBe(4);
    expect(m.circles).toBe(false);
    expect(m.approximate).toBe(true);
    const [a, b] = m.shapes;
    expect(a).toMatchObject({ id: 'd1', name: 'Nusaniwe', count: 3, color: PALETTE[0], circle: null, approximate: true });
    expect(b).toMatchObject({ id: 'd2', count: 12, color: PALETTE[4], approximate: false });
    expect(a!.path!.split('Z').filter(Boolean)).toHaveLength(2); // outer ring and hole
    expect(b!.path!.split('M').filter(Boolean)).toHaveLength(2); // two polygons
    for (const s of m.shapes) for (const n of s.path!.match(/[\d.]+/g)!.map(Number)) expect(n >= 0 && n <= 560).toBe(true);
  });

  it('says nothing of approximation when no approximate boundary is drawn', () => {
    const exact = withBoundary.map((d) => ({ ...d, boundary_approximate: false }));
    expect(mapModel(exact, rows([['d1', 1]])).approximate).toBe(false);
  });

  it('draws a circle at the centre of a district without a boundary', () => {
    const centres = withBoundary.map((d) => ({ ...d, boundary: null, boundary_approximate: true }));
    const m = mapModel(centres, rows([['d1', 2]]), 400, 300);
    expect(m.circles).toBe(true);
    expect(m.approximate).toBe(false);
    const [a, b] = m.shapes;
    expect(a!.path).toBeNull();
    expect(a!.color).toBe(PALETTE[4]);
    expect(b!.color).toBe(ZERO_COLOR);
    expect(a!.circle!.x).toBeLessThan(b!.circle!.x); // west to east
    expect(a!.circle!.y).toBeGreaterThan(b!.circle!.y); // Nusaniwe lies south
    for (const s of m.shapes) {
      expect(s.circle!.x - s.circle!.r).toBeGreaterThanOrEqual(0);
      expect(s.circle!.x + s.circle!.r).toBeLessThanOrEqual(400);
    }
    // A district with neither is left out.
    expect(mapModel([...centres, { id: 'd3', code: 'x', name: 'X', center: null, boundary: null }], []).shapes).toHaveLength(2);
  });
});

describe('labels', () => {
  it('put a name in the middle of its largest ring, or under its circle', () => {
    const m = mapModel(withBoundary, rows([]), 560, 400);
    const [a, b] = m.shapes;
    // Nusaniwe's outer square spans the same box as its first ring; its label sits inside it.
    const xs = a!.path!.split('Z')[0]!.match(/[\d.]+/g)!.map(Number).filter((_, i) => i % 2 === 0);
    expect(a!.label.x).toBeGreaterThan(Math.min(...xs));
    expect(a!.label.x).toBeLessThan(Math.max(...xs));
    expect(b!.label.x).toBeGreaterThan(a!.label.x);
    const c = mapModel(withBoundary.map((d) => ({ ...d, boundary: null })), rows([])).shapes[0]!;
    expect(c.label).toEqual({ x: c.circle!.x, y: c.circle!.y + c.circle!.r + 12 });
  });
});
