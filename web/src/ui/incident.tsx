// One incident in a panel: details, reports (contact masked until revealed), dispatches with
// their clocks, more agencies, the timeline, and close / cancel / reopen.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, get, post } from '../api/client';
import type { Dispatch, IncidentDetail, Media, RevealedContact } from '../api/types';
import { langStore, liveStore, meStore, nowStore, recentStore, useDirectory, useT } from '../data';
import { enumName } from '../lib/i18n';
import { isActiveDispatch, slaLookup, withIncidentDetail } from '../lib/live';
import { dispatchClock, incidentClock } from '../lib/sla';
import { useStore } from '../lib/store';
import { formatDuration, formatFull, parseTime } from '../lib/time';
import { timeZone } from '../data';
import { Age, DispatchPill, ErasedPhoto, errorText, IncidentPill, Modal, PhotoStrip, SaveCancel, STATUS_COLOR, toast, UrgencyTag, When } from './common';
import { MapView } from './map';
import { SlaBadge } from './sla_badge';
import { IncidentEdit, NoteBox } from './incident_edit';
import { eventDetail } from '../lib/event_text';

export function IncidentPanel(p: { id: string; onClose: () => void; readOnly?: boolean }) {
  const t = useT();
  const lang = useStore(langStore);
  const me = useStore(meStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const { dir, agency, categoryName, district } = useDirectory();
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState('');
  // Contacts revealed through POST /reports/{id}/contact, each recorded for the supervisor.
  const [revealed, setRevealed] = useState<Map<string, RevealedContact> | null>(null);
  const [add, setAdd] = useState<string[]>([]);
  const [share, setShare] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<{ title: string; path: string; required: boolean } | null>(null);
  const [editing, setEditing] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const [reload, setReload] = useState(0);
  const stamp = live.incidents.get(p.id)?.updated_at ?? '';
  const dispatchStamp = [...live.dispatches.values()]
    .filter((d) => d.incident_id === p.id)
    .map((d) => d.updated_at)
    .join();
  // A photo or a note changes no record of the live set: the newest event says when to read again.
  const photoStamp = useStore(recentStore).find((e) => e.incident_id === p.id)?.seq ?? 0;

  // Read again whenever the live set says the incident or one of its dispatches changed.
  useEffect(() => {
    get<IncidentDetail>(`/incidents/${p.id}`)
      .then((d) => {
        setDetail(d);
        liveStore.set(withIncidentDetail(liveStore.get(), d));
      })
      .catch((e) => setError(errorText(e)));
  }, [p.id, stamp, dispatchStamp, photoStamp, reload]);

  const slaOf = useMemo(() => slaLookup(dir.categories), [dir.categories]);
  const readOnly = p.readOnly || !me || !['call_taker', 'supervisor', 'admin'].includes(me.role);

  if (!detail) {
    return (
      <Modal title={t('incident')} onClose={p.onClose} wide>
        {error ? <div class="form-error">{error}</div> : t('loading')}
      </Modal>
    );
  }
  const inc = detail;
  const sla = slaOf(inc.category_id);
  const activeAgencies = new Set(detail.dispatches.filter((d) => isActiveDispatch(d) || d.status === 'completed').map((d) => d.agency_id));
  const candidates = dir.agencies.filter((a) => a.active && !activeAgencies.has(a.id));

  const act = async (path: string, body: Record<string, unknown> = {}) => {
    setBusy(true);
    try {
      const res = await post<IncidentDetail | { items: Dispatch[] } | Dispatch>(path, body);
      if ('number' in res) {
        setDetail(res);
        liveStore.set(withIncidentDetail(liveStore.get(), res));
      } else {
        const d = await get<IncidentDetail>(`/incidents/${inc.id}`);
        setDetail(d);
        liveStore.set(withIncidentDetail(liveStore.get(), d));
      }
      return true;
    } catch (e) {
      toast(errorText(e), 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };

  // Reveals every report's contact through the audited route (UU PDP: each reveal is an event
  // the supervisor sees); hiding forgets them.
  const toggleReveal = async () => {
    if (revealed || !detail) {
      setRevealed(null);
      return;
    }
    try {
      const shown = new Map<string, RevealedContact>();
      for (const r of detail.reports) {
        if (!r.reporter.can_reveal) continue;
        shown.set(r.id, await post<RevealedContact>(`/reports/${r.id}/contact`));
      }
      setRevealed(shown);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const dispatchMore = async () => {
    if (await act(`/incidents/${inc.id}/dispatches`, { agency_ids: add, share_contact: share })) {
      toast(t('created_dispatched', { n: inc.number, k: add.length }));
      setAdd([]);
      setMissing([]);
    }
  };

  return (
    <Modal title={`${t('incident')} ${inc.number}`} onClose={p.onClose} wide>
      <div class="inc-panel" data-testid="incident-panel">
        <div class="inc-main">
          <div class="inc-head">
            <UrgencyTag urgency={inc.urgency} />
            <IncidentPill status={inc.status} />
            <strong>{categoryName(inc.category_id)}</strong>
            <SlaBadge clock={incidentClock(inc, sla, now)} />
            <span class="spacer" />
            <span class="muted small">
              <When at={inc.created_at} /> · <Age since={inc.created_at} />
            </span>
          </div>
          <h3 class="inc-summary">
            {inc.summary}
            {!readOnly && ['open', 'dispatched', 'in_progress', 'resolved'].includes(inc.status) && !editing && (
              <button class="btn-link" onClick={() => setEditing(true)} data-testid="edit-incident">
                {t('edit_incident')}
              </button>
            )}
          </h3>
          {editing && (
            <IncidentEdit
              detail={detail}
              onClose={() => setEditing(false)}
              onSaved={(d, miss) => {
                setDetail(d);
                liveStore.set(withIncidentDetail(liveStore.get(), d));
                setEditing(false);
                setMissing(miss);
                setAdd(miss);
              }}
            />
          )}
          {inc.description && <p class="inc-desc">{inc.description}</p>}
          <div class="kv">
            <span>{t('location')}</span>
            <span>{inc.address || '—'}</span>
            <span>{t('district')}</span>
            <span>{district(inc.district_id)?.name ?? '—'}</span>
          </div>

          <h4>{t('agencies')}</h4>
          <table class="table dispatch-table">
            <tbody>
              {detail.dispatches.map((d) => {
                const clock = dispatchClock(d, sla, now);
                return (
                  <tr key={d.id} class={clock.overdue ? 'late' : ''}>
                    <td>
                      <strong>{agency(d.agency_id)?.code}</strong>
                      <div class="muted small">{t(d.role === 'primary' ? 'primary' : 'supporting')}</div>
                    </td>
                    <td>
                      <DispatchPill status={d.status} />
                      <div>
                        <SlaBadge clock={clock} />
                      </div>
                    </td>
                    <td class="small">
                      <Steps d={d} />
                      {d.note && <div class="note">“{d.note}”</div>}
                      {d.decline_reason && <div class="note note-warn">“{d.decline_reason}”</div>}
                      <PhotoStrip media={(detail.media ?? []).filter((m) => m.dispatch_id === d.id)} />
                    </td>
                    <td class="small right">{formatDuration(clock.since_last_ms, lang)}</td>
                    {!readOnly && (
                      <td class="right">
                        {isActiveDispatch(d) && (
                          <button
                            class="btn btn-small btn-ghost"
                            onClick={() => setAsk({ title: `${t('cancel')} ${agency(d.agency_id)?.code}`, path: `/dispatches/${d.id}/cancel`, required: true })}
                          >
                            {t('cancel')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <ReporterPhotos media={(detail.media ?? []).filter((m) => m.report_id)} readOnly={readOnly} onChange={() => setReload((n) => n + 1)} />

          {!readOnly && ['open', 'dispatched', 'in_progress'].includes(inc.status) && (
            <div class="add-dispatch">
              {missing.length > 0 && (
                <div class="note note-warn" data-testid="runcard-missing">
                  {t('runcard_missing')} {missing.map((id) => agency(id)?.code).join(', ')}
                </div>
              )}
              <div class="field-label">{t('add_dispatch')}</div>
              <div class="agency-chips">
                {candidates.map((a) => (
                  <label key={a.id} class={'chip' + (add.includes(a.id) ? ' on' : '')} title={a.name}>
                    <input type="checkbox" checked={add.includes(a.id)} onChange={() => setAdd(add.includes(a.id) ? add.filter((x) => x !== a.id) : [...add, a.id])} />
                    {a.code}
                  </label>
                ))}
              </div>
              <label class="check">
                <input type="checkbox" checked={share} onChange={(e) => setShare(e.currentTarget.checked)} /> {t('share_contact')}
              </label>
              <button class="btn btn-primary" disabled={busy || !add.length} onClick={dispatchMore} data-testid="dispatch-more">
                {t('redispatch')}
              </button>
            </div>
          )}

          <h4>
            {t('reports')} ({detail.reports.length})
            {!readOnly && detail.reports.some((r) => r.reporter.can_reveal) && (
              <button class="btn-link" title={t('reveal_recorded')} onClick={toggleReveal} data-testid="reveal-contact">
                {revealed ? t('hide') : t('reveal_number')}
              </button>
            )}
          </h4>
          <ul class="report-list">
            {detail.reports.map((r) => (
              <li key={r.id}>
                <span class={'chan chan-' + r.channel}>{enumName(lang, 'channel', r.channel)}</span> <span class="mono small">{r.tracking_code}</span>{' '}
                <span class="muted small">
                  <When at={r.created_at} />
                </span>
                <div>{r.description}</div>
                <div class="muted small mono" data-testid="report-contact">
                  {revealed?.has(r.id) ? `${revealed.get(r.id)!.name ?? ''} ${revealed.get(r.id)!.phone ?? ''}` : (r.reporter.phone ?? '')}
                </div>
              </li>
            ))}
          </ul>
        </div>
        <div class="inc-side">
          {inc.location && (
            <MapView
              className="map-small"
              districts={dir.districts}
              markers={[{ id: inc.id, at: inc.location, color: STATUS_COLOR[inc.status] ?? '#555', title: inc.summary, emphasis: true }]}
              focus={inc.location}
              interactive={false}
            />
          )}
          <h4>{t('timeline')}</h4>
          {!readOnly && ['open', 'dispatched', 'in_progress', 'resolved'].includes(inc.status) && (
            <NoteBox incidentId={inc.id} onAdded={() => setReload((n) => n + 1)} />
          )}
          <ol class="timeline" data-testid="timeline">
            {detail.events.map((e) => (
              <li key={e.seq}>
                <time title={formatFull(parseTime(e.at), timeZone(), lang)}>
                  <When at={e.at} />
                </time>
                <span>
                  {enumName(lang, 'event_kind', e.kind)}
                  {e.agency_id && <strong> · {agency(e.agency_id)?.code}</strong>}
                  {eventDetail(e, lang) && <span class="muted ev-detail"> · {eventDetail(e, lang)}</span>}
                </span>
              </li>
            ))}
          </ol>
          {!readOnly && (
            <div class="inc-actions">
              {inc.status === 'resolved' && (
                <button class="btn btn-primary" disabled={busy} onClick={() => act(`/incidents/${inc.id}/close`, {})} data-testid="close-incident">
                  {t('close_incident')}
                </button>
              )}
              {['open', 'dispatched', 'in_progress'].includes(inc.status) && (
                <button class="btn btn-ghost" disabled={busy} onClick={() => setAsk({ title: t('cancel_incident'), path: `/incidents/${inc.id}/cancel`, required: true })}>
                  {t('cancel_incident')}
                </button>
              )}
            </div>
          )}
        </div>
      </div>
      {ask && (
        <ReasonModal
          title={ask.title}
          onClose={() => setAsk(null)}
          onDone={async (reason) => {
            if (await act(ask.path, { reason })) setAsk(null);
          }}
        />
      )}
    </Modal>
  );
}

function Steps(p: { d: Dispatch }) {
  const lang = useStore(langStore);
  const steps: [string, string | null][] = [
    ['notified', p.d.notified_at],
    ['acknowledged', p.d.acknowledged_at],
    ['en_route', p.d.en_route_at],
    ['on_scene', p.d.on_scene_at],
    ['completed', p.d.completed_at],
    ['declined', p.d.declined_at],
    ['cancelled', p.d.cancelled_at],
  ];
  const start = parseTime(p.d.notified_at);
  return (
    <span class="steps">
      {steps
        .filter(([, at]) => at)
        .map(([s, at]) => (
          <span key={s} class="step" title={formatFull(parseTime(at), timeZone(), lang)}>
            {enumName(lang, 'dispatch_status', s)} {s === 'notified' ? <When at={at} /> : '+' + formatDuration(parseTime(at) - start, lang)}
          </span>
        ))}
    </span>
  );
}

export function ReasonModal(p: { title: string; onClose: () => void; onDone: (reason: string) => Promise<void>; placeholder?: string }) {
  const t = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={p.title} onClose={p.onClose}>
      <label class="field-label">{t('reason')}</label>
      <textarea class="input" rows={3} value={text} placeholder={p.placeholder} onInput={(e) => setText(e.currentTarget.value)} />
      <SaveCancel
        disabled={busy || !text.trim()}
        onSave={async () => {
          setBusy(true);
          await p.onDone(text.trim());
          setBusy(false);
        }}
        onCancel={p.onClose}
      />
    </Modal>
  );
}

/**
 * The photos that came with the incident's reports (the public form, later WhatsApp): a call
 * taker decides which ones the report's public tracking page (/lacak/<code>) may show.
 */
function ReporterPhotos(p: { media: Media[]; readOnly: boolean; onChange: () => void }) {
  const t = useT();
  if (!p.media.length) return null;
  const flip = async (m: Media) => {
    try {
      await api('PATCH', `/api/v1/media/${m.id}`, { public: !m.public });
      p.onChange();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <div data-testid="reporter-photos">
      <h4>{t('reporter_photos')}</h4>
      <div class="photo-strip">
        {p.media.map((m) => (
          <figure key={m.id} class="reporter-photo">
            {m.url ? (
              <a href={m.url} target="_blank" rel="noopener" title={t('photo_open')}>
                <img src={m.url} alt={t('photo')} loading="lazy" class="photo-thumb" />
              </a>
            ) : (
              <ErasedPhoto media={m} />
            )}
            {!p.readOnly && m.url && (
              <label class="check small">
                <input type="checkbox" checked={!!m.public} onChange={() => void flip(m)} data-testid="photo-public" data-media={m.id} /> {t('photo_public')}
              </label>
            )}
          </figure>
        ))}
      </div>
    </div>
  );
}
