import { describe, expect, it } from 'vitest';
import { fitWithin, MAX_PHOTO_BYTES, MAX_PHOTO_SIDE, uploadableAsIs } from './photo';

describe('photo', () => {
  it('scales the longer side down to the limit and keeps the proportions', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(4000, 4000)).toEqual({ width: 1600, height: 1600 });
    expect(fitWithin(1920, 1080)).toEqual({ width: 1600, height: 900 });
    expect(fitWithin(1000, 333, 500)).toEqual({ width: 500, height: 167 });
    expect(MAX_PHOTO_SIDE).toBe(1600);
  });
  it('never enlarges a small photo', () => {
    expect(fitWithin(640, 480)).toEqual({ width: 640, height: 480 });
    expect(fitWithin(1600, 10)).toEqual({ width: 1600, height: 10 });
  });
  it('keeps at least one pixel and survives nonsense sizes', () => {
    expect(fitWithin(100000, 1)).toEqual({ width: 1600, height: 1 });
    expect(fitWithin(0, 100)).toEqual({ width: 1, height: 1 });
    expect(fitWithin(Number.NaN, 100)).toEqual({ width: 1, height: 1 });
  });
  it('sends a file as it is only when the server takes its type and size', () => {
    expect(uploadableAsIs('image/jpeg', 1000)).toBe(true);
    expect(uploadableAsIs('image/png', MAX_PHOTO_BYTES)).toBe(true);
    expect(uploadableAsIs('image/webp', MAX_PHOTO_BYTES + 1)).toBe(false);
    expect(uploadableAsIs('image/heic', 1000)).toBe(false);
    expect(uploadableAsIs('image/jpeg', 0)).toBe(false);
  });
});
