import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatFull, formatLimit, formatWhen, parseTime, startOfLocalDay, zoneAbbr, zoneOffsetMinutes } from './time';

describe('parseTime', () => {
  it('reads microseconds and Z', () => {
    expect(parseTime('2026-11-23T18:42:00.187819Z')).toBe(Date.UTC(2026, 10, 23, 18, 42, 0, 187));
  });
  it('reads times without fraction', () => {
    expect(parseTime('2026-11-23T18:42:00Z')).toBe(Date.UTC(2026, 10, 23, 18, 42, 0));
  });
  it('gives NaN for null', () => {
    expect(parseTime(null)).toBeNaN();
  });
});

describe('zones', () => {
  it('names the Indonesian zones', () => {
    expect(zoneAbbr('Asia/Jakarta')).toBe('WIB');
    expect(zoneAbbr('Asia/Pontianak')).toBe('WIB');
    expect(zoneAbbr('Asia/Makassar')).toBe('WITA');
    expect(zoneAbbr('Asia/Jayapura')).toBe('WIT');
  });
  it('falls back to the offset', () => {
    expect(zoneAbbr('UTC')).toBe('UTC+0');
    expect(zoneAbbr('Asia/Kolkata')).toBe('UTC+5:30');
  });
  it('knows the offsets', () => {
    const t = Date.UTC(2026, 10, 23, 18, 0, 0);
    expect(zoneOffsetMinutes(t, 'Asia/Jakarta')).toBe(420);
    expect(zoneOffsetMinutes(t, 'Asia/Makassar')).toBe(480);
    expect(zoneOffsetMinutes(t, 'Asia/Jayapura')).toBe(540);
  });
});

describe('local day', () => {
  it('starts at local midnight', () => {
    // 23 Nov 18:00 UTC is 24 Nov 03:00 WIT: the WIT day began 23 Nov 15:00 UTC.
    const t = Date.UTC(2026, 10, 23, 18, 0, 0);
    expect(startOfLocalDay(t, 'Asia/Jayapura')).toBe(Date.UTC(2026, 10, 23, 15, 0, 0));
    // and 23 Nov 01:00 WIB, so the WIB day began 22 Nov 17:00 UTC.
    expect(startOfLocalDay(t, 'Asia/Jakarta')).toBe(Date.UTC(2026, 10, 23, 17, 0, 0));
  });
});

describe('formatting', () => {
  const t = Date.UTC(2026, 10, 23, 18, 42, 5);
  it('shows the clock in the zone', () => {
    expect(formatClock(t, 'Asia/Jayapura')).toBe('03:42');
    expect(formatClock(t, 'Asia/Makassar', true)).toBe('02:42:05');
  });
  it('shows the day only when it is not today', () => {
    expect(formatWhen(t, 'Asia/Jayapura', 'id', t + 60000)).toBe('03:42 WIT');
    expect(formatWhen(t, 'Asia/Jayapura', 'id', t + 86400000)).toBe('24 Nov 03:42 WIT');
    expect(formatWhen(Date.UTC(2026, 4, 2, 2), 'Asia/Jakarta', 'id', t)).toBe('2 Mei 09:00 WIB');
    expect(formatWhen(Date.UTC(2026, 4, 2, 2), 'Asia/Jakarta', 'en', t)).toBe('2 May 09:00 WIB');
  });
  it('shows full times', () => {
    expect(formatFull(t, 'Asia/Makassar', 'id')).toBe('24 Nov 2026 02:42:05 WITA');
  });
  it('formats durations compactly', () => {
    expect(formatDuration(45_000, 'id')).toBe('45 dtk');
    expect(formatDuration(3 * 60_000 + 5000, 'id')).toBe('3 mnt');
    expect(formatDuration(65 * 60_000, 'id')).toBe('1 jam 05 mnt');
    expect(formatDuration(51 * 3600_000, 'id')).toBe('2 hari 3 jam');
    expect(formatDuration(50 * 3600_000, 'en')).toBe('2 d 2 h');
    expect(formatDuration(-5, 'en')).toBe('0 s');
  });
  it('formats SLA limits', () => {
    expect(formatLimit(0, 'id')).toBe('—');
    expect(formatLimit(60, 'id')).toBe('1 mnt');
    expect(formatLimit(3600, 'en')).toBe('1 h');
    expect(formatLimit(86400, 'id')).toBe('1 hari');
    expect(formatLimit(7200, 'id')).toBe('2 jam');
  });
});
