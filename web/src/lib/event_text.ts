// The line of detail a timeline shows under an event's name: a note's text, the fields an
// update changed (and why), how a dispatch was acknowledged, a status it moved to, what a
// restatement (privacy.restated) says again.
import type { SiagaEvent } from '../api/types';
import { enumName, translate, type Lang } from './i18n';

const FIELD_KEYS = {
  category_id: 'category',
  summary: 'summary',
  description: 'description',
  location: 'location',
  address: 'field_address',
  district_id: 'district',
  urgency: 'urgency',
} as const;

/** The detail of an event in the console's language; "" when its name says it all. */
export function eventDetail(e: SiagaEvent, lang: Lang): string {
  const p = e.payload ?? {};
  switch (e.kind) {
    case 'incident.note_added':
    case 'report.handover_updated':
      return typeof p.text === 'string' ? p.text : '';
    case 'incident.updated': {
      const changes = p.changes && typeof p.changes === 'object' ? Object.keys(p.changes) : [];
      const fields = changes.map((f) => (f in FIELD_KEYS ? translate(lang, FIELD_KEYS[f as keyof typeof FIELD_KEYS]) : f)).join(', ');
      return typeof p.note === 'string' && p.note ? `${fields} — ${p.note}` : fields;
    }
    case 'incident.status_changed':
      return typeof p.to === 'string' ? '→ ' + enumName(lang, 'incident_status', p.to) : '';
    case 'dispatch.acknowledged':
      return p.via === 'phone' ? translate(lang, 'via_phone') : p.via === 'delivery_receipt' ? translate(lang, 'via_delivery_receipt') : '';
    case 'privacy.restated': {
      // An event erased because its text wrote a person's number, said again with the mask:
      // the erased event's name and its text.
      const named = p.restates && typeof p.restates === 'object' ? (p.restates as Record<string, unknown>) : {};
      const kind = typeof named.kind === 'string' ? named.kind : '';
      const inner = p.payload && typeof p.payload === 'object' ? (p.payload as Record<string, unknown>) : {};
      const text = [eventDetail({ ...e, kind, payload: inner }, lang), inner.summary, inner.note, inner.reason].find(
        (t): t is string => typeof t === 'string' && t !== '',
      );
      const name = enumName(lang, 'event_kind', kind);
      return text ? `${name}: ${text}` : name;
    }
    default:
      return '';
  }
}
