import { describe, expect, it } from 'vitest';
import { enumName, enumValues, translate } from './i18n';

describe('i18n', () => {
  it('speaks Indonesian first and English on request', () => {
    expect(translate('id', 'login')).toBe('Masuk');
    expect(translate('en', 'login')).toBe('Sign in');
  });
  it('fills in variables', () => {
    expect(translate('id', 'created_dispatched', { n: 'AMB-261124-0001', k: 3 })).toBe('AMB-261124-0001 dibuat dan didispatch ke 3 instansi');
  });
  it('names every value of the API enums in both languages', () => {
    const api: Record<string, string[]> = {
      incident_status: ['open', 'dispatched', 'in_progress', 'resolved', 'closed', 'cancelled'],
      dispatch_status: ['notified', 'acknowledged', 'en_route', 'on_scene', 'completed', 'declined', 'cancelled'],
      urgency: ['emergency', 'urgent', 'information', 'complaint'],
      channel: ['call', 'web', 'whatsapp', 'app', 'lapor', 'open311', 'telegram', 'walk_in', 'radio', 'cctv', 'sms', 'handover'],
      reject_reason: ['prank', 'ghost', 'misdirected', 'duplicate', 'test'],
      role: ['admin', 'supervisor', 'call_taker', 'agency_operator', 'leader'],
    };
    for (const [kind, values] of Object.entries(api)) {
      expect(enumValues(kind as never).sort()).toEqual([...values].sort());
      for (const v of values) {
        expect(enumName('id', kind as never, v).length).toBeGreaterThan(0);
        expect(enumName('en', kind as never, v).length).toBeGreaterThan(0);
      }
    }
    expect(enumName('id', 'dispatch_status', 'en_route')).toBe('Menuju lokasi');
    expect(enumName('en', 'dispatch_status', 'en_route')).toBe('En route');
  });
  it('names the photo event in both languages', () => {
    expect(enumName('id', 'event_kind', 'dispatch.media_attached')).toBe('Foto dilampirkan');
    expect(enumName('en', 'event_kind', 'dispatch.media_attached')).toBe('Photo attached');
    expect(translate('en', 'photo_uploading', { p: 40 })).toBe('Uploading the photo 40%');
  });
  it('falls back to the raw value', () => {
    expect(enumName('id', 'dispatch_status', 'teleported')).toBe('teleported');
    expect(enumName('id', 'dispatch_status', null)).toBe('—');
  });
});
