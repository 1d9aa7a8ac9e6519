// The main scenario, in three browser contexts at once:
// a call taker takes a new report from the queue, makes it an incident and dispatches it to
// three agencies; the Damkar operator sees the dispatch arrive without reloading (alert and
// sound), acknowledges, goes en route, arrives and completes it with a note and a photo of the
// scene (downscaled in the browser); the call taker's board shows every change live, also
// across a dropped connection (resume from the last event seq), and the incident panel shows
// the photo; the supervisor's wallboard shows the incident and the agencies' dispatches.
import { apiAs, assert, hasStream, pngImage, shot, signIn } from './lib.mjs';

const T = 15000;

export async function dispatchFlow({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const categories = (await sup('GET', '/categories')).body.items;
  const fire = categories.find((c) => c.code === 'fire');
  const code = (id) => agencies.find((a) => a.id === id)?.code;
  assert(fire, 'the demo has a fire category');

  // Everyone signs in first: the agency and the supervisor are watching when it happens.
  const ct = await signIn(browser, base, 'calltaker');
  const sockets = [];
  ct.page.on('websocket', (ws) => sockets.push(ws.url()));
  const ag = await signIn(browser, base, 'damkar', { width: 1180, height: 820 });
  const sv = await signIn(browser, base, 'supervisor', { width: 1600, height: 900 });
  await ct.page.goto(base + '/#/calltaker');
  await ag.page.goto(base + '/#/agency');
  await sv.page.goto(base + '/#/wallboard');
  await ct.page.waitForSelector('[data-testid=incident-form]');
  await ag.page.waitForSelector('[data-testid=agency-list]');
  // Marks the agency's page: it must still be there at the end (no reload happened).
  await ag.page.evaluate(() => ((window).__noReload = 'still here'));

  // A WhatsApp report reaches the centre: it appears in the call taker's queue by itself.
  const report = (
    await sup('POST', '/reports', {
      channel: 'whatsapp',
      reporter_name: 'Maria Tupamahu',
      reporter_phone: '+6281344556677',
      description: 'Gudang kayu di belakang Pasar Mardika terbakar, api besar dan asap hitam.',
      category_id: fire.id,
      location: { lat: -3.6909, lon: 128.1881 },
      address: 'Belakang Pasar Mardika, Jl. Pantai Mardika',
    })
  ).body;
  assert(report && report.id, 'report created');
  const item = `[data-testid=q-report][data-report="${report.id}"]`;
  await ct.page.waitForSelector(item, { timeout: T });
  await ct.page.click(item);

  // The form took the report: category first, run card agencies pre-selected, reporter masked.
  await ct.page.waitForSelector('[data-testid=chosen-category]');
  assert((await ct.page.textContent('[data-testid=chosen-category]')).includes('Kebakaran'), 'category is Kebakaran');
  for (const a of ['DAMKAR', 'PLN', 'RSUD', 'DISHUB']) {
    assert(await ct.page.isChecked(`[data-testid=agency-${a}]`), `${a} pre-selected from the run card`);
  }
  const phone = await ct.page.inputValue('[data-testid=reporter-phone]');
  assert(phone.includes('•') && !phone.includes('44556677') && phone.replace(/^\+62 /, '').replace(/\D/g, '').length <= 4,
    `reporter number masked by default, at most 4 digits shown (${phone})`);
  assert((await ct.page.inputValue('[data-testid=district]')) !== '', 'district filled in');
  // Three agencies: Damkar, PLN and the hospital; Dishub is left out this time.
  await ct.page.uncheck('[data-testid=agency-DISHUB]');
  await ct.page.fill('[data-testid=summary]', 'Kebakaran gudang kayu di Pasar Mardika');
  await shot(ct.page, 'flow-01-calltaker-form');

  // Dispatch in one action (the keyboard shortcut).
  await ct.page.focus('[data-testid=description]');
  await ct.page.keyboard.press('Control+Enter');
  await ct.page.waitForSelector('[data-testid=toast]:has-text("3 instansi")', { timeout: T });
  const accepted = (await sup('GET', `/reports/${report.id}`)).body;
  assert(accepted.status === 'accepted' && accepted.incident_id, 'report accepted into an incident');
  const incident = (await sup('GET', `/incidents/${accepted.incident_id}`)).body;
  assert(incident.dispatches.length === 3, 'three dispatches');
  assert(incident.dispatches.map((d) => code(d.agency_id)).sort().join() === 'DAMKAR,PLN,RSUD', 'to Damkar, PLN and RSUD');
  const number = incident.number;
  const card = `[data-testid=board-card][data-number="${number}"]`;
  const row = (agency, status) => `${card} [data-testid=board-dispatch][data-agency=${agency}][data-status=${status}]`;
  for (const a of ['DAMKAR', 'PLN', 'RSUD']) await ct.page.waitForSelector(row(a, 'notified'), { timeout: T });
  await shot(ct.page, 'flow-02-calltaker-dispatched');

  // A repeat caller about the same fire: the form suggests the open incident (same category,
  // within 500 m and 2 h) and the report is linked instead of making a second incident.
  const repeat = (
    await sup('POST', '/reports', {
      channel: 'call',
      reporter_phone: '+6285299887766',
      description: 'Ada api besar dekat terminal Mardika.',
      category_id: fire.id,
      location: { lat: -3.6921, lon: 128.1869 },
      address: 'Terminal Mardika',
    })
  ).body;
  const repeatItem = `[data-testid=q-report][data-report="${repeat.id}"]`;
  await ct.page.waitForSelector(repeatItem, { timeout: T });
  await ct.page.click(repeatItem);
  await ct.page.waitForSelector(`[data-testid=duplicate]:has-text("${number}")`, { timeout: T });
  await shot(ct.page, 'flow-02b-calltaker-duplicate');
  await ct.page.click(`[data-testid=duplicate]:has-text("${number}") [data-testid=link-duplicate]`);
  // The toast of the link itself: the creation's toast, still up, names the same incident.
  await ct.page.waitForSelector(`[data-testid=toast]:has-text("ditautkan ke ${number}")`, { timeout: T });
  const linked = (await sup('GET', `/reports/${repeat.id}`)).body;
  assert(linked.status === 'accepted' && linked.incident_id === incident.id, 'the repeat report joined the incident');
  assert((await sup('GET', `/incidents/${incident.id}`)).body.reports.length === 2, 'one incident, two reports');

  // The agency sees it arrive, with the alert, without reloading.
  const mine = `[data-testid=agency-dispatch][data-number="${number}"]`;
  await ag.page.waitForSelector(mine, { timeout: T });
  await ag.page.waitForSelector('[data-testid=arrival-alert]', { timeout: T });
  const alerts = await ag.page.evaluate(() => (window).siagaAlerts ?? 0);
  assert(alerts >= 1, 'the arrival sounded');
  await shot(ag.page, 'flow-03-agency-arrival');
  await ag.page.click(mine);
  await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=notified]', { timeout: T });
  assert((await ag.page.textContent('[data-testid=reporter-contact]')).includes('tidak dibagikan'), 'contact not shared');
  assert(!(await ag.page.textContent('[data-testid=dispatch-detail]')).includes('Maria'), 'no reporter name shown');
  // Directions for the crew on the road: a geo: link and a map service's route to the place.
  const geo = await ag.page.getAttribute('[data-testid=nav-geo]', 'href');
  assert(/^geo:-?\d+\.\d+,-?\d+\.\d+/.test(geo ?? ''), `a geo: link to the place (${geo})`);
  const osm = await ag.page.getAttribute('[data-testid=nav-osm]', 'href');
  assert((osm ?? '').startsWith('https://www.openstreetmap.org/directions?') && osm.includes(geo.slice(4).split(',')[0]), `an OpenStreetMap route to the same place (${osm})`);
  await shot(ag.page, 'flow-04-agency-detail');

  await ag.page.click('[data-testid=act-acknowledge]');
  await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=acknowledged]', { timeout: T });
  await ct.page.waitForSelector(row('DAMKAR', 'acknowledged'), { timeout: T });

  // The call taker's connection drops; the agency moves on meanwhile; on reconnect the board
  // catches up from the last seq it saw.
  if (await hasStream(base)) {
    await ct.page.evaluate(() => (window).siaga.drop(60000));
    await ct.page.waitForSelector('[data-testid=connection][data-state=reconnecting]', { timeout: T });
    await shot(ct.page, 'flow-05-calltaker-reconnecting');
    await ag.page.click('[data-testid=act-en_route]');
    await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=en_route]', { timeout: T });
    await ct.page.waitForTimeout(300);
    assert(await ct.page.$(row('DAMKAR', 'en_route')) === null, 'not seen while disconnected');
    assert(await ct.page.$('[data-testid=connection][data-state=reconnecting]'), 'still disconnected');
    const lastSeq = await ct.page.evaluate(() => (window).siaga.stream.lastSeq);
    await ct.page.evaluate(() => (window).siaga.reconnect());
    await ct.page.waitForSelector('[data-testid=connection][data-state=live]', { timeout: T });
    assert(sockets.at(-1).endsWith(`/api/v1/stream?after=${lastSeq}`), `resumed from seq ${lastSeq} (${sockets.at(-1)})`);
  } else {
    await ag.page.click('[data-testid=act-en_route]');
    await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=en_route]', { timeout: T });
  }
  await ct.page.waitForSelector(row('DAMKAR', 'en_route'), { timeout: T });

  await ag.page.click('[data-testid=act-on_scene]');
  await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=on_scene]', { timeout: T });
  await ct.page.waitForSelector(row('DAMKAR', 'on_scene'), { timeout: T });
  await ct.page.waitForSelector(`${card}.b-in_progress`, { timeout: T });

  // The supervisor's wallboard has it too, with the agencies' dispatches.
  await sv.page.waitForSelector(`[data-testid=wb-incident][data-number="${number}"][data-status=in_progress]`, { timeout: T });
  await sv.page.waitForSelector('[data-testid=wb-agency][data-agency=DAMKAR]', { timeout: T });
  await sv.page.waitForSelector('[data-testid=wb-agency][data-agency=RSUD]', { timeout: T });
  await shot(sv.page, 'flow-06-wallboard');

  // Complete with the note and a photo from the tablet's camera: 2400 x 1800, larger than
  // the 1600 px the console sends.
  await ag.page.click('[data-testid=act-complete]');
  await ag.page.fill('[data-testid=step-text]', 'Api padam pukul 14.20, satu gudang terbakar, tidak ada korban.');
  await shot(ag.page, 'flow-07a-agency-complete-dialog');
  const picker = await ag.page.$('[data-testid=photo-input]');
  assert((await picker.getAttribute('accept')) === 'image/*', 'the picker takes images');
  assert((await picker.getAttribute('capture')) === 'environment', 'the picker opens the back camera');
  await picker.setInputFiles({ name: 'lokasi.png', mimeType: 'image/png', buffer: pngImage(2400, 1800) });
  await ag.page.waitForSelector('[data-testid=photo-preview]', { timeout: T });
  await shot(ag.page, 'flow-07b-agency-complete-photo');
  await ag.page.click('[data-testid=step-confirm]');
  await ag.page.waitForSelector('[data-testid=dispatch-detail][data-status=completed]', { timeout: T });
  await ag.page.waitForSelector('[data-testid=dispatch-detail] [data-testid=photo-thumb]', { timeout: T });
  await ct.page.waitForSelector(row('DAMKAR', 'completed'), { timeout: T });
  await shot(ag.page, 'flow-07-agency-completed');
  await shot(ct.page, 'flow-08-calltaker-board');

  // The photo went up first, downscaled to JPEG, with its event; the call taker sees it in the
  // incident panel (the image is fetched with the session cookie).
  const withPhoto = (await sup('GET', `/incidents/${incident.id}`)).body;
  assert(withPhoto.media.length === 1, 'one photo on the incident');
  const media = withPhoto.media[0];
  assert(media.content_type === 'image/jpeg' && media.size > 0, `sent as JPEG (${media.content_type}, ${media.size} bytes)`);
  assert(code(withPhoto.dispatches.find((d) => d.id === media.dispatch_id).agency_id) === 'DAMKAR', "on Damkar's dispatch");
  const kinds = withPhoto.events.map((e) => e.kind);
  assert(kinds.indexOf('dispatch.media_attached') >= 0 && kinds.indexOf('dispatch.media_attached') < kinds.indexOf('dispatch.completed'),
    'photo attached before the completion');
  await ct.page.click(card);
  const thumb = `[data-testid=incident-panel] [data-testid=photo-thumb][data-media="${media.id}"]`;
  await ct.page.waitForSelector(thumb, { timeout: T });
  const size = await ct.page.$eval(thumb, async (img) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  assert(size[0] === 1600 && size[1] === 1200, `downscaled to 1600 x 1200 (${size.join(' x ')})`);
  await ct.page.waitForSelector('[data-testid=incident-panel] [data-testid=timeline] li:has-text("Foto dilampirkan")', { timeout: T });
  await shot(ct.page, 'flow-08b-calltaker-incident-photo');
  await ct.page.keyboard.press('Escape');

  const still = await ag.page.evaluate(() => (window).__noReload);
  assert(still === 'still here', 'the agency page was never reloaded');
  const done = (await sup('GET', `/incidents/${incident.id}`)).body;
  const damkar = done.dispatches.find((d) => code(d.agency_id) === 'DAMKAR');
  assert(damkar.status === 'completed' && damkar.note.startsWith('Api padam'), 'completed with the note');

  // The supervisor's list shows the change too.
  await sv.page.waitForSelector(`[data-testid=wb-incident][data-number="${number}"]`, { timeout: T });
  await shot(sv.page, 'flow-09-wallboard-after');

  await ct.context.close();
  await ag.context.close();
  await sv.context.close();
}
