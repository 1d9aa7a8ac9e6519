// Contacts masked everywhere, revealed only through the audited reveal (issue 12, UU PDP): the
// Damkar operator sees the reporter's number masked on a dispatch that shares the contact, taps
// "Tampilkan nomor" and sees the number and the name; the call taker opens a queued report, sees
// the number masked in the form, reveals it the same way; the supervisor's wallboard then lists
// both reveals under "Kontak pelapor yang dibuka". A call past its wrap-up whose callback is
// closed shows its number masked in the recent calls of the call taker's console and the
// wallboard; "Tampilkan nomor" there asks the audited reveal of the call. A closed callback
// shows its number masked in the call taker's "Panggilan balik selesai" with the same button,
// which asks the audited reveal of the call it came from.
import { apiAs, assert, shot, signIn } from './lib.mjs';

const T = 15000;

export async function contactReveal({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const categories = (await sup('GET', '/categories')).body.items;
  const fire = categories.find((c) => c.code === 'fire');
  assert(fire, 'the demo has a fire category');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const damkar = agencies.find((a) => a.code === 'DAMKAR');

  // A report accepted with its contact shared with the agencies on the run card.
  const shared = (
    await sup('POST', '/reports', {
      channel: 'call',
      reporter_name: 'Ferdinand Sahetapy',
      reporter_phone: '+6281355443322',
      description: 'Rumah terbakar di Jl. Anthony Rhebok, api sudah ke atap.',
      category_id: fire.id,
      location: { lat: -3.6958, lon: 128.1825 },
      address: 'Jl. Anthony Rhebok',
    })
  ).body;
  assert(shared?.reporter?.masked && !JSON.stringify(shared).includes('55443322'), 'the create reply masks the number');
  const incident = (await sup('POST', `/reports/${shared.id}/accept`, { share_contact: true })).body;
  const dispatch = incident.dispatches.find((d) => d.agency_id === damkar.id);
  assert(dispatch, 'Damkar is dispatched');

  // The operator: masked until the tap, then the full number with a tel: link and the name.
  const ag = await signIn(browser, base, 'damkar', { width: 1180, height: 820 });
  await ag.page.goto(`${base}/#/agency/${dispatch.id}`);
  await ag.page.waitForSelector('[data-testid=dispatch-detail]', { timeout: T });
  const before = await ag.page.textContent('[data-testid=reporter-contact]');
  assert(before.includes('•') && before.includes('3322') && !before.includes('55443322'), `masked before the reveal (${before})`);
  assert(!before.includes('Ferdinand'), 'no name before the reveal');
  await ag.page.click('[data-testid=reveal-number]');
  await ag.page.waitForSelector('[data-testid=revealed-contact]', { timeout: T });
  const after = await ag.page.textContent('[data-testid=revealed-contact]');
  assert(after.includes('+6281355443322') && after.includes('Ferdinand Sahetapy'), `revealed (${after})`);
  assert((await ag.page.getAttribute('[data-testid=revealed-contact]', 'href')) === 'tel:+6281355443322', 'a tel: link');
  await shot(ag.page, 'reveal-01-agency-revealed');

  // The call taker: a queued report's number is masked in the form until "Tampilkan nomor".
  const queued = (
    await sup('POST', '/reports', {
      channel: 'whatsapp',
      reporter_name: 'Siti Tuasikal',
      reporter_phone: '+6285244332211',
      description: 'Pohon tumbang menutup jalan ke Batu Merah.',
      category_id: fire.id,
      location: { lat: -3.6871, lon: 128.1902 },
      address: 'Jl. Batu Merah',
    })
  ).body;
  const ct = await signIn(browser, base, 'calltaker');
  await ct.page.goto(base + '/#/calltaker');
  const item = `[data-testid=q-report][data-report="${queued.id}"]`;
  await ct.page.waitForSelector(item, { timeout: T });
  await ct.page.click(item);
  await ct.page.waitForSelector('[data-testid=reveal-reporter]', { timeout: T });
  const masked = await ct.page.inputValue('[data-testid=reporter-phone]');
  assert(masked.includes('•') && !masked.includes('44332211'), `the form shows the masked number (${masked})`);
  assert((await ct.page.textContent('[data-testid=reveal-reporter]')).includes('Tampilkan nomor'), 'the button says Tampilkan nomor');
  await ct.page.click('[data-testid=reveal-reporter]');
  await ct.page.waitForFunction(
    () => document.querySelector('[data-testid=reporter-phone]')?.value === '+6285244332211',
    null,
    { timeout: T },
  );
  assert((await ct.page.inputValue('[data-testid=reporter-name]')) === 'Siti Tuasikal', 'the name comes with the reveal');
  await shot(ct.page, 'reveal-02-calltaker-form-revealed');

  // Both reveals are events the supervisor sees on the wallboard, newest first.
  const listed = (await sup('GET', '/audit/reveals?limit=5')).body.items;
  assert(listed[0]?.report_id === queued.id && listed[1]?.report_id === shared.id, 'both reveals recorded, newest first');
  const sv = await signIn(browser, base, 'supervisor', { width: 1600, height: 900 });
  await sv.page.goto(base + '/#/wallboard');
  await sv.page.waitForSelector('[data-testid=contact-reveals] [data-testid=contact-reveal]', { timeout: T });
  const rows = await sv.page.$$eval('[data-testid=contact-reveal]', (els) => els.map((e) => e.textContent ?? ''));
  assert(rows.length >= 2, `the panel lists the reveals (${rows.length})`);
  assert(rows[0].includes(queued.id.slice(-8)) && rows[0].includes(listed[0].actor_name), `the call taker's reveal first (${rows[0]})`);
  assert(rows[1].includes(shared.id.slice(-8)) && rows[1].includes(listed[1].actor_name), `then the operator's (${rows[1]})`);
  assert(!rows.join(' ').includes('44332211') && !rows.join(' ').includes('55443322'), 'the panel holds no number');
  await shot(sv.page, 'reveal-03-wallboard-reveals');

  // A caller's number once the call is past its wrap-up (classified): masked in the call
  // taker's recent calls until "Tampilkan nomor", which asks the audited reveal.
  const admin = await apiAs(base, 'admin');
  const key = (await admin('POST', '/api_keys', { name: 'PBX uji reveal' })).body.secret;
  assert(key, 'an api key for the simulated PBX');
  const caller = '+6281377779999';
  const at = (minutesAgo) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const posted = await fetch(base + '/api/v1/telephony/events', {
    method: 'POST',
    headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      events: [
        { event_id: 'rv-ring', call_id: 'reveal-1', type: 'ringing', at: at(1), caller, line: '112' },
        { event_id: 'rv-answer', call_id: 'reveal-1', type: 'answered', at: at(0.9), agent: 'ext299' },
        { event_id: 'rv-end', call_id: 'reveal-1', type: 'ended', at: at(0.5), reason: 'completed' },
      ],
    }),
  });
  assert(posted.status === 200, `the PBX events are taken (${posted.status})`);
  const call = (await sup('GET', `/calls?caller=${encodeURIComponent(caller)}`)).body.items[0];
  assert(call && call.caller === caller, 'in its wrap-up the call shows the number in full');
  // Classified, the wrap-up is over. (The newest call, so that other tests' calls do not push
  // it out of the list.)
  const classified = await sup('POST', `/calls/${call.id}/classify`, { classification: 'misdirected' });
  assert(classified.status === 200, `classified (${classified.status})`);
  const pastWrapUp = (await sup('GET', `/calls/${call.id}`)).body;
  assert(pastWrapUp.caller_masked && !JSON.stringify(pastWrapUp).includes('77779999'), 'the call is masked now');

  await ct.page.reload();
  const row = `[data-testid=recent-call][data-call="${call.id}"]`;
  await ct.page.waitForSelector(`${row} [data-testid=reveal-caller]`, { timeout: T });
  const shownMasked = await ct.page.textContent(`${row} [data-testid=masked-caller]`);
  assert(shownMasked.includes('•') && shownMasked.includes('9999') && !shownMasked.includes('77779999'), `masked (${shownMasked})`);
  assert((await ct.page.textContent(`${row} [data-testid=reveal-caller]`)).includes('Tampilkan nomor'), 'the button says Tampilkan nomor');
  await ct.page.click(`${row} [data-testid=reveal-caller]`);
  await ct.page.waitForSelector(`${row} [data-testid=revealed-caller]`, { timeout: T });
  assert((await ct.page.textContent(`${row} [data-testid=revealed-caller]`)).includes(caller), 'the number after the reveal');
  assert((await ct.page.getAttribute(`${row} [data-testid=revealed-caller]`, 'href')) === 'tel:' + caller, 'a tel: link');
  await shot(ct.page, 'reveal-04-calltaker-caller-revealed');
  const callReveal = (await sup('GET', '/audit/reveals?limit=1')).body.items[0];
  assert(callReveal?.kind === 'call' && callReveal.call_id === call.id, 'the reveal of the call is recorded');

  // The supervisor's wallboard lists the same call masked, with the same button.
  await sv.page.reload();
  await sv.page.waitForSelector(`${row} [data-testid=reveal-caller]`, { timeout: T });
  const board = await sv.page.textContent('[data-testid=recent-calls]');
  assert(!board.includes('77779999'), `the wallboard's recent calls hold no full number (${board})`);

  // An abandoned call leaves a callback; once it is closed its number is masked in the queue's
  // closed callbacks until "Tampilkan nomor", recorded as the reveal of its call. (The call
  // ended past its wrap-up, so no list of the page shows the number in full.)
  const dropped = '+6281366661111';
  const abandoned = await fetch(base + '/api/v1/telephony/events', {
    method: 'POST',
    headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      events: [
        { event_id: 'rv-cb-ring', call_id: 'reveal-cb-1', type: 'ringing', at: at(20), caller: dropped, line: '112' },
        { event_id: 'rv-cb-end', call_id: 'reveal-cb-1', type: 'ended', at: at(19.8), reason: 'caller_hangup' },
      ],
    }),
  });
  assert(abandoned.status === 200, `the abandoned call is taken (${abandoned.status})`);
  const task = (await sup('GET', `/callbacks?caller=${encodeURIComponent(dropped)}`)).body.items[0];
  assert(task && task.caller === dropped && !task.caller_masked, 'the open callback shows the number in full');
  assert((await sup('POST', `/callbacks/${task.id}/take`, {})).status === 200, 'taken');
  const closed = await sup('POST', `/callbacks/${task.id}/attempt`, { result: 'reached_no_emergency', note: '' });
  assert(closed.status === 200 && closed.body.status === 'done', `closed (${closed.status} ${closed.body?.status})`);
  const closedView = (await sup('GET', `/callbacks?status=done&caller=${encodeURIComponent(dropped)}`)).body.items[0];
  assert(closedView?.caller_masked && !JSON.stringify(closedView).includes('66661111'), 'the closed callback is masked');

  await ct.page.reload();
  const closedRow = `[data-testid=closed-callback][data-callback="${task.id}"]`;
  await ct.page.waitForSelector(`${closedRow} [data-testid=reveal-caller]`, { timeout: T });
  const closedMasked = await ct.page.textContent(`${closedRow} [data-testid=masked-caller]`);
  assert(closedMasked.includes('•') && closedMasked.includes('1111') && !closedMasked.includes('66661111'), `masked (${closedMasked})`);
  assert((await ct.page.textContent(`${closedRow} [data-testid=reveal-caller]`)).includes('Tampilkan nomor'), 'the button says Tampilkan nomor');
  assert(!(await ct.page.textContent('body')).includes('66661111'), 'no list of the console shows the number before the reveal');
  await ct.page.click(`${closedRow} [data-testid=reveal-caller]`);
  await ct.page.waitForSelector(`${closedRow} [data-testid=revealed-caller]`, { timeout: T });
  assert((await ct.page.textContent(`${closedRow} [data-testid=revealed-caller]`)).includes(dropped), 'the number after the reveal');
  await shot(ct.page, 'reveal-05-closed-callback-revealed');
  const cbReveal = (await sup('GET', '/audit/reveals?limit=1')).body.items[0];
  assert(cbReveal?.kind === 'call' && cbReveal.call_id === task.call_id, 'the reveal of the callback\'s call is recorded');
  for (const s of [ag, ct, sv]) await s.context.close();
}
