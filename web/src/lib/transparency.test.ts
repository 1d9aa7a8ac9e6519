import { describe, expect, it } from 'vitest';
import { barsOf, categoryName, medianText, monthLabel, tiles, tx, type PublicFigures } from './transparency';

const total: PublicFigures = {
  period: '2025',
  calls: 13746,
  answered: 13000,
  answered_within_15s: 12000,
  share_within_15s: 0.934,
  pranks_silent: 1222,
  share_pranks_silent: 0.0889,
  incidents: 550,
  emergencies_dispatched: 106,
  agencies: [{ code: 'DAMKAR', name: 'Damkar', dispatches: 40, on_scene_p50_s: 545 }],
  top_categories: [{ code: 'fire', name_id: 'Kebakaran', name_en: 'Fire', incidents: 30 }],
};

describe('transparency page', () => {
  it('shows the year as tiles with the exact values beside the readable text', () => {
    expect(tiles(total, 'id')).toEqual([
      ['calls', 'Panggilan', '13.746', '13746'],
      ['within15', 'Dijawab dalam 15 detik', '93 %', '0.934'],
      ['emergencies', 'Kedaruratan yang ditangani petugas', '106', '106'],
      ['pranks', 'Panggilan iseng atau diam', '9 %', '0.0889'],
    ]);
    expect(tiles({ ...total, share_within_15s: null }, 'en')[1]).toEqual(['within15', 'Answered within 15 seconds', '—', '']);
  });

  it('speaks Bahasa Indonesia first and English on request', () => {
    expect(tx('id', 'updated', { t: '10.00' })).toBe('Diperbarui 10.00 (angka disimpan 1 menit)');
    expect(tx('en', 'calls')).toBe('Calls');
    expect(monthLabel('2025-06', 'id')).toBe('Jun 2025');
    expect(monthLabel('2025-08', 'en')).toBe('Aug 2025');
    expect(categoryName(total.top_categories[0]!, 'en')).toBe('Fire');
    expect(categoryName({ ...total.top_categories[0]!, name_en: '' }, 'en')).toBe('Kebakaran');
    expect(medianText(total.agencies[0]!, 'id')).toBe('9 mnt 05 dtk');
    expect(medianText({ ...total.agencies[0]!, on_scene_p50_s: null }, 'id')).toBe('—');
  });

  it('draws bars from zero to the largest value', () => {
    const bars = barsOf([0, 5, 10], 300, 100);
    expect(bars).toHaveLength(3);
    expect(bars[0]).toEqual({ x: 4, y: 100, width: 92, height: 0 });
    expect(bars[1]!.height).toBe(50);
    expect(bars[2]!.y).toBe(0);
    expect(bars[2]!.x).toBe(204);
    expect(barsOf([0, 0], 100, 50).every((b) => b.height === 0)).toBe(true);
    expect(barsOf([0.5], 100, 50, 1)[0]!.height).toBe(25);
    expect(barsOf([], 100, 50)).toEqual([]);
  });
});
