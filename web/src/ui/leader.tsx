// The leader's dashboard (Walikota, Kadis): read-only map and figures of the city.
import { useMemo, useState } from 'preact/hooks';
import { dirStore, langStore, liveStore, nowStore, timeZone, useDirectory, useT } from '../data';
import { enumName } from '../lib/i18n';
import { count } from '../lib/format';
import { countBy, isActiveIncident } from '../lib/live';
import { median, span, waitsToDispatch } from '../lib/sla';
import { useStore } from '../lib/store';
import { formatDuration, parseTime, startOfLocalDay } from '../lib/time';
import { CallFigures } from './calls';
import { Bars } from './chart';
import { STATUS_COLOR } from './common';
import { IncidentPanel } from './incident';
import { MapView, type MapMarker } from './map';

export function LeaderDashboard() {
  const t = useT();
  const lang = useStore(langStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const dir = useStore(dirStore);
  const { agency, categoryName } = useDirectory();
  const [open, setOpen] = useState<string | null>(null);
  const tz = timeZone();
  const dayStart = startOfLocalDay(now, tz);
  const weekStart = dayStart - 6 * 86400_000;

  const figures = useMemo(() => {
    const incidents = [...live.incidents.values()];
    const today = incidents.filter((i) => parseTime(i.created_at) >= dayStart);
    const week = incidents.filter((i) => parseTime(i.created_at) >= weekStart);
    const openNow = incidents.filter(isActiveIncident);
    const reportsToday = [...live.reports.values()].filter((r) => parseTime(r.created_at) >= dayStart);
    const dispatches = [...live.dispatches.values()].filter((d) => parseTime(d.notified_at) >= weekStart);
    const todayDispatches = dispatches.filter((d) => parseTime(d.notified_at) >= dayStart);
    const perAgency = new Map<string, { n: number; done: number; declined: number; ack: number[]; scene: number[] }>();
    for (const d of dispatches) {
      const a = perAgency.get(d.agency_id) ?? { n: 0, done: 0, declined: 0, ack: [], scene: [] };
      a.n++;
      if (d.status === 'completed') a.done++;
      if (d.status === 'declined') a.declined++;
      a.ack.push(span(d.notified_at, d.acknowledged_at));
      a.scene.push(span(d.notified_at, d.on_scene_at));
      perAgency.set(d.agency_id, a);
    }
    const days: [string, number][] = [];
    for (let i = 6; i >= 0; i--) {
      const from = dayStart - i * 86400_000;
      const n = week.filter((x) => parseTime(x.created_at) >= from && parseTime(x.created_at) < from + 86400_000).length;
      const label = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: tz, weekday: 'short', day: 'numeric' }).format(from + 12 * 3600_000);
      days.push([label, n]);
    }
    return {
      today,
      openNow,
      reportsToday,
      rejectedToday: reportsToday.filter((r) => r.status === 'rejected').length,
      toDispatch: median(waitsToDispatch(today, live.reports.values())),
      toAck: median(todayDispatches.map((d) => span(d.notified_at, d.acknowledged_at))),
      byCategory: countBy(week, (i) => i.category_id),
      perAgency: [...perAgency.entries()].sort((a, b) => b[1].n - a[1].n),
      days,
    };
  }, [live, dayStart, lang]);

  const markers: MapMarker[] = figures.openNow
    .filter((i) => i.location)
    .map((i) => ({ id: i.id, at: i.location!, color: STATUS_COLOR[i.status] ?? '#555', title: `${i.number} · ${categoryName(i.category_id)}`, emphasis: i.urgency === 'emergency' }));

  const kpis: [string, string, string?][] = [
    [t('kpi_today'), count(figures.today.length, lang)],
    [t('kpi_open'), count(figures.openNow.length, lang)],
    [t('kpi_dispatch_median'), formatDuration(figures.toDispatch, lang)],
    [t('kpi_ack_median'), formatDuration(figures.toAck, lang)],
    [t('kpi_reports_today'), count(figures.reportsToday.length, lang)],
    [t('kpi_rejected_today'), count(figures.rejectedToday, lang)],
  ];

  return (
    <div class="ld-grid" data-testid="leader">
      <div class="kpis">
        {kpis.map(([label, value]) => (
          <div class="kpi" key={label}>
            <span class="kpi-n">{value}</span>
            <span class="kpi-l">{label}</span>
          </div>
        ))}
        <div class="kpi kpi-note">
          <span class="kpi-l">{t('read_only')}</span>
        </div>
      </div>
      <section class="panel ld-map">
        <MapView districts={dir.districts} markers={markers} onMarker={setOpen} />
      </section>
      <CallFigures />
      <section class="panel ld-days">
        <header class="panel-head">
          <h2>{lang === 'en' ? 'Incidents, last 7 days' : 'Insiden 7 hari terakhir'}</h2>
        </header>
        <div class="panel-body" tabIndex={0}>
          <Bars labels={figures.days.map(([l]) => l)} values={figures.days.map(([, n]) => n)} height={200} />
        </div>
      </section>
      <section class="panel ld-cats">
        <header class="panel-head">
          <h2>{lang === 'en' ? 'By category, 7 days' : 'Per kategori, 7 hari'}</h2>
        </header>
        <div class="panel-body" tabIndex={0}>
          <Bars labels={figures.byCategory.map(([id]) => categoryName(id))} values={figures.byCategory.map(([, n]) => n)} />
        </div>
      </section>
      <section class="panel ld-agencies">
        <header class="panel-head">
          <h2>{t('agency_perf')}</h2>
        </header>
        <div class="panel-body" tabIndex={0}>
          <table class="table dense">
            <thead>
              <tr>
                <th>{t('agencies')}</th>
                <th class="right">{t('dispatches_n')}</th>
                <th class="right">{t('completed_n')}</th>
                <th class="right">{t('declined_n')}</th>
                <th class="right">{t('kpi_ack_median')}</th>
                <th class="right">{enumName(lang, 'dispatch_status', 'on_scene')}</th>
              </tr>
            </thead>
            <tbody>
              {figures.perAgency.map(([id, a]) => (
                <tr key={id}>
                  <td>
                    <strong>{agency(id)?.code}</strong> <span class="muted small">{agency(id)?.name}</span>
                  </td>
                  <td class="right">{count(a.n, lang)}</td>
                  <td class="right">{count(a.done, lang)}</td>
                  <td class="right">{count(a.declined, lang)}</td>
                  <td class="right">{formatDuration(median(a.ack), lang)}</td>
                  <td class="right">{formatDuration(median(a.scene), lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {open && <IncidentPanel id={open} onClose={() => setOpen(null)} readOnly />}
    </div>
  );
}
