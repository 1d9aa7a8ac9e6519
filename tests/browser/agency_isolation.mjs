// An agency operator cannot open another agency's dispatch: not in its list, not by its
// address in the console, and not through the API with its own session.
import { apiAs, assert, shot, signIn } from './lib.mjs';

export async function agencyIsolation({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const agencies = (await sup('GET', '/agencies')).body.items;
  const psc = agencies.find((a) => a.code === 'PSC119');
  const others = (await sup('GET', `/dispatches?agency_id=${psc.id}&limit=5`)).body.items;
  assert(others.length > 0, 'the demo has PSC 119 dispatches');
  const foreign = others[0];

  const ag = await signIn(browser, base, 'damkar', { width: 1180, height: 820 });
  await ag.page.goto(base + '/#/agency');
  await ag.page.waitForSelector('[data-testid=agency-list]');
  assert((await ag.page.$(`[data-dispatch="${foreign.id}"]`)) === null, 'not in the Damkar list');

  await ag.page.goto(`${base}/#/agency/${foreign.id}`);
  await ag.page.waitForSelector('[data-testid=dispatch-error]', { timeout: 10000 });
  const text = await ag.page.textContent('[data-testid=dispatch-error]');
  assert(text.includes('bukan milik instansi Anda'), `refused on screen (${text})`);
  assert((await ag.page.$('[data-testid=dispatch-detail]')) === null, 'no details shown');
  await shot(ag.page, 'isolation-01-agency-refused');

  const codes = await ag.page.evaluate(async (id) => {
    const read = await fetch(`/api/v1/dispatches/${id}`, { credentials: 'same-origin' });
    const act = await fetch(`/api/v1/dispatches/${id}/acknowledge`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    return [read.status, act.status];
  }, foreign.id);
  assert([403, 404].includes(codes[0]), `reading it is refused (${codes[0]})`);
  assert([403, 404].includes(codes[1]), `acting on it is refused (${codes[1]})`);
  const incidentStatus = await ag.page.evaluate(async (id) => (await fetch(`/api/v1/incidents/${id}`)).status, foreign.incident_id);
  const damkarDispatches = (await sup('GET', `/dispatches?incident_id=${foreign.incident_id}`)).body.items;
  const damkar = agencies.find((a) => a.code === 'DAMKAR');
  if (!damkarDispatches.some((d) => d.agency_id === damkar.id)) {
    assert(incidentStatus === 404, `its incident is hidden too (${incidentStatus})`);
  }
  const after = (await sup('GET', `/dispatches/${foreign.id}`)).body;
  assert(after.status === foreign.status, 'and nothing changed');
  await ag.context.close();
}
