// The call taker console: the queue of what needs a human (left), the report/incident form
// built for speed (centre), and the follow-up board of the call taker's incidents (right).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Call, Channel, Category, GeoPoint, IncidentDetail, Me, Report } from '../api/types';
import {
  dirStore,
  langStore,
  liveStore,
  nowStore,
  useDirectory,
  useT,
} from '../data';
import { suggestDuplicates, type Suggestion } from '../lib/duplicates';
import { buildPlaces, fold, searchPlaces, type Place } from '../lib/gazetteer';
import { districtOf } from '../lib/geo';
import { enumName, enumValues } from '../lib/i18n';
import { boardOf, queueOf, slaLookup, withIncidentDetail, type QueueItem } from '../lib/live';
import { maskName, maskPhone, normalisePhone } from '../lib/mask';
import { createStore, useStore } from '../lib/store';
import { formatDuration } from '../lib/time';
import { Age, DispatchPill, Empty, IncidentPill, Modal, toast, errorText, UrgencyTag, STATUS_COLOR } from './common';
import { CallbackList } from './callbacks';
import { IncidentPanel } from './incident';
import { MapView, type MapMarker } from './map';
import { callFixesStore, LiveCallsPanel } from './live_calls';
import type { Fix } from '../lib/calls_live';

// ---------- the draft ----------

interface Draft {
  report: Report | null;
  /** The answered call this report is about: on save it is classified valid and linked. */
  call_id: string | null;
  category_id: string | null;
  agency_ids: string[];
  location: GeoPoint | null;
  address: string;
  district_id: string | null;
  channel: Channel;
  reporter_name: string;
  reporter_phone: string;
  share_contact: boolean;
  description: string;
  summary: string;
  sop_done: number[];
}

const blankDraft = (): Draft => ({
  report: null,
  call_id: null,
  category_id: null,
  agency_ids: [],
  location: null,
  address: '',
  district_id: null,
  channel: 'call',
  reporter_name: '',
  reporter_phone: '',
  share_contact: false,
  description: '',
  summary: '',
  sop_done: [],
});

const runCardIds = (c: Category | undefined) => (c ? c.run_card.map((e) => e.agency_id) : []);

function draftFromReport(r: Report): Draft {
  const dir = dirStore.get();
  const cat = dir.categories.find((c) => c.id === r.category_id);
  // The API does not yet assign a district from a point: do it here when the report has none.
  const district = r.district_id ?? (r.location ? (districtOf(r.location, dir.districts)?.id ?? null) : null);
  return {
    ...blankDraft(),
    report: r,
    category_id: r.category_id,
    agency_ids: runCardIds(cat),
    location: r.location,
    address: r.address,
    district_id: district,
    channel: r.channel,
    reporter_name: r.reporter.name ?? '',
    reporter_phone: r.reporter.phone ?? '',
    description: r.description,
  };
}

const draftStore = createStore<Draft>(blankDraft());
const dismissedStore = createStore<Set<string>>(new Set(JSON.parse(sessionStorage.getItem('siaga.dismissed') ?? '[]') as string[]));
dismissedStore.subscribe((s) => sessionStorage.setItem('siaga.dismissed', JSON.stringify([...s])));

// ---------- the console ----------

export function CallTakerConsole(p: { me: Me }) {
  const [openIncident, setOpenIncident] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const formApi = useRef<FormApi | null>(null);
  const live = useStore(liveStore);
  const dir = useStore(dirStore);
  const now = useStore(nowStore);
  const dismissed = useStore(dismissedStore);
  const slaOf = useMemo(() => slaLookup(dir.categories), [dir.categories]);
  const queue = useMemo(() => queueOf(live, slaOf, now, dismissed), [live, slaOf, Math.floor(now / 5000), dismissed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      const f = formApi.current;
      if (e.altKey && !e.ctrlKey) {
        const k = e.key.toLowerCase();
        const map: Record<string, () => void> = {
          n: () => f?.reset(),
          k: () => f?.focus('category'),
          l: () => f?.focus('address'),
          p: () => f?.focus('phone'),
          u: () => f?.focus('description'),
          t: () => f?.linkFirst(),
          q: () => {
            const top = queue.find((q) => q.kind === 'report');
            if (top && top.kind === 'report') draftStore.set(draftFromReport(top.report));
            f?.focus('category');
          },
        };
        const fn = map[e.code.startsWith('Key') ? e.code.slice(3).toLowerCase() : k];
        if (fn) {
          e.preventDefault();
          fn();
        }
      } else if (e.key === 'F2') {
        e.preventDefault();
        f?.reset();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void f?.submit(true);
      } else if (!typing && e.key === '/') {
        e.preventDefault();
        f?.focus('category');
      } else if (!typing && e.key === '?') {
        setHelp(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [queue]);

  // "Valid" on the answered call: a new report for it, the caller's number and the phone's
  // location filled in; saving classifies the call and links the report.
  const reportForCall = (c: Call, fix: Fix | null) => {
    const loc = fix ? { lat: fix.lat, lon: fix.lon } : c.location ? { lat: c.location.lat, lon: c.location.lon } : null;
    draftStore.set({
      ...blankDraft(),
      call_id: c.id,
      channel: 'call',
      reporter_phone: c.caller,
      location: loc,
      district_id: loc ? (districtOf(loc, dirStore.get().districts)?.id ?? null) : null,
    });
    setTimeout(() => formApi.current?.focus('category'), 0);
  };

  return (
    <div class="ct-grid">
      <div class="ct-left">
        <LiveCallsPanel me={p.me} onValid={reportForCall} />
        <QueuePanel items={queue} onOpenIncident={setOpenIncident} />
      </div>
      <IncidentForm me={p.me} apiRef={formApi} onHelp={() => setHelp(true)} />
      <Board me={p.me} onOpen={setOpenIncident} />
      {openIncident && <IncidentPanel id={openIncident} onClose={() => setOpenIncident(null)} />}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

// ---------- queue ----------

function QueuePanel(p: { items: QueueItem[]; onOpenIncident: (id: string) => void }) {
  const t = useT();
  const draft = useStore(draftStore);
  const { categoryName, agency } = useDirectory();
  const lang = useStore(langStore);
  const sections: [QueueItem['kind'], string][] = [
    ['report', t('q_reports')],
    ['undispatched', t('q_undispatched')],
    ['declined', t('q_declined')],
    ['overdue', t('q_overdue')],
  ];
  return (
    <section class="panel queue" data-testid="queue">
      <header class="panel-head">
        <h2>{t('queue')}</h2>
        <span class="count">{p.items.length}</span>
      </header>
      <div class="panel-body">
        {sections.map(([kind, title]) => {
          const items = p.items.filter((q) => q.kind === kind);
          return (
            <div class="q-section" key={kind} data-testid={'q-' + kind}>
              <h3>
                {title} <span class="count">{items.length}</span>
              </h3>
              {!items.length && <div class="q-none">{t('none')}</div>}
              {items.map((q) => {
                if (q.kind === 'report') {
                  const r = q.report;
                  return (
                    <button
                      key={q.key}
                      class={'q-item' + (draft.report?.id === r.id ? ' on' : '')}
                      onClick={() => draftStore.set(draftFromReport(r))}
                      data-testid="q-report"
                      data-report={r.id}
                    >
                      <div class="q-line">
                        <span class={'chan chan-' + r.channel}>{enumName(lang, 'channel', r.channel)}</span>
                        <span class="q-cat">{r.category_id ? categoryName(r.category_id) : '—'}</span>
                        <Age since={r.created_at} class="q-age" />
                      </div>
                      <div class="q-text">{r.description || r.address || r.tracking_code}</div>
                      {r.address && <div class="q-sub">{r.address}</div>}
                    </button>
                  );
                }
                if (q.kind === 'undispatched') {
                  return (
                    <button key={q.key} class={'q-item' + (q.clock.overdue ? ' late' : '')} onClick={() => p.onOpenIncident(q.incident.id)}>
                      <div class="q-line">
                        <span class="mono">{q.incident.number}</span>
                        <span class="q-cat">{categoryName(q.incident.category_id)}</span>
                        <Age since={q.incident.created_at} class="q-age" />
                      </div>
                      <div class="q-text">{q.incident.summary}</div>
                    </button>
                  );
                }
                if (q.kind === 'declined') {
                  return (
                    <div key={q.key} class="q-item q-static" data-testid="q-declined-item">
                      <div class="q-line">
                        <span class="mono">{q.incident.number}</span>
                        <span class="q-cat">{agency(q.dispatch.agency_id)?.code}</span>
                        <Age since={q.dispatch.declined_at} class="q-age" />
                      </div>
                      <div class="q-text">“{q.dispatch.decline_reason}”</div>
                      <div class="q-actions">
                        <button class="btn btn-small" onClick={() => p.onOpenIncident(q.incident.id)}>
                          {t('redispatch')}
                        </button>
                        <button class="btn btn-small btn-ghost" onClick={() => dismissedStore.update((s) => new Set([...s, q.key]))}>
                          {t('dismiss')}
                        </button>
                      </div>
                    </div>
                  );
                }
                return (
                  <button key={q.key} class="q-item late" onClick={() => p.onOpenIncident(q.incident.id)}>
                    <div class="q-line">
                      <span class="mono">{q.incident.number}</span>
                      <span class="q-cat">{agency(q.dispatch.agency_id)?.code}</span>
                      <span class="q-age late-text">+{formatDuration(Date.now() - q.clock.due_at, lang)}</span>
                    </div>
                    <div class="q-text">
                      <DispatchPill status={q.dispatch.status} /> {q.incident.summary}
                    </div>
                  </button>
                );
              })}
            </div>
          );
        })}
        <Callbacks />
      </div>
    </section>
  );
}

/** Callbacks due: shown when the server offers /callbacks (the calls feature). */
function Callbacks() {
  const dir = useStore(dirStore);
  if (!dir.routes.has('/api/v1/callbacks')) return null;
  return <CallbackList />;
}

// ---------- form ----------

interface FormApi {
  reset(): void;
  focus(what: 'category' | 'address' | 'phone' | 'description'): void;
  submit(dispatch: boolean): Promise<void>;
  linkFirst(): void;
}

function IncidentForm(p: { me: Me; apiRef: { current: FormApi | null }; onHelp: () => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const draft = useStore(draftStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const fixes = useStore(callFixesStore);
  const { dir, category, categoryName, district } = useDirectory();
  const [busy, setBusy] = useState(false);
  const [catQuery, setCatQuery] = useState('');
  const [placeQuery, setPlaceQuery] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [phoneFocus, setPhoneFocus] = useState(false);
  const [nameFocus, setNameFocus] = useState(false);
  const [extraAgency, setExtraAgency] = useState('');
  const [modal, setModal] = useState<'reject' | 'answer' | null>(null);
  const catInput = useRef<HTMLInputElement>(null);
  const addrInput = useRef<HTMLInputElement>(null);
  const phoneInput = useRef<HTMLInputElement>(null);
  const descInput = useRef<HTMLTextAreaElement>(null);

  const set = (patch: Partial<Draft>) => draftStore.set({ ...draftStore.get(), ...patch });
  const cat = category(draft.category_id);

  // Reset the per-draft view state when another report is loaded.
  useEffect(() => {
    setRevealed(false);
    setCatQuery('');
    setPlaceQuery(null);
  }, [draft.report?.id]);

  const chooseCategory = (c: Category) => {
    set({ category_id: c.id, agency_ids: runCardIds(c), sop_done: [] });
    setCatQuery('');
    addrInput.current?.focus();
  };

  const catMatches = useMemo(() => {
    const q = fold(catQuery);
    const rank: Record<string, number> = { emergency: 0, urgent: 1, complaint: 2, information: 3 };
    const active = dir.categories
      .filter((c) => c.active)
      .sort((a, b) => (rank[a.urgency] ?? 9) - (rank[b.urgency] ?? 9) || a.name_id.localeCompare(b.name_id));
    if (!q) return active;
    return active.filter((c) => fold(`${c.name_id} ${c.name_en} ${c.code}`).split(' ').some((w) => w.startsWith(q)) || fold(c.name_id).includes(q));
  }, [catQuery, dir.categories]);

  const places = useMemo(
    () => buildPlaces(dir.districts, [...live.incidents.values(), ...live.reports.values()]),
    [dir.districts, live.incidents, live.reports],
  );
  const placeMatches = placeQuery ? searchPlaces(placeQuery, places) : [];

  const setLocation = (loc: GeoPoint, address?: string, districtId?: string | null) => {
    const d = districtId ?? districtOf(loc, dir.districts)?.id ?? null;
    set({ location: loc, district_id: d, ...(address !== undefined ? { address } : {}) });
  };
  const choosePlace = (pl: Place) => {
    setLocation(pl.location, pl.kind === 'district' ? draftStore.get().address : pl.kind === 'point' ? draftStore.get().address : pl.label, pl.district_id);
    setPlaceQuery(null);
  };

  const suggestions = useMemo(
    () =>
      suggestDuplicates(
        { category_id: draft.category_id, location: draft.location, district_id: draft.district_id },
        [...live.incidents.values()],
        now,
      ),
    [draft.category_id, draft.location, draft.district_id, live.incidents, Math.floor(now / 15000)],
  );

  const autoSummary = () => {
    const place = draft.address.split(',')[0]?.trim() || district(draft.district_id)?.name || '';
    return cat ? `${cat.name_id}${place ? ' di ' + place : ''}` : '';
  };

  const reportBody = () => ({
    channel: draft.channel,
    reporter_name: draft.reporter_name.trim() || undefined,
    reporter_phone: draft.reporter_phone.trim() ? normalisePhone(draft.reporter_phone) : undefined,
    description: draft.description,
    category_id: draft.category_id ?? undefined,
    location: draft.location ?? undefined,
    address: draft.address,
    district_id: draft.district_id ?? undefined,
  });

  /** The report this form works on: the queued one, or a new one made from the form; for an
   * answered call, made by classifying the call valid, which links the two. */
  const ensureReport = async (): Promise<Report> => {
    if (draft.report) return draft.report;
    if (draft.call_id) {
      // The caller's number comes from the call itself.
      const { channel: _channel, reporter_phone: _phone, ...report } = reportBody();
      const c = await post<Call>(`/calls/${draft.call_id}/classify`, { classification: 'valid', report });
      if (!c.report_id) throw new Error(t('call_unclassified'));
      const rep = await get<Report>(`/reports/${c.report_id}`);
      draftStore.set({ ...draftStore.get(), report: rep });
      return rep;
    }
    return post<Report>('/reports', reportBody());
  };

  const finish = (detail: IncidentDetail | null, message: string) => {
    if (detail) liveStore.set(withIncidentDetail(liveStore.get(), detail));
    toast(message);
    draftStore.set(blankDraft());
    setTimeout(() => catInput.current?.focus(), 0);
  };

  const submit = async (dispatch: boolean) => {
    const d = draftStore.get();
    if (!d.category_id) {
      toast(t('need_category'), 'error');
      catInput.current?.focus();
      return;
    }
    if (dispatch && !d.agency_ids.length) {
      toast(t('need_agency'), 'error');
      return;
    }
    setBusy(true);
    try {
      const rep = await ensureReport();
      const body: Record<string, unknown> = {
        category_id: d.category_id,
        summary: d.summary.trim() || autoSummary() || undefined,
        description: d.description,
        location: d.location ?? undefined,
        address: d.address,
        district_id: d.district_id ?? undefined,
        dispatch,
        share_contact: d.share_contact,
      };
      if (dispatch) body.agency_ids = d.agency_ids;
      const detail = await post<IncidentDetail>(`/reports/${rep.id}/accept`, body);
      finish(
        detail,
        dispatch ? t('created_dispatched', { n: detail.number, k: detail.dispatches.length }) : t('created_only', { n: detail.number }),
      );
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const link = async (s: Suggestion) => {
    setBusy(true);
    try {
      const rep = await ensureReport();
      const detail = await post<IncidentDetail>(`/reports/${rep.id}/accept`, { incident_id: s.incident.id });
      finish(detail, t('linked', { n: s.incident.number }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  p.apiRef.current = {
    reset: () => {
      // A report for an answered call not saved yet: the call would stay unclassified.
      const d = draftStore.get();
      if (d.call_id && !d.report && !window.confirm(t('leave_unclassified'))) return;
      draftStore.set(blankDraft());
      setTimeout(() => catInput.current?.focus(), 0);
    },
    focus: (what) => {
      if (what === 'category' && draftStore.get().category_id) {
        // The search field appears on the next render.
        set({ category_id: null });
        setTimeout(() => catInput.current?.focus(), 0);
        return;
      }
      ({ category: catInput, address: addrInput, phone: phoneInput, description: descInput })[what].current?.focus();
    },
    submit,
    linkFirst: () => {
      if (suggestions[0]) void link(suggestions[0]);
    },
  };

  const mapMarkers: MapMarker[] = [];
  for (const s of suggestions) {
    if (s.incident.location) {
      mapMarkers.push({ id: s.incident.id, at: s.incident.location, color: STATUS_COLOR[s.incident.status] ?? '#555', title: `${s.incident.number} · ${s.incident.summary}` });
    }
  }
  for (const f of fixes) {
    mapMarkers.push({ id: 'fix-' + f.id, at: { lat: f.lat, lon: f.lon }, color: '#8250df', title: `±${f.radius_m ?? '?'} m`, fix: { radius_m: f.radius_m, newest: f.newest } });
  }
  if (draft.location) mapMarkers.push({ id: 'draft', at: draft.location, color: '#1f6feb', title: draft.address || t('location'), draft: true });

  const otherAgencies = dir.agencies.filter((a) => a.active && !draft.agency_ids.includes(a.id));
  const cardRole = (agencyId: string) => cat?.run_card.find((e) => e.agency_id === agencyId)?.role;
  const agencyList = [...new Set([...runCardIds(cat), ...draft.agency_ids])];
  // The reporter's contact is masked on screen unless revealed (or being typed).
  const phoneShown = revealed || phoneFocus ? draft.reporter_phone : maskPhone(draft.reporter_phone);
  const nameShown = revealed || nameFocus ? draft.reporter_name : maskName(draft.reporter_name);
  const reporterLocked = !!draft.report;

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
            {/* 1. category */}
            <div class="field">
              <label class="field-label">
                1 · {t('category')} <kbd>/</kbd>
              </label>
              {cat ? (
                <div class="cat-chosen">
                  <UrgencyTag urgency={cat.urgency} />
                  <strong data-testid="chosen-category">{categoryName(cat.id)}</strong>
                  <button class="btn-link" onClick={() => p.apiRef.current?.focus('category')}>
                    {t('edit')}
                  </button>
                </div>
              ) : (
                <>
                  <input
                    ref={catInput}
                    class="input"
                    placeholder={t('category_filter')}
                    value={catQuery}
                    onInput={(e) => setCatQuery(e.currentTarget.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && catMatches[0]) {
                        e.preventDefault();
                        chooseCategory(catMatches[0]);
                      }
                    }}
                    data-testid="category-search"
                  />
                  <div class="cat-grid">
                    {catMatches.map((c) => (
                      <button key={c.id} class={`cat-btn urg-edge-${c.urgency}`} onClick={() => chooseCategory(c)} data-testid={'cat-' + c.code}>
                        {lang === 'en' && c.name_en ? c.name_en : c.name_id}
                      </button>
                    ))}
                  </div>
                </>
              )}
            </div>

            {/* agencies from the run card */}
            {cat && (
              <div class="field">
                <label class="field-label">
                  {t('agencies')} <small>· {t('run_card_hint')}</small>
                </label>
                <div class="agency-chips" data-testid="agency-chips">
                  {agencyList.map((id) => {
                    const a = dir.agencies.find((x) => x.id === id);
                    if (!a) return null;
                    const on = draft.agency_ids.includes(id);
                    const role = cardRole(id);
                    return (
                      <label key={id} class={'chip' + (on ? ' on' : '')} title={a.name}>
                        <input
                          type="checkbox"
                          checked={on}
                          onChange={() => set({ agency_ids: on ? draft.agency_ids.filter((x) => x !== id) : [...draft.agency_ids, id] })}
                          data-testid={'agency-' + a.code}
                        />
                        {a.code}
                        {role && <small>{t(role === 'primary' ? 'primary' : 'supporting')}</small>}
                      </label>
                    );
                  })}
                  <select
                    class="input input-small"
                    value={extraAgency}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      if (v) set({ agency_ids: [...draft.agency_ids, v] });
                      setExtraAgency('');
                    }}
                    data-testid="agency-add"
                  >
                    <option value="">+ {t('add')}…</option>
                    {otherAgencies.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.code} — {a.name}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            )}

            {/* 2. location */}
            <div class="field">
              <label class="field-label">
                2 · {t('location')} <kbd>Alt+L</kbd>
              </label>
              <div class="combo">
                <input
                  ref={addrInput}
                  class="input"
                  placeholder={t('address_ph')}
                  value={placeQuery ?? draft.address}
                  onInput={(e) => {
                    setPlaceQuery(e.currentTarget.value);
                    set({ address: e.currentTarget.value });
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && placeMatches[0]) {
                      e.preventDefault();
                      choosePlace(placeMatches[0]);
                    } else if (e.key === 'Escape') setPlaceQuery(null);
                  }}
                  onBlur={() => setTimeout(() => setPlaceQuery(null), 150)}
                  data-testid="address"
                />
                {placeMatches.length > 0 && (
                  <ul class="combo-list" data-testid="place-list">
                    {placeMatches.map((pl, i) => (
                      <li key={i}>
                        <button onMouseDown={(e) => (e.preventDefault(), choosePlace(pl))}>
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
                  <select
                    class="input input-small"
                    value={draft.district_id ?? ''}
                    onChange={(e) => set({ district_id: e.currentTarget.value || null })}
                    data-testid="district"
                  >
                    <option value="">—</option>
                    {dir.districts.map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </label>
                <span class="muted small">
                  {draft.location ? `${draft.location.lat.toFixed(5)}, ${draft.location.lon.toFixed(5)} · ${t('district_auto')}` : t('map_click_hint')}
                </span>
                {fixes[0] && (
                  <button class="btn btn-small" onClick={() => setLocation({ lat: fixes[0]!.lat, lon: fixes[0]!.lon })} data-testid="use-fix">
                    {t('use_fix')} (±{fixes[0].radius_m === null ? '?' : Math.round(fixes[0].radius_m)} m)
                  </button>
                )}
              </div>
              <MapView
                className="map-form"
                districts={dir.districts}
                markers={mapMarkers}
                onPick={(pt) => setLocation(pt)}
                focus={draft.location ?? (fixes[0] ? { lat: fixes[0].lat, lon: fixes[0].lon } : null)}
              />
            </div>
          </div>

          <div class="form-side">
            {/* duplicates */}
            <div class={'dupes' + (suggestions.length ? ' has' : '')} data-testid="duplicates">
              <div class="field-label">
                {t('duplicates')} <small>· {t('duplicates_hint')}</small>
              </div>
              {!suggestions.length && <div class="muted small">{t('none')}</div>}
              {suggestions.map((s, i) => (
                <div class="dupe" key={s.incident.id} data-testid="duplicate">
                  <div>
                    <span class="mono">{s.incident.number}</span> <IncidentPill status={s.incident.status} />
                    <div class="small">{s.incident.summary}</div>
                    <div class="muted small">
                      {s.distance_m !== null ? `${Math.round(s.distance_m)} m · ` : ''}
                      {formatDuration(s.age_ms, lang)}
                    </div>
                  </div>
                  <button class="btn btn-small" disabled={busy} onClick={() => link(s)} title={i === 0 ? 'Alt+T' : ''} data-testid="link-duplicate">
                    {t('link')}
                  </button>
                </div>
              ))}
            </div>

            {/* 3. reporter */}
            <div class="field">
              <label class="field-label">
                3 · {t('reporter')} <kbd>Alt+P</kbd>
                {(draft.reporter_phone || draft.reporter_name) && (
                  <button class="btn-link" onClick={() => setRevealed(!revealed)} data-testid="reveal-reporter">
                    {revealed ? t('hide') : t('show')}
                  </button>
                )}
              </label>
              <div class="row2">
                <input
                  ref={phoneInput}
                  class="input mono"
                  placeholder={t('reporter_phone')}
                  value={phoneShown}
                  readOnly={reporterLocked}
                  onFocus={() => !reporterLocked && setPhoneFocus(true)}
                  onBlur={() => setPhoneFocus(false)}
                  onInput={(e) => set({ reporter_phone: e.currentTarget.value })}
                  data-testid="reporter-phone"
                />
                <input
                  class="input"
                  placeholder={t('reporter_name')}
                  value={nameShown}
                  readOnly={reporterLocked}
                  onFocus={() => !reporterLocked && setNameFocus(true)}
                  onBlur={() => setNameFocus(false)}
                  onInput={(e) => set({ reporter_name: e.currentTarget.value })}
                  data-testid="reporter-name"
                />
              </div>
              <div class="row2">
                <label class="inline">
                  {t('channel')}
                  <select class="input input-small" value={draft.channel} disabled={!!draft.report} onChange={(e) => set({ channel: e.currentTarget.value as Channel })}>
                    {enumValues('channel').map((c) => (
                      <option key={c} value={c}>
                        {enumName(lang, 'channel', c)}
                      </option>
                    ))}
                  </select>
                </label>
                <label class="check">
                  <input type="checkbox" checked={draft.share_contact} onChange={(e) => set({ share_contact: e.currentTarget.checked })} data-testid="share-contact" />
                  {t('share_contact')}
                </label>
              </div>
            </div>

            {/* 4. description */}
            <div class="field">
              <label class="field-label">
                4 · {t('description')} <kbd>Alt+U</kbd>
              </label>
              <textarea
                ref={descInput}
                class="input"
                rows={3}
                value={draft.description}
                onInput={(e) => set({ description: e.currentTarget.value })}
                data-testid="description"
              />
              <input
                class="input"
                placeholder={`${t('summary')} — ${autoSummary() || t('summary_ph')}`}
                value={draft.summary}
                onInput={(e) => set({ summary: e.currentTarget.value })}
                data-testid="summary"
              />
            </div>

            {/* SOP */}
            {cat && cat.sop.length > 0 && (
              <div class="field sop" data-testid="sop">
                <label class="field-label">
                  {t('sop')} · {categoryName(cat.id)}{' '}
                  <small>
                    {draft.sop_done.length}/{cat.sop.length}
                  </small>
                </label>
                {cat.sop.map((line, i) => (
                  <label class="check sop-line" key={i}>
                    <input
                      type="checkbox"
                      checked={draft.sop_done.includes(i)}
                      onChange={() => set({ sop_done: draft.sop_done.includes(i) ? draft.sop_done.filter((x) => x !== i) : [...draft.sop_done, i] })}
                    />
                    {line}
                  </label>
                ))}
              </div>
            )}
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

function ResolveModal(p: { mode: 'reject' | 'answer'; onClose: () => void; onDone: (body: Record<string, unknown>) => Promise<void> }) {
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
      <div class="modal-actions">
        <button class="btn btn-primary" disabled={busy || (p.mode === 'answer' && !note.trim())} onClick={go}>
          {t('save')}
        </button>
        <button class="btn btn-ghost" onClick={p.onClose}>
          {t('cancel')}
        </button>
      </div>
    </Modal>
  );
}

// ---------- board ----------

function Board(p: { me: Me; onOpen: (id: string) => void }) {
  const t = useT();
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const { dir, agency, categoryName } = useDirectory();
  const [all, setAll] = useState(p.me.role !== 'call_taker');
  const slaOf = useMemo(() => slaLookup(dir.categories), [dir.categories]);
  const rows = useMemo(() => boardOf(live, slaOf, now, all ? null : p.me.id), [live, slaOf, now, all]);
  const lang = useStore(langStore);
  return (
    <section class="panel board" data-testid="board">
      <header class="panel-head">
        <h2>{t('board')}</h2>
        <span class="count">{rows.length}</span>
        <span class="spacer" />
        <div class="seg">
          <button class={!all ? 'on' : ''} onClick={() => setAll(false)}>
            {t('mine')}
          </button>
          <button class={all ? 'on' : ''} onClick={() => setAll(true)} data-testid="board-all">
            {t('all')}
          </button>
        </div>
      </header>
      <div class="panel-body">
        {!rows.length && <Empty>{t('board_empty')}</Empty>}
        {rows.map((r) => (
          <article
            key={r.incident.id}
            class={'b-card' + (r.overdue ? ' late' : '') + ` b-${r.incident.status}`}
            onClick={() => p.onOpen(r.incident.id)}
            data-testid="board-card"
            data-incident={r.incident.id}
            data-number={r.incident.number}
          >
            <div class="b-head">
              <span class="mono">{r.incident.number}</span>
              <UrgencyTag urgency={r.incident.urgency} short />
              <IncidentPill status={r.incident.status} />
              <span class="spacer" />
              <Age since={r.incident.created_at} />
            </div>
            <div class="b-title">
              <strong>{categoryName(r.incident.category_id)}</strong> · {r.incident.address || r.incident.summary}
            </div>
            {!r.dispatches.length && <div class="muted small">{t('no_dispatch_yet')}</div>}
            <table class="b-dispatches">
              <tbody>
                {r.dispatches.map(({ dispatch: d, clock }) => (
                  <tr key={d.id} class={clock.overdue ? 'late' : ''} data-testid="board-dispatch" data-agency={agency(d.agency_id)?.code} data-status={d.status}>
                    <td class="b-agency">{agency(d.agency_id)?.code ?? '?'}</td>
                    <td>
                      <DispatchPill status={d.status} />
                    </td>
                    <td class="b-age">
                      {formatDuration(clock.since_last_ms, lang)}
                      {clock.overdue && <span class="late-text"> · {t('overdue')}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        ))}
      </div>
    </section>
  );
}

function ShortcutHelp(p: { onClose: () => void }) {
  const t = useT();
  const rows: [string, string][] = [
    ['Alt+N / F2', t('sc_new')],
    ['/ · Alt+K', t('sc_category')],
    ['Alt+L', t('sc_location')],
    ['Alt+P', t('sc_reporter')],
    ['Alt+U', t('sc_description')],
    ['Alt+T', t('sc_link')],
    ['Ctrl+Enter', t('sc_dispatch')],
    ['Alt+Q', t('sc_queue')],
    ['?', t('sc_help')],
  ];
  return (
    <Modal title={t('shortcuts')} onClose={p.onClose}>
      <table class="kbd-table">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
