// Admin → Wilayah: the admin adds a holiday and a weekend day (Friday) and saves; after a
// reload the form shows them, and GET /api/v1/jurisdiction has them; a holiday without a name
// cannot be saved. The settings are put back afterwards so that other tests see the demo's.
import { apiAs, assert, axeSerious, shot, signIn } from './lib.mjs';

const T = 15000;

export async function jurisdictionSettings({ browser, base }) {
  const admin = await apiAs(base, 'admin');
  const before = await admin('GET', '/jurisdiction');
  assert(before.status === 200, `GET /jurisdiction (${before.status} ${JSON.stringify(before.body)})`);
  const original = before.body;
  assert(!original.weekend_days.includes(5), `Friday is not a weekend day in the demo (${original.weekend_days})`);
  const year = new Date().getUTCFullYear() + 1;
  const date = `${year}-03-29`;

  const { context, page } = await signIn(browser, base, 'admin', { width: 1280, height: 900 });
  try {
    await page.goto(base + '/#/admin/jurisdiction');
    await page.waitForSelector('[data-testid=jurisdiction-form]', { timeout: T });
    assert((await page.inputValue('[data-testid=jur-name]')) === original.name, 'the name is shown');
    await page.check('[data-testid=jur-day-5]');
    await page.click('[data-testid=jur-holiday-add]');
    const row = page.locator('[data-testid=jur-holiday]').last();
    await row.locator('input[type=date]').fill(date);
    await page.waitForSelector('[data-testid=jur-problems]', { timeout: T });
    assert(await page.isDisabled('[data-testid=jur-save]'), 'a holiday without a name cannot be saved');
    await row.locator('input:not([type=date])').fill('Hari Raya Nyepi');
    assert((await page.$('[data-testid=jur-problems]')) === null, 'no problem left');
    const findings = await axeSerious(page);
    assert(!findings.length, `axe-core on Admin → Wilayah:\n${findings.join('\n')}`);
    await page.click('[data-testid=jur-save]');
    await page.waitForFunction(async () => {
      const r = await fetch('/api/v1/jurisdiction');
      const j = await r.json();
      return j.weekend_days.includes(5);
    }, null, { timeout: T });

    await page.reload();
    await page.waitForSelector(`[data-testid=jur-holiday][data-date="${date}"]`, { timeout: T });
    assert(await page.isChecked('[data-testid=jur-day-5]'), 'Jumat is a weekend day after the reload');
    for (const d of original.weekend_days) assert(await page.isChecked(`[data-testid=jur-day-${d}]`), `day ${d} still a weekend day`);
    const name = await page.locator(`[data-testid=jur-holiday][data-date="${date}"] input:not([type=date])`).inputValue();
    assert(name === 'Hari Raya Nyepi', `the holiday's name after the reload (${name})`);
    await shot(page, 'admin-jurisdiction');
    const after = (await admin('GET', '/jurisdiction')).body;
    assert(after.holidays.some((h) => h.date === date && h.name === 'Hari Raya Nyepi'), `the API has the holiday (${JSON.stringify(after.holidays)})`);
    assert(after.holidays.length === original.holidays.length + 1, 'the other holidays are kept');
    assert(JSON.stringify(after.weekend_days) === JSON.stringify([...original.weekend_days, 5].sort((a, b) => a - b)), `weekend days ${after.weekend_days}`);
  } finally {
    await context.close();
    const back = await admin('PATCH', '/jurisdiction', { weekend_days: original.weekend_days, holidays: original.holidays });
    assert(back.status === 200, `the settings put back (${back.status})`);
  }
}
