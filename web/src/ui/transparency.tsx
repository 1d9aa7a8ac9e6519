// The public transparency page (/transparansi, no login): a year of aggregate figures from
// GET /api/v1/public/stats as tiles, inline SVG bar charts per month and tables, readable on a
// phone. It imports nothing of the consoles (no session, stream, map or Chart.js), so that its
// bundle stays small; main.tsx loads it alone for this path.
import { useEffect, useState } from 'preact/hooks';
import { count, percent } from '../lib/format';
import { barsOf, categoryName, medianText, monthLabel, tiles, tx, type PublicStats } from '../lib/transparency';
import type { Lang } from '../lib/time';
import '../transparency.css';

const W = 360;
const H = 120;

/** Bars per month with their value on each; target draws a dashed line at that value. */
function MonthBars(p: { id: string; title: string; labels: string[]; values: number[]; texts: string[]; max?: number; target?: { value: number; text: string } }) {
  const bars = barsOf(p.values, W, H, p.max);
  const ty = p.target && p.max ? H - (p.target.value / p.max) * H : null;
  return (
    <figure class="pub-chart" data-testid={'chart-' + p.id} data-values={p.values.join(',')}>
      <figcaption>{p.title}</figcaption>
      <svg viewBox={`0 -14 ${W} ${H + 32}`} role="img" aria-label={`${p.title}: ${p.labels.map((l, i) => `${l} ${p.texts[i]}`).join(', ')}`}>
        {bars.map((b, i) => (
          <g key={p.labels[i]}>
            <title>{`${p.labels[i]}: ${p.texts[i]}`}</title>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={2} class="pub-bar" />
            {p.values[i]! > 0 && (
              <text x={b.x + b.width / 2} y={b.y - 3} text-anchor="middle" class="pub-val">
                {p.texts[i]}
              </text>
            )}
            <text x={b.x + b.width / 2} y={H + 13} text-anchor="middle" class="pub-axis">
              {p.labels[i]!.slice(0, 3)}
            </text>
          </g>
        ))}
        <line x1={0} x2={W} y1={H} y2={H} class="pub-base" />
        {ty !== null && (
          <>
            <line x1={0} x2={W} y1={ty} y2={ty} class="pub-target" />
            <text x={2} y={ty - 3} class="pub-axis">
              {p.target!.text}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}

export function TransparencyPage() {
  const [lang, setLang] = useState<Lang>(localStorage.getItem('siaga.lang') === 'en' ? 'en' : 'id');
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState<number>(Number(new URLSearchParams(location.search).get('tahun')) || thisYear);
  const [data, setData] = useState<PublicStats | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('siaga.lang', lang);
    document.title = `${tx(lang, 'title')} · Siaga 112`;
  }, [lang]);

  useEffect(() => {
    let current = true;
    setError('');
    const q = new URLSearchParams(location.search);
    const j = q.get('wilayah');
    fetch(`/api/v1/public/stats?year=${year}${j ? '&jurisdiction=' + encodeURIComponent(j) : ''}`, { headers: { Accept: 'application/json' } })
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (!r.ok) throw new Error(body?.message ?? `HTTP ${r.status}`);
        return body as PublicStats;
      })
      .then((s) => current && setData(s))
      .catch((e: Error) => current && (setData(null), setError(e.message)));
    return () => {
      current = false;
    };
  }, [year]);

  const months = data?.months ?? [];
  const labels = months.map((m) => monthLabel(m.period, lang));
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  return (
    <main class="pub" data-testid="transparency" data-year={data?.year ?? ''}>
      <header class="pub-head">
        <div>
          <h1>{tx(lang, 'title')}</h1>
          <p class="pub-where">{data ? `${data.jurisdiction.name} · ${tx(lang, 'year')} ${data.year}` : tx(lang, 'loading')}</p>
        </div>
        <div class="pub-tools">
          <label>
            {tx(lang, 'year')}{' '}
            <select value={year} onChange={(e) => setYear(Number((e.target as HTMLSelectElement).value))} data-testid="pub-year">
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <span role="group" aria-label={tx(lang, 'language')}>
            {(['id', 'en'] as const).map((l) => (
              <button key={l} class={'pub-lang' + (l === lang ? ' on' : '')} aria-pressed={l === lang} onClick={() => setLang(l)} data-testid={'pub-lang-' + l}>
                {l.toUpperCase()}
              </button>
            ))}
          </span>
        </div>
      </header>
      <p class="pub-intro">{tx(lang, 'intro')}</p>
      {error && (
        <p class="pub-error" role="alert">
          {tx(lang, 'failed', { m: error })}
        </p>
      )}
      {data && (
        <>
          <section class="pub-tiles" aria-label={`${tx(lang, 'year')} ${data.year}`}>
            {tiles(data.total, lang).map(([id, label, text, value]) => (
              <div key={id} class="pub-tile" data-testid={'pub-' + id} data-value={value}>
                <span class="pub-n">{text}</span>
                <span class="pub-l">{label}</span>
              </div>
            ))}
          </section>
          <section class="pub-charts" aria-label={tx(lang, 'per_month')}>
            <MonthBars id="calls" title={tx(lang, 'calls')} labels={labels} values={months.map((m) => m.calls)} texts={months.map((m) => count(m.calls, lang))} />
            <MonthBars
              id="within15"
              title={tx(lang, 'within15')}
              labels={labels}
              values={months.map((m) => m.share_within_15s ?? 0)}
              texts={months.map((m) => percent(m.share_within_15s))}
              max={1}
              target={{ value: 0.9, text: tx(lang, 'target') }}
            />
            <MonthBars id="emergencies" title={tx(lang, 'emergencies')} labels={labels} values={months.map((m) => m.emergencies_dispatched)} texts={months.map((m) => count(m.emergencies_dispatched, lang))} />
            <MonthBars id="pranks" title={tx(lang, 'pranks')} labels={labels} values={months.map((m) => m.share_pranks_silent ?? 0)} texts={months.map((m) => percent(m.share_pranks_silent))} max={1} />
          </section>
          <section>
            <h2>{tx(lang, 'per_month')}</h2>
            <div class="pub-scroll" tabIndex={0} role="region" aria-label={tx(lang, 'per_month')}>
              <table class="pub-table" data-testid="pub-months">
                <thead>
                  <tr>
                    <th scope="col">{tx(lang, 'month')}</th>
                    <th scope="col">{tx(lang, 'calls')}</th>
                    <th scope="col">{tx(lang, 'within15')}</th>
                    <th scope="col">{tx(lang, 'emergencies')}</th>
                    <th scope="col">{tx(lang, 'pranks')}</th>
                    <th scope="col">{tx(lang, 'top')}</th>
                  </tr>
                </thead>
                <tbody>
                  {months.map((m, i) => (
                    <tr key={m.period} data-period={m.period} data-calls={m.calls} data-emergencies={m.emergencies_dispatched}>
                      <th scope="row">{labels[i]}</th>
                      <td>{count(m.calls, lang)}</td>
                      <td>{percent(m.share_within_15s)}</td>
                      <td>{count(m.emergencies_dispatched, lang)}</td>
                      <td>{percent(m.share_pranks_silent)}</td>
                      <td>{m.top_categories.map((c) => `${categoryName(c, lang)} (${count(c.incidents, lang)})`).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section>
            <h2>{tx(lang, 'agencies')}</h2>
            {data.total.agencies.length ? (
              <table class="pub-table" data-testid="pub-agencies">
                <thead>
                  <tr>
                    <th scope="col">{tx(lang, 'agency')}</th>
                    <th scope="col">{tx(lang, 'dispatches')}</th>
                    <th scope="col">{tx(lang, 'median')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.total.agencies.map((a) => (
                    <tr key={a.code} data-code={a.code} data-dispatches={a.dispatches} data-median={a.on_scene_p50_s ?? ''}>
                      <th scope="row">{a.name}</th>
                      <td>{count(a.dispatches, lang)}</td>
                      <td>{medianText(a, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p>{tx(lang, 'none')}</p>
            )}
          </section>
          <section>
            <h2>{tx(lang, 'top')}</h2>
            {data.total.top_categories.length ? (
              <ol class="pub-top" data-testid="pub-top">
                {data.total.top_categories.map((c) => (
                  <li key={c.code} data-code={c.code} data-incidents={c.incidents}>
                    {categoryName(c, lang)}: <strong>{count(c.incidents, lang)}</strong>
                  </li>
                ))}
              </ol>
            ) : (
              <p>{tx(lang, 'none')}</p>
            )}
          </section>
          <p class="pub-foot">{tx(lang, 'updated', { t: new Date(data.computed_at).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: data.jurisdiction.timezone }) })}</p>
        </>
      )}
    </main>
  );
}
