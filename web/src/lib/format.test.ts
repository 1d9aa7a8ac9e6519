import { describe, expect, it } from 'vitest';
import { belowTarget, count, percent, seconds } from './format';

describe('format', () => {
  it('writes shares as percentages', () => {
    expect(percent(0.934)).toBe('93 %');
    expect(percent(1)).toBe('100 %');
    expect(percent(null)).toBe('—');
  });
  it('writes seconds', () => {
    expect(seconds(8.4, 'id')).toBe('8 dtk');
    expect(seconds(125, 'id')).toBe('2 mnt 05 dtk');
    expect(seconds(125, 'en')).toBe('2 min 05 s');
    expect(seconds(3599, 'id')).toBe('59 mnt 59 dtk');
    expect(seconds(6720, 'id')).toBe('1 jam 52 mnt');
    expect(seconds(6720, 'en')).toBe('1 h 52 min');
    expect(seconds(2 * 86400 + 3 * 3600 + 59, 'id')).toBe('2 hari 3 jam');
    expect(seconds(undefined, 'en')).toBe('—');
  });
  it('groups counts by the language', () => {
    expect(count(13746, 'id')).toBe('13.746');
    expect(count(13746, 'en')).toBe('13,746');
    expect(count(999, 'id')).toBe('999');
    expect(count(1234567, 'id')).toBe('1.234.567');
    expect(count(undefined, 'id')).toBe('—');
  });
  it('marks shares below target', () => {
    expect(belowTarget(0.85, 0.9)).toBe(true);
    expect(belowTarget(0.95, 0.9)).toBe(false);
    expect(belowTarget(null, 0.9)).toBe(false);
  });
});
