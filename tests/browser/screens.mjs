// Screenshots of every console for a look at the design: node tests/browser/screens.mjs <siaga>
import { launchBrowser, shot, signIn, startServer } from './lib.mjs';

const binary = process.argv[2];
const server = await startServer(binary);
const { browser, close } = await launchBrowser();
try {
  for (const [user, hash, name, viewport] of [
    ['calltaker', '#/calltaker', 'screen-calltaker', undefined],
    ['damkar', '#/agency', 'screen-agency', { width: 1180, height: 820 }],
    ['supervisor', '#/wallboard', 'screen-wallboard', undefined],
    ['walikota', '#/leader', 'screen-leader', undefined],
    ['admin', '#/admin/categories', 'screen-admin-categories', undefined],
  ]) {
    const { context, page } = await signIn(browser, server.base, user, viewport);
    await page.goto(server.base + '/' + hash);
    await page.waitForTimeout(1200);
    console.log(await shot(page, name));
    await context.close();
  }
} finally {
  await close();
  await server.stop();
}
