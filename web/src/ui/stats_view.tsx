// The server's statistics for a period, shown the same way on the leader dashboard and the
// printable report: the headline, figure tiles, the trend, tables with bars by category,
// kecamatan and agency, and the incident list behind a figure.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import type { Dispatch, Incident, Page } from '../api/types';
import { dirStore, langStore, liveStore, recentStore, timeZone, useDirectory, useT } from '../data';
import { belowTarget, count, percent, seconds } from '../lib/format';
import { periodLabel, rangeText, type Range } from '../lib/period';
import {
  agencyRows,
  breakdown,
  drillPath,
  headlineOf,
  headlineText,
  statsPaths,
  trendOf,
  type BreakdownRow,
  type CallStats,
  type CountStats,
  type DispatchStats,
  type Drill,
  type Headline,
} from '../lib/stats';
import { useStore } from '../lib/store';
import { parseTime } from '../lib/time';
import { Bars } from './chart';
import { DispatchPill, Empty, errorText, IncidentPill, Modal, UrgencyTag, When } from './common';

export interface PeriodFigures {
  range: Range;
  trend: CountStats;
  dims: CountStats;
  dispatches: DispatchStats;
  /** null when the server has no call statistics. */
  calls: CallStats | null;
  headline: Headline;
}

/** Reads the four statistics of a range (again whenever refresh changes); null range: nothing. */
export function usePeriodStats(range: Range | null, refresh = 0): { data: PeriodFigures | null; error: string; loading: boolean } {
  const dir = useStore(dirStore);
  const hasCalls = dir.routes.has('/api/v1/stats/calls');
  const [state, setState] = useState<{ key: string; data: PeriodFigures | null; error: string }>({ key: '', data: null, error: '' });
  const key = range ? `${range.from}|${range.to}|${range.grain}` : '';
  useEffect(() => {
    if (!range) return;
    let current = true;
    const paths = statsPaths(range, timeZone());
    Promise.all([
      get<CountStats>(paths.trend),
      get<CountStats>(paths.dims),
      get<DispatchStats>(paths.dispatches),
      hasCalls ? get<CallStats>(paths.calls) : Promise.resolve(null),
    ])
      .then(([trend, dims, dispatches, calls]) => {
        if (current) setState({ key, data: { range, trend, dims, dispatches, calls, headline: headlineOf(calls, trend, dispatches) }, error: '' });
      })
      .catch((e) => current && setState({ key, data: null, error: errorText(e) }));
    return () => {
      current = false;
    };
  }, [key, hasCalls, refresh]);
  const fresh = state.key === key;
  return { data: fresh ? state.data : null, error: fresh ? state.error : '', loading: !!range && !fresh };
}

/** The server's export of the period's incidents by period and category, as XLSX and CSV
 *  downloads (the session cookie authorises the plain links). */
export function statsDownloadPath(range: Range, format: 'xlsx' | 'csv'): string {
  return `/api/v1/stats/incidents?from=${range.from}&to=${range.to}&group=${range.grain},category&format=${format}`;
}

export function StatsDownloads(p: { range: Range }) {
  const t = useT();
  const lang = useStore(langStore);
  const title = t('download_title', { r: rangeText(p.range, lang) });
  return (
    <span class="downloads">
      <a class="btn" href={statsDownloadPath(p.range, 'xlsx')} download data-testid="download-xlsx" title={title}>
        {t('download_xlsx')}
      </a>
      <a class="btn" href={statsDownloadPath(p.range, 'csv')} download data-testid="download-csv" title={title}>
        {t('download_csv')}
      </a>
    </span>
  );
}

/** Today's incidents by category and dispatches by agency, from the server's statistics. */
export function useTodayStats(today: string, refresh: number): { incidents: CountStats; dispatches: DispatchStats } | null {
  const [stats, setStats] = useState<{ incidents: CountStats; dispatches: DispatchStats } | null>(null);
  useEffect(() => {
    let current = true;
    const q = `from=${today}&to=${today}`;
    Promise.all([get<CountStats>(`/stats/incidents?${q}&group=category`), get<DispatchStats>(`/stats/dispatches?${q}&group=agency`)])
      .then(([incidents, dispatches]) => current && setStats({ incidents, dispatches }))
      .catch(() => current && setStats(null));
    return () => {
      current = false;
    };
  }, [today, refresh]);
  return stats;
}

/**
 * A number that changes every minute and soon after stream events (at most every 5 s), so
 * that statistics on a live screen follow what happens without asking on every event.
 */
export function useStatsRefresh(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    let last = Date.now();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = () => {
      timer = null;
      last = Date.now();
      setN((x) => x + 1);
    };
    const off = recentStore.subscribe(() => {
      if (!timer) timer = setTimeout(bump, Math.max(1000, 5000 - (Date.now() - last)));
    });
    const minute = setInterval(bump, 60_000);
    return () => {
      off();
      clearInterval(minute);
      if (timer) clearTimeout(timer);
    };
  }, []);
  return n;
}

export function HeadlineText(p: { headline: Headline }) {
  const lang = useStore(langStore);
  return (
    <p class="stats-headline" data-testid="headline">
      {headlineText(p.headline, lang)}
    </p>
  );
}

/** The period's figures as tiles; each carries its exact number in data-value. */
export function StatTiles(p: { headline: Headline; onDrill?: (d: Drill) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const h = p.headline;
  const tiles: [string, string, number | null, string?, boolean?][] = [];
  if (h.calls !== null) {
    tiles.push(['calls', t('stat_calls'), h.calls]);
    tiles.push(['answered', t('stat_answered'), h.answered]);
    tiles.push(['within15', t('stat_within', { s: 15 }), h.within_15s, percent(h.within_15s), belowTarget(h.within_15s, 0.9)]);
    tiles.push(['valid', t('stat_valid'), h.valid]);
    tiles.push(['pranks', t('stat_pranks'), h.pranks_silent]);
  }
  tiles.push(['incidents', t('stat_incidents'), h.incidents]);
  tiles.push(['dispatches', t('stat_dispatches'), h.dispatches]);
  return (
    <div class="stat-tiles">
      {tiles.map(([id, label, value, text, warn]) => {
        const body = (
          <>
            <span class="kpi-n">{text ?? count(value, lang)}</span>
            <span class="kpi-l">{label}</span>
          </>
        );
        return id === 'incidents' && p.onDrill ? (
          <button key={id} class="stat-tile clickable" data-testid={'stat-' + id} data-value={value ?? ''} onClick={() => p.onDrill!({ dim: 'all' })} title={t('drill_open', { w: label })}>
            {body}
          </button>
        ) : (
          <div key={id} class={'stat-tile' + (warn ? ' warn' : '')} data-testid={'stat-' + id} data-value={value ?? ''}>
            {body}
          </div>
        );
      })}
    </div>
  );
}

export function Trend(p: { data: PeriodFigures; height?: number }) {
  const t = useT();
  const lang = useStore(langStore);
  const trend = trendOf(p.data.trend, p.data.range);
  const title = t(p.data.range.grain === 'day' ? 'trend_day' : 'trend_month');
  return (
    <div data-testid="trend" data-values={trend.values.join(',')}>
      <Bars vertical labels={trend.periods.map((x) => periodLabel(x, lang))} values={trend.values} height={p.height ?? 200} label={`${title}, ${rangeText(p.data.range, lang)}`} />
    </div>
  );
}

/** A table of counts with bars; a row with a value opens the incidents behind it. */
export function BreakdownTable(p: { rows: BreakdownRow[]; dim: 'category' | 'district'; onDrill?: (d: Drill) => void; testid: string }) {
  const t = useT();
  const lang = useStore(langStore);
  const { categoryName, district } = useDirectory();
  const nameOf = (key: string | null) => (p.dim === 'category' ? categoryName(key) : key ? district(key)?.name ?? key : t('no_district'));
  if (!p.rows.length) return <Empty>{t('none')}</Empty>;
  return (
    <table class="table dense stats-table" data-testid={p.testid}>
      <thead>
        <tr>
          <th scope="col">{p.dim === 'category' ? t('category') : t('district')}</th>
          <th scope="col" class="right">
            {t('col_count')}
          </th>
          <th scope="col" class="right">
            {t('col_share')}
          </th>
          <th scope="col" class="bar-col" aria-hidden="true" />
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr key={r.key ?? ''} data-key={r.key ?? ''} data-count={r.count}>
            <td>{nameOf(r.key)}</td>
            <td class="right">
              {r.key && p.onDrill ? (
                <button class="link-btn" data-testid="drill" onClick={() => p.onDrill!({ dim: p.dim, value: r.key! })} aria-label={t('drill_open', { w: `${nameOf(r.key)}: ${count(r.count, lang)}` })}>
                  {count(r.count, lang)}
                </button>
              ) : (
                count(r.count, lang)
              )}
            </td>
            <td class="right">{percent(r.share)}</td>
            <td class="bar-col" aria-hidden="true">
              <span class="bar" style={{ width: `${Math.round(r.bar * 100)}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const categoryRows = (d: PeriodFigures) => breakdown(d.dims, 'category');
export const districtRows = (d: PeriodFigures) => breakdown(d.dims, 'district');

/** Dispatches per agency: counts, outcomes, p50/p90 to acknowledge and on scene, shares within SLA. */
export function AgencyTable(p: { data: PeriodFigures; onDrill?: (d: Drill) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const { agency } = useDirectory();
  const rows = agencyRows(p.data.dispatches);
  const two = (a: number | null, b: number | null) => `${seconds(a, lang)} / ${seconds(b, lang)}`;
  if (!rows.length) return <Empty>{t('no_dispatches')}</Empty>;
  return (
    <table class="table dense stats-table" data-testid="by-agency">
      <thead>
        <tr>
          <th scope="col">{t('agencies')}</th>
          <th scope="col" class="right">
            {t('dispatches_n')}
          </th>
          <th scope="col" class="right">
            {t('completed_n')}
          </th>
          <th scope="col" class="right">
            {t('declined_n')}
          </th>
          <th scope="col" class="right">
            {t('col_ack')}
          </th>
          <th scope="col" class="right">
            {t('col_scene')}
          </th>
          <th scope="col" class="right">
            {t('col_sla_ack')}
          </th>
          <th scope="col" class="right">
            {t('col_sla_scene')}
          </th>
          <th scope="col" class="bar-col" aria-hidden="true" />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const a = agency(r.agency_id);
          return (
            <tr key={r.agency_id} data-key={r.agency_id} data-count={r.count} data-completed={r.completed} data-declined={r.declined}>
              <td>
                <strong>{a?.code ?? r.agency_id}</strong> <span class="muted small">{a?.name}</span>
              </td>
              <td class="right">
                {p.onDrill ? (
                  <button class="link-btn" data-testid="drill" onClick={() => p.onDrill!({ dim: 'agency', value: r.agency_id })} aria-label={t('drill_open', { w: `${a?.name ?? r.agency_id}: ${count(r.count, lang)}` })}>
                    {count(r.count, lang)}
                  </button>
                ) : (
                  count(r.count, lang)
                )}
              </td>
              <td class="right">{count(r.completed, lang)}</td>
              <td class="right">{count(r.declined, lang)}</td>
              <td class="right nowrap">{two(r.ack_p50_s, r.ack_p90_s)}</td>
              <td class="right nowrap">{two(r.scene_p50_s, r.scene_p90_s)}</td>
              <td class="right">{percent(r.ack_within)}</td>
              <td class="right">{percent(r.scene_within)}</td>
              <td class="bar-col" aria-hidden="true">
                <span class="bar" style={{ width: `${Math.round(r.bar * 100)}%` }} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A row of the drill-down: the incident and, for an agency, its dispatch to that agency. */
interface DrillRow {
  key: string;
  at: string;
  incident: Incident;
  dispatch: Dispatch | null;
}

/**
 * The rows behind a figure: incidents as listed, or an agency's dispatches each with its
 * incident (from the console's working set, the others fetched once each).
 */
async function drillRows(path: string, agency: boolean): Promise<{ total: number; rows: DrillRow[] }> {
  if (!agency) {
    const page = await get<Page<Incident>>(path);
    return { total: page.total, rows: page.items.map((i) => ({ key: i.id, at: i.created_at, incident: i, dispatch: null })) };
  }
  const page = await get<Page<Dispatch>>(path);
  const known = liveStore.get().incidents;
  const ids = [...new Set(page.items.map((d) => d.incident_id))];
  const fetched = await Promise.all(ids.map((id) => known.get(id) ?? get<Incident>(`/incidents/${id}`)));
  const byId = new Map(fetched.map((i) => [i.id, i]));
  return {
    total: page.total,
    rows: page.items.map((d) => ({ key: d.id, at: d.notified_at ?? byId.get(d.incident_id)!.created_at, incident: byId.get(d.incident_id)!, dispatch: d })),
  };
}

/** The incidents (or an agency's dispatches) behind a figure, for the period; a row opens the incident. */
export function DrillList(p: { drill: Drill; range: Range; onClose: () => void; onOpen: (id: string) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const { agency, categoryName, district } = useDirectory();
  const [page, setPage] = useState<{ total: number; rows: DrillRow[] } | null>(null);
  const [error, setError] = useState('');
  const path = drillPath(p.drill, p.range, timeZone());
  const byAgency = p.drill.dim === 'agency';
  useEffect(() => {
    drillRows(path, byAgency)
      .then(setPage)
      .catch((e) => setError(errorText(e)));
  }, [path]);
  const what =
    p.drill.dim === 'category'
      ? categoryName(p.drill.value)
      : p.drill.dim === 'district'
        ? district(p.drill.value)?.name ?? p.drill.value
        : p.drill.dim === 'agency'
          ? agency(p.drill.value)?.name ?? p.drill.value
          : t('stat_incidents');
  return (
    <Modal title={`${what} · ${rangeText(p.range, lang)}`} onClose={p.onClose} wide>
      <div data-testid="drill-list" data-total={page?.total ?? ''}>
        {byAgency && <p class="muted small">{t('drill_agency_note')}</p>}
        {error && <div class="form-error">{error}</div>}
        {!page && !error && t('loading')}
        {page && (
          <>
            <p>
              <strong>{t(byAgency ? 'drill_count_dispatches' : 'drill_count', { n: count(page.total, lang) })}</strong>
              {page.total > page.rows.length && <span class="muted small"> · {t('drill_more', { k: count(page.rows.length, lang), n: count(page.total, lang) })}</span>}
            </p>
            <table class="table dense">
              <tbody>
                {page.rows.map(({ key, at, incident: i, dispatch }) => (
                  <tr key={key} class="clickable" onClick={() => p.onOpen(i.id)} data-testid="drill-incident">
                    <td class="mono nowrap">
                      <button
                        class="link-btn"
                        onClick={(e) => {
                          e.stopPropagation();
                          p.onOpen(i.id);
                        }}
                      >
                        {i.number}
                      </button>
                    </td>
                    <td class="nowrap">
                      <When at={parseTime(at)} />
                    </td>
                    <td>
                      <UrgencyTag urgency={i.urgency} short />
                    </td>
                    <td>{categoryName(i.category_id)}</td>
                    <td>{district(i.district_id)?.name ?? i.address}</td>
                    <td>{dispatch ? <DispatchPill status={dispatch.status} /> : <IncidentPill status={i.status} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </Modal>
  );
}
