// The dispatch floor under pressure, in the browser:
// - the queue puts a phoned-in fire above an older street-light complaint, and a fire report
//   waiting past its limit turns red and sounds;
// - three fires dispatched to their run card (DAMKAR with a console, PLN by webhook only, RSUD
//   and DISHUB by phone only) give one overdue row per fire, never a row for PLN, and a one-tap
//   "confirmed by phone" that takes RSUD off;
// - a correction and a note by the call taker reach the DAMKAR console live;
// - places are found as typed: a point in degrees and minutes, "gong perd" from the gazetteer;
// - an emergency without a location, and a dispatch to agencies already on a fire 0 m away,
//   are asked about before anything is sent.
// The browser's clock is fast-forwarded (Playwright's clock), the server's is real.
import { apiAs, assert, shot, signIn } from './lib.mjs';

const T = 15000;

export async function dispatchFloor({ browser, base }) {
  const ctApi = await apiAs(base, 'calltaker');
  const admin = await apiAs(base, 'admin');
  const agencies = (await admin('GET', '/agencies')).body.items;
  const categories = (await ctApi('GET', '/categories')).body.items;
  const byCode = (code) => agencies.find((a) => a.code === code);
  const fire = categories.find((c) => c.code === 'fire');
  const light = categories.find((c) => c.code === 'street_light');

  // PLN is reached by webhook only (an address that will not answer: its silence must not count).
  const pln = byCode('PLN');
  const put = await admin('PUT', `/agencies/${pln.id}`, {
    code: pln.code,
    name: pln.name,
    kind: pln.kind,
    phone: pln.phone,
    active: pln.active,
    endpoints: [{ kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'pln-webhook-secret-2026' }],
  });
  assert(put.status === 200, `PLN webhook set (${put.status})`);

  // ---- 1. urgency first ----
  const older = (await ctApi('POST', '/reports', { channel: 'web', description: 'Lampu jalan mati di Jl. Baru', category_id: light.id })).body;
  const newer = (await ctApi('POST', '/reports', { channel: 'call', description: 'Rumah terbakar, ada orang di dalam', category_id: fire.id })).body;
  const ct = await signIn(browser, base, 'calltaker', { width: 1440, height: 900 });
  await ct.page.clock.install();
  await ct.page.goto(base + '/#/calltaker');
  await ct.page.reload();
  await ct.page.waitForSelector(`[data-testid=q-report][data-report="${newer.id}"]`, { timeout: T });
  const order = await ct.page.$$eval('[data-testid=q-report]', (els) => els.map((e) => e.getAttribute('data-report')));
  assert(order.indexOf(newer.id) >= 0 && order.indexOf(newer.id) < order.indexOf(older.id), `the fire comes before the older complaint (${order})`);
  const alertsBefore = await ct.page.evaluate(() => window.siagaAlerts ?? 0);
  await ct.page.clock.fastForward('02:00');
  await ct.page.waitForSelector(`[data-testid=q-report][data-report="${newer.id}"][data-late=true]`, { timeout: T });
  const lightLate = await ct.page.getAttribute(`[data-testid=q-report][data-report="${older.id}"]`, 'data-late');
  assert(lightLate === null, 'a complaint is never red for waiting');
  const alertsAfter = await ct.page.evaluate(() => window.siagaAlerts ?? 0);
  assert(alertsAfter > alertsBefore, `the late fire sounded (${alertsBefore} -> ${alertsAfter})`);
  await shot(ct.page, 'floor-urgency');
  // Cleared, so that they do not pile up in the other tests' queues.
  for (const r of [older, newer]) await ctApi('POST', `/reports/${r.id}/reject`, { reason: 'test', note: 'uji' });

  // ---- 2. no overdue flood ----
  const runCard = fire.run_card.map((e) => e.agency_id);
  const fires = [];
  for (const [i, place] of ['Jl. A. Y. Patty', 'Jl. Sam Ratulangi', 'Jl. Diponegoro'].entries()) {
    const r = await ctApi('POST', '/incidents', {
      category_id: fire.id,
      summary: `Kebakaran ${i + 1} di ${place}`,
      address: place,
      location: { lat: -3.70 - i * 0.02, lon: 128.17 + i * 0.02 },
      agency_ids: runCard,
    });
    assert(r.status === 201, `fire ${i + 1} created (${r.status})`);
    fires.push(r.body);
  }
  await ct.page.clock.fastForward('10:00');
  for (const f of fires) await ct.page.waitForSelector(`[data-testid=q-overdue-item][data-incident="${f.id}"]`, { timeout: T });
  for (const f of fires) {
    const rows = await ct.page.$$(`[data-testid=q-overdue-item][data-incident="${f.id}"]`);
    assert(rows.length === 1, `one overdue row for ${f.number} (${rows.length})`);
    const text = await rows[0].textContent();
    assert(text.includes('DAMKAR') && text.includes('RSUD') && text.includes('DISHUB'), `its row names DAMKAR, RSUD and DISHUB: ${text}`);
    assert(!text.includes('PLN'), `PLN (webhook only) is not overdue for acknowledging: ${text}`);
  }
  const first = `[data-testid=q-overdue-item][data-incident="${fires[0].id}"]`;
  const phoneButtons = await ct.page.$$(`${first} [data-testid=confirm-by-phone]`);
  assert(phoneButtons.length === 2, `RSUD and DISHUB can be confirmed by phone (${phoneButtons.length})`);
  await phoneButtons[0].click();
  await ct.page.waitForFunction((sel) => document.querySelectorAll(`${sel} [data-testid=confirm-by-phone]`).length === 1, first, { timeout: T });
  const events = (await ctApi('GET', `/incidents/${fires[0].id}/events`)).body.items;
  assert(events.some((e) => e.kind === 'dispatch.acknowledged' && e.payload.via === 'phone'), 'the confirmation is an event via phone');
  await shot(ct.page, 'floor-overdue');

  // ---- 3. a correction and a note reach the agency live ----
  const damkarDispatch = fires[1].dispatches.find((d) => d.agency_id === byCode('DAMKAR').id);
  const ag = await signIn(browser, base, 'damkar', { width: 1180, height: 820 });
  await ag.page.goto(`${base}/#/agency/${damkarDispatch.id}`);
  await ag.page.waitForSelector('[data-testid=dispatch-detail]', { timeout: T });
  await ct.page.click(`[data-testid=q-overdue-item][data-incident="${fires[1].id}"] .q-open`);
  await ct.page.waitForSelector('[data-testid=incident-panel]', { timeout: T });
  await ct.page.click('[data-testid=edit-incident]');
  await ct.page.fill('[data-testid=edit-address]', 'Jl. Sam Ratulangi No. 12, belakang Gereja Maranatha');
  await ct.page.fill('[data-testid=edit-note]', 'alamat dari penelepon kedua');
  await ct.page.click('[data-testid=edit-save]');
  await ag.page.waitForSelector('[data-testid=incident-updated]', { timeout: T });
  await ag.page.waitForFunction(() => document.body.textContent.includes('belakang Gereja Maranatha'), null, { timeout: T });
  await ct.page.fill('[data-testid=note-text]', 'Hidran terdekat di depan gereja');
  await ct.page.press('[data-testid=note-text]', 'Enter');
  await ag.page.waitForFunction(
    () => document.querySelector('[data-testid=agency-timeline]')?.textContent.includes('Hidran terdekat di depan gereja'),
    null,
    { timeout: T },
  );
  await shot(ag.page, 'floor-agency-updated');
  await ct.page.keyboard.press('Escape');

  // ---- 4/5. asked before sending ----
  await ct.page.click('[data-testid=cat-fire]');
  await ct.page.keyboard.press('Control+Enter');
  await ct.page.waitForSelector('[data-testid=no-location-check]', { timeout: T });
  await ct.page.click('[data-testid=no-location-add]');
  // Places: a point typed in degrees and minutes, then a landmark from the gazetteer as typed.
  await ct.page.fill('[data-testid=address]', `3°41'48"S 128°10'47"E`);
  const dmsListed = () => document.querySelector('[data-testid=place-list]')?.textContent.includes('-3.69667, 128.17972');
  await ct.page.waitForFunction(dmsListed, null, { timeout: T });
  // Leaving the field and coming straight back (as a closing dialog does) keeps the list.
  await ct.page.evaluate(() => document.activeElement.blur());
  await ct.page.fill('[data-testid=address]', `3°41'48"S 128°10'47"E`);
  await ct.page.waitForTimeout(400);
  assert(await ct.page.evaluate(dmsListed), 'the list stays after a quick blur and refocus');
  await ct.page.fill('[data-testid=address]', 'gong perd');
  await ct.page.waitForFunction(() => document.querySelector('[data-testid=place-list]')?.textContent.includes('Gong Perdamaian Dunia'), null, { timeout: T });
  await shot(ct.page, 'floor-gazetteer');
  await ct.page.press('[data-testid=address]', 'Enter');
  assert((await ct.page.inputValue('[data-testid=address]')) === 'Gong Perdamaian Dunia', 'the landmark is the address');
  assert((await ct.page.inputValue('[data-testid=district]')) !== '', 'and its district is filled in');
  const coords = await ct.page.textContent('.loc-row .muted');
  const [lat, lon] = coords.split('·')[0].split(',').map((x) => Number(x.trim()));
  assert(Math.abs(lat + 3.6966) < 1e-4 && Math.abs(lon - 128.1797) < 1e-4, `the form has the landmark's point (${coords})`);
  // An incident already there with DAMKAR on it.
  const there = (await ctApi('POST', '/incidents', { category_id: fire.id, summary: 'Kebakaran di titik yang sama', location: { lat, lon }, agency_ids: [byCode('DAMKAR').id] })).body;
  await ct.page.waitForFunction((n) => document.querySelector('[data-testid=duplicates]')?.textContent.includes(n), there.number, { timeout: T });
  const before = (await ctApi('GET', '/incidents?limit=200')).body.total;
  await ct.page.keyboard.press('Control+Enter');
  await ct.page.waitForSelector('[data-testid=duplicate-check]', { timeout: T });
  const ask = await ct.page.textContent('[data-testid=duplicate-check]');
  assert(ask.includes('DAMKAR') && ask.includes(there.number), `it names the agency and the incident: ${ask}`);
  await ct.page.keyboard.press('Control+Enter');
  assert((await ctApi('GET', '/incidents?limit=200')).body.total === before, 'Ctrl+Enter again sent nothing while it asks');
  await shot(ct.page, 'floor-duplicate-guard');
  await ct.page.click('[data-testid=duplicate-link]');
  await ct.page.waitForFunction(
    async (id) => {
      const r = await fetch(`/api/v1/incidents/${id}`, { credentials: 'include' });
      return r.ok && (await r.json()).reports.length === 1;
    },
    there.id,
    { timeout: T },
  );
  assert((await ctApi('GET', '/incidents?limit=200')).body.total === before, 'linked: no new incident');

  await ag.context.close();
  await ct.context.close();
}
