// The supervisor's wallboard: open incidents by status on a map and in a list, dispatches by
// agency with ages and overdue marks, today's counts by category (the server's statistics,
// read every minute and after stream events), failed notifications with retry (when the
// server has the outbox), and the latest activity. Everything updates live.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { IncidentStatus, Page } from '../api/types';
import { dirStore, langStore, liveStore, meStore, nowStore, timeZone, useDirectory, useEventTick, useT } from '../data';
import { count } from '../lib/format';
import { enumName } from '../lib/i18n';
import { activityOf, agencyLoads, boardOf, slaLookup } from '../lib/live';
import { queueOf } from '../lib/queue';
import { useStore } from '../lib/store';
import { localDate } from '../lib/period';
import { breakdown } from '../lib/stats';
import { formatDuration } from '../lib/time';
import { Age, Empty, errorText, IncidentPill, toast, UrgencyTag, When, STATUS_COLOR } from './common';
import { CallFigures } from './calls';
import { RecentCalls } from './caller_number';
import { LiveCallsBoard } from './live_calls';
import { Bars } from './chart';
import { IncidentPanel } from './incident';
import { MapView, type MapMarker } from './map';
import { ContactReveals, SecurityEvents } from './security';
import { SlaAlerts } from './sla_alerts';
import { useStatsRefresh, useTodayStats } from './stats_view';

const STATUSES: IncidentStatus[] = ['open', 'dispatched', 'in_progress', 'resolved'];

export function Wallboard() {
  const t = useT();
  const lang = useStore(langStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const dir = useStore(dirStore);
  const me = useStore(meStore);
  const { agency, categoryName, district } = useDirectory();
  const [open, setOpen] = useState<string | null>(null);
  const slaOf = useMemo(() => slaLookup(dir.categories), [dir.categories]);
  const ackOf = useMemo(() => {
    const ack = new Map(dir.agencies.map((a) => [a.id, a.acknowledged_by]));
    return (id: string) => ack.get(id);
  }, [dir.agencies]);
  const rows = useMemo(() => boardOf(live, slaOf, now, null, ackOf), [live, slaOf, now, ackOf]);
  const loads = useMemo(() => agencyLoads(live, slaOf, now), [live, slaOf, now]);
  const activity = useMemo(() => activityOf(live, 40), [live]);
  const queue = useMemo(() => queueOf(live, { sla: slaOf }, now), [live, slaOf, Math.floor(now / 5000)]);
  const todayStats = useTodayStats(localDate(now, timeZone()), useStatsRefresh());
  const todayTotal = todayStats?.incidents.total;
  const byCategory = todayStats ? breakdown(todayStats.incidents, 'category') : [];
  const overdue = loads.reduce((n, l) => n + l.overdue, 0);
  const newReports = queue.filter((q) => q.kind === 'report').length;

  const markers: MapMarker[] = rows
    .filter((r) => r.incident.location)
    .map((r) => ({
      id: r.incident.id,
      at: r.incident.location!,
      color: r.overdue ? '#c62828' : STATUS_COLOR[r.incident.status] ?? '#555',
      title: `${r.incident.number} · ${categoryName(r.incident.category_id)} · ${enumName(lang, 'incident_status', r.incident.status)}`,
      emphasis: r.incident.urgency === 'emergency',
      pulse: r.overdue,
    }));

  return (
    <div class="wb-grid" data-testid="wallboard">
      <div class="kpis">
        {STATUSES.map((s) => (
          <div class={'kpi kpi-' + s} key={s} data-testid={'kpi-' + s}>
            <span class="kpi-n">{count(rows.filter((r) => r.incident.status === s).length, lang)}</span>
            <span class="kpi-l">
              <span class="dot" style={{ background: STATUS_COLOR[s] }} /> {enumName(lang, 'incident_status', s)}
            </span>
          </div>
        ))}
        <div class={'kpi' + (overdue ? ' kpi-alarm' : '')} data-testid="kpi-overdue">
          <span class="kpi-n">{count(overdue, lang)}</span>
          <span class="kpi-l">{t('q_overdue')}</span>
        </div>
        <div class="kpi">
          <span class="kpi-n">{count(newReports, lang)}</span>
          <span class="kpi-l">{t('q_reports')}</span>
        </div>
        <div class="kpi">
          <span class="kpi-n" data-testid="today-incidents">
            {count(todayTotal, lang)}
          </span>
          <span class="kpi-l">{t('kpi_today')}</span>
        </div>
      </div>

      <section class="panel wb-map">
        <MapView districts={dir.districts} markers={markers} onMarker={setOpen} />
      </section>

      <section class="panel wb-list" data-testid="wb-incidents">
        <header class="panel-head">
          <h2>{t('open_incidents')}</h2>
          <span class="count">{count(rows.length, lang)}</span>
        </header>
        <div class="panel-body" tabIndex={0}>
          {!rows.length && <Empty>{t('board_empty')}</Empty>}
          <table class="table dense">
            <tbody>
              {rows.map((r) => (
                <tr key={r.incident.id} class={'clickable' + (r.overdue ? ' late' : '')} onClick={() => setOpen(r.incident.id)} data-testid="wb-incident" data-number={r.incident.number} data-status={r.incident.status}>
                  <td class="mono nowrap">{r.incident.number.slice(-11)}</td>
                  <td>
                    <UrgencyTag urgency={r.incident.urgency} short />
                  </td>
                  <td>
                    <div class="ellipsis">{categoryName(r.incident.category_id)}</div>
                    <div class="muted small ellipsis">{district(r.incident.district_id)?.name ?? r.incident.address}</div>
                  </td>
                  <td>
                    <IncidentPill status={r.incident.status} />
                  </td>
                  <td class="wb-dchips">
                    {r.dispatches.map(({ dispatch: d, clock }) => (
                      <span key={d.id} class={'dchip dchip-' + d.status + (clock.overdue ? ' late' : '')} title={`${agency(d.agency_id)?.name} · ${enumName(lang, 'dispatch_status', d.status)}`}>
                        {agency(d.agency_id)?.code}
                      </span>
                    ))}
                  </td>
                  <td class="right">
                    <Age since={r.incident.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="panel wb-agencies" data-testid="wb-agencies">
        <header class="panel-head">
          <h2>{t('by_agency')}</h2>
        </header>
        <div class="panel-body" tabIndex={0}>
          {!loads.length && <Empty>{t('no_dispatches')}</Empty>}
          <table class="table dense">
            <thead>
              <tr>
                <th>{t('agencies')}</th>
                <th class="right">{t('count_active')}</th>
                <th class="right">{t('count_overdue')}</th>
                <th class="right">{t('oldest')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {loads.map((l) => (
                <tr key={l.agency_id} class={l.overdue ? 'late' : ''} data-testid="wb-agency" data-agency={agency(l.agency_id)?.code}>
                  <td>
                    <strong>{agency(l.agency_id)?.code}</strong>
                  </td>
                  <td class="right">{count(l.active, lang)}</td>
                  <td class={'right' + (l.overdue ? ' late-text' : '')}>{count(l.overdue, lang)}</td>
                  <td class="right">{formatDuration(l.oldest_ms, lang)}</td>
                  <td class="wb-dchips">
                    {l.items.slice(0, 6).map((it) => (
                      <span
                        key={it.dispatch.id}
                        class={'dchip dchip-' + it.dispatch.status + (it.clock.overdue ? ' late' : '')}
                        title={`${it.incident?.number} · ${enumName(lang, 'dispatch_status', it.dispatch.status)}`}
                        onClick={() => setOpen(it.dispatch.incident_id)}
                      >
                        {formatDuration(it.clock.total_ms, lang)}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="panel wb-cats">
        <header class="panel-head">
          <h2>{t('today_by_category')}</h2>
          <span class="count">{count(todayTotal, lang)}</span>
        </header>
        <div class="panel-body" tabIndex={0} data-testid="wb-today-categories">
          {byCategory.length ? <Bars labels={byCategory.map((r) => categoryName(r.key))} values={byCategory.map((r) => r.count)} /> : <Empty>{t('none')}</Empty>}
        </div>
      </section>

      <section class="panel wb-side">
        <CallFigures />
        {dir.routes.has('/api/v1/sla/alerts') && <SlaAlerts onOpen={setOpen} />}
        {dir.routes.has('/api/v1/calls') && <LiveCallsBoard />}
        {dir.routes.has('/api/v1/calls') && <RecentCalls board />}
        {dir.routes.has('/api/v1/notifications') && (me?.role === 'supervisor' || me?.role === 'admin') && <DeadLetters />}
        {dir.routes.has('/api/v1/security/events') && (me?.role === 'supervisor' || me?.role === 'admin') && <SecurityEvents />}
        {dir.routes.has('/api/v1/audit/reveals') && (me?.role === 'supervisor' || me?.role === 'admin') && <ContactReveals />}
        <header class="panel-head">
          <h2>{t('timeline')}</h2>
        </header>
        <div class="panel-body" tabIndex={0}>
          <ol class="timeline compact" data-testid="activity">
            {activity.map((a, i) => (
              <li key={i} onClick={() => setOpen(a.incident_id)} class="clickable">
                <time>
                  <When at={a.at} />
                </time>
                <span>
                  <span class="mono muted">{live.incidents.get(a.incident_id)?.number.slice(-4) ?? '····'}</span> {enumName(lang, 'event_kind', a.kind)}
                  {a.agency_id && <strong> · {agency(a.agency_id)?.code}</strong>}
                </span>
              </li>
            ))}
          </ol>
        </div>
      </section>
      {open && <IncidentPanel id={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

interface Notification {
  id: string;
  agency_id: string;
  incident_id: string | null;
  endpoint_kind: string;
  target: string;
  event_kind: string;
  status: string;
  attempts: number;
  last_error: string;
  updated_at: string;
}

const NOTIFICATION_SUBJECTS = ['notification'];

/** Dead letters of the outbox, with retry. */
function DeadLetters() {
  const t = useT();
  const tick = useEventTick(NOTIFICATION_SUBJECTS);
  const { agency } = useDirectory();
  const [items, setItems] = useState<Notification[]>([]);
  const [again, setAgain] = useState(0);
  useEffect(() => {
    get<Page<Notification>>('/notifications?status=dead&limit=50')
      .then((p) => setItems(p.items))
      .catch(() => setItems([]));
  }, [tick, again]);
  const retry = async (n: Notification) => {
    try {
      await post(`/notifications/${n.id}/retry`);
      setAgain((x) => x + 1);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <div class="dead-letters" data-testid="dead-letters">
      <header class="panel-head">
        <h2>{t('dead_letters')}</h2>
        <span class={'count' + (items.length ? ' count-alarm' : '')}>{items.length}</span>
      </header>
      <div class="panel-body dl-body" tabIndex={0}>
        {!items.length && <div class="muted small">{t('none')}</div>}
        {items.map((n) => (
          <div class="dl-item" key={n.id}>
            <div>
              <strong>{agency(n.agency_id)?.code}</strong> · {n.endpoint_kind} · {n.attempts}×
              <div class="muted small ellipsis" title={n.last_error}>
                {n.last_error || n.target}
              </div>
            </div>
            <button class="btn btn-small" onClick={() => retry(n)}>
              {t('retry')}
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
