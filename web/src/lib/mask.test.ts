import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, normalisePhone } from './mask';

describe('masking', () => {
  it('masks numbers as the server does', () => {
    expect(maskPhone('+6281234566789')).toBe('+62 ••• •••• 6789');
    expect(maskPhone('+61298765432')).toBe('+••• •••• 5432');
    expect(maskPhone('0911352000')).toBe('••• •••• 2000');
    expect(maskPhone('112')).toBe('••• •••• 2');
    expect(maskPhone('call me maybe')).toBe('••• ••••');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe('');
  });
  it('never shows more than the last four digits', () => {
    let n = '+62';
    for (let i = 1; i <= 16; i++) {
      n += String(i % 10);
      for (const p of [n, n.slice(3), '0' + n.slice(3)]) {
        const shown = maskPhone(p).replace(/^\+62 /, '').replace(/\D/g, '');
        expect(shown.length).toBeLessThanOrEqual(4);
      }
    }
  });
  it('shows initials of names', () => {
    expect(maskName('Salma Hehanussa')).toBe('S. H.');
  });
  it('writes Indonesian numbers in E.164', () => {
    expect(normalisePhone('0812-3456-7890')).toBe('+6281234567890');
    expect(normalisePhone('62 812 3456 7890')).toBe('+6281234567890');
    expect(normalisePhone('+6281234567890')).toBe('+6281234567890');
    expect(normalisePhone('112')).toBe('112');
  });
});
