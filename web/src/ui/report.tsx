// The printable report (/laporan?bulan=2025-06, ?tahun=2025, ?dari=…&sampai=…): totals, the
// trend, tables by category, kecamatan and agency, answer-time compliance, pranks and silent
// calls, follow-ups to the field and the period's notable incidents, all from the server's
// statistics; A4 print CSS in stats.css (no navigation, page breaks between sections).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import type { Incident, Me, Page } from '../api/types';
import { langStore, nowStore, timeZone, useDirectory, useT } from '../data';
import { count, percent } from '../lib/format';
import { enumName } from '../lib/i18n';
import { instantsOf, localDate, rangeText, reportPeriod, type Range } from '../lib/period';
import { notableCategories, notableOf, type CallBucket } from '../lib/stats';
import { useStore } from '../lib/store';
import { formatFull, parseTime } from '../lib/time';
import { errorText } from './common';
import { AgencyTable, BreakdownTable, categoryRows, districtRows, HeadlineText, Trend, usePeriodStats, type PeriodFigures } from './stats_view';

export function ReportPage(p: { me: Me }) {
  const t = useT();
  const lang = useStore(langStore);
  const now = useStore(nowStore);
  const [search] = useState(location.search);
  const result = reportPeriod(search, localDate(now, timeZone()));
  const range = result.ok ? result.range : null;
  const { data, error } = usePeriodStats(range);
  const title = !range ? t('report_title_period') : search.includes('tahun=') ? t('report_title_year') : search.includes('bulan=') || !search ? t('report_title_month') : t('report_title_period');

  useEffect(() => {
    if (range) document.title = `${title} — ${rangeText(range, lang)} — ${p.me.jurisdiction?.name ?? 'Siaga 112'}`;
  }, [range?.from, range?.to, lang]);

  return (
    <div class="rp" data-testid="report">
      <div class="rp-tools no-print">
        <a href="/#/leader">{t('report_back')}</a>
        <button class="btn btn-small" onClick={() => window.print()} data-testid="report-print">
          {t('report_print')}
        </button>
      </div>
      <main class="rp-page">
        <h1>
          {title}
          {range && ` — ${rangeText(range, lang)}`}
        </h1>
        <p class="rp-sub">{p.me.jurisdiction?.name}</p>
        {!result.ok && (
          <div class="form-error" role="alert" data-testid="report-error">
            {t(`period_err_${result.error}`)}
          </div>
        )}
        {error && (
          <div class="form-error" role="alert" data-testid="report-error">
            {t('stats_failed', { m: error })}
          </div>
        )}
        {data && <ReportBody data={data} me={p.me} />}
        {range && !data && !error && <p>{t('loading')}</p>}
      </main>
    </div>
  );
}

function ReportBody(p: { data: PeriodFigures; me: Me }) {
  const t = useT();
  const lang = useStore(langStore);
  const d = p.data;
  const h = d.headline;
  const c = d.calls?.total ?? null;
  const n = (x: number | null | undefined) => count(x ?? 0, lang);
  return (
    <div data-testid="report-body" data-from={d.range.from} data-to={d.range.to}>
      <section class="rp-section">
        <h2>{t('report_totals')}</h2>
        <HeadlineText headline={h} />
        <table class="rp-figures" data-testid="report-totals">
          <tbody>
            {c && <FigureRow label={t('stat_calls')} value={n(c.total)} id="calls" />}
            {c && <FigureRow label={t('stat_answered')} value={n(c.answered)} id="answered" />}
            {c && <FigureRow label={t('stat_valid')} value={n(h.valid)} id="valid" />}
            {c && <FigureRow label={t('stat_pranks')} value={n(h.pranks_silent)} id="pranks" />}
            <FigureRow label={t('stat_incidents')} value={n(h.incidents)} id="incidents" />
            <FigureRow label={t('stat_emergencies')} value={n(emergencies(d))} id="emergencies" />
            <FigureRow label={t('stat_dispatches')} value={n(h.dispatches)} id="dispatches" />
          </tbody>
        </table>
      </section>
      <section class="rp-section">
        <h2>{t(d.range.grain === 'day' ? 'trend_day' : 'trend_month')}</h2>
        <Trend data={d} height={220} />
      </section>
      <section class="rp-section">
        <h2>{t('report_compliance')}</h2>
        {c ? <Compliance calls={c} /> : <p>{t('report_no_calls')}</p>}
      </section>
      <section class="rp-section">
        <h2>{t('report_pranks')}</h2>
        {c ? (
          <table class="rp-figures" data-testid="report-pranks">
            <tbody>
              <FigureRow label={t('stat_prank')} value={n(c.by_classification.prank)} />
              <FigureRow label={t('stat_ghost')} value={n(c.by_classification.ghost)} />
              <FigureRow label={t('stat_pranks')} value={`${n(h.pranks_silent)} (${t('report_pranks_share', { p: percent(c.total ? (h.pranks_silent ?? 0) / c.total : null) })})`} />
            </tbody>
          </table>
        ) : (
          <p>{t('report_no_calls')}</p>
        )}
      </section>
      <section class="rp-section rp-break">
        <h2>{t('by_category')}</h2>
        <BreakdownTable rows={categoryRows(d)} dim="category" testid="by-category" />
      </section>
      <section class="rp-section">
        <h2>{t('by_district')}</h2>
        <BreakdownTable rows={districtRows(d)} dim="district" testid="by-district" />
      </section>
      <section class="rp-section rp-break">
        <h2>{t('report_followups')}</h2>
        <AgencyTable data={d} />
      </section>
      <section class="rp-section">
        <h2>{t('report_notable')}</h2>
        <Notable data={d} />
      </section>
      <p class="rp-foot">{t('report_generated', { t: formatFull(Date.now(), timeZone(), lang), u: p.me.display_name })}</p>
    </div>
  );
}

const emergencies = (d: PeriodFigures) => d.dims.items.filter((i) => i.urgency === 'emergency').reduce((s, i) => s + i.count, 0);

function FigureRow(p: { label: string; value: string; id?: string }) {
  return (
    <tr data-testid={p.id ? 'figure-' + p.id : undefined}>
      <th scope="row">{p.label}</th>
      <td class="right">{p.value}</td>
    </tr>
  );
}

function Compliance(p: { calls: CallBucket }) {
  const t = useT();
  const lang = useStore(langStore);
  const c = p.calls;
  return (
    <>
      <table class="rp-figures" data-testid="report-compliance">
        <tbody>
          {([10, 15, 20] as const).map((s) => (
            <FigureRow key={s} label={t('stat_within', { s })} value={`${percent(c.share_answered_within?.[`${s}s`])} (${count(c.answered_within?.[`${s}s`] ?? 0, lang)})`} id={`within-${s}`} />
          ))}
          <FigureRow label={enumName(lang, 'call_outcome', 'abandoned')} value={count(c.abandoned, lang)} />
          <FigureRow label={enumName(lang, 'call_outcome', 'missed')} value={count(c.missed, lang)} />
        </tbody>
      </table>
      <p class="muted small">{t('report_compliance_note')}</p>
    </>
  );
}

/** The period's most urgent incidents: read per category of the highest urgency present. */
function Notable(p: { data: PeriodFigures }) {
  const t = useT();
  const lang = useStore(langStore);
  const { categoryName, district } = useDirectory();
  const [items, setItems] = useState<Incident[] | null>(null);
  const [error, setError] = useState('');
  const range: Range = p.data.range;
  useEffect(() => {
    const pick = notableCategories(p.data.dims);
    if (!pick) {
      setItems([]);
      return;
    }
    const at = instantsOf(range, timeZone());
    const q = (cat: string) => `/incidents?category_id=${encodeURIComponent(cat)}&from=${encodeURIComponent(at.from)}&to=${encodeURIComponent(at.to)}&limit=10`;
    Promise.all(pick.categories.map((cat) => get<Page<Incident>>(q(cat))))
      .then((pages) => setItems(notableOf(pages.flatMap((pg) => pg.items.filter((i) => i.urgency === pick.urgency)))))
      .catch((e) => setError(errorText(e)));
  }, [range.from, range.to]);
  if (error) return <div class="form-error">{error}</div>;
  if (!items) return <p>{t('loading')}</p>;
  if (!items.length) return <p>{t('report_notable_none')}</p>;
  return (
    <table class="table dense" data-testid="report-notable">
      <thead>
        <tr>
          <th scope="col">No.</th>
          <th scope="col">{t('when')}</th>
          <th scope="col">{t('category')}</th>
          <th scope="col">{t('district')}</th>
          <th scope="col">{t('urgency')}</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id}>
            <td class="mono nowrap">{i.number}</td>
            <td class="nowrap">{formatFull(parseTime(i.created_at), timeZone(), lang)}</td>
            <td>
              {categoryName(i.category_id)}
              {i.summary && <div class="small">{i.summary}</div>}
            </td>
            <td>{district(i.district_id)?.name ?? i.address}</td>
            <td>{enumName(lang, 'urgency', i.urgency)}</td>
            <td>{enumName(lang, 'incident_status', i.status)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

