// The leader's statistics from the server: a history built through the API (calls classified
// valid, prank and silent; incidents in two kecamatan dispatched to Damkar and PSC 119, one
// completed, one declined), then the leader picks the current month and every figure on the
// page (headline, tiles, trend, by category, kecamatan and agency) equals the API's answer;
// a figure opens the incidents behind it; this year has a bar per month; a period with from
// after to says so. The printable report of the month prints to an A4 PDF (headless chromium)
// whose text holds the totals. The wallboard's count of today follows a new incident.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, apiAs, assert, axeSerious, shot, signIn } from './lib.mjs';

const T = 15000;
// The zones of Indonesian jurisdictions: fixed offsets, no daylight saving.
const OFFSET = { 'Asia/Jakarta': '+07:00', 'Asia/Pontianak': '+07:00', 'Asia/Makassar': '+08:00', 'Asia/Jayapura': '+09:00' };
const fmt = (n) => n.toLocaleString('id-ID', { maximumFractionDigits: 0 });
const monthEnd = (ym) => {
  const [y, m] = ym.split('-').map(Number);
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};
const nextDay = (date) => new Date(Date.parse(date + 'T00:00:00Z') + 86400_000).toISOString().slice(0, 10);

async function buildHistory(base) {
  const admin = await apiAs(base, 'admin');
  const sup = await apiAs(base, 'supervisor');
  const damkar = await apiAs(base, 'damkar');
  const psc = await apiAs(base, 'psc119');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const categories = (await sup('GET', '/categories')).body.items;
  const districts = (await sup('GET', '/districts')).body.items;
  const agency = (code) => agencies.find((a) => a.code === code);
  const category = (code) => categories.find((c) => c.code === code);
  const district = (name) => districts.find((d) => d.name === name);

  // Calls from a simulated PBX, classified valid, prank and silent; one abandoned.
  const key = (await admin('POST', '/api_keys', { name: 'PBX statistik' })).body.secret;
  assert(key, 'an api key for the simulated PBX');
  let seq = 0;
  const at = (s) => new Date(Date.now() - s * 1000).toISOString();
  const ev = (call, type, ago, extra = {}) => ({ event_id: `stats-${call}-${type}-${++seq}`, call_id: `stats-${call}`, type, at: at(ago), ...extra });
  const events = [];
  const plan = [
    ['v1', '+6281211110001', 'valid', 8],
    ['v2', '+6281211110002', 'valid', 25],
    ['p1', '+6281211110003', 'prank', 4],
    ['g1', '+6281211110004', 'ghost', 12],
  ];
  for (const [id, number, , wait] of plan) {
    events.push(ev(id, 'ringing', 120, { caller: number, line: '112' }), ev(id, 'answered', 120 - wait, { agent: 'ext201' }), ev(id, 'ended', 30, { reason: 'completed' }));
  }
  events.push(ev('a1', 'ringing', 90, { caller: '+6281211110005', line: '112' }), ev('a1', 'ended', 80, { reason: 'caller_hangup' }));
  const posted = await fetch(base + '/api/v1/telephony/events', {
    method: 'POST',
    headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  assert(posted.status === 200, `telephony events accepted (${posted.status})`);
  const reports = [];
  for (const [id, number, classification] of plan) {
    const list = (await sup('GET', `/calls?caller=${encodeURIComponent(number)}&limit=10`)).body.items;
    const call = list.find((c) => c.external_id === `stats-${id}`);
    assert(call, `the call ${id} is listed`);
    const body = classification === 'valid' ? { classification, report: { description: `Laporan kebakaran (uji statistik ${id})` } } : { classification };
    const r = await sup('POST', `/calls/${call.id}/classify`, body);
    assert(r.status === 200, `call ${id} classified ${classification} (${r.status} ${JSON.stringify(r.body)})`);
    if (classification === 'valid') reports.push(r.body.report_id);
  }
  assert(reports.every(Boolean), `the valid calls made reports (${JSON.stringify(reports)})`);

  // Incidents in Sirimau and Nusaniwe, dispatched to Damkar and PSC 119.
  const made = [];
  // The valid calls' reports become the two fires.
  for (const [cat, name, codes, summary, report] of [
    ['fire', 'Sirimau', ['DAMKAR'], 'Kebakaran gudang (uji statistik)', reports[0]],
    ['fire', 'Nusaniwe', ['DAMKAR'], 'Kebakaran dapur (uji statistik)', reports[1]],
    ['medical', 'Sirimau', ['PSC119'], 'Pingsan di pasar (uji statistik)'],
    ['fallen_tree', 'Nusaniwe', ['DAMKAR'], 'Pohon tumbang (uji statistik)'],
  ]) {
    const input = { category_id: category(cat).id, district_id: district(name).id, summary, agency_ids: codes.map((c) => agency(c).id) };
    const r = await sup('POST', '/incidents', report ? { ...input, report_ids: [report] } : input);
    assert(r.status === 201, `incident ${summary} created (${r.status} ${JSON.stringify(r.body)})`);
    made.push(r.body);
  }
  const dispatchOf = (inc, code) => inc.dispatches.find((d) => d.agency_id === agency(code).id);
  const d1 = dispatchOf(made[0], 'DAMKAR');
  for (const step of ['acknowledge', 'en_route', 'on_scene']) assert((await damkar('POST', `/dispatches/${d1.id}/${step}`, {})).status === 200, `Damkar ${step}`);
  assert((await damkar('POST', `/dispatches/${d1.id}/complete`, { note: 'Api padam' })).status === 200, 'Damkar completes');
  const d2 = dispatchOf(made[2], 'PSC119');
  assert((await psc('POST', `/dispatches/${d2.id}/decline`, { reason: 'Ambulans sedang bertugas' })).status === 200, 'PSC 119 declines');
  return { sup, fire: category('fire') };
}

export async function leaderStats({ browser, base }) {
  const { sup, fire } = await buildHistory(base);
  const me = (await sup('GET', '/me')).body;
  const zone = me.jurisdiction.timezone;
  const offset = OFFSET[zone];
  assert(offset, `a known zone (${zone})`);

  // The API's own default period is this month so far: its month is the test's month.
  const today = (await sup('GET', '/stats/incidents')).body.to;
  const month = today.slice(0, 7);
  const from = `${month}-01`;
  const to = monthEnd(month);
  const q = `from=${from}&to=${to}`;
  const get = async (path) => {
    const r = await sup('GET', path);
    assert(r.status === 200, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const byDay = await get(`/stats/incidents?${q}&group=day`);
  const byCategory = await get(`/stats/incidents?${q}&group=category`);
  const byDistrict = await get(`/stats/incidents?${q}&group=district`);
  const byAgency = await get(`/stats/dispatches?${q}&group=agency`);
  const calls = (await get(`/stats/calls?from=${encodeURIComponent(from + 'T00:00:00' + offset)}&to=${encodeURIComponent(nextDay(to) + 'T00:00:00' + offset)}&group=day`)).total;
  const cls = calls.by_classification;
  const pranks = (cls.prank ?? 0) + (cls.ghost ?? 0);
  assert(calls.total >= 5 && cls.valid >= 2 && pranks >= 2, `the history's calls are counted (${JSON.stringify(calls)})`);
  assert(byCategory.total >= 4 && byAgency.total >= 4, `the history's incidents and dispatches are counted (${byCategory.total}, ${byAgency.total})`);

  // ---- the leader picks the current month ----
  const { context, page } = await signIn(browser, base, 'walikota', { width: 1440, height: 900 });
  await page.goto(base + '/#/leader');
  await page.click('[data-testid=period-chosen_month]');
  await page.fill('[data-testid=period-month-input]', month);
  await page.waitForSelector(`[data-testid=leader-figures][data-from="${from}"][data-to="${to}"]`, { timeout: T });
  await page.waitForTimeout(300);
  await shot(page, 'leader-stats-month');

  const value = (id) => page.getAttribute(`[data-testid=stat-${id}]`, 'data-value').then(Number);
  const text = (id) => page.textContent(`[data-testid=stat-${id}] .kpi-n`);
  for (const [id, expected] of [
    ['calls', calls.total],
    ['answered', calls.answered],
    ['valid', cls.valid ?? 0],
    ['pranks', pranks],
    ['incidents', byDay.total],
    ['dispatches', byAgency.total],
  ]) {
    assert((await value(id)) === expected, `tile ${id}: ${await value(id)} on the page, ${expected} from the API`);
    assert((await text(id)) === fmt(expected), `tile ${id} reads ${fmt(expected)} (${await text(id)})`);
  }
  const headline = `${fmt(calls.total)} panggilan, ${fmt(cls.valid ?? 0)} valid, ${fmt(pranks)} iseng atau diam, ${fmt(byDay.total)} insiden, ${fmt(byAgency.total)} tindak lanjut ke lapangan`;
  const shown = await page.textContent('[data-testid=headline]');
  assert(shown === headline, `the headline\n  page: ${shown}\n  API:  ${headline}`);

  const trend = (await page.getAttribute('[data-testid=trend]', 'data-values')).split(',').map(Number);
  const days = Number(to.slice(8));
  assert(trend.length === days, `one bar per day of the month (${trend.length} of ${days})`);
  for (const item of byDay.items) {
    const i = Number(item.period.slice(8)) - 1;
    assert(trend[i] === item.count, `trend ${item.period}: ${trend[i]} on the page, ${item.count} from the API`);
  }
  assert(trend.reduce((a, b) => a + b, 0) === byDay.total, 'the trend adds up to the total');

  const rowsOf = (testid, attrs) =>
    page.$$eval(`[data-testid=${testid}] tbody tr`, (trs, names) => trs.map((tr) => Object.fromEntries(names.map((n) => [n, tr.getAttribute('data-' + n)]))), attrs);
  const sameCounts = async (testid, stats, dim) => {
    const rows = await rowsOf(testid, ['key', 'count']);
    const expected = stats.items.filter((i) => i.count > 0).map((i) => [i[dim] ?? '', i.count]);
    assert(rows.length === expected.length, `${testid}: ${rows.length} rows on the page, ${expected.length} from the API`);
    for (const [key, n] of expected) {
      const row = rows.find((r) => r.key === key);
      assert(row && Number(row.count) === n, `${testid} ${key}: ${row?.count} on the page, ${n} from the API`);
    }
  };
  await sameCounts('by-category', byCategory, 'category');
  await sameCounts('by-district', byDistrict, 'district');
  const agencyRows = await rowsOf('by-agency', ['key', 'count', 'completed', 'declined']);
  assert(agencyRows.length === byAgency.items.length, `by agency: ${agencyRows.length} rows, ${byAgency.items.length} from the API`);
  for (const item of byAgency.items) {
    const row = agencyRows.find((r) => r.key === item.agency);
    assert(row, `the agency ${item.agency} has a row`);
    assert(Number(row.count) === item.count, `dispatches of ${item.agency}: ${row.count} vs ${item.count}`);
    assert(Number(row.completed) === (item.by_status.completed ?? 0), `completed of ${item.agency}: ${row.completed} vs ${item.by_status.completed}`);
    assert(Number(row.declined) === (item.by_status.declined ?? 0), `declined of ${item.agency}: ${row.declined} vs ${item.by_status.declined}`);
  }

  // ---- a figure opens the incidents behind it ----
  const fires = byCategory.items.find((i) => i.category === fire.id).count;
  await page.click(`[data-testid=by-category] tr[data-key="${fire.id}"] [data-testid=drill]`);
  await page.waitForSelector(`[data-testid=drill-list][data-total="${fires}"]`, { timeout: T });
  const listed = await page.$$('[data-testid=drill-incident]');
  assert(listed.length === Math.min(fires, 100), `the fires of the month are listed (${listed.length} of ${fires})`);
  await shot(page, 'leader-stats-drill');
  const onLeader = await axeSerious(page);
  assert(!onLeader.length, `axe-core on the dashboard with the list open:\n${onLeader.join('\n')}`);
  await page.click('[data-testid=modal-close]');
  const sirimau = byDistrict.items.reduce((best, i) => (i.district && (!best || i.count > best.count) ? i : best), null);
  await page.click(`[data-testid=by-district] tr[data-key="${sirimau.district}"] [data-testid=drill]`);
  await page.waitForSelector(`[data-testid=drill-list][data-total="${sirimau.count}"]`, { timeout: T });
  await page.click('[data-testid=modal-close]');
  // An agency's figure opens exactly the dispatches it counts.
  const busiest = byAgency.items.reduce((best, i) => (!best || i.count > best.count ? i : best), null);
  await page.click(`[data-testid=by-agency] tr[data-key="${busiest.agency}"] [data-testid=drill]`);
  await page.waitForSelector(`[data-testid=drill-list][data-total="${busiest.count}"]`, { timeout: T });
  const agencyListed = await page.$$('[data-testid=drill-incident]');
  assert(agencyListed.length === Math.min(busiest.count, 100), `the agency's dispatches are listed (${agencyListed.length} of ${busiest.count})`);
  await page.click('[data-testid=modal-close]');

  // ---- this year: a bar per month so far ----
  const year = today.slice(0, 4);
  const yearStats = await get(`/stats/incidents?from=${year}-01-01&to=${today}&group=month`);
  await page.click('[data-testid=period-year]');
  await page.waitForSelector(`[data-testid=leader-figures][data-from="${year}-01-01"][data-to="${today}"]`, { timeout: T });
  assert((await value('incidents')) === yearStats.total, `incidents this year: ${await value('incidents')} vs ${yearStats.total}`);
  const months = (await page.getAttribute('[data-testid=trend]', 'data-values')).split(',').map(Number);
  assert(months.length === Number(today.slice(5, 7)), `one bar per month so far (${months.length})`);
  for (const item of yearStats.items) assert(months[Number(item.period.slice(5)) - 1] === item.count, `trend ${item.period}: ${item.count}`);

  // ---- a bad period says so ----
  await page.click('[data-testid=period-range]');
  await page.fill('[data-testid=period-from-input]', to);
  await page.fill('[data-testid=period-to-input]', from);
  await page.waitForSelector('[data-testid=period-error]', { timeout: T });
  const error = await page.textContent('[data-testid=period-error]');
  assert(error.includes('Tanggal awal sesudah tanggal akhir'), `the error names the problem (${error})`);
  assert((await page.$('[data-testid=leader-figures]')) === null, 'no figures for a period that cannot be');
  await shot(page, 'leader-stats-bad-period');

  // ---- the printable report of the month, to PDF ----
  await page.goto(`${base}/laporan?bulan=${month}`);
  await page.waitForSelector(`[data-testid=report-body][data-from="${from}"][data-to="${to}"]`, { timeout: T });
  await page.waitForSelector('[data-testid=report-notable]', { timeout: T });
  assert((await page.$('.topbar')) === null, 'the report has no navigation chrome');
  assert((await page.locator('h1').count()) === 1, 'the report has one main heading');
  const onReport = await axeSerious(page);
  assert(!onReport.length, `axe-core on the report:\n${onReport.join('\n')}`);
  await shot(page, 'leader-stats-report');
  const reportHeadline = await page.textContent('[data-testid=report] [data-testid=headline]');
  assert(reportHeadline === headline, `the report's headline equals the API's (${reportHeadline})`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const pdf = join(ARTIFACTS, `laporan-${month}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const extracted = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  assert(extracted.status === 0, `pdftotext (poppler-utils) reads the PDF: ${extracted.error ?? extracted.stderr}`);
  const pdfText = extracted.stdout.replace(/\s+/g, ' ');
  assert(pdfText.includes(headline), `the PDF's text holds the totals line:\n${headline}\n---\n${pdfText.slice(0, 1500)}`);
  for (const [label, n] of [
    ['Panggilan', calls.total],
    ['Tindak lanjut ke lapangan', byAgency.total],
  ]) {
    assert(pdfText.includes(`${label} ${fmt(n)}`), `the PDF has "${label} ${fmt(n)}"`);
  }
  assert(!pdfText.includes('Kembali ke dasbor'), 'the PDF has no page tools');
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info);
  assert(pages >= 3, `sections on their own pages (${pages} pages)`);
  assert(size && Math.abs(Number(size[1]) - 595) < 2 && Math.abs(Number(size[2]) - 842) < 2, `A4 pages (${size?.[0]})`);
  await context.close();

  // ---- the wallboard's figure of today follows the stream ----
  const wb = await signIn(browser, base, 'supervisor', { width: 1600, height: 900 });
  await wb.page.goto(base + '/#/wallboard');
  const todayCount = async () => (await get(`/stats/incidents?from=${today}&to=${today}`)).total;
  const before = await todayCount();
  await wb.page.waitForSelector(`[data-testid=today-incidents]:text-is("${fmt(before)}")`, { timeout: T });
  const r = await sup('POST', '/incidents', { category_id: fire.id, summary: 'Kebakaran lapak (uji wallboard)' });
  assert(r.status === 201, `one more incident today (${r.status})`);
  assert((await todayCount()) === before + 1, 'the API counts it');
  await wb.page.waitForSelector(`[data-testid=today-incidents]:text-is("${fmt(before + 1)}")`, { timeout: T });
  await wb.context.close();
}
