// The public report form and tracking page on a phone (390 x 844, no login): a resident picks
// a category, writes what happened, drops a pin on the kecamatan map (no tiles), adds a photo
// that the browser downscales, gives a name and number with consent, and gets a tracking code;
// a call taker sees the web report in the queue with its channel badge and dispatches it from
// the console; the tracking page then names the agencies, and after the agencies finish it
// shows "done" with the public closing note and no personal data. Then the offline queue: a
// report written while the phone is offline waits and goes out when it is back online.
import { apiAs, assert, pngImage, shot, signIn } from './lib.mjs';

const T = 15000;
const PHONE = { width: 390, height: 844 };

export async function lapor({ browser, base }) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: 'id-ID', timezoneId: 'Asia/Jayapura' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[lapor] page error:', e.message));
  const scripts = [];
  page.on('request', (req) => req.resourceType() === 'script' && scripts.push(req.url()));
  await page.goto(base + '/lapor');
  await page.waitForSelector('[data-testid=lapor] [data-testid=lp-category] option[value=fire]', { timeout: T, state: 'attached' });
  assert((await page.$('input[type=password]')) === null, 'no sign-in form');
  const options = await page.$$eval('[data-testid=lp-category] option', (os) => os.map((o) => o.value));
  assert(!options.includes('information'), `only public categories (${options.join(',')})`);
  assert(!scripts.some((u) => /leaflet|chart/i.test(u)), `no console bundles (${scripts.join(' ')})`);

  // English and back.
  await page.click('[data-testid=lp-lang-en]');
  await page.waitForSelector('[data-testid=lp-send]:has-text("Send report")');
  await page.click('[data-testid=lp-lang-id]');
  await page.waitForSelector('[data-testid=lp-send]:has-text("Kirim laporan")');

  // Sending without a description is refused on the phone, before anything leaves it.
  await page.click('[data-testid=lp-send]');
  await page.waitForSelector('[data-testid=lp-error]:has-text("Tulis apa yang terjadi")');

  await page.selectOption('[data-testid=lp-category]', 'fire');
  await page.fill('[data-testid=lp-description]', 'Asap tebal dari gudang di belakang pasar, api mulai terlihat.');
  const map = await page.$('[data-testid=lp-map]');
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForSelector('[data-testid=lp-pin]');
  await page.fill('[data-testid=lp-address]', 'Belakang Pasar Mardika');
  await page.setInputFiles('[data-testid=lp-photo-input]', { name: 'api.png', mimeType: 'image/png', buffer: pngImage(3000, 2000) });
  await page.waitForSelector('.lp-photo img', { timeout: T });
  await page.fill('[data-testid=lp-name]', 'Yohanes Latuheru');
  await page.fill('[data-testid=lp-phone]', '0812-3456-7890');
  await page.check('[data-testid=lp-consent]');
  await shot(page, 'lapor-01-form');
  await page.click('[data-testid=lp-send]');
  await page.waitForSelector('[data-testid=lp-code]', { timeout: T });
  const code = (await page.textContent('[data-testid=lp-code]')).trim();
  assert(/^[2-9A-HJKMNP-Z]{10}$/.test(code), `a 10-character code (${code})`);
  await shot(page, 'lapor-02-code');

  // The call taker's queue has it as a web report, with its photo downscaled to 1280 px JPEG.
  const ctApi = await apiAs(base, 'calltaker');
  const list = (await ctApi('GET', '/reports?channel=web&status=new')).body;
  const report = list.items.find((r) => r.tracking_code === code);
  assert(report, 'the report is in the call takers\' list');
  const full = (await ctApi('GET', `/reports/${report.id}`)).body;
  const contact = (await ctApi('POST', `/reports/${report.id}/contact`)).body;
  assert(full.reporter.masked && contact.phone === '+6281234567890', `phone masked in the view, in E.164 through the reveal (${contact.phone})`);
  assert(full.location && full.district_id, 'a pinned point in a kecamatan');
  assert(full.media.length === 1 && full.media[0].content_type === 'image/jpeg', `one JPEG photo (${JSON.stringify(full.media)})`);
  assert(full.media[0].size < 1024 * 1024, `downscaled (${full.media[0].size} bytes)`);
  assert((await ctApi('PATCH', `/media/${full.media[0].id}`, { public: true })).status === 200, 'photo marked public');

  const ct = await signIn(browser, base, 'calltaker');
  const item = `[data-testid=q-report][data-report="${report.id}"]`;
  await ct.page.waitForSelector(item, { timeout: T });
  const badge = await ct.page.textContent(`${item} .chan-web`);
  assert(badge && badge.trim().length > 0, `the queue shows the web channel (${badge})`);
  await ct.page.click(item);
  await ct.page.waitForSelector('[data-testid=chosen-category]');
  await ct.page.fill('[data-testid=summary]', 'Kebakaran gudang belakang Pasar Mardika');
  await ct.page.focus('[data-testid=description]');
  await ct.page.keyboard.press('Control+Enter');
  await ct.page.waitForSelector('[data-testid=toast]:has-text("instansi")', { timeout: T });
  await shot(ct.page, 'lapor-03-calltaker');
  const accepted = (await ctApi('GET', `/reports/${report.id}`)).body;
  assert(accepted.status === 'accepted', 'accepted from the console');
  const incident = (await ctApi('GET', `/incidents/${accepted.incident_id}`)).body;
  const agencies = (await ctApi('GET', '/agencies')).body.items;
  const damkar = agencies.find((a) => a.code === 'DAMKAR');

  // The tracking page names the agencies.
  const track = await context.newPage();
  await track.goto(base + '/lacak/' + code);
  await track.waitForSelector('[data-testid=lacak][data-status=in_progress]', { timeout: T });
  const steps = await track.textContent('[data-testid=lc-timeline]');
  assert(steps.includes('Diteruskan ke ' + damkar.name), `forwarded to ${damkar.name} (${steps})`);
  assert((await track.$$('[data-testid=lc-photos] img')).length === 1, 'the public photo is shown');
  await shot(track, 'lapor-04-tracking');

  // Every agency completes, Damkar from its own console on a phone with a note for the
  // reporter; the call taker closes: done.
  const dm = await signIn(browser, base, 'damkar', { width: 390, height: 844 });
  for (const d of incident.dispatches) {
    await ctApi('POST', `/dispatches/${d.id}/acknowledge`, {});
    if (d.agency_id !== damkar.id) {
      const r = await ctApi('POST', `/dispatches/${d.id}/complete`, {});
      assert(r.status === 200, `dispatch completed (${JSON.stringify(r.body)})`);
      continue;
    }
    await dm.page.goto(base + '/#/agency/' + d.id);
    await dm.page.waitForSelector('[data-testid=dispatch-detail][data-status=acknowledged]', { timeout: T });
    await dm.page.click('[data-testid=act-complete]');
    await dm.page.fill('[data-testid=step-text]', 'Gudang milik Pak Tan');
    await dm.page.fill('[data-testid=step-public-note]', 'Api sudah padam. Terima kasih atas laporannya.');
    await shot(dm.page, 'lapor-04b-agency-public-note');
    await dm.page.click('[data-testid=step-confirm]');
    await dm.page.waitForSelector('[data-testid=dispatch-detail][data-status=completed]', { timeout: T });
    assert((await dm.page.textContent('[data-testid=public-note]')).includes('Api sudah padam'), 'the agency sees its public note');
    const done = (await ctApi('GET', `/incidents/${incident.id}`)).body.dispatches.find((x) => x.id === d.id);
    assert(done.note === 'Gudang milik Pak Tan' && done.public_note === 'Api sudah padam. Terima kasih atas laporannya.',
      `both notes stored apart (${JSON.stringify(done)})`);
  }
  await dm.context.close();
  assert((await ctApi('POST', `/incidents/${incident.id}/close`, {})).status === 200, 'incident closed');
  await track.reload();
  await track.waitForSelector('[data-testid=lacak][data-status=done]', { timeout: T });
  assert((await track.textContent('[data-testid=lc-note]')).includes('Api sudah padam'), 'the public note');
  const text = await track.textContent('main');
  for (const secret of ['Yohanes', '0812', '6281234567890', 'Pak Tan', 'Asap tebal']) {
    assert(!text.includes(secret), `no personal data on the tracking page (${secret})`);
  }
  await shot(track, 'lapor-05-done');
  await ct.context.close();
  await track.close();
  await page.close();

  // Offline: the form still opens from the service worker, queues the report, and sends it
  // when the phone is back online.
  const form = await context.newPage();
  await form.goto(base + '/lapor');
  await form.waitForSelector('[data-testid=lp-category] option[value=flood]', { state: 'attached', timeout: T });
  await form.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await form.reload();
  await form.waitForSelector('[data-testid=lapor] [data-testid=lp-description]', { timeout: T });
  await form.fill('[data-testid=lp-description]', 'Banjir setinggi lutut di depan sekolah.');
  await form.fill('[data-testid=lp-address]', 'SD Negeri 1 Ambon');
  await form.click('[data-testid=lp-send]');
  await form.waitForSelector('[data-testid=lp-queued]', { timeout: T });
  await shot(form, 'lapor-06-queued');
  const before = (await ctApi('GET', '/reports?channel=web')).body.total;
  await context.setOffline(false);
  await form.waitForSelector('[data-testid=lp-code]', { timeout: T });
  await form.waitForTimeout(1500);
  const after = (await ctApi('GET', '/reports?channel=web')).body.total;
  assert(after === before + 1, `the queued report arrived once (${before} -> ${after})`);
  await shot(form, 'lapor-07-sent');
  await context.close();
}
