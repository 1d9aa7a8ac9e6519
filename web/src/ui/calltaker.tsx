// The call taker console: the queue of what needs a human (left), the report/incident form
// built for speed (centre), and the follow-up board of the call taker's incidents (right).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { post } from '../api/client';
import type { Call, Dispatch, Me } from '../api/types';
import { dirStore, langStore, liveStore, nowStore, playAlert, useDirectory, useT } from '../data';
import type { Fix } from '../lib/calls_live';
import { enumName } from '../lib/i18n';
import { boardOf, slaLookup, withDispatches } from '../lib/live';
import { queueOf, type QueueItem } from '../lib/queue';
import { createStore, useStore } from '../lib/store';
import { formatDuration } from '../lib/time';
import { Age, DispatchPill, Empty, errorText, IncidentPill, Modal, toast, UrgencyTag } from './common';
import { CallbackList, ClosedCallbacks } from './callbacks';
import { RecentCalls } from './caller_number';
import { IncidentPanel } from './incident';
import { LiveCallsPanel } from './live_calls';
import { SlaBadge } from './sla_badge';
import { draftStore, IncidentForm, openCall, openReport, type FormApi } from './incident_form';

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
  const rules = useMemo(() => {
    const urgency = new Map(dir.categories.map((c) => [c.id, c.urgency]));
    const ack = new Map(dir.agencies.map((a) => [a.id, a.acknowledged_by]));
    return { sla: slaOf, urgencyOf: (id: string) => urgency.get(id), ackOf: (id: string) => ack.get(id) };
  }, [slaOf, dir.categories, dir.agencies]);
  const queue = useMemo(() => queueOf(live, rules, now, dismissed), [live, rules, Math.floor(now / 5000), dismissed]);

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
            if (top && top.kind === 'report') openReport(top.report);
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
    openCall(c, fix);
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
  // A late emergency report sounds once, when it turns late.
  const lateKeys = p.items.filter((q) => q.kind === 'report' && q.late).map((q) => q.key);
  const heard = useRef(new Set<string>());
  useEffect(() => {
    const fresh = lateKeys.filter((k) => !heard.current.has(k));
    fresh.forEach((k) => heard.current.add(k));
    if (fresh.length) playAlert();
  }, [lateKeys.join(',')]);
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
                      class={'q-item' + (draft.report?.id === r.id ? ' on' : '') + (q.late ? ' late' : '')}
                      onClick={() => openReport(r)}
                      data-testid="q-report"
                      data-report={r.id}
                      data-urgency={q.urgency ?? ''}
                      data-late={q.late ? 'true' : undefined}
                    >
                      <div class="q-line">
                        {q.urgency && <UrgencyTag urgency={q.urgency} short />}
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
                return <OverdueRow key={q.key} item={q} onOpen={() => p.onOpenIncident(q.incident.id)} />;
              })}
            </div>
          );
        })}
        <Callbacks />
      </div>
    </section>
  );
}

/** One incident with its overdue dispatches: each agency's lateness, and for an agency without
 * a console or endpoint a one-tap "confirmed by phone". */
function OverdueRow(p: { item: Extract<QueueItem, { kind: 'overdue' }>; onOpen: () => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const { agency } = useDirectory();
  const [busy, setBusy] = useState<string | null>(null);
  const q = p.item;
  const confirm = async (dispatchId: string) => {
    setBusy(dispatchId);
    try {
      const d = await post<Dispatch>(`/dispatches/${dispatchId}/acknowledge`, { via: 'phone' });
      liveStore.set(withDispatches(liveStore.get(), [d]));
      toast(t('confirmed_by_phone_done', { a: agency(d.agency_id)?.code ?? '' }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="q-item late q-static" data-testid="q-overdue-item" data-incident={q.incident.id}>
      <button class="q-open" onClick={p.onOpen}>
        <div class="q-line">
          <span class="mono">{q.incident.number}</span>
          <span class="q-cat">{q.overdue.map((o) => agency(o.dispatch.agency_id)?.code).join(', ')}</span>
          <span class="q-age late-text">+{formatDuration(Date.now() - q.at, lang)}</span>
        </div>
        <div class="q-text">{q.incident.summary}</div>
      </button>
      {q.overdue.map((o) => (
        <div class="q-sub q-overdue-line" key={o.dispatch.id}>
          <DispatchPill status={o.dispatch.status} /> <strong>{agency(o.dispatch.agency_id)?.code}</strong>
          {o.by_phone && (
            <>
              {' '}
              {agency(o.dispatch.agency_id)?.phone && <a href={'tel:' + agency(o.dispatch.agency_id)!.phone}>{agency(o.dispatch.agency_id)!.phone}</a>}{' '}
              <button class="btn btn-small" disabled={busy === o.dispatch.id} onClick={() => confirm(o.dispatch.id)} data-testid="confirm-by-phone">
                ☎ {t('confirmed_by_phone')}
              </button>
            </>
          )}
        </div>
      ))}
    </div>
  );
}

/** Callbacks due: shown when the server offers /callbacks (the calls feature). */
function Callbacks() {
  const dir = useStore(dirStore);
  if (!dir.routes.has('/api/v1/callbacks')) return null;
  return (
    <>
      <CallbackList />
      <ClosedCallbacks />
      <RecentCalls />
    </>
  );
}

// ---------- form ----------


function Board(p: { me: Me; onOpen: (id: string) => void }) {
  const t = useT();
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const { dir, agency, categoryName } = useDirectory();
  const [all, setAll] = useState(p.me.role !== 'call_taker');
  const slaOf = useMemo(() => slaLookup(dir.categories), [dir.categories]);
  const ackOf = useMemo(() => {
    const ack = new Map(dir.agencies.map((a) => [a.id, a.acknowledged_by]));
    return (id: string) => ack.get(id);
  }, [dir.agencies]);
  const rows = useMemo(() => boardOf(live, slaOf, now, all ? null : p.me.id, ackOf), [live, slaOf, now, all, ackOf]);
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
      <div class="panel-body" tabIndex={0} aria-label={t('board')}>
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
              <SlaBadge clock={r.clock} short />
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
                    </td>
                    <td>
                      <SlaBadge clock={clock} short />
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
