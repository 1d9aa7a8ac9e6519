// The call on the call taker's screen: the calls ringing and queued with their waiting time and
// the prank policy's decision, the call this user answered (matched by the PBX agent id the
// admin gave the user) with one key per classification, the calls others are on, and the caller
// card of the call in focus. The location fixes of the focused call go to the form's map
// (callFixesStore). Everything refreshes on the stream's call, location and caller events.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Call, CallClass, CallerCard, CallerDecision, ItemList, LocationRecord, Me } from '../api/types';
import { langStore, nowStore, useEventTick, useT } from '../data';
import { CLASS_KEYS, classForKey, fixesOf, longestWait, splitLiveCalls, unclassifiedMine, waitingSeconds, type Fix } from '../lib/calls_live';
import { enumName } from '../lib/i18n';
import { maskPhone } from '../lib/mask';
import { seconds } from '../lib/format';
import { createStore, useStore } from '../lib/store';
import { CallerNumber } from './caller_number';
import { Age, errorText, toast, When } from './common';

/** The accepted location fixes of the call in focus, newest first (for the form's map). */
export const callFixesStore = createStore<Fix[]>([]);

const SUBJECTS = ['call', 'location', 'caller', 'callback'];

function useRefreshing<T>(path: string | null, tick: number, poll: number): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    if (!path) {
      setValue(null);
      return;
    }
    let live = true;
    get<T>(path)
      .then((v) => live && setValue(v))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [path, tick, poll]);
  return value;
}

/** The policy's decision as a short badge; its reason shows on hover (and once on the card). */
export function DecisionBadge(p: { decision: CallerDecision | null | undefined }) {
  const lang = useStore(langStore);
  const d = p.decision;
  if (!d) return null;
  const label = { allow: lang === 'en' ? 'allow' : 'izinkan', warn: lang === 'en' ? 'warn' : 'waspada', block: lang === 'en' ? 'blocked' : 'diblokir' }[d.decision];
  return (
    <span class={'decision decision-' + d.decision} data-testid="decision" data-decision={d.decision} title={d.reason ?? ''}>
      {label}
      {d.decision === 'warn' && d.recent_strikes ? ` · ${d.recent_strikes}×` : ''}
    </span>
  );
}

export function LiveCallsPanel(p: { me: Me; onValid: (call: Call, fix: Fix | null) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const now = useStore(nowStore);
  const agent = p.me.pbx_agent ?? '';
  const tick = useEventTick(SUBJECTS);
  const poll = Math.floor(now / 5000);
  const liveList = useRefreshing<ItemList<Call>>('/calls?live=true&limit=100', tick, poll);
  const unclassified = useRefreshing<ItemList<Call>>(agent ? '/calls?unclassified=true&limit=50' : null, tick, poll);
  const view = useMemo(() => splitLiveCalls(liveList?.items ?? [], agent), [liveList, agent]);
  const toClassify = useMemo(
    () => unclassifiedMine(unclassified?.items ?? [], agent).filter((c) => c.id !== view.mine?.id),
    [unclassified, agent, view.mine?.id],
  );
  const focus = view.mine ?? view.waiting[0] ?? toClassify[0] ?? null;
  // A masked number (the call is past its wrap-up: docs/security.md) has no card to look up.
  const card = useRefreshing<CallerCard>(focus?.caller && !focus.caller_masked ? `/callers/${encodeURIComponent(focus.caller)}` : null, tick, 0);
  const locations = useRefreshing<ItemList<LocationRecord>>(focus ? `/locations?call_id=${focus.id}&limit=20` : null, tick, 0);
  const fixes = useMemo(() => (focus && locations ? fixesOf(locations.items, focus.id, now) : []), [focus?.id, locations, Math.floor(now / 5000)]);
  useEffect(() => callFixesStore.set(fixes), [JSON.stringify(fixes.map((f) => [f.id, f.newest]))]);

  // Decisions of the waiting numbers (the card covers the focused one).
  const [decisions, setDecisions] = useState<Record<string, CallerDecision>>({});
  const waitingNumbers = view.waiting.map((c) => c.caller).filter(Boolean).join(',');
  useEffect(() => {
    for (const n of new Set(waitingNumbers.split(',').filter(Boolean))) {
      get<CallerDecision>(`/callers/${encodeURIComponent(n)}/decision`)
        .then((d) => setDecisions((all) => ({ ...all, [n]: d })))
        .catch(() => undefined);
    }
  }, [waitingNumbers, tick]);

  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const classify = async (c: Call, cls: CallClass) => {
    if (cls === 'valid') {
      p.onValid(c, fixes.find((f) => f.newest) ?? null);
      return;
    }
    setBusy(true);
    try {
      await post(`/calls/${c.id}/classify`, { classification: cls, note: note.trim() || undefined });
      setNote('');
      toast(t('call_classified', { c: enumName(lang, 'call_class', cls) }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  // Every ended call still unclassified, one verdict for all in one write (POST
  // /calls/classifications, all or none): after a surge of silent or misdirected calls. A valid
  // call needs its own report, so it is not offered here.
  const classifyAll = async (cls: CallClass) => {
    setBusy(true);
    try {
      const items = toClassify.map((c) => ({ call_id: c.id, classification: cls, note: note.trim() || undefined }));
      const r = await post<{ classified: number }>('/calls/classifications', { items });
      setNote('');
      toast(t('calls_classified', { n: String(r.classified), c: enumName(lang, 'call_class', cls) }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  // One key per classification for my call, when not typing.
  const target = view.mine ?? toClassify[0] ?? null;
  useEffect(() => {
    if (!target || target.classification) return;
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
      const cls = classForKey(e.key);
      if (!cls) return;
      e.preventDefault();
      void classify(target, cls);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [target?.id, target?.classification, note, fixes]);

  // Leaving the console with an answered call unclassified asks first.
  const pending = (view.mine && !view.mine.classification ? 1 : 0) + toClassify.length;
  useEffect(() => {
    if (!pending) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [pending]);

  const classButtons = (c: Call) => (
    <div class="class-keys" data-testid="class-keys">
      {CLASS_KEYS.map(([key, cls]) => (
        <button key={cls} class={'btn btn-small class-' + cls} disabled={busy} onClick={() => void classify(c, cls)} data-testid={'classify-' + cls}>
          <kbd>{key}</kbd> {enumName(lang, 'call_class', cls)}
        </button>
      ))}
      <input
        class="input input-small"
        placeholder={t('call_note')}
        value={note}
        onInput={(e) => setNote(e.currentTarget.value)}
        data-testid="call-note"
        aria-label={t('call_note')}
      />
    </div>
  );

  return (
    <section class="panel calls-panel" data-testid="live-calls" aria-label={t('live_calls')}>
      <header class="panel-head">
        <h2>{t('live_calls')}</h2>
        <span class={'count' + (view.waiting.length ? ' alarm' : '')} data-testid="waiting-count">
          {view.waiting.length}
        </span>
        {view.waiting.length > 0 && <span class="muted small">{t('longest_wait', { s: seconds(longestWait(view.waiting, now), lang) })}</span>}
      </header>
      <div class="panel-body">
        {!agent && (
          <div class="muted small" data-testid="no-agent">
            {t('no_pbx_agent')}
          </div>
        )}
        {view.mine && (
          <div class="my-call" data-testid="my-call" data-number={view.mine.caller}>
            <div class="call-line">
              <strong>{t('my_call')}</strong> <span class="mono">{view.mine.caller || t('withheld')}</span> · {view.mine.line}
              {view.mine.answered_at && (
                <>
                  {' · '}
                  <Age since={view.mine.answered_at} />
                </>
              )}
            </div>
            {view.mine.classification ? (
              <div class="muted small" data-testid="my-call-class">
                {enumName(lang, 'call_class', view.mine.classification)}
                {view.mine.classification_source === 'automatic' ? ` · ${t('auto_classified')}` : ''}
              </div>
            ) : (
              classButtons(view.mine)
            )}
          </div>
        )}
        {toClassify.length > 1 && (
          <div class="class-keys" data-testid="classify-all">
            <span class="muted small">{t('classify_all', { n: String(toClassify.length) })}</span>
            {CLASS_KEYS.filter(([, cls]) => cls !== 'valid').map(([, cls]) => (
              <button key={cls} class={'btn btn-small class-' + cls} disabled={busy} onClick={() => void classifyAll(cls)} data-testid={'classify-all-' + cls}>
                {enumName(lang, 'call_class', cls)}
              </button>
            ))}
          </div>
        )}
        {toClassify.map((c) => (
          <div class="my-call ended" key={c.id} data-testid="to-classify" data-number={c.caller}>
            <div class="call-line">
              <strong>{t('classify_ended')}</strong> <CallerNumber callId={c.id} caller={c.caller} masked={c.caller_masked} />
            </div>
            {c === target ? classButtons(c) : null}
          </div>
        ))}
        {view.waiting.length > 0 && (
          <ul class="waiting" data-testid="waiting-calls">
            {view.waiting.map((c) => (
              <li key={c.id} data-testid="waiting-call" data-number={c.caller}>
                <span class="mono">{c.caller || t('withheld')}</span>
                <span class="muted small">{c.line}</span>
                <span class={'wait' + ((waitingSeconds(c, now) ?? 0) > 10 ? ' late' : '')} data-testid="wait">
                  {seconds(waitingSeconds(c, now), lang)}
                </span>
                <DecisionBadge decision={decisions[c.caller] ?? (card?.number === c.caller ? card.decision : null)} />
              </li>
            ))}
          </ul>
        )}
        {!view.waiting.length && !view.mine && !toClassify.length && <div class="muted small">{t('no_live_calls')}</div>}
        {card && focus && <CallerCardView card={card} me={p.me} fixes={fixes} />}
        {view.others.length > 0 && (
          <div class="others" data-testid="other-calls">
            <div class="field-label">{t('others_on_calls')}</div>
            {view.others.map((c) => (
              <div key={c.id} class="small">
                <span class="mono">{c.agent || '—'}</span> · {maskPhone(c.caller)}
              </div>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}

function CallerCardView(p: { card: CallerCard; me: Me; fixes: Fix[] }) {
  const t = useT();
  const lang = useStore(langStore);
  const c = p.card;
  const h = c.history;
  const last = c.recent_calls.find((x) => x.phase === 'ended');
  const supervising = p.me.role === 'supervisor' || p.me.role === 'admin';
  const blocked = !!c.flags.blocked_until || !!c.flags.flagged_at;
  const unblock = async () => {
    try {
      await post(`/callers/${encodeURIComponent(c.number)}/unblock`, { note: 'dibuka oleh supervisor' });
      toast(t('caller_unblocked'));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <div class="caller-card" data-testid="caller-card" data-number={c.number}>
      <div class="call-line">
        <strong class="mono">{c.number}</strong> <DecisionBadge decision={c.decision} />
      </div>
      {h && (
        <div class="caller-counts small" data-testid="caller-counts">
          <span data-testid="count-calls">{t('cc_calls', { n: h.calls })}</span> ·{' '}
          <span data-testid="count-valid">{t('cc_valid', { n: h.valid })}</span> ·{' '}
          <span data-testid="count-prank">{t('cc_prank', { n: h.prank })}</span> ·{' '}
          <span data-testid="count-ghost">{t('cc_ghost', { n: h.ghost })}</span>
        </div>
      )}
      {last && (
        <div class="muted small" data-testid="last-call">
          {t('cc_last')}: <Age since={last.ring_at} /> · {last.outcome ? enumName(lang, 'call_outcome', last.outcome) : '—'}
          {last.classification ? ` · ${enumName(lang, 'call_class', last.classification)}` : ''}
        </div>
      )}
      {c.decision.decision === 'warn' && c.decision.reason && !blocked && (
        <div class="small caller-warn" data-testid="caller-warn">
          {c.decision.reason}
        </div>
      )}
      {blocked && (
        <div class="caller-flag small" data-testid="caller-flag">
          {c.flags.blocked_until ? (
            <>
              {t('cc_blocked_until')} <When at={c.flags.blocked_until} />
            </>
          ) : (
            t('cc_flagged')
          )}
          {supervising && (
            <button class="btn btn-small" onClick={() => void unblock()} data-testid="unblock">
              {t('unblock')}
            </button>
          )}
        </div>
      )}
      {(c.open_reports ?? []).map((m) => (
        <div class="small" key={m.report.id} data-testid="open-report">
          {m.incident ? `${m.incident.number} · ${m.incident.summary}` : `${m.report.tracking_code} · ${m.report.description.slice(0, 60)}`}
        </div>
      ))}
      {c.open_callbacks.length > 0 && <div class="small" data-testid="open-callbacks">{t('cc_callbacks', { n: c.open_callbacks.length })}</div>}
      {p.fixes.length > 0 && (
        <div class="small" data-testid="fix-summary">
          {t('cc_fix', { r: p.fixes[0]!.radius_m === null ? '?' : Math.round(p.fixes[0]!.radius_m), s: seconds(p.fixes[0]!.age_s, lang) })}
        </div>
      )}
    </div>
  );
}

/** The wallboard's view of the calls: waiting with the longest wait, and who is on which call. */
export function LiveCallsBoard() {
  const t = useT();
  const lang = useStore(langStore);
  const now = useStore(nowStore);
  const tick = useEventTick(SUBJECTS);
  const list = useRefreshing<ItemList<Call>>('/calls?live=true&limit=100', tick, Math.floor(now / 5000));
  const view = splitLiveCalls(list?.items ?? [], '');
  return (
    <div class="calls-board" data-testid="calls-board">
      <div class={'call-fig' + (view.waiting.length ? ' alarm' : '')}>
        <span class="kpi-n" data-testid="board-waiting">{view.waiting.length}</span>
        <span class="kpi-l">
          {t('live_calls')} · {t('longest_wait', { s: seconds(longestWait(view.waiting, now), lang) })}
        </span>
      </div>
      <div class="small" data-testid="board-agents">
        {view.others.map((c) => (
          <div key={c.id} data-testid="board-agent">
            <span class="mono">{c.agent || '—'}</span> · {maskPhone(c.caller)} · <Age since={c.answered_at} />
          </div>
        ))}
      </div>
    </div>
  );
}
