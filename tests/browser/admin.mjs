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
  await page.fill('[data-testid=sla-acknowledge_within_s]', '5');
  await page.selectOption('[data-testid=runcard-add]', psc.id);
  await shot(page, 'admin-01-category-form');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  const cats = (await sup('GET', '/categories')).body.items;
  const bee = cats.find((c) => c.code === 'bee_nest');
  assert(bee.sla.acknowledge_within_s === 300, `SLA saved (${bee.sla.acknowledge_within_s})`);
  assert(bee.run_card.some((e) => e.agency_id === psc.id && e.role === 'supporting'), 'PSC 119 added to the run card');

  await page.goto(base + '/#/admin/users');
  await page.click('[data-testid=add-user]');
  await page.fill('[data-testid=user-username]', 'pln.piket');
  await page.fill('[data-testid=user-display_name]', 'Piket PLN');
  await page.selectOption('[data-testid=user-role]', 'agency_operator');
  await page.selectOption('[data-testid=user-agency]', agencies.find((a) => a.code === 'PLN').id);
  await page.fill('[data-testid=user-password]', 'rahasia-piket-1');
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
  await context.close();
}
