// A screenshot of every console, and the English switch.
import { assert, hasStream, shot, signIn } from './lib.mjs';

export async function screens({ browser, base }) {
  const views = [
    ['calltaker', '#/calltaker', 'screen-calltaker', { width: 1440, height: 900 }, '[data-testid=incident-form]'],
    ['damkar', '#/agency', 'screen-agency-tablet', { width: 1180, height: 820 }, '[data-testid=agency-list]'],
    ['psc119', '#/agency', 'screen-agency-portrait', { width: 820, height: 1180 }, '[data-testid=agency-list]'],
    ['supervisor', '#/wallboard', 'screen-wallboard', { width: 1600, height: 900 }, '[data-testid=wallboard]'],
    ['walikota', '#/leader', 'screen-leader', { width: 1440, height: 900 }, '[data-testid=leader]'],
    ['admin', '#/admin/categories', 'screen-admin-categories', { width: 1440, height: 900 }, '[data-testid=tab-categories]'],
    ['admin', '#/admin/users', 'screen-admin-users', { width: 1440, height: 900 }, '[data-testid=tab-users]'],
  ];
  for (const [user, hash, name, viewport, ready] of views) {
    const { context, page } = await signIn(browser, base, user, viewport);
    await page.goto(base + '/' + hash);
    await page.waitForSelector(ready);
    await page.waitForTimeout(600);
    await shot(page, name);
    if (user === 'calltaker') {
      await page.click('[data-testid=lang-en]');
      await page.waitForSelector('text=Follow-up board');
      await page.click('[data-testid=q-report] >> nth=0');
      await page.waitForTimeout(300);
      await shot(page, 'screen-calltaker-en');
      await page.click('[data-testid=lang-id]');
    }
    if (user === 'psc119') {
      await page.click('[data-testid=agency-dispatch] >> nth=0');
      await page.waitForSelector('[data-testid=dispatch-detail]');
      await page.waitForTimeout(300);
      await shot(page, 'screen-agency-portrait-detail');
    }
    if (user === 'supervisor') {
      await page.click('[data-testid=wb-incident] >> nth=0');
      await page.waitForSelector('[data-testid=incident-panel] [data-testid=timeline] li');
      await page.waitForTimeout(400);
      await shot(page, 'screen-incident-panel');
    }
    if (user === 'walikota') {
      await page.click('[data-testid=lang-en]');
      await page.waitForSelector('text=Incidents today');
      const state = (await hasStream(base)) ? 'Live' : 'No stream';
      assert((await page.textContent('[data-testid=connection]')).includes(state), 'connection state in English');
      await shot(page, 'screen-leader-en');
      await page.click('[data-testid=lang-id]');
      await page.waitForSelector('text=Insiden hari ini');
    }
    await context.close();
  }
  // The sign-in page.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base + '/');
  await page.waitForSelector('[data-testid=login-form]');
  await shot(page, 'screen-login');
  await context.close();
}
