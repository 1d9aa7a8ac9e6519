// The public report form (/lapor) and tracking page (/lacak/<code>): the API's shapes
// (GET /api/v1/public/form, POST /api/v1/public/reports, GET /api/v1/track/{code}), the
// pages' texts in Bahasa Indonesia and English (none of the consoles' dictionary, to stay
// small), the checks made before sending, the offline queue, and the pin map's projection.

export type Lang = 'id' | 'en';

export interface PublicCategory {
  code: string;
  name_id: string;
  name_en: string;
  urgency: string;
}
export interface PublicDistrict {
  code: string;
  name: string;
  center: { lat: number; lon: number } | null;
  boundary: { type: string; coordinates: unknown } | null;
}
export interface PublicForm {
  jurisdiction: { code: string; name: string; timezone: string };
  categories: PublicCategory[];
  districts: PublicDistrict[];
  max_photos: number;
  max_photo_bytes: number;
}
export interface PhotoInput {
  content_type: string;
  data: string; // base64
}
export interface ReportDraft {
  category: string;
  description: string;
  location: { lat: number; lon: number } | null;
  address: string;
  name: string;
  phone: string;
  consent: boolean;
  photos: PhotoInput[];
}
export interface Receipt {
  tracking_code: string;
  url: string;
  status: string;
  received_at: string;
}
export interface Tracking {
  tracking_code: string;
  channel: string;
  status: string;
  category: { code: string; name_id: string; name_en: string } | null;
  district: string | null;
  jurisdiction: { name: string; timezone: string };
  received_at: string;
  timeline: { step: string; at: string; agency?: string }[];
  closing_notes: { agency: string; note: string; at: string }[];
  photos: { id: string; content_type: string; url: string }[];
}

const texts = {
  title: ['Lapor ke 112', 'Report to 112'],
  intro: [
    'Untuk keadaan darurat yang mengancam nyawa, telepon 112. Formulir ini untuk laporan yang bisa ditindaklanjuti petugas.',
    'For a life-threatening emergency, call 112. This form is for reports the centre can follow up.',
  ],
  category: ['Jenis kejadian', 'Kind of event'],
  category_none: ['— pilih —', '— choose —'],
  description: ['Apa yang terjadi?', 'What happened?'],
  where: ['Lokasi', 'Location'],
  use_gps: ['Pakai lokasi saya', 'Use my location'],
  gps_wait: ['Mencari lokasi…', 'Finding your location…'],
  gps_failed: ['Lokasi tidak bisa dibaca: pilih titik di peta atau tulis alamat.', 'Location unavailable: pick a point on the map or type an address.'],
  pin_hint: ['Atau ketuk peta untuk menaruh titik.', 'Or tap the map to drop a pin.'],
  point: ['Titik: {p}', 'Point: {p}'],
  clear_point: ['Hapus titik', 'Clear point'],
  address: ['Alamat atau patokan', 'Address or landmark'],
  photos: ['Foto (paling banyak {n})', 'Photos (at most {n})'],
  photo_remove: ['Hapus foto', 'Remove photo'],
  name: ['Nama (boleh kosong)', 'Name (optional)'],
  phone: ['Nomor HP (boleh kosong)', 'Phone (optional)'],
  consent: [
    'Saya setuju nama dan nomor HP saya dipakai petugas 112 hanya untuk menindaklanjuti laporan ini, sesuai UU 27/2022 tentang Pelindungan Data Pribadi. Data ini tidak pernah ditampilkan di halaman lacak.',
    'I agree that the 112 staff use my name and phone only to follow up this report, under Law 27/2022 on Personal Data Protection. They are never shown on the tracking page.',
  ],
  send: ['Kirim laporan', 'Send report'],
  sending: ['Mengirim…', 'Sending…'],
  sent: ['Laporan diterima. Kode lacak Anda:', 'Report received. Your tracking code:'],
  keep_code: ['Simpan kode ini untuk melihat perkembangan laporan.', 'Keep this code to follow your report.'],
  open_track: ['Lihat perkembangan', 'Follow the report'],
  another: ['Buat laporan lain', 'File another report'],
  queued: [
    'Anda sedang offline. Laporan disimpan di HP ini dan dikirim otomatis begitu tersambung.',
    'You are offline. The report is kept on this phone and sent as soon as you are back online.',
  ],
  pending: ['{n} laporan menunggu sinyal', '{n} report(s) waiting for a connection'],
  err_description: ['Tulis apa yang terjadi.', 'Say what happened.'],
  err_where: ['Beri lokasi: pakai lokasi, ketuk peta atau tulis alamat.', 'Give a location: use yours, tap the map or type an address.'],
  err_consent: ['Centang persetujuan untuk mengirim nama atau nomor HP.', 'Tick the consent to send a name or phone.'],
  err_phone: ['Nomor HP tidak dikenali; tulis seperti 0812-3456-7890.', 'Phone not recognised; write it like 0812-3456-7890.'],
  err_photos: ['Paling banyak {n} foto.', 'At most {n} photos.'],
  failed: ['Gagal: {m}', 'Failed: {m}'],
  loading: ['Memuat…', 'Loading…'],
  track_title: ['Lacak laporan', 'Track a report'],
  track_code: ['Kode lacak', 'Tracking code'],
  track_go: ['Lacak', 'Track'],
  track_unknown: ['Kode lacak tidak ditemukan. Periksa lagi kodenya.', 'No report with this tracking code. Check the code.'],
  status: ['Status', 'Status'],
  district: ['Kecamatan', 'District'],
  timeline: ['Perjalanan laporan', 'Timeline'],
  notes: ['Catatan penutup instansi', 'Closing notes of the agencies'],
  st_received: ['Diterima', 'Received'],
  st_verified: ['Diverifikasi', 'Verified'],
  st_in_progress: ['Sedang ditangani', 'Being handled'],
  st_done: ['Selesai', 'Done'],
  st_answered: ['Dijawab', 'Answered'],
  st_closed: ['Ditutup', 'Closed'],
  st_cancelled: ['Dibatalkan', 'Cancelled'],
  step_received: ['Laporan diterima', 'Report received'],
  step_verified: ['Diverifikasi petugas 112', 'Verified by the 112 centre'],
  step_forwarded: ['Diteruskan ke {a}', 'Forwarded to {a}'],
  step_done: ['Selesai ditangani', 'Handled'],
  step_answered: ['Dijawab petugas', 'Answered by the centre'],
  step_closed: ['Ditutup tanpa tindak lanjut', 'Closed without follow-up'],
  step_cancelled: ['Dibatalkan', 'Cancelled'],
  language: ['Bahasa', 'Language'],
} satisfies Record<string, [string, string]>;

export type TextKey = keyof typeof texts;

/** A text in the language, with {name} placeholders filled. */
export function tx(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  const pair = texts[key];
  let s = lang === 'en' ? pair[1] : pair[0];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

/** The status's words. */
export function statusText(lang: Lang, status: string): string {
  const key = ('st_' + status) as TextKey;
  return key in texts ? tx(lang, key) : status;
}

/** One timeline step in words. */
export function stepText(lang: Lang, step: { step: string; agency?: string }): string {
  const key = ('step_' + step.step) as TextKey;
  return key in texts ? tx(lang, key, { a: step.agency ?? '' }) : step.step;
}

/**
 * Whether a phone number as typed looks like an Indonesian mobile or landline the centre can
 * call back (the server has the last word: it normalises to E.164 and refuses short codes).
 */
export function plausiblePhone(text: string): boolean {
  const digits = text.replace(/[\s\-().\/]/g, '');
  if (!/^\+?\d+$/.test(digits)) return false;
  const national = digits.replace(/^\+62|^0062|^62|^0/, '');
  return national.length >= 7 && national.length <= 12;
}

/** The first problem with a draft, as a text key (with its values), or null when it may go. */
export function checkDraft(d: ReportDraft, maxPhotos: number): { key: TextKey; vars?: Record<string, number> } | null {
  if (!d.description.trim()) return { key: 'err_description' };
  if (!d.location && !d.address.trim()) return { key: 'err_where' };
  if (d.phone.trim() && !plausiblePhone(d.phone)) return { key: 'err_phone' };
  if ((d.name.trim() || d.phone.trim()) && !d.consent) return { key: 'err_consent' };
  if (d.photos.length > maxPhotos) return { key: 'err_photos', vars: { n: maxPhotos } };
  return null;
}

/** The POST body of a draft: empty optional fields left out. */
export function reportBody(d: ReportDraft, jurisdiction?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { description: d.description.trim() };
  if (jurisdiction) body.jurisdiction = jurisdiction;
  if (d.category) body.category = d.category;
  if (d.location) body.location = d.location;
  if (d.address.trim()) body.address = d.address.trim();
  if (d.name.trim()) body.name = d.name.trim();
  if (d.phone.trim()) body.phone = d.phone.trim();
  if (d.consent) body.consent = true;
  if (d.photos.length) body.photos = d.photos;
  return body;
}

// ---------- the offline queue ----------

/** The part of localStorage the queue uses, so that tests give a plain object. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
export interface QueuedReport {
  id: string; // the client's own id, to remove it once sent; also the Idempotency-Key of its sends
  body: Record<string, unknown>;
  queued_at: string;
}
const QUEUE_KEY = 'siaga.lapor.queue';

export function loadQueue(store: KeyValue): QueuedReport[] {
  try {
    const parsed = JSON.parse(store.getItem(QUEUE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedReport[]) : [];
  } catch {
    return [];
  }
}

export function enqueue(store: KeyValue, body: Record<string, unknown>, now: Date, id: string): QueuedReport[] {
  const next = [...loadQueue(store), { id, body, queued_at: now.toISOString() }];
  store.setItem(QUEUE_KEY, JSON.stringify(next));
  return next;
}

export function dequeue(store: KeyValue, id: string): QueuedReport[] {
  const next = loadQueue(store).filter((q) => q.id !== id);
  store.setItem(QUEUE_KEY, JSON.stringify(next));
  return next;
}

/**
 * Sends every queued report in order with send; a report the server took (2xx) or refused for
 * good (4xx other than 429) leaves the queue; on a network failure, 429 or 5xx it goes back to
 * the front and the rest waits for the next try. Each report is taken out of the queue before
 * it is sent, so that another page of the same phone flushing at the same moment (both hear
 * "online") never sends it twice. Each send carries the report's id as its Idempotency-Key, so
 * a report whose answer was lost is not filed again when it is sent again.
 * Returns the codes received.
 */
export async function flushQueue(
  store: KeyValue,
  send: (body: Record<string, unknown>, key: string) => Promise<{ status: number; code?: string }>,
): Promise<string[]> {
  const codes: string[] = [];
  for (;;) {
    const [q, ...rest] = loadQueue(store);
    if (!q) break;
    store.setItem(QUEUE_KEY, JSON.stringify(rest));
    const putBack = () => store.setItem(QUEUE_KEY, JSON.stringify([q, ...loadQueue(store)]));
    let res: { status: number; code?: string };
    try {
      res = await send(q.body, q.id);
    } catch {
      putBack();
      break;
    }
    if (res.status === 429 || res.status >= 500) {
      putBack();
      break;
    }
    if (res.code) codes.push(res.code);
  }
  return codes;
}

/** Remembered codes of reports sent from this phone, newest first (at most 10). */
const CODES_KEY = 'siaga.lapor.codes';
export function rememberCode(store: KeyValue, code: string): string[] {
  let all: string[] = [];
  try {
    all = JSON.parse(store.getItem(CODES_KEY) ?? '[]');
  } catch {
    all = [];
  }
  const next = [code, ...all.filter((c) => c !== code)].slice(0, 10);
  store.setItem(CODES_KEY, JSON.stringify(next));
  return next;
}

// ---------- the pin map (inline SVG, no tiles) ----------

export interface Box {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** Every [lon, lat] of a GeoJSON Polygon or MultiPolygon's rings. */
export function ringsOf(boundary: PublicDistrict['boundary']): [number, number][][] {
  if (!boundary) return [];
  if (boundary.type === 'Polygon') return boundary.coordinates as [number, number][][];
  if (boundary.type === 'MultiPolygon') return (boundary.coordinates as [number, number][][][]).flat();
  return [];
}

/** The box around the districts' boundaries and centres, with a margin of 5 %. */
export function boxOf(districts: PublicDistrict[]): Box | null {
  const lats: number[] = [];
  const lons: number[] = [];
  for (const d of districts) {
    for (const ring of ringsOf(d.boundary)) for (const [lon, lat] of ring) lons.push(lon), lats.push(lat);
    if (d.center) lats.push(d.center.lat), lons.push(d.center.lon);
  }
  if (!lats.length) return null;
  let b = { minLat: Math.min(...lats), maxLat: Math.max(...lats), minLon: Math.min(...lons), maxLon: Math.max(...lons) };
  const dLat = Math.max(b.maxLat - b.minLat, 0.01) * 0.05;
  const dLon = Math.max(b.maxLon - b.minLon, 0.01) * 0.05;
  b = { minLat: b.minLat - dLat, maxLat: b.maxLat + dLat, minLon: b.minLon - dLon, maxLon: b.maxLon + dLon };
  return b;
}

/** Equirectangular: a point to x, y in a width × height box (north up). */
export function project(b: Box, width: number, height: number, lat: number, lon: number): { x: number; y: number } {
  return {
    x: ((lon - b.minLon) / (b.maxLon - b.minLon)) * width,
    y: ((b.maxLat - lat) / (b.maxLat - b.minLat)) * height,
  };
}

/** The inverse of project: where a tap at x, y lies, rounded to 6 decimals (about 0.1 m). */
export function unproject(b: Box, width: number, height: number, x: number, y: number): { lat: number; lon: number } {
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    lat: r(b.maxLat - (y / height) * (b.maxLat - b.minLat)),
    lon: r(b.minLon + (x / width) * (b.maxLon - b.minLon)),
  };
}

/** The SVG height that keeps the box's proportions at this width (degrees of longitude shrink by cos(lat)). */
export function heightFor(b: Box, width: number): number {
  const midLat = ((b.minLat + b.maxLat) / 2) * (Math.PI / 180);
  const w = (b.maxLon - b.minLon) * Math.cos(midLat);
  const h = b.maxLat - b.minLat;
  return Math.max(120, Math.min(width * 1.4, Math.round((width * h) / w)));
}
