// The leader's map of incidents by kecamatan: on the demo, every kecamatan is on the map with
// the API's count of the month (a circle at its centre while the demo has no boundaries, its
// shape once it has), the legend's "tanpa kecamatan" equals the API's incidents without one, a
// click opens the same incident list as the table. Then the districts answered with boundaries
// marked approximate (the API answer rewritten in the browser) draw shapes, shaded the same, and
// the map says "Batas wilayah perkiraan".
import { apiAs, assert, axeSerious, shot, signIn } from './lib.mjs';

const T = 15000;

async function checkMap(page, byDistrict, districts) {
  await page.waitForSelector('[data-testid=district-map] [data-key]', { timeout: T });
  const shapes = await page.$$eval('[data-testid=district-map] [data-key]', (els) => els.map((e) => ({ key: e.dataset.key, count: Number(e.dataset.count), color: e.dataset.color, tag: e.tagName.toLowerCase(), label: e.querySelector('title')?.textContent })));
  const drawable = districts.filter((d) => d.center || d.boundary);
  assert(shapes.length === drawable.length, `a shape per kecamatan (${shapes.length} of ${drawable.length})`);
  for (const d of drawable) {
    const s = shapes.find((x) => x.key === d.id);
    const n = byDistrict.items.find((i) => i.district === d.id)?.count ?? 0;
    assert(s && s.count === n, `${d.name}: ${s?.count} on the map, ${n} from the API`);
    assert(s.label.startsWith(`${d.name}: `), `the tooltip names ${d.name} (${s.label})`);
  }
  const zero = shapes.filter((s) => s.count === 0).map((s) => s.color);
  const most = shapes.reduce((a, b) => (b.count > a.count ? b : a));
  assert(most.count > 0 && !zero.includes(most.color), 'the busiest kecamatan is shaded apart from the empty ones');
  const none = byDistrict.items.find((i) => i.district === null)?.count ?? 0;
  assert(Number(await page.getAttribute('[data-testid=district-map]', 'data-none')) === none, `tanpa kecamatan ${none}`);
  assert((await page.textContent('[data-testid=map-none]')).includes(`Tanpa kecamatan: ${none}`), 'the legend says tanpa kecamatan');
  return { shapes, most };
}

export async function leaderMap({ browser, base }) {
  const sup = await apiAs(base, 'supervisor');
  const today = (await sup('GET', '/stats/incidents')).body.to;
  const from = today.slice(0, 8) + '01';
  const byDistrict = (await sup('GET', `/stats/incidents?from=${from}&to=${today}&group=district`)).body;
  const districts = (await sup('GET', '/districts')).body.items;
  assert(byDistrict.total > 0, 'the demo has incidents this month');

  const { context, page } = await signIn(browser, base, 'walikota', { width: 1440, height: 1000 });
  await page.goto(base + '/#/leader');
  await page.waitForSelector(`[data-testid=leader-figures][data-from="${from}"]`, { timeout: T });
  const withBoundary = districts.some((d) => d.boundary);
  const { most } = await checkMap(page, byDistrict, districts);
  assert((await page.getAttribute('[data-testid=district-map]', 'data-mode')) === (withBoundary ? 'boundaries' : 'circles'), 'circles without boundaries, shapes with');
  const approximate = districts.some((d) => d.boundary && d.boundary_approximate);
  assert(((await page.$('[data-testid=map-approximate]')) !== null) === approximate, `the approximate note iff a boundary is approximate (${approximate})`);
  await page.locator('[data-testid=map-panel]').scrollIntoViewIfNeeded();
  await shot(page, 'leader-map');
  const findings = await axeSerious(page);
  assert(!findings.length, `axe-core on the dashboard with the map:\n${findings.join('\n')}`);

  await page.click(`[data-testid=district-map] [data-key="${most.key}"]`);
  await page.waitForSelector(`[data-testid=drill-list][data-total="${most.count}"]`, { timeout: T });
  await page.click('[data-testid=modal-close]');
  await page.focus(`[data-testid=district-map] [data-key="${most.key}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid=drill-list][data-total="${most.count}"]`, { timeout: T });
  await page.click('[data-testid=modal-close]');
  await context.close();

  // ---- with (approximate) boundaries: squares around each centre ----
  const square = (c, r = 0.012) => [[[c.lon - r, c.lat - r], [c.lon + r, c.lat - r], [c.lon + r, c.lat + r], [c.lon - r, c.lat + r], [c.lon - r, c.lat - r]]];
  const shaped = districts.map((d) => (d.center ? { ...d, boundary: { type: 'Polygon', coordinates: square(d.center) }, boundary_approximate: true } : d));
  const second = await signIn(browser, base, 'walikota', { width: 1440, height: 1000 });
  await second.page.route(/\/api\/v1\/districts(\?.*)?$/, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: shaped }) }));
  await second.page.goto(base + '/#/leader');
  await second.page.reload(); // the directory was read at sign-in, before the route
  await second.page.waitForSelector(`[data-testid=leader-figures][data-from="${from}"]`, { timeout: T });
  await second.page.waitForSelector('[data-testid=district-map][data-mode=boundaries]', { timeout: T });
  const drawn = await checkMap(second.page, byDistrict, shaped);
  assert(drawn.shapes.every((s) => s.tag === 'path'), 'every kecamatan is a shape');
  assert((await second.page.textContent('[data-testid=map-approximate]')) === 'Batas wilayah perkiraan', 'the map says its boundaries are approximate');
  await second.page.locator('[data-testid=map-panel]').scrollIntoViewIfNeeded();
  await shot(second.page, 'leader-map-boundaries');
  await second.page.click(`[data-testid=district-map] [data-key="${drawn.most.key}"]`);
  await second.page.waitForSelector(`[data-testid=drill-list][data-total="${drawn.most.count}"]`, { timeout: T });
  await second.context.close();
}
