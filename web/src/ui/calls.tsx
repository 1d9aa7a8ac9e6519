// Today's 112 calls (GET /api/v1/stats/calls/live), when the server has the calls feature:
// calls waiting, answer-time compliance (target: 90 % within 10 s here, NENA 15/20 s),
// and the callback queue. Refreshed by call events and every 10 s.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import { dirStore, langStore, useEventTick } from '../data';
import { belowTarget, count, percent, seconds } from '../lib/format';
import { useStore } from '../lib/store';

interface LiveCallStats {
  waiting: number;
  longest_wait_s: number | null;
  on_call: number;
  today: {
    total: number;
    answered: number;
    abandoned: number;
    missed: number;
    share_answered_within?: { '10s'?: number | null; '15s'?: number | null; '20s'?: number | null };
    by_classification?: Record<string, number>;
  };
  callbacks: { open?: number; overdue?: number };
}

const SUBJECTS = ['call', 'callback'];

export function useCallStats(): LiveCallStats | null {
  const dir = useStore(dirStore);
  const has = dir.routes.has('/api/v1/stats/calls/live');
  const tick = useEventTick(SUBJECTS);
  const [poll, setPoll] = useState(0);
  const [stats, setStats] = useState<LiveCallStats | null>(null);
  useEffect(() => {
    if (!has) return;
    const id = setInterval(() => setPoll((n) => n + 1), 10_000);
    return () => clearInterval(id);
  }, [has]);
  useEffect(() => {
    if (!has) return;
    get<LiveCallStats>('/stats/calls/live')
      .then(setStats)
      .catch(() => setStats(null));
  }, [has, tick, poll]);
  return has ? stats : null;
}

/** Four figures for a panel; nothing when the server has no call statistics. */
export function CallFigures() {
  const s = useCallStats();
  const lang = useStore(langStore);
  if (!s) return null;
  const en = lang === 'en';
  const share10 = s.today.share_answered_within?.['10s'];
  const pranks = (s.today.by_classification?.prank ?? 0) + (s.today.by_classification?.ghost ?? 0);
  return (
    <div class="calls" data-testid="call-figures">
      <div class={'call-fig' + (s.waiting ? ' alarm' : '')}>
        <span class="kpi-n">{count(s.waiting, lang)}</span>
        <span class="kpi-l">
          {en ? 'Calls waiting' : 'Panggilan menunggu'}
          {s.longest_wait_s ? ` · ${seconds(s.longest_wait_s, lang)}` : ''}
        </span>
      </div>
      <div class={'call-fig' + (belowTarget(share10, 0.9) ? ' warn' : '')}>
        <span class="kpi-n">{percent(share10)}</span>
        <span class="kpi-l">{en ? 'Answered ≤ 10 s today' : 'Dijawab ≤ 10 dtk hari ini'}</span>
      </div>
      <div class="call-fig">
        <span class="kpi-n">{count(s.today.total, lang)}</span>
        <span class="kpi-l">
          {en ? 'Calls today' : 'Panggilan hari ini'} · {count(s.today.abandoned + s.today.missed, lang)} {en ? 'lost' : 'hilang'} · {count(pranks, lang)}{' '}
          {en ? 'prank' : 'iseng'}
        </span>
      </div>
      <div class={'call-fig' + (s.callbacks.overdue ? ' alarm' : '')}>
        <span class="kpi-n">{count(s.callbacks.open ?? 0, lang)}</span>
        <span class="kpi-l">
          {en ? 'Callbacks open' : 'Panggilan balik'}
          {s.callbacks.overdue ? ` · ${s.callbacks.overdue} ${en ? 'overdue' : 'terlambat'}` : ''}
        </span>
      </div>
    </div>
  );
}
