// The agency console (tablet first: large targets): the agency's own dispatches arriving live
// with a sound and a visual alert, the details with the place on a map and the reporter's
// number masked, revealed with "Tampilkan nomor" (an audited event) only when the dispatch shares
// it, and one tap per step; photos of the scene with the completion or
// at any time while the dispatch is active.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, post, upload } from '../api/client';
import type { Dispatch, IncidentDetail, Me, Media, RevealedContact } from '../api/types';
import { arrivalsStore, dirStore, langStore, liveStore, nowStore, playAlert, recentStore, soundStore, useDirectory, useT } from '../data';
import { needsText, nextActions, primaryAction, type DispatchAction } from '../lib/actions';
import { enumName, translate, type Key, type Lang } from '../lib/i18n';
import { agencyDispatches, isActiveDispatch, slaLookup, withDispatches, withIncidentDetail } from '../lib/live';
import { dispatchClock } from '../lib/sla';
import { SlaBadge } from './sla_badge';
import { useStore } from '../lib/store';
import { MAX_PHOTO_BYTES, preparePhoto } from '../lib/photo';
import { formatDuration } from '../lib/time';
import { Age, DispatchPill, Empty, errorText, Modal, PhotoStrip, toast, UrgencyTag, When, STATUS_COLOR } from './common';
import { MapView } from './map';
import { eventDetail } from '../lib/event_text';

const ACTION_KEY: Record<DispatchAction, Key> = {
  acknowledge: 'act_acknowledge',
  en_route: 'act_en_route',
  on_scene: 'act_on_scene',
  complete: 'act_complete',
  decline: 'act_decline',
};

export function AgencyConsole(p: { me: Me; dispatchId: string | null }) {
  const t = useT();
  const live = useStore(liveStore);
  const arrivals = useStore(arrivalsStore);
  const sound = useStore(soundStore);
  const agencyId = p.me.agency_id ?? '';
  const list = useMemo(() => agencyDispatches(live, agencyId), [live, agencyId]);
  const active = list.filter(isActiveDispatch);
  const done = list.filter((d) => !isActiveDispatch(d)).slice(0, 30);
  const { categoryName } = useDirectory();
  const newest = arrivals.length ? live.dispatches.get(arrivals[arrivals.length - 1]!) : undefined;
  const newestInc = newest ? live.incidents.get(newest.incident_id) : undefined;

  // Opening an arrival clears its alert.
  useEffect(() => {
    if (p.dispatchId && arrivals.includes(p.dispatchId)) arrivalsStore.set(arrivals.filter((x) => x !== p.dispatchId));
  }, [p.dispatchId, arrivals.join()]);

  return (
    <div class={'ag-grid' + (p.dispatchId ? ' ag-has-detail' : '')}>
      {newest && (
        <a class="ag-alert" href={'#/agency/' + newest.id} data-testid="arrival-alert">
          <span class="ag-alert-tag">{t('new_dispatch_alert')}</span>
          <span class="mono">{newestInc?.number}</span>
          <strong>{newestInc ? categoryName(newestInc.category_id) : ''}</strong>
          <span>{newestInc?.address}</span>
          {arrivals.length > 1 && <span class="count">+{arrivals.length - 1}</span>}
        </a>
      )}
      <section class="panel ag-list" data-testid="agency-list">
        <header class="panel-head">
          <h2>{t('my_dispatches', { a: p.me.agency?.code ?? '' })}</h2>
          <span class="spacer" />
          <button class="btn btn-ghost btn-small" onClick={() => (soundStore.set(!sound), !sound && playAlert())}>
            <span class={'sound-dot' + (sound ? ' on' : '')} /> {sound ? t('sound_on') : t('sound_off')}
          </button>
        </header>
        <div class="panel-body">
          <h3 class="ag-sec">
            {t('active_list')} <span class="count">{active.length}</span>
          </h3>
          {!active.length && <Empty>{t('no_dispatches')}</Empty>}
          {active.map((d) => (
            <DispatchCard key={d.id} d={d} selected={d.id === p.dispatchId} fresh={arrivals.includes(d.id)} />
          ))}
          <h3 class="ag-sec">{t('done_list')}</h3>
          {done.map((d) => (
            <DispatchCard key={d.id} d={d} selected={d.id === p.dispatchId} fresh={false} />
          ))}
        </div>
      </section>
      <section class="panel ag-detail">
        {p.dispatchId ? <DispatchDetail key={p.dispatchId} id={p.dispatchId} /> : <Empty>{t('choose_dispatch')}</Empty>}
      </section>
    </div>
  );
}

function DispatchCard(p: { d: Dispatch; selected: boolean; fresh: boolean }) {
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const dir = useStore(dirStore);
  const { categoryName } = useDirectory();
  const inc = live.incidents.get(p.d.incident_id);
  const sla = inc ? slaLookup(dir.categories)(inc.category_id) : undefined;
  const clock = dispatchClock(p.d, sla, now);
  return (
    <a
      href={'#/agency/' + p.d.id}
      class={'ag-card' + (p.selected ? ' on' : '') + (p.fresh ? ' fresh' : '') + (clock.overdue ? ' late' : '')}
      data-testid="agency-dispatch"
      data-dispatch={p.d.id}
      data-status={p.d.status}
      data-number={inc?.number}
    >
      <div class="ag-card-head">
        <span class="mono">{inc?.number ?? '…'}</span>
        {inc && <UrgencyTag urgency={inc.urgency} short />}
        <span class="spacer" />
        <SlaBadge clock={clock} short />
        <DispatchPill status={p.d.status} />
      </div>
      <div class="ag-card-title">{inc ? categoryName(inc.category_id) : ''}</div>
      <div class="ag-card-addr">{inc?.address || inc?.summary}</div>
      <div class="ag-card-foot">
        <When at={p.d.notified_at} /> · <Age since={p.d.notified_at} />
      </div>
    </a>
  );
}

function DispatchDetail(p: { id: string }) {
  const t = useT();
  const lang = useStore(langStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const { dir, categoryName, district } = useDirectory();
  const [error, setError] = useState<string | null>(null);
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<DispatchAction | null>(null);
  const [photoAsk, setPhotoAsk] = useState(false);
  const [photo, setPhoto] = useState<File | null>(null);
  const [photoState, setPhotoState] = useState<PhotoState>({ step: 'idle' });
  // The reporter's contact once revealed (POST /reports/{id}/contact, recorded for the supervisor).
  const [contact, setContact] = useState<RevealedContact | null>(null);
  const fromLive = live.dispatches.get(p.id);
  // A correction or a note changes no dispatch: the incident's newest event says when to read again.
  const eventStamp = useStore(recentStore).find((e) => e.incident_id === fromLive?.incident_id)?.seq ?? 0;

  // The dispatch itself is read from the API, so that another agency's dispatch is refused by
  // the server (404/403) and never shown.
  useEffect(() => setContact(null), [p.id]);
  useEffect(() => {
    setError(null);
    get<Dispatch>(`/dispatches/${p.id}`)
      .then((d) => {
        liveStore.set(withDispatches(liveStore.get(), [d]));
        return get<IncidentDetail>(`/incidents/${d.incident_id}`);
      })
      .then((inc) => {
        setDetail(inc);
        liveStore.set(withIncidentDetail(liveStore.get(), inc));
      })
      .catch((e) => setError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? t('dispatch_not_found') : errorText(e)));
  }, [p.id, fromLive?.updated_at, eventStamp]);

  if (error) {
    return (
      <div class="page-msg" data-testid="dispatch-error">
        {error}
      </div>
    );
  }
  const d = fromLive;
  if (!d || !detail) return <div class="page-msg">{t('loading')}</div>;
  const lastUpdate = [...detail.events].reverse().find((e) => e.kind === 'incident.updated');
  const inc = live.incidents.get(d.incident_id) ?? detail;
  const sla = slaLookup(dir.categories)(inc.category_id);
  const clock = dispatchClock(d, sla, now);
  const actions = nextActions(d.status);
  const primary = primaryAction(d.status);
  // Every view masks the reporter; the one this agency may reveal (its dispatch shares the
  // contact) gets the button.
  const revealable = detail.reports.find((r) => r.reporter.can_reveal);
  const masked = revealable ?? detail.reports.find((r) => r.reporter.phone);
  const reveal = async () => {
    if (!revealable) return;
    try {
      setContact(await post<RevealedContact>(`/reports/${revealable.id}/contact`));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  // Uploads the chosen photo; true when it is on the server (or none was chosen).
  const sendChosenPhoto = async () => {
    if (!photo) return true;
    const m = await sendPhoto(lang, d.id, photo, setPhotoState);
    if (!m) return false;
    setPhoto(null);
    setDetail((cur) => cur && { ...cur, media: [...(cur.media ?? []), m] });
    return true;
  };

  const choosePhoto = (f: File | null) => {
    setPhoto(f);
    setPhotoState({ step: 'idle' });
  };

  const closeStep = () => {
    setAsk(null);
    setPhotoAsk(false);
    choosePhoto(null);
  };

  const run = async (a: DispatchAction, text?: string, publicNote?: string) => {
    setBusy(true);
    try {
      // The photo goes first, so that the completion finds it attached; if it fails the
      // dialog stays open with the reason, and nothing is completed.
      if (a === 'complete' && !(await sendChosenPhoto())) return;
      const body =
        needsText(a) === 'note'
          ? { note: text ?? '', ...(publicNote ? { public_note: publicNote } : {}) }
          : needsText(a) === 'reason'
            ? { reason: text ?? '' }
            : {};
      const res = await post<Dispatch>(`/dispatches/${d.id}/${a}`, body);
      liveStore.set(withDispatches(liveStore.get(), [res]));
      arrivalsStore.update((ids) => ids.filter((x) => x !== d.id));
      toast(`${inc.number}: ${enumName(lang, 'dispatch_status', res.status)}`);
      closeStep();
    } catch (e) {
      // Named by its step: "Terima TIDAK terkirim: …" leaves no doubt which tap did not count.
      toast(errorText(e, ACTION_KEY[a]), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="ag-detail-inner" data-testid="dispatch-detail" data-status={d.status}>
      <div class="ag-d-head">
        <a class="btn btn-ghost ag-back" href="#/agency">
          ← {t('back_to_list')}
        </a>
        <span class="mono big">{inc.number}</span>
        <UrgencyTag urgency={inc.urgency} />
        <DispatchPill status={d.status} />
        <span class="spacer" />
        <SlaBadge clock={clock} />
        <span class={clock.overdue ? 'late-text' : 'muted'}>
          <Age since={d.notified_at} />
        </span>
      </div>
      <h2 class="ag-d-title">{categoryName(inc.category_id)}</h2>
      <div class="ag-d-body">
        <div class="ag-d-info">
          <div class="ag-addr">{inc.address || '—'}</div>
          <div class="muted">
            {t('district')}: {district(inc.district_id)?.name ?? '—'}
          </div>
          <p class="ag-desc">{inc.description || inc.summary}</p>
          <div class="ag-contact" data-testid="reporter-contact">
            <span class="field-label">{t('reporter')}</span>
            {contact ? (
              <a class="ag-phone" href={contact.phone ? 'tel:' + contact.phone : undefined} data-testid="revealed-contact">
                {contact.name ?? ''} <span class="mono">{contact.phone ?? ''}</span>
              </a>
            ) : revealable ? (
              <span>
                <span class="mono">{revealable.reporter.phone ?? ''}</span>{' '}
                <button class="btn btn-small" title={t('reveal_recorded')} onClick={() => void reveal()} data-testid="reveal-number">
                  {t('reveal_number')}
                </button>
              </span>
            ) : (
              <span class="muted">
                {t('contact_hidden')}
                {masked ? <span class="mono"> · {masked.reporter.phone}</span> : null}
              </span>
            )}
          </div>
          {d.note && <div class="note">“{d.note}”</div>}
          {d.public_note && (
            <div class="note" data-testid="public-note">
              {t('public_note')}: “{d.public_note}”
            </div>
          )}
          {d.decline_reason && <div class="note note-warn">“{d.decline_reason}”</div>}
          <PhotoStrip media={(detail.media ?? []).filter((m) => m.dispatch_id === d.id)} />
          {lastUpdate && (
            <div class="note note-warn" data-testid="incident-updated" role="status">
              <strong>{t('updated_badge')}</strong> <When at={lastUpdate.at} /> · {eventDetail(lastUpdate, lang)}
            </div>
          )}
          <ol class="timeline compact" data-testid="agency-timeline">
            {detail.events
              .filter((e) => e.subject === 'dispatch' || ['incident.created', 'incident.updated', 'incident.note_added'].includes(e.kind))
              .map((e) => (
                <li key={e.seq}>
                  <time>
                    <When at={e.at} />
                  </time>
                  <span>
                    {enumName(lang, 'event_kind', e.kind)}
                    {eventDetail(e, lang) && <span class="muted ev-detail"> · {eventDetail(e, lang)}</span>}
                  </span>
                </li>
              ))}
          </ol>
        </div>
        {inc.location && (
          <div class="ag-nav" data-testid="directions">
            <a class="btn btn-small" href={`geo:${inc.location.lat},${inc.location.lon}?q=${inc.location.lat},${inc.location.lon}`} data-testid="nav-geo">
              🧭 {t('directions')}
            </a>
            <a
              class="btn btn-small"
              href={`https://www.openstreetmap.org/directions?route=%3B${inc.location.lat}%2C${inc.location.lon}#map=17/${inc.location.lat}/${inc.location.lon}`}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="nav-osm"
            >
              OpenStreetMap
            </a>
            <a
              class="btn btn-small"
              href={`https://www.google.com/maps/dir/?api=1&destination=${inc.location.lat},${inc.location.lon}`}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="nav-google"
            >
              Google Maps
            </a>
          </div>
        )}
        {inc.location && (
          <MapView
            className="map-agency"
            districts={dir.districts}
            markers={[{ id: inc.id, at: inc.location, color: STATUS_COLOR[inc.status] ?? '#c62828', title: inc.address, emphasis: true }]}
            focus={inc.location}
          />
        )}
      </div>
      {actions.length > 0 && (
        <div class="ag-actions">
          {actions.map((a) => (
            <button
              key={a}
              class={'btn btn-touch ' + (a === primary ? 'btn-primary' : a === 'decline' ? 'btn-danger-ghost' : '')}
              disabled={busy}
              onClick={() => (needsText(a) ? setAsk(a) : run(a))}
              data-testid={'act-' + a}
            >
              {t(ACTION_KEY[a])}
            </button>
          ))}
          {isActiveDispatch(d) && (
            <button class="btn btn-touch btn-ghost" disabled={busy} onClick={() => setPhotoAsk(true)} data-testid="act-photo">
              {t('photo_add')}
            </button>
          )}
        </div>
      )}
      {!actions.length && d.status === 'completed' && (
        <div class="ag-done">
          ✓ {enumName(lang, 'dispatch_status', d.status)} · {formatDuration(now - Date.parse(d.completed_at ?? ''), lang)}
        </div>
      )}
      {ask && (
        <TextStep
          action={ask}
          busy={busy}
          onClose={closeStep}
          onDone={(text, publicNote) => run(ask, text, publicNote)}
          photo={ask === 'complete' ? { file: photo, state: photoState, onFile: choosePhoto } : null}
        />
      )}
      {photoAsk && (
        <Modal title={t('photo_add')} onClose={closeStep}>
          <PhotoField file={photo} state={photoState} onFile={choosePhoto} disabled={busy} label="photo" />
          <div class="modal-actions">
            <button
              class="btn btn-touch btn-primary"
              disabled={busy || !photo}
              onClick={async () => {
                setBusy(true);
                const sent = await sendChosenPhoto();
                setBusy(false);
                if (sent) {
                  toast(`${inc.number}: ${t('photo_sent')}`);
                  closeStep();
                }
              }}
              data-testid="photo-send"
            >
              {t('photo_send')}
            </button>
            <button class="btn btn-touch btn-ghost" onClick={closeStep}>
              {t('cancel')}
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

/**
 * Completion (note, an optional note for the public that the reporter reads on the tracking
 * page, and a photo if one is taken) or decline (reason): large buttons.
 */
function TextStep(p: {
  action: DispatchAction;
  busy: boolean;
  onClose: () => void;
  onDone: (text: string, publicNote: string) => void;
  photo: { file: File | null; state: PhotoState; onFile: (f: File | null) => void } | null;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [publicNote, setPublicNote] = useState('');
  const decline = p.action === 'decline';
  return (
    <Modal title={t(ACTION_KEY[p.action])} onClose={p.onClose}>
      <textarea
        class="input input-touch"
        rows={4}
        placeholder={t(decline ? 'decline_reason_ph' : 'complete_note_ph')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        data-testid="step-text"
      />
      {p.action === 'complete' && (
        <label class="field">
          <span>{t('public_note')}</span>
          <textarea
            class="input input-touch"
            rows={2}
            maxLength={2000}
            placeholder={t('public_note_ph')}
            value={publicNote}
            onInput={(e) => setPublicNote(e.currentTarget.value)}
            data-testid="step-public-note"
          />
        </label>
      )}
      {p.photo && <PhotoField file={p.photo.file} state={p.photo.state} onFile={p.photo.onFile} disabled={p.busy} label="photo_optional" />}
      <div class="modal-actions">
        <button class={'btn btn-touch ' + (decline ? 'btn-danger' : 'btn-primary')} disabled={p.busy || !text.trim()} onClick={() => p.onDone(text.trim(), publicNote.trim())} data-testid="step-confirm">
          {t(ACTION_KEY[p.action])}
        </button>
        <button class="btn btn-touch btn-ghost" onClick={p.onClose}>
          {t('cancel')}
        </button>
      </div>
    </Modal>
  );
}

// ---------- photos ----------

type PhotoState =
  | { step: 'idle' }
  | { step: 'preparing' }
  | { step: 'uploading'; pct: number }
  | { step: 'sent' }
  | { step: 'failed'; message: string };

/**
 * Downscales a photo (lib/photo.ts) and uploads it to the dispatch, reporting each step;
 * the stored record, or null after reporting why it failed.
 */
async function sendPhoto(lang: Lang, dispatchId: string, file: File, report: (s: PhotoState) => void): Promise<Media | null> {
  report({ step: 'preparing' });
  let blob: Blob;
  try {
    blob = await preparePhoto(file);
  } catch {
    report({ step: 'failed', message: translate(lang, 'photo_unreadable') });
    return null;
  }
  if (blob.size > MAX_PHOTO_BYTES) {
    report({ step: 'failed', message: translate(lang, 'photo_too_big') });
    return null;
  }
  try {
    report({ step: 'uploading', pct: 0 });
    const m = await upload<Media>(`/dispatches/${dispatchId}/media`, blob, (f) => report({ step: 'uploading', pct: Math.round(f * 100) }));
    report({ step: 'sent' });
    return m;
  } catch (e) {
    report({ step: 'failed', message: translate(lang, 'photo_failed', { e: errorText(e) }) });
    return null;
  }
}

/** Takes a photo with the tablet's back camera (or picks one) and shows it before it goes. */
function PhotoField(p: { file: File | null; state: PhotoState; onFile: (f: File | null) => void; disabled: boolean; label: Key }) {
  const t = useT();
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (!p.file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(p.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [p.file]);
  const s = p.state;
  const status =
    s.step === 'preparing'
      ? t('photo_preparing')
      : s.step === 'uploading'
        ? t('photo_uploading', { p: s.pct })
        : s.step === 'sent'
          ? t('photo_sent')
          : s.step === 'failed'
            ? s.message
            : '';
  return (
    <div class="photo-field" data-testid="photo-field">
      <span class="field-label">{t(p.label)}</span>
      {preview ? (
        <div class="photo-chosen">
          <img src={preview} alt={t('photo')} class="photo-preview" data-testid="photo-preview" />
          <button class="btn btn-ghost" disabled={p.disabled} onClick={() => p.onFile(null)}>
            {t('photo_remove')}
          </button>
        </div>
      ) : (
        <label class={'btn btn-touch photo-pick' + (p.disabled ? ' disabled' : '')}>
          {t('photo_pick')}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            class="photo-input"
            disabled={p.disabled}
            data-testid="photo-input"
            onChange={(e) => {
              p.onFile(e.currentTarget.files?.[0] ?? null);
              e.currentTarget.value = '';
            }}
          />
        </label>
      )}
      {status && (
        <div class={'photo-status' + (s.step === 'failed' ? ' form-error' : '')} role="status" data-testid="photo-status" data-step={s.step}>
          {s.step === 'uploading' && <progress max={100} value={s.pct} />}
          <span>{status}</span>
        </div>
      )}
    </div>
  );
}
