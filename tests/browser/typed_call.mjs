// A call typed in from scratch with the keyboard: the category by typing, the place from the
// address search, the reporter (masked once typed), then Ctrl+Enter: a report and an incident
// dispatched to the category's run card.
import { apiAs, assert, shot, signIn } from './lib.mjs';

export async function typedCall({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const ct = await signIn(browser, base, 'calltaker');
  const { page } = ct;
  await page.goto(base + '/#/calltaker');
  await page.waitForSelector('[data-testid=incident-form]');

  await page.keyboard.press('Alt+N');
  await page.keyboard.press('/');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'category-search');
  await page.keyboard.type('medis');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=chosen-category]');
  assert((await page.textContent('[data-testid=chosen-category]')).includes('medis'), 'medical chosen by typing');
  assert(await page.isChecked('[data-testid=agency-PSC119]'), 'PSC 119 from the run card');

  // The category moved the focus to the place: a landmark known from earlier reports.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'address');
  await page.keyboard.type('kudamati');
  await page.waitForSelector('[data-testid=place-list]');
  await page.keyboard.press('Enter');
  const district = await page.$eval('[data-testid=district]', (el) => el.selectedOptions[0].textContent);
  assert(district === 'Nusaniwe', `district from the place (${district})`);

  const focused = (id) => page.waitForFunction((x) => document.activeElement?.getAttribute('data-testid') === x, id);
  await page.keyboard.press('Alt+P');
  await focused('reporter-phone');
  await page.keyboard.type('0812 7788 9900');
  await page.fill('[data-testid=reporter-name]', 'Yakob Pattinama');
  await page.keyboard.press('Alt+U');
  await focused('description');
  const phone = await page.inputValue('[data-testid=reporter-phone]');
  assert(phone.includes('•') && !phone.includes('7788'), `the number is masked once typed (${phone})`);
  await page.keyboard.type('Lansia pingsan di depan rumah, napas lemah.');
  await shot(page, 'typed-01-form');
  await page.keyboard.press('Control+Enter');
  const toast = await page.waitForSelector('[data-testid=toast]:has-text("instansi")', { timeout: 15000 });
  const number = (await toast.textContent()).match(/AMB-\d{6}-\d{4}/)?.[0];
  assert(number, 'an incident number in the toast');

  const incidents = (await sup('GET', '/incidents?status=dispatched,in_progress&limit=50')).body.items;
  const inc = incidents.find((i) => i.number === number);
  assert(inc, 'the incident exists');
  const detail = (await sup('GET', `/incidents/${inc.id}`)).body;
  // Masked in the view (UU PDP); the audited reveal gives the number as stored.
  assert(detail.reports.length === 1 && detail.reports[0].reporter.masked, `one report, its reporter masked (${JSON.stringify(detail.reports.map((r) => r.reporter))})`);
  const stored = (await sup('POST', `/reports/${detail.reports[0].id}/contact`)).body;
  assert(stored.phone === '+6281277889900', `report with the number in E.164 (${JSON.stringify(stored)})`);
  assert(detail.reports[0].channel === 'call', 'a call');
  assert(detail.address.includes('Kudamati'), 'address from the place');
  const card = `[data-testid=board-card][data-number="${number}"]`;
  await page.waitForSelector(card, { timeout: 15000 });

  // PSC 119 finishes (through the API); the board shows it resolved, and the call taker
  // closes the ticket from the incident panel: it leaves the board.
  const psc = await apiAs(base, 'psc119');
  const d = detail.dispatches[0];
  assert((await psc('POST', `/dispatches/${d.id}/acknowledge`, {})).status === 200, 'acknowledged');
  assert((await psc('POST', `/dispatches/${d.id}/complete`, { note: 'Pasien dibawa ke RSUD.' })).status === 200, 'completed');
  await page.waitForSelector(`${card}.b-resolved`, { timeout: 15000 });
  await page.click(card);
  await page.waitForSelector('[data-testid=close-incident]', { timeout: 15000 });
  await shot(page, 'typed-02-incident-resolved');
  await page.click('[data-testid=close-incident]');
  await page.waitForSelector('[data-testid=incident-panel] .pill[data-status=closed]', { timeout: 15000 });
  await page.keyboard.press('Escape');
  await page.waitForSelector(card, { state: 'detached', timeout: 15000 });
  assert((await sup('GET', `/incidents/${inc.id}`)).body.status === 'closed', 'closed');
  await ct.context.close();
}
