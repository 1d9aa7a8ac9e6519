// The security lines of the wallboard and the admin's users page: the login rate limits that
// acted lately (GET /api/v1/security/events) and the reporters' contacts revealed lately (GET
// /api/v1/audit/reveals), refreshed every minute.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import type { ContactReveal, SecurityEvent } from '../api/types';
import { useT } from '../data';
import type { Key } from '../lib/i18n';
import { When } from './common';

const KINDS: Record<string, Key> = {
  'login.locked_address': 'sec_login_locked_address',
  'login.locked_account_address': 'sec_login_locked_account_address',
  'login.backoff_account': 'sec_login_backoff_account',
};

// The items of a list route, loaded now and every minute; null while unknown or refused.
function usePolledItems<T>(path: string): T[] | null {
  const [items, setItems] = useState<T[] | null>(null);
  useEffect(() => {
    const load = () =>
      get<{ items: T[] }>(path)
        .then((r) => setItems(r.items))
        .catch(() => setItems(null));
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [path]);
  return items;
}

export function SecurityEvents(p: { limit?: number }) {
  const t = useT();
  const items = usePolledItems<SecurityEvent>(`/security/events?limit=${p.limit ?? 5}`);
  if (items === null) return null;
  return (
    <div class="security-events" data-testid="security-events">
      <header class="panel-head">
        <h2>{t('security_title')}</h2>
        <span class={'count' + (items.length ? ' count-alarm' : '')}>{items.length}</span>
      </header>
      {!items.length && <div class="muted small">{t('security_none')}</div>}
      {items.map((e) => (
        <div class="small" key={e.id} data-testid="security-event" data-kind={e.kind}>
          <strong>{KINDS[e.kind] ? t(KINDS[e.kind]!) : e.kind}</strong> {[e.username, e.address].filter(Boolean).join(' @ ')} · {e.failures}× ·{' '}
          <When at={e.at} />
        </div>
      ))}
    </div>
  );
}

// Who revealed which reporter's contact or caller's number lately (GET /api/v1/audit/reveals), for the supervisor
// (UU PDP: every reveal is recorded), refreshed every minute.
export function ContactReveals(p: { limit?: number }) {
  const t = useT();
  const items = usePolledItems<ContactReveal>(`/audit/reveals?limit=${p.limit ?? 5}`);
  if (items === null) return null;
  return (
    <div class="security-events" data-testid="contact-reveals">
      <header class="panel-head">
        <h2>{t('reveals_title')}</h2>
        <span class="count">{items.length}</span>
      </header>
      {!items.length && <div class="muted small">{t('reveals_none')}</div>}
      {items.map((e) => (
        <div class="small" key={e.seq} data-testid="contact-reveal">
          <strong>{e.actor_name}</strong> · {t(e.kind === 'call' ? 'reveal_kind_call' : 'reveal_kind_report')}{' '}
          <span class="mono">{(e.kind === 'call' ? e.call_id : e.report_id)?.slice(-8)}</span> · <When at={e.at} />
        </div>
      ))}
    </div>
  );
}
