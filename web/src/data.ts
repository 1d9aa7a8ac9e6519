// The consoles' shared state: the session, the directory, the live working set fed by the
// realtime stream, and the language. Components read these stores with useStore().

import { ApiError, get, getAll, loadRoutes, onReach, post } from './api/client';
import type {
  Agency,
  Category,
  Dispatch,
  District,
  Incident,
  IncidentDetail,
  ItemList,
  Me,
  Report,
  SiagaEvent,
} from './api/types';
import type { Lang } from './lib/i18n';
import { translate, type Key } from './lib/i18n';
import { emptyState, targetsOf, withDispatches, withIncidentDetail, withIncidents, withReports, type LiveState } from './lib/live';
import { createStore, useStore } from './lib/store';
import { StreamClient, type StreamStatus } from './lib/stream';
import { startOfLocalDay } from './lib/time';
import { useEffect, useState } from 'preact/hooks';

// ---------- language ----------

const savedLang = (typeof localStorage !== 'undefined' && localStorage.getItem('siaga.lang')) as Lang | null;
export const langStore = createStore<Lang>(savedLang === 'en' ? 'en' : 'id');
langStore.subscribe((l) => {
  localStorage.setItem('siaga.lang', l);
  document.documentElement.lang = l;
});

/** The translator for the current language; re-renders on a switch. */
export function useT(): (key: Key, vars?: Record<string, string | number>) => string {
  const lang = useStore(langStore);
  return (key, vars) => translate(lang, key, vars);
}

// ---------- clock ----------

export const nowStore = createStore(Date.now());
setInterval(() => nowStore.set(Date.now()), 1000);
export const useNow = () => useStore(nowStore);

// ---------- session and directory ----------

export const meStore = createStore<Me | null>(null);

export interface Directory {
  categories: Category[];
  agencies: Agency[];
  districts: District[];
  routes: Set<string>;
  loaded: boolean;
}
export const dirStore = createStore<Directory>({ categories: [], agencies: [], districts: [], routes: new Set(), loaded: false });

export async function loadDirectory(): Promise<void> {
  const [categories, agencies, districts, routes] = await Promise.all([
    get<ItemList<Category>>('/categories'),
    get<ItemList<Agency>>('/agencies'),
    get<ItemList<District>>('/districts'),
    dirStore.get().routes.size ? Promise.resolve(dirStore.get().routes) : loadRoutes(),
  ]);
  dirStore.set({ categories: categories.items, agencies: agencies.items, districts: districts.items, routes, loaded: true });
}

export function timeZone(): string {
  return meStore.get()?.jurisdiction?.timezone ?? 'Asia/Jakarta';
}

/** Lookups over the directory, rebuilt when it changes. */
export function useDirectory() {
  const dir = useStore(dirStore);
  const lang = useStore(langStore);
  const category = (id: string | null | undefined) => dir.categories.find((c) => c.id === id);
  const agency = (id: string | null | undefined) => dir.agencies.find((a) => a.id === id);
  const district = (id: string | null | undefined) => dir.districts.find((d) => d.id === id);
  const categoryName = (id: string | null | undefined) => {
    const c = category(id);
    if (!c) return '—';
    return lang === 'en' && c.name_en ? c.name_en : c.name_id;
  };
  return { dir, category, agency, district, categoryName };
}

// ---------- live working set ----------

export const liveStore = createStore<LiveState>(emptyState());
export const streamStore = createStore<StreamStatus>({ state: 'stopped', attempts: 0, retry_at: null, last_seq: 0, ever_live: false });
/** The newest events seen on the stream (newest first), for activity feeds. */
export const recentStore = createStore<SiagaEvent[]>([]);
/** Ids of dispatches that arrived live and are not yet acknowledged on screen (agency alert). */
export const arrivalsStore = createStore<string[]>([]);
export const loadedStore = createStore(false);

type OtherListener = (e: SiagaEvent) => void;
const otherListeners = new Set<OtherListener>();
/** Events about subjects outside the working set (callbacks, notifications, …). */
export function onOtherEvent(fn: OtherListener): () => void {
  otherListeners.add(fn);
  return () => otherListeners.delete(fn);
}

/** Re-renders on every stream event of the given subject kinds. */
export function useEventTick(subjects: string[]): number {
  const [n, setN] = useState(0);
  useEffect(
    () =>
      onOtherEvent((e) => {
        if (subjects.includes(e.subject)) setN((x) => x + 1);
      }),
    [subjects.join(',')],
  );
  return n;
}

let stream: StreamClient | null = null;
let pollTimer: ReturnType<typeof setInterval> | null = null;
/** True while the lists are polled because the stream cannot be had. */
export const pollingStore = createStore(false);
const pendingIncidents = new Set<string>();
const pendingReports = new Set<string>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let directoryTimer: ReturnType<typeof setTimeout> | null = null;

const isDispatcher = (me: Me) => me.role === 'call_taker' || me.role === 'supervisor' || me.role === 'admin';

/** Loads the working set for the signed-in role (after the stream's first hello). */
export async function loadWorkingSet(): Promise<void> {
  const me = meStore.get();
  if (!me) return;
  const tz = timeZone();
  const since = new Date(startOfLocalDay(Date.now(), tz) - 6 * 86400_000).toISOString();
  const today = new Date(startOfLocalDay(Date.now(), tz)).toISOString();
  const tasks: Promise<void>[] = [];
  let next = emptyState();
  const add = <T>(p: Promise<T[]>, fn: (items: T[]) => void) =>
    tasks.push(p.then(fn).catch((e) => console.warn('siaga: load failed', e)));
  add(getAll<Incident>('/incidents?status=open,dispatched,in_progress'), (items) => (next = withIncidents(next, items)));
  add(getAll<Incident>(`/incidents?from=${encodeURIComponent(me.role === 'leader' || me.role === 'supervisor' || me.role === 'admin' ? since : today)}`, 2000), (items) => (next = withIncidents(next, items)));
  add(getAll<Dispatch>('/dispatches?status=notified,acknowledged,en_route,on_scene'), (items) => (next = withDispatches(next, items)));
  add(getAll<Dispatch>('/dispatches', 1000), (items) => (next = withDispatches(next, items)));
  if (me.role === 'agency_operator') {
    // The agency's recent incidents, so that finished dispatches show what they were.
    add(getAll<Incident>('/incidents', 500), (items) => (next = withIncidents(next, items)));
  } else {
    add(getAll<Report>('/reports?status=new'), (items) => (next = withReports(next, items)));
    add(getAll<Report>(`/reports?from=${encodeURIComponent(today)}`, 1000), (items) => (next = withReports(next, items)));
  }
  await Promise.all(tasks);
  // Merge rather than replace: events that arrived while the lists loaded may have brought
  // newer copies already (merging keeps the newer of two copies).
  let cur = liveStore.get();
  const before = cur;
  const wasLoaded = loadedStore.get();
  cur = withIncidents(cur, [...next.incidents.values()]);
  cur = withDispatches(cur, [...next.dispatches.values()]);
  cur = withReports(cur, [...next.reports.values()]);
  liveStore.set(cur);
  // A reload that finds new dispatches for an agency (the poll fallback) alerts like the stream.
  if (wasLoaded && me.role === 'agency_operator') {
    const fresh = [...next.dispatches.values()].filter(
      (d) => d.agency_id === me.agency_id && d.status === 'notified' && !before.dispatches.has(d.id),
    );
    if (fresh.length) {
      arrivalsStore.update((ids) => [...ids, ...fresh.map((d) => d.id)]);
      playAlert();
    }
  }
  loadedStore.set(true);
}

async function refetchIncident(id: string): Promise<void> {
  try {
    const detail = await get<IncidentDetail>(`/incidents/${id}`);
    const me = meStore.get();
    const before = liveStore.get();
    liveStore.set(withIncidentDetail(liveStore.get(), detail));
    if (me?.role === 'agency_operator' && loadedStore.get()) {
      const fresh = detail.dispatches.filter(
        (d) => d.agency_id === me.agency_id && d.status === 'notified' && !before.dispatches.has(d.id),
      );
      if (fresh.length) {
        arrivalsStore.update((ids) => [...ids, ...fresh.map((d) => d.id)]);
        playAlert();
      }
    }
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 403))) console.warn('siaga: refetch failed', e);
  }
}

async function refetchReport(id: string): Promise<void> {
  try {
    const r = await get<Report>(`/reports/${id}`);
    liveStore.set(withReports(liveStore.get(), [r]));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) console.warn('siaga: refetch failed', e);
  }
}

function flush(): void {
  flushTimer = null;
  const incidents = [...pendingIncidents];
  const reports = [...pendingReports];
  pendingIncidents.clear();
  pendingReports.clear();
  incidents.forEach((id) => void refetchIncident(id));
  reports.forEach((id) => void refetchReport(id));
}

function handleEvent(e: SiagaEvent): void {
  recentStore.update((list) => [e, ...list].slice(0, 60));
  const me = meStore.get();
  const t = targetsOf(e);
  if (t.incident_id) pendingIncidents.add(t.incident_id);
  if (t.report_id && !t.incident_id && me?.role !== 'agency_operator') pendingReports.add(t.report_id);
  if (t.directory && !directoryTimer) {
    directoryTimer = setTimeout(() => {
      directoryTimer = null;
      void loadDirectory();
    }, 200);
  }
  if (t.other) otherListeners.forEach((fn) => fn(e));
  if (!flushTimer) flushTimer = setTimeout(flush, 40);
}

/** Starts the stream (and the working set) for the signed-in user. */
/** Why the last session ended from the server's side (the stream's close reason), for the sign-in screen. */
export const sessionEndedStore = createStore<string | null>(null);

export function startLive(): void {
  stopLive();
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  stream = new StreamClient({
    url: (after) => `${proto}//${location.host}/api/v1/stream${after === null ? '' : `?after=${after}`}`,
    onEvent: handleEvent,
    onFresh: () => void loadWorkingSet(),
    // Signed out, password changed or the account changed by an admin: back to the sign-in.
    onEnded: (reason) => {
      stopLive();
      sessionEndedStore.set(reason || '-');
      meStore.set(null);
    },
    onStatus: (s) => {
      streamStore.set(s);
      // Poll fallback while the stream cannot be had at all (an older server, a proxy that
      // refuses WebSockets): read the lists every 10 s until a hello arrives.
      if (s.state === 'live' && pollTimer) {
        clearInterval(pollTimer);
        pollTimer = null;
        pollingStore.set(false);
      } else if (s.state === 'reconnecting' && !s.ever_live && s.attempts >= 2 && !pollTimer) {
        void loadWorkingSet();
        pollTimer = setInterval(() => void loadWorkingSet(), 5_000);
        pollingStore.set(true);
      }
    },
  });
  stream.start();
  (window as unknown as { siaga: unknown }).siaga = {
    stream,
    drop: (ms: number) => stream?.drop(ms),
    reconnect: () => stream?.reconnectNow(),
  };
}

export function stopLive(): void {
  stream?.stop();
  stream = null;
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  pollingStore.set(false);
  liveStore.set(emptyState());
  loadedStore.set(false);
  recentStore.set([]);
  arrivalsStore.set([]);
}

/** Signs out on the server (when the session is still there) and drops the live state. */
export async function signOut(): Promise<void> {
  try {
    await post('/auth/logout');
  } catch {
    /* the session may be gone already */
  }
  stopLive();
  meStore.set(null);
}

export function reconnectNow(): void {
  stream?.reconnectNow();
}

// ---------- reachability of the server by plain requests ----------

/**
 * Whether the last request got no answer at all (network), and when the next probe goes. The
 * stream has its own state; a request can fail while the stream still looks live (a proxy
 * dropping POSTs, a half-dead link), and the consoles must say so rather than go quiet.
 */
export interface Reach {
  down: boolean;
  retry_at: number | null;
}
export const reachStore = createStore<Reach>({ down: false, retry_at: null });
const PROBE_MS = 5_000;
let probeTimer: ReturnType<typeof setTimeout> | null = null;

/** Asks the server for its health now; any answer clears the outage (through onReach). */
export function probeNow(): void {
  if (probeTimer) clearTimeout(probeTimer);
  probeTimer = null;
  get('/health').catch(() => undefined);
}

onReach((ok) => {
  if (ok) {
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = null;
    if (reachStore.get().down) reachStore.set({ down: false, retry_at: null });
    return;
  }
  // Nothing else may ask the server for a while (a quiet console): probe until it answers.
  if (probeTimer) return;
  reachStore.set({ down: true, retry_at: Date.now() + PROBE_MS });
  probeTimer = setTimeout(() => {
    probeTimer = null;
    probeNow();
  }, PROBE_MS);
});

/** Reads one incident again now (after the console's own change, not waiting for the stream). */
export const refreshIncident = (id: string) => refetchIncident(id);
export const refreshReport = (id: string) => refetchReport(id);
export { isDispatcher };

// ---------- sound ----------

export const soundStore = createStore(localStorage.getItem('siaga.sound') !== 'off');
soundStore.subscribe((on) => localStorage.setItem('siaga.sound', on ? 'on' : 'off'));
let audio: AudioContext | null = null;

/** Two short tones (a siren-like chirp) through WebAudio; silent when sound is off. */
export function playAlert(): void {
  const w = window as unknown as { siagaAlerts?: number };
  w.siagaAlerts = (w.siagaAlerts ?? 0) + 1;
  if (!soundStore.get()) return;
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const t0 = ctx.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.setValueAtTime(i % 2 ? 660 : 880, t0 + i * 0.22);
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.22);
      gain.gain.exponentialRampToValueAtTime(0.15, t0 + i * 0.22 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.22 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + i * 0.22);
      osc.stop(t0 + i * 0.22 + 0.21);
    }
  } catch {
    /* no audio device */
  }
}
