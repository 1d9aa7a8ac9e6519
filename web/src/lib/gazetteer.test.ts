import { describe, expect, it } from 'vitest';
import type { District } from '../api/types';
import { buildPlaces, fold, fromGazetteer, mergePlaces, searchPlaces } from './gazetteer';

const districts: District[] = [
  { id: 'sirimau', code: '81.71.02', name: 'Sirimau', center: { lat: -3.695, lon: 128.195 }, boundary: null },
  { id: 'nusaniwe', code: '81.71.01', name: 'Nusaniwe', center: { lat: -3.728, lon: 128.15 }, boundary: null },
];
const located = [
  { address: 'Pasar Mardika, Jl. Pantai Mardika', location: { lat: -3.6915, lon: 128.187 }, district_id: 'sirimau' },
  { address: 'pasar mardika, jl. pantai mardika', location: { lat: -3.6916, lon: 128.1871 }, district_id: 'sirimau' },
  { address: 'Jl. Dr. Kayadoe, Kudamati (dekat RSUD dr. M. Haulussy)', location: { lat: -3.7105, lon: 128.176 }, district_id: 'nusaniwe' },
  { address: 'Tanpa lokasi', location: null, district_id: null },
];

describe('gazetteer', () => {
  const places = buildPlaces(districts, located);
  it('folds text for matching', () => {
    expect(fold('Jl. Dr. Kayadoé, Kudamati')).toBe('jl dr kayadoe kudamati');
  });
  it('keeps one place per address and only located ones', () => {
    expect(places.map((p) => p.label)).toEqual([
      'Kec. Sirimau',
      'Kec. Nusaniwe',
      'Pasar Mardika, Jl. Pantai Mardika',
      'Jl. Dr. Kayadoe, Kudamati (dekat RSUD dr. M. Haulussy)',
    ]);
  });
  it('matches word prefixes', () => {
    expect(searchPlaces('pasar mard', places).map((p) => p.label)).toEqual(['Pasar Mardika, Jl. Pantai Mardika']);
    expect(searchPlaces('rsud', places)[0]!.district_id).toBe('nusaniwe');
    expect(searchPlaces('sirim', places)[0]!.kind).toBe('district');
    expect(searchPlaces('psr xyz', places)).toEqual([]);
  });
  it('reads coordinates', () => {
    expect(searchPlaces('-3.7, 128.2', places)).toEqual([{ label: '-3.70000, 128.20000', location: { lat: -3.7, lon: 128.2 }, kind: 'point', district_id: null }]);
  });
});

describe('mergePlaces', () => {
  const at = { lat: -3.69, lon: 128.18 };
  const local = [
    { label: 'Kec. Sirimau', location: at, kind: 'district' as const, district_id: 'sirimau' },
    { label: 'Pasar Mardika', location: at, kind: 'address' as const, district_id: 'sirimau' },
  ];
  it('puts the gazetteer first and leaves out local copies of its places', () => {
    const remote = fromGazetteer([{ id: 'p', name: 'Pasar  Mardika', kind: 'landmark', location: at, district_id: 'sirimau', source: 'osm' }]);
    expect(mergePlaces(local, remote).map((p) => [p.label, p.kind])).toEqual([
      ['Pasar  Mardika', 'landmark'],
      ['Kec. Sirimau', 'district'],
    ]);
  });
  it('keeps a typed point alone', () => {
    const point = searchPlaces('-3.69, 128.18', local);
    expect(mergePlaces(point, fromGazetteer([{ id: 'p', name: 'X', kind: 'street', location: at, district_id: null, source: 'osm' }]))).toEqual(point);
  });
});

