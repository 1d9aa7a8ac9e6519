// The parts of the call taker's incident form. Each part renders one numbered field of the
// draft and sends draft actions (lib/draft.ts); the view state that belongs to one field (a
// search being typed, a masked number being revealed) lives in that field.
import type { Ref } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Category, Channel, GazetteerPlace, GeoPoint, RevealedContact } from '../api/types';
import { langStore, useDirectory, useT } from '../data';
import type { Fix } from '../lib/calls_live';
import { agencyChips, type Draft, type DraftAction } from '../lib/draft';
import type { Suggestion } from '../lib/duplicates';
import { fold, fromGazetteer, mergePlaces, searchPlaces, type Place } from '../lib/gazetteer';
import { enumName, enumValues } from '../lib/i18n';
import { maskName, maskPhone } from '../lib/mask';
import { useStore } from '../lib/store';
import { formatDuration } from '../lib/time';
import { EnumSelect, errorText, IncidentPill, Modal, SaveCancel, toast, UrgencyTag } from './common';
import { MapView, type MapMarker } from './map';

type Send = (a: DraftAction) => void;

const URGENCY_RANK: Record<string, number> = { emergency: 0, urgent: 1, complaint: 2, information: 3 };

/** Active categories, emergencies first; filtered by the start of any word of a name or code. */
export function matchCategories(categories: Category[], query: string): Category[] {
  const q = fold(query);
  const active = categories
    .filter((c) => c.active)
    .sort((a, b) => (URGENCY_RANK[a.urgency] ?? 9) - (URGENCY_RANK[b.urgency] ?? 9) || a.name_id.localeCompare(b.name_id));
  if (!q) return active;
  return active.filter((c) => fold(`${c.name_id} ${c.name_en} ${c.code}`).split(' ').some((w) => w.startsWith(q)) || fold(c.name_id).includes(q));
}

/** 1 · the category: a search with a grid of buttons, or the chosen one with "edit". */
export function CategoryField(p: { draft: Draft; send: Send; inputRef: Ref<HTMLInputElement>; onChosen: () => void; onEdit: () => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const { dir, category, categoryName } = useDirectory();
  const [query, setQuery] = useState('');
  const cat = category(p.draft.category_id);
  const matches = useMemo(() => matchCategories(dir.categories, query), [query, dir.categories]);
  const choose = (c: Category) => {
    p.send({ type: 'choose_category', category: c });
    setQuery('');
    p.onChosen();
  };
  return (
    <div class="field">
      <label class="field-label">
        1 · {t('category')} <kbd>/</kbd>
      </label>
      {cat ? (
        <div class="cat-chosen">
          <UrgencyTag urgency={cat.urgency} />
          <strong data-testid="chosen-category">{categoryName(cat.id)}</strong>
          <button class="btn-link" onClick={p.onEdit}>
            {t('edit')}
          </button>
        </div>
      ) : (
        <>
          <input
            ref={p.inputRef}
            class="input"
            placeholder={t('category_filter')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && matches[0]) {
                e.preventDefault();
                choose(matches[0]);
              }
            }}
            data-testid="category-search"
          />
          <div class="cat-grid">
            {matches.map((c) => (
              <button key={c.id} class={`cat-btn urg-edge-${c.urgency}`} onClick={() => choose(c)} data-testid={'cat-' + c.code}>
                {lang === 'en' && c.name_en ? c.name_en : c.name_id}
              </button>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/** The agencies to dispatch: the run card's chips (with their role) and any agency added. */
export function AgencyField(p: { draft: Draft; send: Send }) {
  const t = useT();
  const { dir, category } = useDirectory();
  const cat = category(p.draft.category_id);
  if (!cat) return null;
  const others = dir.agencies.filter((a) => a.active && !p.draft.agency_ids.includes(a.id));
  return (
    <div class="field">
      <label class="field-label">
        {t('agencies')} <small>· {t('run_card_hint')}</small>
      </label>
      <div class="agency-chips" data-testid="agency-chips">
        {agencyChips(p.draft, cat).map((id) => {
          const a = dir.agencies.find((x) => x.id === id);
          if (!a) return null;
          const on = p.draft.agency_ids.includes(id);
          const role = cat.run_card.find((e) => e.agency_id === id)?.role;
          return (
            <label key={id} class={'chip' + (on ? ' on' : '')} title={a.name}>
              <input type="checkbox" checked={on} onChange={() => p.send({ type: 'toggle_agency', agency_id: id })} data-testid={'agency-' + a.code} />
              {a.code}
              {role && <small>{t(role === 'primary' ? 'primary' : 'supporting')}</small>}
            </label>
          );
        })}
        <select
          class="input input-small"
          value=""
          aria-label={t('add')}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v) p.send({ type: 'add_agency', agency_id: v });
            e.currentTarget.value = '';
          }}
          data-testid="agency-add"
        >
          <option value="">+ {t('add')}…</option>
          {others.map((a) => (
            <option key={a.id} value={a.id}>
              {a.code} — {a.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** 2 · the location: an address with place search, the district, the phone's fix and the map. */
export function LocationField(p: {
  draft: Draft;
  send: Send;
  inputRef: Ref<HTMLInputElement>;
  places: Place[];
  fixes: Fix[];
  markers: MapMarker[];
}) {
  const t = useT();
  const { dir } = useDirectory();
  const [query, setQuery] = useState<string | null>(null);
  const [remote, setRemote] = useState<Place[]>([]);
  // The list closes a moment after the field loses focus (so a click on it still lands); coming
  // back before then keeps it, or what is typed next would lose its list to the old timer.
  const blurTimer = useRef<ReturnType<typeof setTimeout>>();
  const d = p.draft;
  // The server's gazetteer, asked a moment after the typing pauses; a late answer to an older
  // query is dropped.
  useEffect(() => {
    const q = query?.trim() ?? '';
    if (q.length < 2 || !dir.routes.has('/api/v1/places')) {
      setRemote([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      get<{ items: GazetteerPlace[] }>(`/places?q=${encodeURIComponent(q)}&limit=8`)
        .then((r) => live && setRemote(fromGazetteer(r.items)))
        .catch(() => live && setRemote([]));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);
  const matches = query ? mergePlaces(searchPlaces(query, p.places), remote) : [];
  const locate = (location: GeoPoint, address?: string, district_id?: string | null) =>
    p.send({ type: 'set_location', location, districts: dir.districts, address, district_id });
  const choose = (pl: Place) => {
    // A district or a bare point only moves the pin; a named place is also the address.
    locate(pl.location, pl.kind === 'district' || pl.kind === 'point' ? undefined : pl.label, pl.district_id);
    setQuery(null);
  };
  const fix = p.fixes[0];
  return (
    <div class="field">
      <label class="field-label">
        2 · {t('location')} <kbd>Alt+L</kbd>
      </label>
      <div class="combo">
        <input
          ref={p.inputRef}
          class="input"
          placeholder={t('address_ph')}
          aria-label={t('location')}
          value={query ?? d.address}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            p.send({ type: 'edit', patch: { address: e.currentTarget.value } });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches[0]) {
              e.preventDefault();
              choose(matches[0]);
            } else if (e.key === 'Escape') setQuery(null);
          }}
          onFocus={() => clearTimeout(blurTimer.current)}
          onBlur={() => {
            blurTimer.current = setTimeout(() => setQuery(null), 150);
          }}
          data-testid="address"
        />
        {matches.length > 0 && (
          <ul class="combo-list" data-testid="place-list">
            {matches.map((pl, i) => (
              <li key={i}>
                <button onMouseDown={(e) => (e.preventDefault(), choose(pl))}>
                  <span class={'place-kind place-' + pl.kind} />
                  {pl.label}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="loc-row">
        <label class="inline">
          {t('district')}
<DistrictSelect class="input input-small" value={d.district_id} onChange={(district_id) => p.send({ type: 'edit', patch: { district_id } })} testid="district" />
        </label>
        <span class="muted small">
          {d.location ? `${d.location.lat.toFixed(5)}, ${d.location.lon.toFixed(5)} · ${t('district_auto')}` : t('map_click_hint')}
        </span>
        {fix && (
          <button class="btn btn-small" onClick={() => locate({ lat: fix.lat, lon: fix.lon })} data-testid="use-fix">
            {t('use_fix')} (±{fix.radius_m === null ? '?' : Math.round(fix.radius_m)} m)
          </button>
        )}
      </div>
      <MapView
        className="map-form"
        districts={dir.districts}
        markers={p.markers}
        onPick={(pt) => locate(pt)}
        focus={d.location ?? (fix ? { lat: fix.lat, lon: fix.lon } : null)}
      />
    </div>
  );
}

/** A select of the jurisdiction's districts, with "—" for none. */
export function DistrictSelect(p: { value: string | null; onChange: (id: string | null) => void; class?: string; testid?: string }) {
  const { dir } = useDirectory();
  return (
    <select class={p.class ?? 'input'} value={p.value ?? ''} onChange={(e) => p.onChange(e.currentTarget.value || null)} data-testid={p.testid}>
      <option value="">—</option>
      {dir.districts.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name}
        </option>
      ))}
    </select>
  );
}

/** Open incidents that may be the same event, each with "link" (the first one on Alt+T). */
export function DuplicatesBox(p: { suggestions: Suggestion[]; busy: boolean; onLink: (s: Suggestion) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  return (
    <div class={'dupes' + (p.suggestions.length ? ' has' : '')} data-testid="duplicates">
      <div class="field-label">
        {t('duplicates')} <small>· {t('duplicates_hint')}</small>
      </div>
      {!p.suggestions.length && <div class="muted small">{t('none')}</div>}
      {p.suggestions.map((s, i) => (
        <div class="dupe" key={s.incident.id} data-testid="duplicate">
          <div>
            <span class="mono">{s.incident.number}</span> <IncidentPill status={s.incident.status} />
            <div class="small">{s.incident.summary}</div>
            <div class="muted small">
              {s.distance_m !== null ? `${Math.round(s.distance_m)} m · ` : ''}
              {formatDuration(s.age_ms, lang)}
            </div>
          </div>
          <button class="btn btn-small" disabled={p.busy} onClick={() => p.onLink(s)} title={i === 0 ? 'Alt+T' : ''} data-testid="link-duplicate">
            {t('link')}
          </button>
        </div>
      ))}
    </div>
  );
}

/** 3 · the reporter: phone and name masked on screen unless revealed or being typed; locked
 * for a saved report. A queued report's contact is not in the form until "Tampilkan nomor" asks
 * the audited reveal (POST /reports/{id}/contact, an event the supervisor sees); until then the
 * server's masked number shows. */
export function ReporterField(p: { draft: Draft; send: Send; phoneRef: Ref<HTMLInputElement> }) {
  const t = useT();
  const [revealed, setRevealed] = useState(false);
  const [focus, setFocus] = useState<'phone' | 'name' | null>(null);
  const d = p.draft;
  const locked = !!d.report;
  // A loaded report whose contact the form does not hold yet: the server's masked view.
  const serverMasked = locked && !d.reporter_phone && !d.reporter_name ? d.report!.reporter : null;
  const phoneShown = serverMasked ? (serverMasked.phone ?? '') : revealed || focus === 'phone' ? d.reporter_phone : maskPhone(d.reporter_phone);
  const nameShown = serverMasked ? '' : revealed || focus === 'name' ? d.reporter_name : maskName(d.reporter_name);
  const reveal = async () => {
    try {
      const contact = await post<RevealedContact>(`/reports/${d.report!.id}/contact`);
      p.send({ type: 'contact_revealed', contact });
      setRevealed(true);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <div class="field">
      <label class="field-label">
        3 · {t('reporter')} <kbd>Alt+P</kbd>
        {serverMasked
          ? serverMasked.can_reveal && (
              <button class="btn-link" title={t('reveal_recorded')} onClick={() => void reveal()} data-testid="reveal-reporter">
                {t('reveal_number')}
              </button>
            )
          : (d.reporter_phone || d.reporter_name) && (
              <button class="btn-link" onClick={() => setRevealed(!revealed)} data-testid="reveal-reporter">
                {revealed ? t('hide') : t('show')}
              </button>
            )}
      </label>
      <div class="row2">
        <input
          ref={p.phoneRef}
          class="input mono"
          placeholder={t('reporter_phone')}
          aria-label={t('reporter_phone')}
          value={phoneShown}
          readOnly={locked}
          onFocus={() => !locked && setFocus('phone')}
          onBlur={() => setFocus(null)}
          onInput={(e) => p.send({ type: 'edit', patch: { reporter_phone: e.currentTarget.value } })}
          data-testid="reporter-phone"
        />
        <input
          class="input"
          placeholder={t('reporter_name')}
          aria-label={t('reporter_name')}
          value={nameShown}
          readOnly={locked}
          onFocus={() => !locked && setFocus('name')}
          onBlur={() => setFocus(null)}
          onInput={(e) => p.send({ type: 'edit', patch: { reporter_name: e.currentTarget.value } })}
          data-testid="reporter-name"
        />
      </div>
      <div class="row2">
        <label class="inline">
          {t('channel')}
          <EnumSelect kind="channel" class="input input-small" value={d.channel} disabled={locked} onChange={(channel: Channel) => p.send({ type: 'edit', patch: { channel } })} />
        </label>
        <label class="check">
          <input type="checkbox" checked={d.share_contact} onChange={(e) => p.send({ type: 'edit', patch: { share_contact: e.currentTarget.checked } })} data-testid="share-contact" />
          {t('share_contact')}
        </label>
      </div>
    </div>
  );
}

/** 4 · the description and the summary (the automatic one shown as its placeholder). */
export function DescriptionField(p: { draft: Draft; send: Send; inputRef: Ref<HTMLTextAreaElement>; autoSummary: string }) {
  const t = useT();
  return (
    <div class="field">
      <label class="field-label">
        4 · {t('description')} <kbd>Alt+U</kbd>
      </label>
      <textarea
        ref={p.inputRef}
        class="input"
        rows={3}
        aria-label={t('description')}
        value={p.draft.description}
        onInput={(e) => p.send({ type: 'edit', patch: { description: e.currentTarget.value } })}
        data-testid="description"
      />
      <input
        class="input"
        placeholder={`${t('summary')} — ${p.autoSummary || t('summary_ph')}`}
        aria-label={t('summary')}
        value={p.draft.summary}
        onInput={(e) => p.send({ type: 'edit', patch: { summary: e.currentTarget.value } })}
        data-testid="summary"
      />
    </div>
  );
}

/** The chosen category's standard questions, ticked as they are asked. */
export function SopField(p: { draft: Draft; send: Send }) {
  const t = useT();
  const { category, categoryName } = useDirectory();
  const cat = category(p.draft.category_id);
  if (!cat || !cat.sop.length) return null;
  return (
    <div class="field sop" data-testid="sop">
      <label class="field-label">
        {t('sop')} · {categoryName(cat.id)}{' '}
        <small>
          {p.draft.sop_done.length}/{cat.sop.length}
        </small>
      </label>
      {cat.sop.map((line, i) => (
        <label class="check sop-line" key={i}>
          <input type="checkbox" checked={p.draft.sop_done.includes(i)} onChange={() => p.send({ type: 'toggle_sop', index: i })} />
          {line}
        </label>
      ))}
    </div>
  );
}

/** Reject a report (with a reason) or answer it as information (with the answer). */
export function ResolveModal(p: { mode: 'reject' | 'answer'; onClose: () => void; onDone: (body: Record<string, unknown>) => Promise<void> }) {
  const t = useT();
  const lang = useStore(langStore);
  const [reason, setReason] = useState('prank');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await p.onDone(p.mode === 'reject' ? { reason, note } : { note });
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={p.mode === 'reject' ? t('reject') : t('answer_info')} onClose={p.onClose}>
      {p.mode === 'reject' && (
        <div class="reason-grid">
          {enumValues('reject_reason').map((r) => (
            <label key={r} class={'chip' + (reason === r ? ' on' : '')}>
              <input type="radio" name="reason" checked={reason === r} onChange={() => setReason(r)} />
              {enumName(lang, 'reject_reason', r)}
            </label>
          ))}
        </div>
      )}
      <label class="field-label">{p.mode === 'reject' ? t('note') : t('answer_note')}</label>
      <textarea class="input" rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <SaveCancel disabled={busy || (p.mode === 'answer' && !note.trim())} onSave={go} onCancel={p.onClose} />
    </Modal>
  );
}
