// The leader downloads the period's incidents from the dashboard as Excel and CSV (the "Unduh
// Excel" and "Unduh CSV" buttons beside the printable report), and the workbook, read back with
// Debian's python3-openpyxl (tests/support/xlsx_dump.py), holds the same figures as the API's
// JSON for the same period and grouping, under Indonesian headings, in a bold frozen heading row.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, apiAs, assert, shot, signIn } from './lib.mjs';

const T = 15000;

export async function leaderExport({ browser, base, name }) {
  const leader = await apiAs(base, 'walikota');
  const categories = (await leader('GET', '/categories')).body.items;
  const nameOf = new Map(categories.map((c) => [c.id, c.name_id]));

  const { context, page } = await signIn(browser, base, 'walikota', { width: 1440, height: 900 });
  try {
    await page.goto(base + '/#/leader');
    const figures = await page.waitForSelector('[data-testid=leader-figures]', { timeout: T });
    const from = await figures.getAttribute('data-from');
    const to = await figures.getAttribute('data-to');
    const href = await page.getAttribute('[data-testid=download-xlsx]', 'href');
    const group = new URL(href, base).searchParams.get('group');
    assert(group && group.endsWith(',category'), `the download groups by period and category (${href})`);

    mkdirSync(ARTIFACTS, { recursive: true });
    const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-testid=download-xlsx]')]);
    assert(/^statistik-kejadian-[0-9-]+\.xlsx$/.test(xlsx.suggestedFilename()), `an Indonesian file name (${xlsx.suggestedFilename()})`);
    const file = join(ARTIFACTS, `${name}.xlsx`);
    await xlsx.saveAs(file);
    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-testid=download-csv]')]);
    assert(csv.suggestedFilename().endsWith('.csv'), `a CSV download (${csv.suggestedFilename()})`);
    const csvFile = join(ARTIFACTS, `${name}.csv`);
    await csv.saveAs(csvFile);
    await shot(page, name);

    const dump = spawnSync('/usr/bin/python3', [join(ROOT, 'tests/support/xlsx_dump.py'), file], { encoding: 'utf8' });
    assert(dump.status === 0, `openpyxl reads the workbook: ${dump.stderr}`);
    const sheet = JSON.parse(dump.stdout).sheets[0];
    assert(sheet.name === 'Kejadian', `the sheet is named in Indonesian (${sheet.name})`);
    assert(sheet.freeze === 'A2' && sheet.bold_header, 'a bold, frozen heading row');
    const [head, ...rows] = sheet.rows;
    assert(JSON.stringify(head) === JSON.stringify(['Periode', 'Kategori', 'Jumlah']), `Indonesian headings: ${JSON.stringify(head)}`);

    const api = await leader('GET', `/stats/incidents?from=${from}&to=${to}&group=${group}`);
    assert(api.status === 200, `the API answers (${api.status})`);
    const want = new Map(api.body.items.map((i) => [`${i.period}|${nameOf.get(i.category) ?? '(tanpa)'}`, i.count]));
    const got = new Map(rows.map((r) => [`${r[0]}|${r[1]}`, r[2]]));
    assert(want.size > 0, 'the period has incidents');
    assert(got.size === want.size, `as many rows as the API's items (${got.size} vs ${want.size})`);
    for (const [k, n] of want) assert(got.get(k) === n, `${k}: ${got.get(k)} in the workbook, ${n} from the API`);
    assert(rows.reduce((s, r) => s + r[2], 0) === api.body.total, 'the rows add up to the total');
    for (let i = 1; i < sheet.formats.length; i++) assert(sheet.formats[i][2] === '#,##0', `counts are numbers (${sheet.formats[i][2]})`);

    // The CSV of the same view: the same counts, Indonesian style.
    const text = readFileSync(csvFile, 'utf8').replace(/^\uFEFF/, '');
    const lines = text.split('\r\n').filter(Boolean);
    assert(lines[0] === 'Periode;Kategori;Jumlah', `CSV headings: ${lines[0]}`);
    assert(lines.length === rows.length + 1, 'the CSV has the same rows');
  } finally {
    await context.close();
  }
}
