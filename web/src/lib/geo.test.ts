import { describe, expect, it } from 'vitest';
import type { District } from '../api/types';
import { boxOf, distanceM, districtOf, parseLatLon, pointInGeometry, voronoiCells } from './geo';

const d = (id: string, lat: number, lon: number, boundary: District['boundary'] = null): District => ({
  id,
  code: id,
  name: id,
  center: { lat, lon },
  boundary,
});

describe('distanceM', () => {
  it('measures about 111 km per degree of latitude', () => {
    expect(distanceM({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111195, -2);
  });
  it('measures short distances in Ambon', () => {
    const m = distanceM({ lat: -3.6946, lon: 128.1797 }, { lat: -3.6978, lon: 128.1833 });
    expect(m).toBeGreaterThan(500);
    expect(m).toBeLessThan(560);
  });
});

describe('pointInGeometry', () => {
  const square = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
  it('finds points inside, outside and in holes', () => {
    expect(pointInGeometry({ lat: 2, lon: 2 }, square)).toBe(true);
    expect(pointInGeometry({ lat: 11, lon: 2 }, square)).toBe(false);
    expect(pointInGeometry({ lat: 5, lon: 5 }, square)).toBe(false);
  });
  it('reads MultiPolygons', () => {
    const multi = { type: 'MultiPolygon', coordinates: [square.coordinates, [[[20, 20], [30, 20], [30, 30], [20, 20]]]] };
    expect(pointInGeometry({ lat: 22, lon: 25 }, multi)).toBe(true);
  });
  it('ignores other geometries', () => {
    expect(pointInGeometry({ lat: 0, lon: 0 }, { type: 'Point', coordinates: [0, 0] })).toBe(false);
    expect(pointInGeometry({ lat: 0, lon: 0 }, null)).toBe(false);
  });
});

describe('districtOf', () => {
  const ds = [d('a', -3.728, 128.15), d('b', -3.695, 128.195), d('c', -3.64, 128.24)];
  it('takes the nearest centre without boundaries', () => {
    expect(districtOf({ lat: -3.6946, lon: 128.1797 }, ds)?.id).toBe('b');
    expect(districtOf({ lat: -3.6345, lon: 128.2462 }, ds)?.id).toBe('c');
  });
  it('prefers a boundary that contains the point', () => {
    const box = { type: 'Polygon', coordinates: [[[128.17, -3.7], [128.19, -3.7], [128.19, -3.69], [128.17, -3.69], [128.17, -3.7]]] };
    const withBoundary = [...ds, d('z', -3.9, 128.5, box)];
    expect(districtOf({ lat: -3.6946, lon: 128.1797 }, withBoundary)?.id).toBe('z');
  });
  it('gives nothing far away', () => {
    expect(districtOf({ lat: -6.2, lon: 106.8 }, ds)).toBeNull();
  });
});

describe('voronoiCells', () => {
  it('gives each centre a cell that contains it and no other centre', () => {
    const ds = [d('a', -3.728, 128.15), d('b', -3.695, 128.195), d('c', -3.64, 128.24), d('e', -3.76, 128.245)];
    const box = boxOf(ds.map((x) => x.center!))!;
    const cells = voronoiCells(ds, box);
    expect(cells.size).toBe(4);
    for (const x of ds) {
      const ring = cells.get(x.id)!.map(([lat, lon]) => [lon, lat]);
      const geom = { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
      expect(pointInGeometry(x.center!, geom)).toBe(true);
      for (const o of ds) if (o !== x) expect(pointInGeometry(o.center!, geom)).toBe(false);
    }
  });
});

describe('boxOf', () => {
  it('pads the box', () => {
    const b = boxOf([{ lat: 0, lon: 0 }, { lat: 1, lon: 2 }], 0.1)!;
    expect(b.south).toBeCloseTo(-0.1);
    expect(b.east).toBeCloseTo(2.2);
    expect(boxOf([])).toBeNull();
  });
});

describe('parseLatLon', () => {
  it('reads typed coordinates', () => {
    expect(parseLatLon('-3.6954, 128.1808')).toEqual({ lat: -3.6954, lon: 128.1808 });
    expect(parseLatLon('-3.6954 128.1808')).toEqual({ lat: -3.6954, lon: 128.1808 });
    expect(parseLatLon('Jl. Pattimura')).toBeNull();
    expect(parseLatLon('95, 10')).toBeNull();
  });
  const near = (p: { lat: number; lon: number } | null, lat: number, lon: number) => {
    expect(p).not.toBeNull();
    expect(p!.lat).toBeCloseTo(lat, 4);
    expect(p!.lon).toBeCloseTo(lon, 4);
  };
  it('reads a decimal comma when the numbers are apart by a semicolon or a space', () => {
    near(parseLatLon('-3,6954; 128,1808'), -3.6954, 128.1808);
    near(parseLatLon('-3,6954 128,1808'), -3.6954, 128.1808);
  });
  it('reads degrees, minutes and seconds with hemispheres in English and Indonesian', () => {
    near(parseLatLon('3°41\'48"S 128°10\'47"E'), -3.69667, 128.17972);
    near(parseLatLon('3° 41′ 48.0″ S, 128° 10′ 47.0″ E'), -3.69667, 128.17972);
    near(parseLatLon('LS 3.6954 BT 128.1808'), -3.6954, 128.1808);
    near(parseLatLon('3.6954 S 128.1808 E'), -3.6954, 128.1808);
    near(parseLatLon('S3°41.8\' E128°10.8\''), -3.69667, 128.18);
  });
  it('takes longitude first when the hemispheres say so', () => {
    near(parseLatLon('128.1808 E, 3.6954 S'), -3.6954, 128.1808);
    expect(parseLatLon('128.1 E 3.6 W')).toBeNull();
  });
  it('reads a pasted map link', () => {
    near(parseLatLon('https://www.google.com/maps/@-3.6954,128.1808,17z'), -3.6954, 128.1808);
    near(parseLatLon('https://maps.google.com/?q=-3.6954,128.1808'), -3.6954, 128.1808);
    near(parseLatLon('geo:-3.6954,128.1808'), -3.6954, 128.1808);
  });
  it('refuses what is not a point', () => {
    for (const t of ['3.5', '1 2 3', 'Jl. A. Y. Patty 12', '3°61\'S 128°E', 'S 3.6 N 128.1', '', 'Sirimau 3 4']) {
      expect(parseLatLon(t), t).toBeNull();
    }
  });
});
