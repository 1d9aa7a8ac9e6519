// The call on the call taker's screen, driven by a simulated PBX through the telephony API: a
// call rings from a number with earlier prank calls (the card and the warn badge appear without
// a click), the call taker's agent answers it (it becomes "my call"), an AML/ELS fix arrives
// (a circle on the map with its radius), the call taker classifies it valid with one key (the
// form opens with the caller's number and the phone's location), dispatches, and the call and
// the report are linked; a second call is classified prank with one key and the caller's
// counters change; three ended calls get one verdict together; a supervisor unblocks a blocked
// number from the card.
import { apiAs, assert, shot, signIn } from './lib.mjs';

const number = '+6281299887766';
const blocked = '+6281299880000';

export async function liveCalls({ browser, base }) {
  const admin = await apiAs(base, 'admin');
  const sup = await apiAs(base, 'supervisor');
  const key = (await admin('POST', '/api_keys', { name: 'PBX simulasi' })).body.secret;
  assert(key, 'an api key for the simulated PBX');
  const users = (await admin('GET', '/users')).body.items;
  const ctUser = users.find((u) => u.username === 'calltaker');
  const mapped = await admin('PATCH', `/users/${ctUser.id}`, { pbx_agent: 'ext201' });
  assert(mapped.status === 200 && mapped.body.pbx_agent === 'ext201', `the call taker answers as ext201 (${mapped.status})`);

  const pbx = async (path, body, type = 'application/json') => {
    const r = await fetch(base + '/api/v1' + path, {
      method: 'POST',
      headers: { 'X-Api-Key': key, 'Content-Type': type },
      body: type === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await r.text();
    assert(r.status === 200, `${path}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  let seq = 0;
  const ev = (call, type, extra = {}) => ({ event_id: `${call}-${type}-${++seq}`, call_id: call, type, at: new Date().toISOString(), ...extra });
  const callOf = async (external, from) => {
    const list = (await sup('GET', `/calls?caller=${encodeURIComponent(from)}&limit=50`)).body.items;
    return list.find((c) => c.external_id === external);
  };

  // Earlier: two prank calls from the number (answered by someone else, classified prank).
  for (const id of ['early-1', 'early-2']) {
    await pbx('/telephony/events', { events: [ev(id, 'ringing', { caller: number, line: '112' }), ev(id, 'answered', { agent: 'ext209' }), ev(id, 'ended', { reason: 'completed' })] });
    const c = await callOf(id, number);
    const r = await sup('POST', `/calls/${c.id}/classify`, { classification: 'prank' });
    assert(r.status === 200, `earlier prank classified (${r.status})`);
  }

  const { page } = await signIn(browser, base, 'calltaker');
  await page.goto(base + '/#/calltaker');
  await page.waitForSelector('[data-testid=live-calls]');

  // It rings: waiting, with the warn badge and the caller card, without a click.
  await pbx('/telephony/events', { events: [ev('live-1', 'ringing', { caller: number, line: '112' })] });
  await page.waitForSelector(`[data-testid=waiting-call][data-number="${number}"]`, { timeout: 15000 });
  await page.waitForSelector(`[data-testid=waiting-call][data-number="${number}"] [data-testid=decision][data-decision=warn]`, { timeout: 15000 });
  await page.waitForSelector(`[data-testid=caller-card][data-number="${number}"]`, { timeout: 15000 });
  const prankCount = await page.textContent('[data-testid=caller-card] [data-testid=count-prank]');
  assert(prankCount.startsWith('2'), `the card counts the two pranks (${prankCount})`);
  await shot(page, 'live-01-ringing-card');

  // Answered by the call taker's agent: my call, with the classification keys.
  await pbx('/telephony/events', { events: [ev('live-1', 'answered', { agent: 'ext201' })] });
  await page.waitForSelector(`[data-testid=my-call][data-number="${number}"] [data-testid=class-keys]`, { timeout: 15000 });

  // The phone's location arrives: a circle with its radius on the form's map.
  const form = `v=3&device_number=${encodeURIComponent(number)}&emergency_number=112&location_latitude=-3.6952&location_longitude=128.1811&location_accuracy=18&location_time=${Date.now()}&location_source=GPS&location_certainty=80`;
  const fix = await pbx('/aml', form, 'application/x-www-form-urlencoded');
  assert(fix.accepted, 'the ELS fix is accepted');
  await page.waitForSelector('[data-testid=fix-summary]', { timeout: 15000 });
  await page.waitForSelector('path.fix-circle.fix-newest', { timeout: 15000 });
  assert((await page.textContent('[data-testid=fix-summary]')).includes('18'), 'the card shows the radius');
  await shot(page, 'live-02-my-call-fix');

  // Valid with one key: the form opens with the caller's number and the phone's location.
  await page.click('body');
  await page.keyboard.press('1');
  await page.waitForSelector('[data-testid=form-call]', { timeout: 5000 });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'category-search');
  const district = await page.$eval('[data-testid=district]', (el) => el.selectedOptions[0].textContent);
  assert(district === 'Sirimau', `the district of the phone's location (${district})`);
  // Clearing the form while the call is unclassified asks first; saying no keeps the form.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.keyboard.press('Alt+N');
  await page.waitForFunction(() => true);
  assert(asked.includes('belum diklasifikasikan'), `a warning before clearing (${asked})`);
  await page.waitForSelector('[data-testid=form-call]', { timeout: 5000 });
  await page.focus('[data-testid=category-search]');
  await page.keyboard.type('kebakaran');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=chosen-category]');
  await page.fill('[data-testid=description]', 'Rumah terbakar, asap tebal');
  await page.keyboard.press('Control+Enter');
  const toast = await page.waitForSelector('[data-testid=toast]:has-text("instansi")', { timeout: 15000 });
  const incidentNumber = (await toast.textContent()).match(/AMB-\d{6}-\d{4}/)?.[0];
  assert(incidentNumber, 'dispatched with an incident number');
  const linked = await callOf('live-1', number);
  assert(linked.classification === 'valid' && linked.report_id, `the call is classified valid and linked (${JSON.stringify(linked)})`);
  const report = (await sup('GET', `/reports/${linked.report_id}`)).body;
  const contact = (await sup('POST', `/reports/${report.id}/contact`)).body;
  assert(report.incident_id && report.reporter.masked && contact.phone === number, 'the report belongs to the incident and carries the number (masked, revealed)');
  await page.waitForSelector('[data-testid=my-call] [data-testid=my-call-class]', { timeout: 15000 });

  // The PBX ends it: it leaves the panel.
  await pbx('/telephony/events', { events: [ev('live-1', 'ended', { reason: 'completed' })] });
  await page.waitForSelector('[data-testid=my-call]', { state: 'detached', timeout: 15000 });

  // A second call from the number, answered, classified prank with one key.
  await pbx('/telephony/events', { events: [ev('live-2', 'ringing', { caller: number, line: '112' }), ev('live-2', 'answered', { agent: 'ext201' })] });
  await page.waitForSelector(`[data-testid=my-call][data-number="${number}"] [data-testid=class-keys]`, { timeout: 15000 });
  await page.click('body');
  await page.keyboard.press('2');
  await page.waitForSelector('[data-testid=my-call] [data-testid=my-call-class]', { timeout: 15000 });
  assert((await callOf('live-2', number)).classification === 'prank', 'the second call is a prank');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=caller-card] [data-testid=count-prank]')?.textContent?.startsWith('3'),
    null,
    { timeout: 15000 },
  );
  await pbx('/telephony/events', { events: [ev('live-2', 'ended', { reason: 'completed' })] });

  // Three ended calls of this agent left without a verdict (a surge of misdirected calls): one
  // verdict for all of them in one write.
  const bulkNumbers = ['+6281299881001', '+6281299881002', '+6281299881003'];
  for (const [i, from] of bulkNumbers.entries()) {
    const id = `bulk-${i}`;
    await pbx('/telephony/events', { events: [ev(id, 'ringing', { caller: from, line: '112' }), ev(id, 'answered', { agent: 'ext201' }), ev(id, 'ended', { reason: 'completed' })] });
  }
  await page.waitForSelector('[data-testid=classify-all] [data-testid=classify-all-misdirected]', { timeout: 15000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=to-classify]').length === 3, null, { timeout: 15000 });
  assert(!(await page.$('[data-testid=classify-all-valid]')), 'a valid verdict needs a report of its own: not offered for all');
  await shot(page, 'live-04-classify-all');
  await page.click('[data-testid=classify-all-misdirected]');
  await page.waitForSelector('[data-testid=toast]:has-text("3 panggilan diklasifikasikan")', { timeout: 15000 });
  await page.waitForSelector('[data-testid=to-classify]', { state: 'detached', timeout: 15000 });
  for (const [i, from] of bulkNumbers.entries()) {
    const c = await callOf(`bulk-${i}`, from);
    assert(c.classification === 'misdirected' && c.classification_source === 'manual', `bulk-${i} classified by the call taker (${JSON.stringify(c)})`);
  }

  // A blocked number: the supervisor unblocks it from the card on the call taker console.
  for (const id of ['b-1', 'b-2', 'b-3']) {
    await pbx('/telephony/events', { events: [ev(id, 'ringing', { caller: blocked, line: '112' }), ev(id, 'answered', { agent: 'ext209' }), ev(id, 'ended', { reason: 'completed' })] });
    await sup('POST', `/calls/${(await callOf(id, blocked)).id}/classify`, { classification: 'prank' });
  }
  const decision = (await sup('GET', `/callers/${encodeURIComponent(blocked)}/decision`)).body;
  assert(decision.decision === 'block' || decision.decision === 'warn', `three pranks flag the number (${decision.decision})`);
  const supPage = (await signIn(browser, base, 'supervisor')).page;
  await supPage.goto(base + '/#/calltaker');
  await pbx('/telephony/events', { events: [ev('b-4', 'ringing', { caller: blocked, line: '112' })] });
  await supPage.waitForSelector(`[data-testid=caller-card][data-number="${blocked}"] [data-testid=unblock]`, { timeout: 15000 });
  await shot(supPage, 'live-03-blocked-card');
  await supPage.click('[data-testid=unblock]');
  await supPage.waitForSelector(`[data-testid=caller-card][data-number="${blocked}"] [data-decision=allow]`, { timeout: 15000 });
  const after = (await sup('GET', `/callers/${encodeURIComponent(blocked)}/decision`)).body;
  assert(after.decision === 'allow', `unblocked (${after.decision})`);
  await pbx('/telephony/events', { events: [ev('b-4', 'ended', { reason: 'caller_hangup' })] });
}
