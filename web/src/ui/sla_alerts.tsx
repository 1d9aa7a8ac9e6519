// The wallboard's current SLA alerts (lib/sla_alerts.ts): GET /sla/alerts?open=true when shown
// and every minute, with the stream's sla.* events folded in as they come; each says its level
// in words and colour, the incident, the step, the agency and when it was due.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api/client';
import { langStore, liveStore, recentStore, useDirectory, useT } from '../data';
import { enumName } from '../lib/i18n';
import { isActiveIncident } from '../lib/live';
import { alertsOf, withEvents, type SlaAlert } from '../lib/sla_alerts';
import { useStore } from '../lib/store';
import { When } from './common';

export function SlaAlerts(p: { onOpen: (incidentId: string) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const live = useStore(liveStore);
  const recent = useStore(recentStore);
  const { agency } = useDirectory();
  const [base, setBase] = useState<{ items: SlaAlert[]; seq: number }>({ items: [], seq: 0 });
  useEffect(() => {
    let current = true;
    const load = () => {
      // Events older than the answer are already in it; newer ones are folded in below.
      const seq = recentStore.get()[0]?.seq ?? 0;
      get<{ items: SlaAlert[] }>('/sla/alerts?open=true')
        .then((r) => current && setBase({ items: alertsOf(r.items), seq }))
        .catch(() => undefined);
    };
    load();
    const minute = setInterval(load, 60_000);
    return () => {
      current = false;
      clearInterval(minute);
    };
  }, []);
  const items = useMemo(() => {
    const closed = new Set([...live.incidents.values()].filter((i) => !isActiveIncident(i) && i.status !== 'resolved').map((i) => i.id));
    return withEvents(base.items, recent.filter((e) => e.seq > base.seq), closed);
  }, [base, recent, live]);
  return (
    <div class="sla-alerts-panel" data-testid="sla-alerts">
      <header class="panel-head">
        <h2>{t('sla_alerts')}</h2>
        <span class={'count' + (items.some((a) => a.level !== 'warning') ? ' count-alarm' : '')}>{items.length}</span>
      </header>
      <div class="panel-body" tabIndex={0}>
        {!items.length && <div class="muted small">{t('sla_alerts_none')}</div>}
        <ul class="sla-alerts">
          {items.map((a) => (
            <li key={a.id} class="clickable" onClick={() => p.onOpen(a.incident_id)} data-testid="sla-alert" data-level={a.level} data-incident={a.incident_id}>
              <span class={'sla-level sla-level-' + a.level}>{enumName(lang, 'sla_level', a.level)}</span>
              <span class="mono">{a.incident_number}</span>
              <span>{enumName(lang, 'sla_step', a.step)}</span>
              {a.agency_id && <strong>{agency(a.agency_id)?.code}</strong>}
              <span class="muted small">
                {t('sla_due', { t: '' })}
                <When at={a.due_at} />
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
