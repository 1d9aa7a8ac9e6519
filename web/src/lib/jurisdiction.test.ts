import { describe, expect, it } from 'vitest';
import { patchOf, problemsOf, toggleDay } from './jurisdiction';

describe('jurisdiction settings', () => {
  it('toggles weekend days, kept sorted', () => {
    expect(toggleDay([0, 6], 5)).toEqual([0, 5, 6]);
    expect(toggleDay([0, 5, 6], 0)).toEqual([5, 6]);
    expect(toggleDay([], 3)).toEqual([3]);
  });

  it('finds what the server would refuse before sending', () => {
    const ok = { name: 'Kota Ambon', weekend_days: [0, 6], holidays: [{ date: '2025-08-17', name: 'Hari Kemerdekaan' }] };
    expect(problemsOf(ok)).toEqual([]);
    expect(problemsOf({ ...ok, name: '  ' })).toEqual([{ key: 'name_required' }]);
    expect(problemsOf({ ...ok, weekend_days: [0, 1, 2, 3, 4, 5, 6] })).toEqual([{ key: 'all_weekend' }]);
    expect(
      problemsOf({
        ...ok,
        holidays: [
          { date: '2025-02-30', name: 'Tidak ada' },
          { date: '2025-08-17', name: 'Hari Kemerdekaan' },
          { date: '2025-08-17', name: 'Lagi' },
          { date: '17-08-2025', name: '' },
        ],
      }),
    ).toEqual([{ key: 'holiday_date', row: 0 }, { key: 'holiday_twice', row: 2, date: '2025-08-17' }, { key: 'holiday_date', row: 3 }, { key: 'holiday_name', row: 3 }]);
  });

  it('sends every field, trimmed, holidays by date', () => {
    expect(
      patchOf({
        name: ' Kota Ambon ',
        timezone: 'Asia/Jayapura',
        weekend_days: [6, 0],
        holidays: [
          { date: '2025-12-25', name: 'Natal ' },
          { date: '2025-08-17', name: 'Hari Kemerdekaan' },
        ],
      }),
    ).toEqual({
      name: 'Kota Ambon',
      timezone: 'Asia/Jayapura',
      weekend_days: [0, 6],
      holidays: [
        { date: '2025-08-17', name: 'Hari Kemerdekaan' },
        { date: '2025-12-25', name: 'Natal' },
      ],
    });
  });
});
