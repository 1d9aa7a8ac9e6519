// The call taker's incident form: the draft (lib/draft.ts) in one store, its parts
// (form_fields.tsx), and the saves: a new or queued report accepted as an incident (dispatched
// or not), linked to a duplicate, rejected or answered as information.
import { useMemo, useRef, useState } from 'preact/hooks';
import { get, post, postOnce } from '../api/client';
import type { Call, IncidentDetail, Me, Report } from '../api/types';
import { dirStore, langStore, liveStore, nowStore, useDirectory, useT } from '../data';
import type { Fix } from '../lib/calls_live';
import { acceptBody, autoSummary, blankDraft, classifyReportBody, draftReducer, reportBody, submitProblem, type Draft, type DraftAction } from '../lib/draft';
import { guardAgainstDuplicate, suggestDuplicates, type DuplicateGuard, type Suggestion } from '../lib/duplicates';
import { buildPlaces } from '../lib/gazetteer';
import { enumName, type Key } from '../lib/i18n';
import { dispatchesOf, isActiveDispatch, withIncidentDetail } from '../lib/live';
import { maskPhone } from '../lib/mask';
import { createStore, useStore } from '../lib/store';
import { Age, errorText, Modal, STATUS_COLOR, toast } from './common';
import { formatDuration } from '../lib/time';
import { AgencyField, CategoryField, DescriptionField, DuplicatesBox, LocationField, ReporterField, ResolveModal, SopField } from './form_fields';
import { callFixesStore } from './live_calls';
import type { MapMarker } from './map';

/** The draft being worked on; one per console, kept across re-renders of the form. */
export const draftStore = createStore<Draft>(blankDraft());

/** Applies one change to the draft. */
export const sendDraft = (a: DraftAction) => draftStore.update((d) => draftReducer(d, a));

/** Opens a queued report in the form. */
export const openReport = (report: Report) => {
  const dir = dirStore.get();
  sendDraft({ type: 'load_report', report, categories: dir.categories, districts: dir.districts });
};

/** Starts a report for an answered call, at the phone's newest fix or the call's location. */
export const openCall = (c: Call, fix: Fix | null) => {
  const location = fix ? { lat: fix.lat, lon: fix.lon } : c.location ? { lat: c.location.lat, lon: c.location.lon } : null;
  sendDraft({ type: 'start_call', call_id: c.id, caller: c.caller, location, districts: dirStore.get().districts });
};

/** What the console's keyboard shortcuts may ask of the form. */
export interface FormApi {
  reset(): void;
  focus(what: 'category' | 'address' | 'phone' | 'description'): void;
  submit(dispatch: boolean): Promise<void>;
  linkFirst(): void;
}

export function IncidentForm(p: { me: Me; apiRef: { current: FormApi | null }; onHelp: () => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const draft = useStore(draftStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const fixes = useStore(callFixesStore);
  const { dir, category, district } = useDirectory();
  const [busy, setBusy] = useState(false);
  const [modal, setModal] = useState<'reject' | 'answer' | null>(null);
  // A dispatch that needs a second look: an emergency without a place, or agencies already on
  // a likely duplicate.
  const [check, setCheck] = useState<{ kind: 'no_location' } | ({ kind: 'duplicate' } & DuplicateGuard) | null>(null);
  const catInput = useRef<HTMLInputElement>(null);
  const addrInput = useRef<HTMLInputElement>(null);
  const phoneInput = useRef<HTMLInputElement>(null);
  const descInput = useRef<HTMLTextAreaElement>(null);
  const focusCategory = () => setTimeout(() => catInput.current?.focus(), 0);

  const cat = category(draft.category_id);
  // Per-field view state (searches, a revealed number) starts over with another report.
  const fieldKey = draft.report?.id ?? 'new';

  const places = useMemo(
    () => buildPlaces(dir.districts, [...live.incidents.values(), ...live.reports.values()]),
    [dir.districts, live.incidents, live.reports],
  );

  const suggestions = useMemo(
    () => suggestDuplicates({ category_id: draft.category_id, location: draft.location, district_id: draft.district_id }, [...live.incidents.values()], now),
    [draft.category_id, draft.location, draft.district_id, live.incidents, Math.floor(now / 15000)],
  );

  const summaryFallback = autoSummary(draft, cat?.name_id ?? null, district(draft.district_id)?.name ?? null);

  /** The report this form works on: the queued one, or a new one made from the form; for an
   * answered call, made by classifying the call valid, which links the two. */
  const ensureReport = async (): Promise<Report> => {
    const d = draftStore.get();
    if (d.report) return d.report;
    if (d.call_id) {
      const c = await post<Call>(`/calls/${d.call_id}/classify`, { classification: 'valid', report: classifyReportBody(d) });
      if (!c.report_id) throw new Error(t('call_unclassified'));
      const rep = await get<Report>(`/reports/${c.report_id}`);
      sendDraft({ type: 'report_saved', report: rep });
      return rep;
    }
    return postOnce<Report>('/reports', reportBody(d));
  };

  const finish = (detail: IncidentDetail | null, message: string) => {
    if (detail) liveStore.set(withIncidentDetail(liveStore.get(), detail));
    toast(message);
    sendDraft({ type: 'reset' });
    focusCategory();
  };

  /** Runs one save with the buttons disabled; an error says the action was not done, and the
   * draft is kept. */
  const saving = async (work: () => Promise<void>, action: Key) => {
    setBusy(true);
    try {
      await work();
    } catch (e) {
      toast(errorText(e, action), 'error');
    } finally {
      setBusy(false);
    }
  };

  /** Saves the draft as an incident, dispatched or not. A dispatch of an emergency without a
   * location, or to an agency already on a likely duplicate, first asks (skip: what was
   * confirmed already). */
  const submit = async (dispatch: boolean, skip: { location?: boolean; duplicate?: boolean } = {}) => {
    const d = draftStore.get();
    const problem = submitProblem(d, dispatch);
    if (problem) {
      toast(t(problem), 'error');
      if (problem === 'need_category') catInput.current?.focus();
      return;
    }
    if (dispatch && !skip.location && !d.location && cat?.urgency === 'emergency') {
      setCheck({ kind: 'no_location' });
      return;
    }
    if (dispatch && !skip.duplicate) {
      const live = liveStore.get();
      const guard = guardAgainstDuplicate(suggestions, d.agency_ids, (id) =>
        dispatchesOf(live, id)
          .filter(isActiveDispatch)
          .map((x) => x.agency_id),
      );
      if (guard) {
        setCheck({ kind: 'duplicate', ...guard });
        return;
      }
    }
    setCheck(null);
    await saving(async () => {
      const rep = await ensureReport();
      const detail = await post<IncidentDetail>(`/reports/${rep.id}/accept`, acceptBody(d, dispatch, summaryFallback));
      finish(detail, dispatch ? t('created_dispatched', { n: detail.number, k: detail.dispatches.length }) : t('created_only', { n: detail.number }));
    }, dispatch ? 'dispatch_now' : 'save_no_dispatch');
  };

  const link = (s: Suggestion) =>
    saving(async () => {
      const rep = await ensureReport();
      const detail = await post<IncidentDetail>(`/reports/${rep.id}/accept`, { incident_id: s.incident.id });
      finish(detail, t('linked', { n: s.incident.number }));
    }, 'link');

  p.apiRef.current = {
    reset: () => {
      // A report for an answered call not saved yet: the call would stay unclassified.
      const d = draftStore.get();
      if (d.call_id && !d.report && !window.confirm(t('leave_unclassified'))) return;
      sendDraft({ type: 'reset' });
      focusCategory();
    },
    focus: (what) => {
      if (what === 'category' && draftStore.get().category_id) {
        // The search field appears on the next render.
        sendDraft({ type: 'clear_category' });
        focusCategory();
        return;
      }
      ({ category: catInput, address: addrInput, phone: phoneInput, description: descInput })[what].current?.focus();
    },
    submit: (dispatch) => (check ? Promise.resolve() : submit(dispatch)),
    linkFirst: () => {
      if (suggestions[0]) void link(suggestions[0]);
    },
  };

  const markers: MapMarker[] = [];
  for (const s of suggestions) {
    if (s.incident.location) {
      markers.push({ id: s.incident.id, at: s.incident.location, color: STATUS_COLOR[s.incident.status] ?? '#555', title: `${s.incident.number} · ${s.incident.summary}` });
    }
  }
  for (const f of fixes) {
    markers.push({ id: 'fix-' + f.id, at: { lat: f.lat, lon: f.lon }, color: '#8250df', title: `±${f.radius_m ?? '?'} m`, fix: { radius_m: f.radius_m, newest: f.newest } });
  }
  if (draft.location) markers.push({ id: 'draft', at: draft.location, color: '#1f6feb', title: draft.address || t('location'), draft: true });

  return (
    <section class="panel form-panel" data-testid="incident-form">
      <header class="panel-head">
        <h2>{draft.report ? t('form_from_report', { code: draft.report.tracking_code }) : t('form_new')}</h2>
        {draft.report && <span class={'chan chan-' + draft.report.channel}>{enumName(lang, 'channel', draft.report.channel)}</span>}
        {draft.report && <Age since={draft.report.created_at} />}
        {draft.call_id && !draft.report && (
          <span class="pill warn" data-testid="form-call" title={t('call_unclassified')}>
            📞 {maskPhone(draft.reporter_phone)}
          </span>
        )}
        <span class="spacer" />
        <button class="btn btn-ghost btn-small" onClick={() => p.apiRef.current?.reset()} title="Alt+N">
          {t('clear_form')}
        </button>
        <button class="btn btn-ghost btn-small" onClick={p.onHelp} title="?">
          {t('shortcuts')}
        </button>
      </header>
      <div class="panel-body form-body">
        <div class="form-cols">
          <div class="form-main">
            <CategoryField
              key={'cat-' + fieldKey}
              draft={draft}
              send={sendDraft}
              inputRef={catInput}
              onChosen={() => addrInput.current?.focus()}
              onEdit={() => p.apiRef.current?.focus('category')}
            />
            <AgencyField draft={draft} send={sendDraft} />
            <LocationField key={'loc-' + fieldKey} draft={draft} send={sendDraft} inputRef={addrInput} places={places} fixes={fixes} markers={markers} />
          </div>
          <div class="form-side">
            <DuplicatesBox suggestions={suggestions} busy={busy} onLink={(s) => void link(s)} />
            <ReporterField key={'rep-' + fieldKey} draft={draft} send={sendDraft} phoneRef={phoneInput} />
            <DescriptionField draft={draft} send={sendDraft} inputRef={descInput} autoSummary={summaryFallback} />
            <SopField draft={draft} send={sendDraft} />
          </div>
        </div>
      </div>
      <footer class="form-actions">
        <button class="btn btn-primary btn-big" disabled={busy} onClick={() => submit(true)} data-testid="dispatch">
          {t('dispatch_now')} <kbd>Ctrl+Enter</kbd>
        </button>
        <button class="btn" disabled={busy} onClick={() => submit(false)} data-testid="save-no-dispatch">
          {t('save_no_dispatch')}
        </button>
        <span class="spacer" />
        <button class="btn btn-ghost" disabled={busy} onClick={() => setModal('answer')} data-testid="answer">
          {t('answer_info')}
        </button>
        <button class="btn btn-ghost" disabled={busy} onClick={() => setModal('reject')} data-testid="reject">
          {t('reject')}
        </button>
      </footer>
      {check?.kind === 'no_location' && (
        <Modal title={t('no_location_title')} onClose={() => setCheck(null)}>
          <p data-testid="no-location-check">{t('no_location')}</p>
          <div class="modal-actions">
            <button
              class="btn btn-primary"
              onClick={() => {
                setCheck(null);
                setTimeout(() => addrInput.current?.focus(), 0);
              }}
              data-testid="no-location-add"
            >
              {t('no_location_add')}
            </button>
            <button class="btn" disabled={busy} onClick={() => submit(true, { location: true })} data-testid="no-location-send">
              {t('no_location_send')}
            </button>
          </div>
        </Modal>
      )}
      {check?.kind === 'duplicate' && (
        <Modal title={t('dup_guard_title')} onClose={() => setCheck(null)}>
          <p data-testid="duplicate-check">
            {t('dup_guard', {
              a: check.agency_ids.map((id) => dir.agencies.find((a) => a.id === id)?.code ?? id).join(', '),
              n: check.suggestion.incident.number,
              m: Math.round(check.suggestion.distance_m ?? 0),
              k: formatDuration(check.suggestion.age_ms, lang),
            })}
          </p>
          <div class="modal-actions">
            <button
              class="btn btn-primary"
              disabled={busy}
              onClick={() => {
                const s = check.suggestion;
                setCheck(null);
                void link(s);
              }}
              data-testid="duplicate-link"
            >
              {t('dup_link', { n: check.suggestion.incident.number })}
            </button>
            <button class="btn" disabled={busy} onClick={() => submit(true, { location: true, duplicate: true })} data-testid="duplicate-anyway">
              {t('dup_dispatch_anyway')}
            </button>
          </div>
        </Modal>
      )}
      {modal && (
        <ResolveModal
          mode={modal}
          onClose={() => setModal(null)}
          onDone={async (body) => {
            const rep = await ensureReport();
            await post<Report>(`/reports/${rep.id}/${modal}`, body);
            setModal(null);
            finish(null, `${rep.tracking_code}: ${modal === 'reject' ? enumName(lang, 'reject_reason', String(body.reason)) : t('answer_info')}`);
          }}
        />
      )}
    </section>
  );
}
