// Admin pages: a category's SLA and run card are edited and saved; a user is created for an
// agency; when the server has the outbox, an agency gets a webhook endpoint.
import { apiAs, assert, shot, signIn } from './lib.mjs';

export async function admin({ browser, base }) {
  const sup = await apiAs(base, 'admin');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const psc = agencies.find((a) => a.code === 'PSC119');
  const { context, page } = await signIn(browser, base, 'admin');
  await page.goto(base + '/#/admin/categories');
  await page.click('[data-testid=edit-cat-bee_nest]');
  await page.fill('[data-testid=sla-acknowledge]', '5');
  await page.selectOption('[data-testid=sla-acknowledge-unit]', 'min');
  // The completion in working days of the jurisdiction's calendar, the closing in hours.
  await page.fill('[data-testid=sla-complete]', '3');
  await page.selectOption('[data-testid=sla-complete-unit]', 'wd');
  await page.selectOption('[data-testid=sla-close-unit]', 'h');
  await page.fill('[data-testid=sla-close]', '96');
  await page.selectOption('[data-testid=runcard-add]', psc.id);
  await shot(page, 'admin-01-category-form');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  const cats = (await sup('GET', '/categories')).body.items;
  const bee = cats.find((c) => c.code === 'bee_nest');
  assert(bee.sla.acknowledge_within_s === 300, `SLA saved (${bee.sla.acknowledge_within_s})`);
  assert(bee.sla.complete_within_days === 3 && bee.sla.complete_within_s === 0, `completion in working days (${JSON.stringify(bee.sla)})`);
  assert(bee.sla.close_within_s === 96 * 3600 && bee.sla.close_within_days === 0, `closing in hours (${JSON.stringify(bee.sla)})`);
  await page.waitForFunction(() => document.querySelector('[data-testid=edit-cat-bee_nest]')?.closest('tr')?.textContent.includes('3 hari kerja'), null, { timeout: 10000 });
  // Opened again, the form shows what was saved, in its units.
  await page.click('[data-testid=edit-cat-bee_nest]');
  assert((await page.inputValue('[data-testid=sla-complete]')) === '3' && (await page.inputValue('[data-testid=sla-complete-unit]')) === 'wd', 'working days read back');
  assert((await page.inputValue('[data-testid=sla-close]')) === '96' && (await page.inputValue('[data-testid=sla-close-unit]')) === 'h', 'hours read back');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  assert(bee.run_card.some((e) => e.agency_id === psc.id && e.role === 'supporting'), 'PSC 119 added to the run card');

  await page.goto(base + '/#/admin/users');
  await page.click('[data-testid=add-user]');
  await page.fill('[data-testid=user-username]', 'pln.piket');
  await page.fill('[data-testid=user-display_name]', 'Piket PLN');
  await page.selectOption('[data-testid=user-role]', 'agency_operator');
  await page.selectOption('[data-testid=user-agency]', agencies.find((a) => a.code === 'PLN').id);
  await page.fill('[data-testid=user-password]', 'sandi-shift-malam-7');
  await page.click('[data-testid=save]');
  await page.waitForSelector('td:has-text("pln.piket")');
  const users = (await sup('GET', '/users')).body.items;
  assert(users.some((u) => u.username === 'pln.piket' && u.role === 'agency_operator'), 'user created');

  const routes = Object.keys((await sup('GET', '/openapi.json')).body.paths);
  if (routes.includes('/api/v1/notifications')) {
    await page.goto(base + '/#/admin/agencies');
    await page.click('[data-testid=edit-agency-BPBD]');
    await page.click('[data-testid=endpoint-add]');
    await page.fill('[data-testid=endpoint-url]', 'https://bpbd.ambon.example/siaga');
    await page.fill('[data-testid=endpoint-secret]', 'rahasia-penandatangan-bpbd');
    await page.click('[data-testid=save]');
    await page.waitForSelector('[role=dialog]', { state: 'detached' });
    await page.waitForSelector('tr:has-text("BPBD") td:has-text("webhook")');
    const bpbd = (await sup('GET', '/agencies')).body.items.find((a) => a.code === 'BPBD');
    assert(bpbd.endpoints?.[0]?.url === 'https://bpbd.ambon.example/siaga', 'endpoint saved');
    await shot(page, 'admin-02-agencies');
  }

  // The gazetteer: the demo's places are listed; a CSV of fire posts is uploaded and found by
  // the call taker's search; a bad CSV is refused, says what and where, and changes nothing.
  await page.goto(base + '/#/admin/places');
  await page.waitForSelector('[data-testid=place-sources] td:has-text("csv:demo")');
  await page.setInputFiles('[data-testid=places-file]', {
    name: 'pos-damkar.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,kind,lat,lon\nPos Damkar Tulehu Uji,landmark,-3.5870,128.3250\nPos Damkar Hunuth Uji,landmark,-3.6360,128.2330\n'),
  });
  await page.fill('[data-testid=places-name]', 'pos-uji');
  await page.click('[data-testid=places-upload]');
  await page.waitForSelector('[data-testid=places-result]');
  const done = await page.textContent('[data-testid=places-result]');
  assert(done.includes('csv:pos-uji') && done.includes('2 tempat diimpor'), `import result shown: ${done}`);
  await page.waitForSelector('[data-testid=place-sources] td:has-text("csv:pos-uji")');
  const found = (await sup('GET', '/places?q=pos%20damkar%20uji')).body.items.map((p) => p.name);
  assert(found.length === 2, `the new places are found (${found})`);
  await page.setInputFiles('[data-testid=places-file]', {
    name: 'rusak.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,lat,lon\nPos Baru Uji,-3.6,128.2\nRusak,utara,128.2\n'),
  });
  await page.fill('[data-testid=places-name]', 'pos-uji');
  await page.click('[data-testid=places-upload]');
  await page.waitForSelector('[data-testid=places-error]');
  const refused = await page.textContent('[data-testid=places-error]');
  assert(refused.includes('TIDAK') && refused.includes('line 3'), `a bad CSV is refused, naming the line: ${refused}`);
  assert((await sup('GET', '/places?q=pos%20damkar%20uji')).body.items.length === 2, 'and nothing changed');
  assert((await sup('GET', '/places?q=pos%20baru%20uji')).body.items.length === 0, 'not even the good row');
  await shot(page, 'admin-03-places');
  await context.close();
}
