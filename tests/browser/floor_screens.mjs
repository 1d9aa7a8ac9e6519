// The dispatch floor's screens: the agency console on a phone (no sideways scrolling), the
// call taker's dispatch button in sight on a 1280x720 screen, one main heading per page, a
// dialog that keeps the keyboard inside, the outage banner while the server cannot be
// reached (and a dispatch tried meanwhile said NOT sent, in the console's language), and
// axe-core finding nothing serious or critical on the four operating consoles.
import { apiAs, assert, axeSerious, shot, signIn } from './lib.mjs';

const T = 15000;
/** The page's checks that every console must pass: one h1, a name for every form control. */
async function structure(page, where) {
  const h1 = await page.locator('h1').count();
  assert(h1 === 1, `${where}: exactly one h1 (found ${h1})`);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !el.title)
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert(!unnamed.length, `${where}: form controls without a label: ${unnamed.join('\n')}`);
}

const overflow = (page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));

export async function floorScreens({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const categories = (await sup('GET', '/categories')).body.items;
  const damkar = agencies.find((a) => a.code === 'DAMKAR');
  const fire = categories.find((c) => c.code === 'fire');
  assert(damkar && fire, 'the demo has Damkar and a fire category');
  // A fresh dispatch for Damkar, so that its detail has every step button (and the dialogs).
  const created = await sup('POST', '/incidents', {
    category_id: fire.id,
    summary: 'Kebakaran kios di Jl. A.Y. Patty (uji layar)',
    description: 'Api dari kios pulsa, menjalar ke kios sebelah. Asap tebal ke arah jalan.',
    address: 'Jl. A.Y. Patty No. 12, Ambon',
    location: { lat: -3.6961, lon: 128.1814 },
    agency_ids: [damkar.id],
  });
  assert(created.status === 201 || created.status === 200, `incident created (${created.status})`);
  const dispatchId = created.body.dispatches.find((d) => d.agency_id === damkar.id).id;

  // ---- 5a: the agency console on a 390x844 phone: nothing wider than the screen ----
  const ag = await signIn(browser, base, 'damkar', { width: 390, height: 844 });
  await ag.page.goto(base + '/#/agency');
  await ag.page.waitForSelector('[data-testid=agency-list] [data-testid=agency-dispatch]');
  await ag.page.waitForTimeout(400);
  let w = await overflow(ag.page);
  await shot(ag.page, 'floor-agency-390-list');
  assert(w.scroll <= 390, `agency list at 390 px: scrollWidth ${w.scroll} <= 390`);
  await structure(ag.page, 'agency list');
  await ag.page.goto(base + '/#/agency/' + dispatchId);
  await ag.page.waitForSelector('[data-testid=dispatch-detail] [data-testid=act-decline]');
  await ag.page.waitForTimeout(400);
  w = await overflow(ag.page);
  await shot(ag.page, 'floor-agency-390-detail');
  assert(w.scroll <= 390, `agency dispatch at 390 px: scrollWidth ${w.scroll} <= 390`);
  await structure(ag.page, 'agency dispatch');
  console.log(`  measured: agency 390x844 scrollWidth ${w.scroll}`);

  // ---- 5c: the dialog keeps the keyboard inside, Escape closes it, focus goes back ----
  await ag.page.focus('[data-testid=act-decline]');
  await ag.page.keyboard.press('Enter');
  await ag.page.waitForSelector('[role=dialog]');
  const inDialog = () => ag.page.evaluate(() => !!document.activeElement && !!document.activeElement.closest('[role=dialog]'));
  assert(await inDialog(), 'the dialog takes the focus when it opens');
  await ag.page.fill('[data-testid=step-text]', 'Unit sedang di lokasi lain');
  for (let i = 0; i < 8; i++) {
    await ag.page.keyboard.press('Tab');
    assert(await inDialog(), `Tab ${i + 1} stays in the dialog`);
  }
  for (let i = 0; i < 8; i++) {
    await ag.page.keyboard.press('Shift+Tab');
    assert(await inDialog(), `Shift+Tab ${i + 1} stays in the dialog`);
  }
  const dialogName = await ag.page.evaluate(() => {
    const d = document.querySelector('[role=dialog]');
    const id = d.getAttribute('aria-labelledby');
    return id ? document.getElementById(id)?.textContent : d.getAttribute('aria-label');
  });
  assert(dialogName === 'Tolak', `the dialog is named by its title (${dialogName})`);
  await shot(ag.page, 'floor-agency-390-dialog');
  await ag.page.keyboard.press('Escape');
  await ag.page.waitForSelector('[role=dialog]', { state: 'detached' });
  assert(
    await ag.page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'act-decline'),
    'focus returns to the button that opened the dialog',
  );
  const still = (await sup('GET', `/dispatches/${dispatchId}`)).body;
  assert(still.status === 'notified', `Escape declined nothing (${still.status})`);

  // ---- 5b: the call taker at 1280x720: the dispatch button in sight without scrolling ----
  const ct = await signIn(browser, base, 'calltaker', { width: 1280, height: 720 });
  await ct.page.goto(base + '/#/calltaker');
  await ct.page.waitForSelector('[data-testid=incident-form] [data-testid=dispatch]');
  await ct.page.waitForTimeout(400);
  const inSight = async (what) => {
    const box = await ct.page.locator('[data-testid=dispatch]').boundingBox();
    const scrollY = await ct.page.evaluate(() => window.scrollY + document.scrollingElement.scrollTop);
    assert(box && box.y >= 0 && box.y + box.height <= 720 && scrollY === 0, `${what}: dispatch button within 720 px (box ${JSON.stringify(box)}, scroll ${scrollY})`);
    return box;
  };
  let box = await inSight('empty form');
  await ct.page.click('[data-testid=q-report] >> nth=0');
  await ct.page.waitForTimeout(500);
  box = await inSight('a report taken from the queue');
  await shot(ct.page, 'floor-calltaker-1280x720');
  console.log(`  measured: call taker 1280x720 dispatch button bottom ${Math.round(box.y + box.height)} px`);
  await structure(ct.page, 'call taker');

  // ---- the outage: the server cannot be reached ----
  // The report taken from the queue has its category (and so its run card's agencies).
  await ct.page.waitForSelector('[data-testid=chosen-category]');
  const before = (await sup('GET', '/incidents?limit=1')).body.total;
  assert((await ct.page.locator('[data-testid=outage-banner]').count()) === 0, 'no outage banner while live');
  await ct.context.setOffline(true);
  await ag.context.setOffline(true);
  // Offline stops new connections; the open stream is dropped as a dead link would drop it.
  await ct.page.evaluate(() => window.siaga.drop(0));
  await ag.page.evaluate(() => window.siaga.drop(0));
  const banner = ct.page.locator('[data-testid=outage-banner][role=alert]');
  await banner.waitFor({ timeout: T });
  const bannerText = await banner.textContent();
  assert(bannerText.includes('Server tidak terjangkau') && bannerText.includes('TIDAK terkirim'), `banner in Indonesian: ${bannerText}`);
  assert(/Mencoba lagi dalam \d+ dtk|Mencoba menyambung/.test(bannerText), `banner says when it tries again: ${bannerText}`);
  const bannerBox = await banner.boundingBox();
  assert(bannerBox.y === 0 && bannerBox.width === 1280, `banner full width at the top (${JSON.stringify(bannerBox)})`);
  box = await inSight('with the outage banner');
  await ct.page.click('[data-testid=dispatch]');
  const refused = ct.page.locator('[data-testid=toast]:has-text("TIDAK terkirim")');
  await refused.waitFor({ timeout: T });
  const refusedText = await refused.textContent();
  assert(/server tidak terjangkau/i.test(refusedText), `the toast says why: ${refusedText}`);
  await shot(ct.page, 'floor-outage-calltaker');
  await ct.page.click('[data-testid=lang-en]');
  await ct.page.waitForSelector('[data-testid=outage-banner]:has-text("actions are NOT sent")');
  await ct.page.click('[data-testid=dispatch]');
  await ct.page.waitForSelector('[data-testid=toast]:has-text("NOT sent")', { timeout: T });
  await ct.page.click('[data-testid=lang-id]');
  // The agency console says it too, and the banner fits the phone.
  await ag.page.locator('[data-testid=outage-banner]').waitFor({ timeout: T });
  // A step tapped meanwhile is named in the message, and does not happen.
  await ag.page.click('[data-testid=act-acknowledge]');
  await ag.page.waitForSelector('[data-testid=toast]:has-text("Terima TIDAK terkirim")', { timeout: T });
  w = await overflow(ag.page);
  await shot(ag.page, 'floor-outage-agency-390');
  assert(w.scroll <= 390, `agency with the banner at 390 px: scrollWidth ${w.scroll}`);
  const after = (await sup('GET', '/incidents?limit=1')).body.total;
  assert(after === before, `nothing was created while offline (${before} -> ${after})`);
  const unacked = (await sup('GET', `/dispatches/${dispatchId}`)).body;
  assert(unacked.status === 'notified', `the offline acknowledge did not happen (${unacked.status})`);

  // Back online: the banner leaves once the server answers again.
  await ct.context.setOffline(false);
  await ag.context.setOffline(false);
  await ct.page.click('[data-testid=outage-reconnect]');
  await ct.page.waitForSelector('[data-testid=outage-banner]', { state: 'detached', timeout: T });
  await ct.page.waitForSelector('[data-testid=connection][data-state=live]', { timeout: T });
  await ag.page.waitForSelector('[data-testid=outage-banner]', { state: 'detached', timeout: 40000 });
  await ct.page.click('[data-testid=dispatch]');
  await ct.page.waitForSelector('[data-testid=toast]:has-text("dibuat")', { timeout: T });
  assert((await sup('GET', '/incidents?limit=1')).body.total === before + 1, 'online, the dispatch goes through');

  // ---- 5c and 6: axe-core on the four operating consoles ----
  const found = [];
  found.push(...(await axeSerious(ct.page)).map((v) => 'call taker: ' + v));
  found.push(...(await axeSerious(ag.page)).map((v) => 'agency: ' + v));
  await ct.context.close();
  await ag.context.close();
  for (const [user, hash, ready, viewport] of [
    ['walikota', '#/leader', '[data-testid=leader]', { width: 1440, height: 900 }],
    ['supervisor', '#/wallboard', '[data-testid=wallboard]', { width: 1600, height: 900 }],
  ]) {
    const s = await signIn(browser, base, user, viewport);
    await s.page.goto(base + '/' + hash);
    await s.page.waitForSelector(ready);
    await s.page.waitForTimeout(600);
    await structure(s.page, hash);
    found.push(...(await axeSerious(s.page)).map((v) => `${hash}: ` + v));
    await s.context.close();
  }
  assert(!found.length, `axe-core found serious or critical violations:\n${found.join('\n')}`);
}
