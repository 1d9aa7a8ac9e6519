import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, normalisePhone } from './mask';

describe('masking', () => {
  it('masks numbers as the server does', () => {
    expect(maskPhone('+6281234567890')).toBe('+62812****7890');
    expect(maskPhone('0911352000')).toBe('********00');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe('');
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
