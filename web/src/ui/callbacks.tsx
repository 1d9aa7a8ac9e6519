// Callbacks due (abandoned and missed calls) in the call taker's queue, when the server offers
// /api/v1/callbacks, and the most recently due of the closed ones (done or failed), whose number
// shows masked with "Tampilkan nomor": the audited reveal of the call the callback came from
// (call.caller_revealed, listed for the supervisor). Refreshed by callback events on the stream
// and every 30 s.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Page } from '../api/types';
import { langStore, useEventTick, useT } from '../data';
import { useStore } from '../lib/store';
import { formatDuration, parseTime } from '../lib/time';
import { CallerNumber } from './caller_number';
import { errorText, toast, When } from './common';

interface Callback {
  id: string;
  call_id: string;
  caller: string;
  caller_masked: boolean;
  status: 'open' | 'in_progress' | 'done' | 'failed' | 'superseded';
  due_at: string;
  overdue_s: number | null;
  attempts: number;
  max_attempts: number;
  assigned_to: string | null;
  last_result: string | null;
}

const SUBJECTS = ['callback', 'call'];

export function CallbackList() {
  const t = useT();
  const lang = useStore(langStore);
  const tick = useEventTick(SUBJECTS);
  const [items, setItems] = useState<Callback[]>([]);
  const [total, setTotal] = useState(0);
  const [poll, setPoll] = useState(0);
  useEffect(() => {
    // Soonest due first; the queue shows the first ten and counts the rest.
    get<Page<Callback>>('/callbacks?limit=10')
      .then((p) => {
        setItems(p.items);
        setTotal(p.total);
      })
      .catch(() => {
        setItems([]);
        setTotal(0);
      });
  }, [tick, poll]);
  useEffect(() => {
    const id = setInterval(() => setPoll((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);

  const act = async (cb: Callback, path: string, body: unknown = {}) => {
    try {
      await post(`/callbacks/${cb.id}/${path}`, body);
      setPoll((n) => n + 1);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const now = Date.now();
  return (
    <div class="q-section" data-testid="q-callbacks">
      <h3>
        {t('q_callbacks')} <span class="count">{total}</span>
      </h3>
      {!items.length && <div class="q-none">{t('none')}</div>}
      {items.map((cb) => {
        const late = parseTime(cb.due_at) < now;
        return (
          <div key={cb.id} class={'q-item q-static' + (late ? ' late' : '')}>
            <div class="q-line">
              <span class="mono">{cb.caller}</span>
              <span class="q-cat">
                {cb.attempts}/{cb.max_attempts}
              </span>
              <span class={'q-age' + (late ? ' late-text' : '')}>
                {late ? '+' + formatDuration(now - parseTime(cb.due_at), lang) : formatDuration(parseTime(cb.due_at) - now, lang)}
              </span>
            </div>
            <div class="q-actions">
              <button class="btn btn-small" onClick={() => act(cb, 'dial')}>
                {lang === 'en' ? 'Call' : 'Panggil'}
              </button>
              <button class="btn btn-small btn-ghost" onClick={() => act(cb, 'attempt', { result: 'no_answer', note: '' })}>
                {lang === 'en' ? 'No answer' : 'Tak diangkat'}
              </button>
              <button class="btn btn-small btn-ghost" onClick={() => act(cb, 'attempt', { result: 'reached_no_emergency', note: '' })}>
                {lang === 'en' ? 'Not an emergency' : 'Bukan darurat'}
              </button>
              <button
                class="btn btn-small btn-ghost"
                onClick={() => act(cb, 'attempt', { result: 'reached_valid', note: '', report: { description: lang === 'en' ? 'Callback: caller reached' : 'Panggilan balik: pelapor tersambung' } })}
              >
                {lang === 'en' ? 'Valid → report' : 'Valid → laporan'}
              </button>
            </div>
          </div>
        );
      })}
      {total > items.length && <div class="q-none">+{total - items.length}</div>}
    </div>
  );
}

/** The closed callbacks due most recently (at most 5, newest first). The list is ordered by
 * due time, oldest first, so the first request counts them and the second reads the last ones. */
export function ClosedCallbacks() {
  const t = useT();
  const tick = useEventTick(SUBJECTS);
  const [items, setItems] = useState<Callback[]>([]);
  useEffect(() => {
    const closed = '/callbacks?status=done,failed';
    get<Page<Callback>>(`${closed}&limit=1`)
      .then((first) => get<Page<Callback>>(`${closed}&limit=5&offset=${Math.max(0, first.total - 5)}`))
      .then((p) => setItems([...p.items].reverse()))
      .catch(() => setItems([]));
  }, [tick]);
  return (
    <div class="q-section" data-testid="q-callbacks-closed">
      <h3>{t('q_callbacks_closed')}</h3>
      {!items.length && <div class="q-none">{t('none')}</div>}
      {items.map((cb) => (
        <div key={cb.id} class="q-item q-static" data-testid="closed-callback" data-callback={cb.id} data-call={cb.call_id}>
          <div class="q-line">
            <CallerNumber callId={cb.call_id} caller={cb.caller} masked={cb.caller_masked} />
            <span class="q-cat">{t(cb.status === 'failed' ? 'callback_failed' : 'callback_done')}</span>
            <span class="q-age">
              <When at={cb.due_at} />
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
