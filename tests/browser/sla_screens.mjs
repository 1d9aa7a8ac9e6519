// SLA clocks from the server in the consoles: a new fire's dispatch carries the server's clocks;
// the call taker's board, the incident detail and the agency console show its next clock as a
// badge with colour and words ("Tepat waktu" while on time) taken from those clocks (not the
// browser's reckoning); a dispatch declined with no replacement raises an escalation that the
// wallboard lists as it arrives on the stream ("Eskalasi"), as GET /sla/alerts?open=true has it.
import { apiAs, assert, axeSerious, shot, signIn } from './lib.mjs';

const T = 15000;
const WORDS = { on_time: 'Tepat waktu', due_soon: 'Segera jatuh tempo', breached: 'Terlambat' };

export async function slaScreens({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const psc = await apiAs(base, 'psc119');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const categories = (await sup('GET', '/categories')).body.items;
  const agency = (code) => agencies.find((a) => a.code === code);
  const category = (code) => categories.find((c) => c.code === code);

  // ---- the wallboard, open before anything happens ----
  const wb = await signIn(browser, base, 'supervisor', { width: 1600, height: 900 });
  await wb.page.goto(base + '/#/wallboard');
  await wb.page.waitForSelector('[data-testid=sla-alerts]', { timeout: T });

  const made = await sup('POST', '/incidents', { category_id: category('fire').id, summary: 'Kebakaran (uji jam SLA)', agency_ids: [agency('DAMKAR').id] });
  assert(made.status === 201, `a fire (${made.status} ${JSON.stringify(made.body)})`);
  const inc = made.body;
  const d = inc.dispatches.find((x) => x.agency_id === agency('DAMKAR').id);
  assert(Array.isArray(d.clocks) && d.clocks.length, `the dispatch carries clocks (${JSON.stringify(d.clocks)})`);
  const next = d.clocks.find((c) => c.state !== 'met' && c.state !== 'met_late');
  assert(next && next.step === 'acknowledge' && next.state === 'on_time', `its next clock is the acknowledgement, on time (${JSON.stringify(next)})`);

  // ---- the call taker's board and the incident detail ----
  const ct = await signIn(browser, base, 'supervisor', { width: 1440, height: 900 });
  await ct.page.goto(base + '/#/calltaker');
  await ct.page.click('[data-testid=board-all]');
  const row = `[data-testid=board-card][data-incident="${inc.id}"] [data-testid=board-dispatch][data-agency=DAMKAR] [data-testid=sla-badge]`;
  await ct.page.waitForSelector(row, { timeout: T });
  assert((await ct.page.getAttribute(row, 'data-source')) === 'server', 'the board shows the server clock');
  assert((await ct.page.getAttribute(row, 'data-state')) === 'on_time', 'on time');
  assert((await ct.page.textContent(row)).includes(WORDS.on_time), `in words (${await ct.page.textContent(row)})`);
  await shot(ct.page, 'sla-board');
  await ct.page.click(`[data-testid=board-card][data-incident="${inc.id}"]`);
  await ct.page.waitForSelector('[data-testid=incident-panel] .dispatch-table [data-testid=sla-badge][data-source=server][data-step=acknowledge]', { timeout: T });
  const detail = await ct.page.textContent('[data-testid=incident-panel] .dispatch-table [data-testid=sla-badge]');
  assert(detail.includes(WORDS.on_time) && detail.includes('konfirmasi'), `the detail says what is due (${detail})`);
  const findings = await axeSerious(ct.page);
  assert(!findings.length, `axe-core on the incident with its clocks:\n${findings.join('\n')}`);
  await ct.context.close();

  // ---- the agency console ----
  const ag = await signIn(browser, base, 'damkar', { width: 1024, height: 768 });
  const card = `[data-testid=agency-dispatch][data-dispatch="${d.id}"] [data-testid=sla-badge]`;
  await ag.page.waitForSelector(card, { timeout: T });
  assert((await ag.page.getAttribute(card, 'data-source')) === 'server', 'the agency console shows the server clock');
  assert((await ag.page.textContent(card)).includes(WORDS.on_time), 'in words');
  await shot(ag.page, 'sla-agency');
  await ag.context.close();

  // ---- a decline with no replacement escalates; the wallboard lists it from the stream ----
  const medical = await sup('POST', '/incidents', { category_id: category('medical').id, summary: 'Pingsan (uji eskalasi)', agency_ids: [agency('PSC119').id] });
  assert(medical.status === 201, `a medical incident (${medical.status})`);
  const pd = medical.body.dispatches[0];
  assert((await psc('POST', `/dispatches/${pd.id}/decline`, { reason: 'Ambulans sedang bertugas' })).status === 200, 'PSC 119 declines');
  const alert = `[data-testid=sla-alert][data-level=escalation][data-incident="${medical.body.id}"]`;
  await wb.page.waitForSelector(alert, { timeout: 45000 });
  assert((await wb.page.textContent(alert)).includes('Eskalasi'), 'the level in words');
  assert((await wb.page.textContent(alert)).includes(medical.body.number), 'and the incident number');
  const open = (await sup('GET', '/sla/alerts?open=true')).body.items;
  assert(open.some((a) => a.level === 'escalation' && a.incident_id === medical.body.id), 'the API lists the same alert');
  await shot(wb.page, 'sla-wallboard');
  await wb.context.close();
}
