import { describe, expect, it } from 'vitest';
import {
  boxOf, checkDraft, dequeue, enqueue, flushQueue, heightFor, loadQueue, plausiblePhone, project, rememberCode,
  reportBody, statusText, stepText, tx, unproject, type KeyValue, type ReportDraft,
} from './lapor';

function memory(): KeyValue & { data: Record<string, string> } {
  const data: Record<string, string> = {};
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

const draft: ReportDraft = {
  category: 'fire',
  description: ' Asap tebal ',
  location: { lat: -3.695, lon: 128.184 },
  address: '',
  name: '',
  phone: '',
  consent: false,
  photos: [],
};

describe('checkDraft', () => {
  it('takes a description with a place', () => {
    expect(checkDraft(draft, 3)).toBeNull();
    expect(checkDraft({ ...draft, location: null, address: 'Pasar Mardika' }, 3)).toBeNull();
  });
  it('names the first problem', () => {
    expect(checkDraft({ ...draft, description: '  ' }, 3)?.key).toBe('err_description');
    expect(checkDraft({ ...draft, location: null, address: ' ' }, 3)?.key).toBe('err_where');
    expect(checkDraft({ ...draft, phone: '112' }, 3)?.key).toBe('err_phone');
    expect(checkDraft({ ...draft, phone: '0812-3456-7890' }, 3)?.key).toBe('err_consent');
    expect(checkDraft({ ...draft, name: 'Ani' }, 3)?.key).toBe('err_consent');
    expect(checkDraft({ ...draft, name: 'Ani', consent: true }, 3)).toBeNull();
    const photo = { content_type: 'image/jpeg', data: 'AA==' };
    expect(checkDraft({ ...draft, photos: [photo, photo, photo, photo] }, 3)).toEqual({ key: 'err_photos', vars: { n: 3 } });
  });
});

describe('plausiblePhone', () => {
  it('takes Indonesian numbers in their usual forms', () => {
    for (const p of ['0812-3456-7890', '+62 812 3456 7890', '6281234567890', '(0911) 312345']) expect(plausiblePhone(p)).toBe(true);
  });
  it('refuses short codes, letters and too many digits', () => {
    for (const p of ['112', 'nomor saya', '0812345678901234', '']) expect(plausiblePhone(p)).toBe(false);
  });
});

describe('reportBody', () => {
  it('leaves out empty optional fields and trims', () => {
    expect(reportBody(draft)).toEqual({ description: 'Asap tebal', category: 'fire', location: { lat: -3.695, lon: 128.184 } });
  });
  it('carries contact with consent, photos and the jurisdiction', () => {
    const photo = { content_type: 'image/jpeg', data: 'AA==' };
    const b = reportBody({ ...draft, category: '', name: ' Ani ', phone: '0812', consent: true, photos: [photo] }, '81.71');
    expect(b).toEqual({ description: 'Asap tebal', jurisdiction: '81.71', location: draft.location, name: 'Ani', phone: '0812', consent: true, photos: [photo] });
  });
});

describe('offline queue', () => {
  it('keeps reports in order and removes them by id', () => {
    const s = memory();
    enqueue(s, { description: 'a' }, new Date('2025-06-01T00:00:00Z'), 'x');
    enqueue(s, { description: 'b' }, new Date('2025-06-01T00:01:00Z'), 'y');
    expect(loadQueue(s).map((q) => q.id)).toEqual(['x', 'y']);
    expect(dequeue(s, 'x').map((q) => q.id)).toEqual(['y']);
  });
  it('survives a broken store', () => {
    const s = memory();
    s.data['siaga.lapor.queue'] = '{not json';
    expect(loadQueue(s)).toEqual([]);
  });
  it('sends in order, drops what the server took or refused for good, keeps the rest on failure', async () => {
    const s = memory();
    for (const id of ['a', 'b', 'c', 'd']) enqueue(s, { description: id }, new Date(), id);
    const sent: string[] = [];
    const codes = await flushQueue(s, async (body) => {
      const d = String(body.description);
      sent.push(d);
      if (d === 'a') return { status: 201, code: 'CODEAAAAAA' };
      if (d === 'b') return { status: 400 };
      if (d === 'c') throw new Error('offline');
      return { status: 201, code: 'CODEDDDDDD' };
    });
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(codes).toEqual(['CODEAAAAAA']);
    expect(loadQueue(s).map((q) => q.id)).toEqual(['c', 'd']);
  });
  it('sends a report once when two pages flush at the same moment', async () => {
    const s = memory();
    enqueue(s, { description: 'a' }, new Date(), 'a');
    let sent = 0;
    const send = async () => {
      sent++;
      await new Promise((r) => setTimeout(r, 5));
      return { status: 201, code: 'CODEAAAAAA' };
    };
    await Promise.all([flushQueue(s, send), flushQueue(s, send)]);
    expect(sent).toBe(1);
    expect(loadQueue(s)).toEqual([]);
  });
  it('sends a queued report with its id as the Idempotency-Key, the same key on every try', async () => {
    const s = memory();
    enqueue(s, { description: 'a' }, new Date(), 'b1c2d3e4-0000-4000-8000-000000000001');
    const keys: string[] = [];
    await flushQueue(s, async (_body, key) => {
      keys.push(key);
      throw new Error('offline');
    });
    await flushQueue(s, async (_body, key) => {
      keys.push(key);
      return { status: 201, code: 'CODEAAAAAA' };
    });
    expect(keys).toEqual(['b1c2d3e4-0000-4000-8000-000000000001', 'b1c2d3e4-0000-4000-8000-000000000001']);
    expect(loadQueue(s)).toEqual([]);
  });
  it('waits on 429 and server errors', async () => {
    const s = memory();
    enqueue(s, { description: 'a' }, new Date(), 'a');
    expect(await flushQueue(s, async () => ({ status: 429 }))).toEqual([]);
    expect(await flushQueue(s, async () => ({ status: 503 }))).toEqual([]);
    expect(loadQueue(s)).toHaveLength(1);
  });
  it('remembers the last ten codes, newest first, once each', () => {
    const s = memory();
    for (let i = 0; i < 12; i++) rememberCode(s, 'C' + i);
    const codes = rememberCode(s, 'C5');
    expect(codes[0]).toBe('C5');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
  });
});

describe('pin map', () => {
  const districts = [
    { code: '81.71.01', name: 'A', center: null, boundary: { type: 'Polygon', coordinates: [[[128.1, -3.7], [128.2, -3.7], [128.2, -3.6], [128.1, -3.6], [128.1, -3.7]]] } },
    { code: '81.71.02', name: 'B', center: { lat: -3.65, lon: 128.3 }, boundary: null },
  ];
  it('frames every boundary and centre with a margin', () => {
    const b = boxOf(districts)!;
    expect(b.minLon).toBeLessThan(128.1);
    expect(b.maxLon).toBeGreaterThan(128.3);
    expect(b.minLat).toBeLessThan(-3.7);
    expect(b.maxLat).toBeGreaterThan(-3.6);
    expect(boxOf([])).toBeNull();
  });
  it('puts a tap back where the point was drawn', () => {
    const b = boxOf(districts)!;
    const h = heightFor(b, 340);
    const q = project(b, 340, h, -3.65, 128.15);
    expect(unproject(b, 340, h, q.x, q.y)).toEqual({ lat: -3.65, lon: 128.15 });
    expect(project(b, 340, h, b.maxLat, b.minLon)).toEqual({ x: 0, y: 0 });
  });
});

describe('texts', () => {
  it('speaks Indonesian first and English on request', () => {
    expect(tx('id', 'send')).toBe('Kirim laporan');
    expect(tx('en', 'send')).toBe('Send report');
    expect(statusText('id', 'in_progress')).toBe('Sedang ditangani');
    expect(stepText('id', { step: 'forwarded', agency: 'Dinas Pemadam Kebakaran' })).toBe('Diteruskan ke Dinas Pemadam Kebakaran');
    expect(stepText('en', { step: 'done' })).toBe('Handled');
    expect(statusText('id', 'unheard_of')).toBe('unheard_of');
  });
});
