import { describe, expect, it } from 'vitest';
import type { SiagaEvent } from '../api/types';
import { eventDetail } from './event_text';

const ev = (kind: string, payload: Record<string, unknown>): SiagaEvent => ({
  seq: 1,
  id: 'e',
  kind,
  subject: 'incident',
  subject_id: 'i',
  incident_id: 'i',
  agency_id: null,
  actor_id: 'u',
  at: '2026-12-05T10:00:00Z',
  payload,
  hash: '',
});

describe('eventDetail', () => {
  it('shows a note as written', () => {
    expect(eventDetail(ev('incident.note_added', { text: 'Akses lewat gang' }), 'id')).toBe('Akses lewat gang');
  });
  it("shows a neighbouring centre's update of a handover as it was put on the report", () => {
    const text = 'Pusat 112 3171 (insiden JKT-1) membatalkan pelimpahan: salah wilayah';
    expect(eventDetail(ev('report.handover_updated', { text }), 'id')).toBe(text);
  });
  it('names the changed fields in the console language, with the reason', () => {
    const e = ev('incident.updated', { changes: { address: {}, location: {}, district_id: {} }, note: 'salah sebut' });
    expect(eventDetail(e, 'id')).toBe('Alamat, Lokasi, Kecamatan — salah sebut');
    expect(eventDetail(ev('incident.updated', { changes: { category_id: {} } }), 'en')).toBe('Category');
  });
  it('says how a dispatch was acknowledged when not on the console', () => {
    expect(eventDetail(ev('dispatch.acknowledged', { via: 'phone' }), 'id')).toBe('via telepon');
    expect(eventDetail(ev('dispatch.acknowledged', { via: 'delivery_receipt' }), 'en')).toBe('delivery receipt');
    expect(eventDetail(ev('dispatch.acknowledged', { via: 'console' }), 'id')).toBe('');
  });
  it("says what a restatement says again, under the erased event's name", () => {
    const created = ev('privacy.restated', {
      restates: { seq: 3, id: 'e3', kind: 'incident.created' },
      payload: { summary: 'Gudang terbakar, pelapor di +62 ••• •••• 0005' },
    });
    expect(eventDetail(created, 'id')).toBe('Insiden dibuat: Gudang terbakar, pelapor di +62 ••• •••• 0005');
    const updated = ev('privacy.restated', {
      restates: { seq: 4, id: 'e4', kind: 'incident.updated' },
      payload: { changes: { summary: {} }, note: 'telepon +62 ••• •••• 0005' },
    });
    expect(eventDetail(updated, 'en')).toBe('Incident details updated: Summary — telepon +62 ••• •••• 0005');
    expect(eventDetail(ev('privacy.restated', {}), 'id')).toBe('—');
  });
  it('says nothing more for events whose name says it all', () => {
    expect(eventDetail(ev('dispatch.en_route', {}), 'id')).toBe('');
  });
});
