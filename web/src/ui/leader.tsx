// The leader's dashboard (Walikota, Kadis), read only: the server's statistics for a chosen
// period (headline, trend, by category, kecamatan and agency, each figure opening the incidents
// behind it) beside the live map of open incidents and today's figures.
import { useState } from 'preact/hooks';
import { dirStore, langStore, liveStore, nowStore, timeZone, useDirectory, useT } from '../data';
import { count } from '../lib/format';
import { isActiveIncident } from '../lib/live';
import { localDate, periodRange, reportQuery, type PeriodChoice } from '../lib/period';
import type { Drill } from '../lib/stats';
import { useStore } from '../lib/store';
import { CallFigures } from './calls';
import { DistrictMap } from './district_map';
import { Empty, STATUS_COLOR } from './common';
import { IncidentPanel } from './incident';
import { MapView, type MapMarker } from './map';
import { PeriodPicker } from './period_picker';
import { AgencyTable, BreakdownTable, categoryRows, districtRows, DrillList, HeadlineText, StatTiles, StatsDownloads, Trend, usePeriodStats, useStatsRefresh, useTodayStats } from './stats_view';

export function LeaderDashboard() {
  const t = useT();
  const lang = useStore(langStore);
  const live = useStore(liveStore);
  const now = useStore(nowStore);
  const dir = useStore(dirStore);
  const { categoryName } = useDirectory();
  const [choice, setChoice] = useState<PeriodChoice>({ kind: 'month' });
  const [drill, setDrill] = useState<Drill | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const today = localDate(now, timeZone());
  const result = periodRange(choice, today);
  const range = result.ok ? result.range : null;
  const refresh = useStatsRefresh();
  // A period that has ended does not change: only one that reaches today follows the stream.
  const { data, error, loading } = usePeriodStats(range, range && range.to >= today ? refresh : 0);
  const todayStats = useTodayStats(today, refresh);

  const openNow = [...live.incidents.values()].filter(isActiveIncident);
  const markers: MapMarker[] = openNow
    .filter((i) => i.location)
    .map((i) => ({ id: i.id, at: i.location!, color: STATUS_COLOR[i.status] ?? '#555', title: `${i.number} · ${categoryName(i.category_id)}`, emphasis: i.urgency === 'emergency' }));

  return (
    <div class="ld-stats" data-testid="leader" aria-busy={loading}>
      <div class="ld-bar">
        <PeriodPicker choice={choice} today={today} result={result} onChange={setChoice} />
        <span class="muted small">{t('read_only')}</span>
        {range && (
          <a class="btn" href={'/laporan' + reportQuery(range)} data-testid="report-link">
            {t('report_open')}
          </a>
        )}
        {range && <StatsDownloads range={range} />}
      </div>
      {error && (
        <div class="form-error" role="alert" data-testid="stats-error">
          {t('stats_failed', { m: error })}
        </div>
      )}
      {data && (
        <section class="ld-figures" aria-label={t('report_totals')} data-testid="leader-figures" data-from={data.range.from} data-to={data.range.to}>
          <HeadlineText headline={data.headline} />
          <StatTiles headline={data.headline} onDrill={setDrill} />
        </section>
      )}
      <div class="ld-row">
        <section class="panel ld-trend">
          <header class="panel-head">
            <h2>{t(range?.grain === 'month' ? 'trend_month' : 'trend_day')}</h2>
          </header>
          <div class="panel-body">{data ? <Trend data={data} height={230} /> : loading && <Empty>{t('loading')}</Empty>}</div>
        </section>
        <section class="panel ld-live">
          <header class="panel-head">
            <h2>{t('open_incidents')}</h2>
            <span class="count">{count(openNow.length, lang)}</span>
          </header>
          <div class="ld-today">
            <div class="kpi">
              <span class="kpi-n" data-testid="today-incidents">
                {count(todayStats?.incidents.total, lang)}
              </span>
              <span class="kpi-l">{t('kpi_today')}</span>
            </div>
            <div class="kpi">
              <span class="kpi-n">{count(todayStats?.dispatches.total, lang)}</span>
              <span class="kpi-l">{t('kpi_dispatches_today')}</span>
            </div>
            <div class="kpi">
              <span class="kpi-n">{count(openNow.length, lang)}</span>
              <span class="kpi-l">{t('kpi_open')}</span>
            </div>
          </div>
          <div class="ld-map">
            <MapView districts={dir.districts} markers={markers} onMarker={setOpen} />
          </div>
        </section>
      </div>
      <CallFigures />
      <div class="ld-row">
        <section class="panel">
          <header class="panel-head">
            <h2>{t('by_category')}</h2>
          </header>
          <div class="panel-body">{data && <BreakdownTable rows={categoryRows(data)} dim="category" onDrill={setDrill} testid="by-category" />}</div>
        </section>
        <section class="panel">
          <header class="panel-head">
            <h2>{t('by_district')}</h2>
          </header>
          <div class="panel-body">{data && <BreakdownTable rows={districtRows(data)} dim="district" onDrill={setDrill} testid="by-district" />}</div>
        </section>
      </div>
      <section class="panel dmap-panel" data-testid="map-panel">
        <header class="panel-head">
          <h2>{t('map_title')}</h2>
        </header>
        <div class="panel-body">{data && <DistrictMap districts={dir.districts} rows={districtRows(data)} onDrill={setDrill} />}</div>
      </section>
      <section class="panel">
        <header class="panel-head">
          <h2>{t('by_agency_perf')}</h2>
        </header>
        <div class="panel-body">{data && <AgencyTable data={data} onDrill={setDrill} />}</div>
      </section>
      {drill && range && !open && <DrillList drill={drill} range={range} onClose={() => setDrill(null)} onOpen={setOpen} />}
      {open && <IncidentPanel id={open} onClose={() => setOpen(null)} readOnly />}
    </div>
  );
}
