// Changing an incident after dispatch: a quick note for its timeline, and a correction of its
// summary, description, address, point, district or category. The agencies on it see both at
// once on their consoles and through their notification endpoints.
import { useState } from 'preact/hooks';
import { patch, post } from '../api/client';
import type { Category, GeoPoint, IncidentDetail } from '../api/types';
import { useDirectory, useT } from '../data';
import { districtOf } from '../lib/geo';
import { errorText, SaveCancel, toast } from './common';
import { DistrictSelect } from './form_fields';
import { MapView } from './map';

/** A one-line note with "add" (Enter sends it). */
export function NoteBox(p: { incidentId: string; onAdded: () => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!text.trim()) return;
    setBusy(true);
    try {
      await post(`/incidents/${p.incidentId}/notes`, { text: text.trim() });
      setText('');
      toast(t('note_added'));
      p.onAdded();
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="note-box">
      <input
        class="input"
        value={text}
        placeholder={t('note_ph')}
        aria-label={t('note_add')}
        maxLength={2000}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), void send())}
        data-testid="note-text"
      />
      <button class="btn btn-small" disabled={busy || !text.trim()} onClick={send} data-testid="note-add">
        {t('note_add')}
      </button>
    </div>
  );
}

/** The agencies of a category's run card that have no dispatch on the incident yet. */
export function runCardMissing(cat: Category | undefined, detail: IncidentDetail): string[] {
  if (!cat) return [];
  const on = new Set(detail.dispatches.filter((d) => d.status !== 'cancelled' && d.status !== 'declined').map((d) => d.agency_id));
  return cat.run_card.map((e) => e.agency_id).filter((id) => !on.has(id));
}

/** The correction form; onSaved gets the incident as the server now has it and, after a new
 * category, the agencies of its run card not yet dispatched. */
export function IncidentEdit(p: { detail: IncidentDetail; onClose: () => void; onSaved: (d: IncidentDetail, missing: string[]) => void }) {
  const t = useT();
  const { dir, category } = useDirectory();
  const inc = p.detail;
  const [summary, setSummary] = useState(inc.summary);
  const [description, setDescription] = useState(inc.description);
  const [address, setAddress] = useState(inc.address);
  const [categoryId, setCategoryId] = useState(inc.category_id);
  const [location, setLocation] = useState<GeoPoint | null>(inc.location);
  const [districtId, setDistrictId] = useState<string | null>(inc.district_id);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const pick = (pt: GeoPoint) => {
    setLocation(pt);
    setDistrictId(districtOf(pt, dir.districts)?.id ?? districtId);
  };
  const save = async () => {
    const body: Record<string, unknown> = {};
    if (summary !== inc.summary) body.summary = summary;
    if (description !== inc.description) body.description = description;
    if (address !== inc.address) body.address = address;
    if (categoryId !== inc.category_id) body.category_id = categoryId;
    if (location?.lat !== inc.location?.lat || location?.lon !== inc.location?.lon) body.location = location;
    if (districtId !== inc.district_id) body.district_id = districtId;
    if (!Object.keys(body).length) return p.onClose();
    if (note.trim()) body.note = note.trim();
    setBusy(true);
    try {
      const d = await patch<IncidentDetail>(`/incidents/${inc.id}`, body);
      toast(t('incident_updated', { n: d.number }));
      p.onSaved(d, body.category_id ? runCardMissing(category(d.category_id), d) : []);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="inc-edit" data-testid="incident-edit">
      <label class="field-label">
        {t('category')}
        <select class="input" value={categoryId} onChange={(e) => setCategoryId(e.currentTarget.value)} data-testid="edit-category">
          {dir.categories
            .filter((c) => c.active || c.id === inc.category_id)
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name_id}
              </option>
            ))}
        </select>
      </label>
      <label class="field-label">
        {t('summary')}
        <input class="input" value={summary} maxLength={500} onInput={(e) => setSummary(e.currentTarget.value)} data-testid="edit-summary" />
      </label>
      <label class="field-label">
        {t('field_address')}
        <input class="input" value={address} maxLength={500} onInput={(e) => setAddress(e.currentTarget.value)} data-testid="edit-address" />
      </label>
      <label class="field-label">
        {t('district')}
        <DistrictSelect value={districtId} onChange={setDistrictId} testid="edit-district" />
      </label>
      <div class="muted small">{location ? `${location.lat.toFixed(5)}, ${location.lon.toFixed(5)}` : t('map_click_hint')}</div>
      <MapView className="map-small" districts={dir.districts} markers={location ? [{ id: 'edit', at: location, color: '#1f6feb', title: address, draft: true }] : []} onPick={pick} focus={location} />
      <label class="field-label">
        {t('description')}
        <textarea class="input" rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} data-testid="edit-description" />
      </label>
      <label class="field-label">
        {t('update_note')}
        <input class="input" value={note} maxLength={2000} onInput={(e) => setNote(e.currentTarget.value)} data-testid="edit-note" />
      </label>
      <SaveCancel disabled={busy || !summary.trim()} onSave={save} onCancel={p.onClose} testid="edit-save" />
    </div>
  );
}
