// The public transparency page: /transparansi opens without signing in (a fresh browser
// context, no cookie), on a phone-sized screen, and shows the figures of GET
// /api/v1/public/stats: the year's tiles, a row per month with its calls and emergencies
// dispatched, the agencies' medians and the top categories; the English switch translates it;
// the page has no serious axe-core findings and loads none of the consoles' code.
import { assert, axeSerious, shot } from './lib.mjs';

const T = 15000;
const fmt = (n) => n.toLocaleString('id-ID', { maximumFractionDigits: 0 });
const pct = (s) => (s === null ? '—' : `${Math.round(s * 100)} %`);

export async function transparency({ browser, base }) {
  const r = await fetch(base + '/api/v1/public/stats');
  assert(r.status === 200, `the public API answers without a session (${r.status})`);
  const api = await r.json();
  assert(api.total.calls > 0 && api.total.incidents > 0, `the demo has figures to show (${JSON.stringify(api.total).slice(0, 200)})`);

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const scripts = [];
  page.on('request', (req) => req.resourceType() === 'script' && scripts.push(req.url()));
  await page.goto(base + '/transparansi');
  await page.waitForSelector(`[data-testid=transparency][data-year="${api.year}"]`, { timeout: T });
  assert((await page.$('[data-testid=login-form], input[type=password]')) === null, 'no sign-in form');
  assert(page.url().endsWith('/transparansi'), `still on /transparansi (${page.url()})`);
  await shot(page, 'transparency-phone');

  const tile = async (id) => ({
    value: await page.getAttribute(`[data-testid=pub-${id}]`, 'data-value'),
    text: await page.textContent(`[data-testid=pub-${id}] .pub-n`),
  });
  const calls = await tile('calls');
  assert(calls.value === String(api.total.calls) && calls.text === fmt(api.total.calls), `calls tile ${JSON.stringify(calls)} vs ${api.total.calls}`);
  const em = await tile('emergencies');
  assert(em.value === String(api.total.emergencies_dispatched) && em.text === fmt(api.total.emergencies_dispatched), `emergencies tile ${JSON.stringify(em)}`);
  assert((await tile('within15')).text === pct(api.total.share_within_15s), 'share within 15 s');
  assert((await tile('pranks')).text === pct(api.total.share_pranks_silent), 'share of pranks and silent calls');

  const rows = await page.$$eval('[data-testid=pub-months] tbody tr', (trs) =>
    trs.map((tr) => ({ period: tr.dataset.period, calls: Number(tr.dataset.calls), emergencies: Number(tr.dataset.emergencies), text: tr.textContent })),
  );
  assert(rows.length === api.months.length, `a row per month (${rows.length} of ${api.months.length})`);
  for (const m of api.months) {
    const row = rows.find((x) => x.period === m.period);
    assert(row && row.calls === m.calls && row.emergencies === m.emergencies_dispatched, `month ${m.period}: ${JSON.stringify(row)} vs ${m.calls}/${m.emergencies_dispatched}`);
    assert(row.text.includes(fmt(m.calls)), `month ${m.period} reads ${fmt(m.calls)}`);
  }
  const chart = await page.getAttribute('[data-testid=chart-calls]', 'data-values');
  assert(chart === api.months.map((m) => m.calls).join(','), `the calls chart has the months' calls (${chart})`);
  assert((await page.$$('[data-testid=chart-calls] rect')).length === api.months.length, 'a bar per month');

  const agencies = await page.$$eval('[data-testid=pub-agencies] tbody tr', (trs) => trs.map((tr) => [tr.dataset.code, Number(tr.dataset.dispatches), tr.dataset.median]));
  assert(agencies.length === api.total.agencies.length, `an agency row each (${agencies.length})`);
  for (const a of api.total.agencies) {
    const row = agencies.find((x) => x[0] === a.code);
    assert(row && row[1] === a.dispatches && row[2] === String(a.on_scene_p50_s ?? ''), `agency ${a.code}: ${JSON.stringify(row)}`);
  }
  const top = await page.$$eval('[data-testid=pub-top] li', (lis) => lis.map((li) => [li.dataset.code, Number(li.dataset.incidents)]));
  assert(JSON.stringify(top) === JSON.stringify(api.total.top_categories.map((c) => [c.code, c.incidents])), `the top categories ${JSON.stringify(top)}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `nothing wider than the phone (${width} px)`);
  const findings = await axeSerious(page);
  assert(!findings.length, `axe-core on /transparansi:\n${findings.join('\n')}`);
  assert(!scripts.some((u) => /\/(app|leaflet|chart)-/.test(u)), `none of the consoles' code is loaded:\n${scripts.join('\n')}`);

  await page.click('[data-testid=pub-lang-en]');
  await page.waitForSelector('h1:text-is("112 service transparency")', { timeout: T });
  assert((await page.textContent('[data-testid=pub-calls] .pub-l')) === 'Calls', 'the tiles in English');
  await shot(page, 'transparency-phone-en');
  await page.click('[data-testid=pub-lang-id]');
  await context.close();
}
