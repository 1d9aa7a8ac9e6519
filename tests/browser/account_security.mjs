// Account security in the consoles (issue 12): a user the admin obliges to change their
// password sees only the change-password screen until they have; a change of the user by the
// admin sends their open console back to the sign-in screen with the reason; the supervisor's
// wallboard lists sign-in locks.
import { apiAs, assert, hasStream, shot, signIn } from './lib.mjs';

export async function accountSecurity({ browser, base }) {
  const admin = await apiAs(base, 'admin');
  const created = await admin('POST', '/users', {
    username: 'uji.wajibganti',
    display_name: 'Petugas Baru',
    role: 'call_taker',
    password: 'rahasia-awal-112',
    must_change_password: true,
  });
  assert(created.status === 201, `user created (${created.status} ${JSON.stringify(created.body)})`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[uji.wajibganti] page error:', e.message));
  await page.goto(base + '/');
  await page.fill('input[name=username]', 'uji.wajibganti');
  await page.fill('input[name=password]', 'rahasia-awal-112');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=password-form]');
  assert((await page.$('[data-testid=connection]')) === null, 'no console before the change');
  await shot(page, 'account-01-change-required');

  // A weak one is refused with the server's Indonesian reason, and nothing changes.
  await page.fill('input[name=current_password]', 'rahasia-awal-112');
  await page.fill('input[name=new_password]', 'bismillah123');
  await page.fill('input[name=new_password_repeat]', 'bismillah123');
  await page.click('[data-testid=password-form] button[type=submit]');
  await page.waitForSelector('[data-testid=password-form] [role=alert]:has-text("terlalu umum")');
  await page.fill('input[name=new_password]', 'sandi-pilihan-sendiri');
  await page.fill('input[name=new_password_repeat]', 'sandi-pilihan-sendiri');
  await page.click('[data-testid=password-form] button[type=submit]');
  const state = (await hasStream(base)) ? 'live' : 'polling';
  await page.waitForSelector(`[data-testid=connection][data-state=${state}]`, { timeout: 15000 });
  const me = (await admin('GET', '/users')).body.items.find((u) => u.username === 'uji.wajibganti');
  assert(me && !me.must_change_password, 'the obligation is cleared');

  // The admin demotes the user: the open console returns to the sign-in with the reason.
  const changed = await admin('PATCH', `/users/${me.id}`, { role: 'leader' });
  assert(changed.status === 200, `demoted (${changed.status})`);
  await page.waitForSelector('[data-testid=session-ended]:has-text("akun diubah")', { timeout: 10000 });
  await page.waitForSelector('[data-testid=login-form]');
  await shot(page, 'account-02-session-ended');
  await context.close();

  // Five wrong passwords for one account from here: the supervisor's wallboard lists the lock.
  for (let i = 0; i < 5; i++) {
    await fetch(base + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'penebak.sandi', password: `tebakan-${i}` }),
    });
  }
  const sup = await signIn(browser, base, 'supervisor');
  await sup.page.goto(base + '/#/wallboard');
  await sup.page.waitForSelector('[data-testid=security-event][data-kind="login.locked_account_address"]:has-text("penebak.sandi")');
  await shot(sup.page, 'account-03-wallboard-security');
  await sup.context.close();
}
