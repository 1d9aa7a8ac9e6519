// A caller's number as the server gave it: in full while the call is live (or its callback is
// open); masked once it is not (docs/security.md, UU PDP), with "Tampilkan nomor" asking the
// audited reveal POST /api/v1/calls/{id}/caller (call.caller_revealed, listed for the
// supervisor). The revealed number stays on this row only, as a tel: link.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Call, ItemList } from '../api/types';
import { langStore, nowStore, useEventTick, useT } from '../data';
import { enumName } from '../lib/i18n';
import { maskPhone } from '../lib/mask';
import { useStore } from '../lib/store';
import { errorText, toast, When } from './common';

export function CallerNumber(p: { callId: string; caller: string; masked: boolean }) {
  const t = useT();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!p.caller) return <span class="mono">{t('withheld')}</span>;
  if (!p.masked) return <span class="mono">{p.caller}</span>;
  if (revealed !== null) {
    return (
      <a class="mono" href={revealed ? 'tel:' + revealed : undefined} data-testid="revealed-caller">
        {revealed || t('withheld')}
      </a>
    );
  }
  const reveal = async () => {
    setBusy(true);
    try {
      const r = await post<{ call_id: string; caller: string | null }>(`/calls/${p.callId}/caller`, {});
      setRevealed(r.caller ?? '');
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <span class="mono" data-testid="masked-caller">{p.caller}</span>{' '}
      <button class="btn-link" disabled={busy} title={t('reveal_recorded')} onClick={() => void reveal()} data-testid="reveal-caller">
        {t('reveal_number')}
      </button>
    </span>
  );
}

/** The newest calls (GET /calls), each number masked once its call is no longer live. board:
 * on the wallboard (a screen others see) a live number is masked too, as the board's live calls. */
export function RecentCalls(p: { board?: boolean }) {
  const t = useT();
  const lang = useStore(langStore);
  const now = useStore(nowStore);
  const tick = useEventTick(['call', 'callback']);
  const poll = Math.floor(now / 30_000);
  const [items, setItems] = useState<Call[]>([]);
  useEffect(() => {
    get<ItemList<Call>>('/calls?limit=10')
      .then((l) => setItems(l.items))
      .catch(() => setItems([]));
  }, [tick, poll]);
  return (
    <div class="q-section" data-testid="recent-calls">
      <h3>{t('recent_calls')}</h3>
      {!items.length && <div class="q-none">{t('none')}</div>}
      {items.map((c) => (
        <div key={c.id} class="q-item q-static" data-testid="recent-call" data-call={c.id}>
          <div class="q-line">
            {p.board && !c.caller_masked ? (
              <span class="mono">{maskPhone(c.caller)}</span>
            ) : (
              <CallerNumber callId={c.id} caller={c.caller} masked={c.caller_masked} />
            )}
            <span class="q-cat">{c.classification ? enumName(lang, 'call_class', c.classification) : enumName(lang, 'call_phase', c.phase)}</span>
            <span class="q-age">
              <When at={c.ring_at} />
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
