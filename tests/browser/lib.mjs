// Shared pieces of the browser tests: a seeded siaga of their own, Debian's chromium driven by
// playwright-core, sign-in, screenshots, and small assertions.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
const require = createRequire(join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');

export const PASSWORD = 'siaga112demo';
// siaga reads every SIAGA_* variable as a setting and refuses unknown ones: these are not.
export let ARTIFACTS = join(ROOT, 'build/artifacts/browser');
export const setArtifacts = (dir) => (ARTIFACTS = resolve(dir));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The environment for siaga: without SIAGA_* settings that would change or refuse its start. */
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIAGA_')));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `siaga serve` on a seeded temporary database, port 0, web root web/dist. */
export async function startServer(binary) {
  const dir = mkdtempSync(join(tmpdir(), 'siaga-browser-'));
  const db = join(dir, 'siaga.db');
  const seed = spawnSync(binary, ['seed', '--demo', '--database', db], { encoding: 'utf8', env: serverEnv() });
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
  const portFile = join(dir, 'port');
  const log = join(dir, 'serve.log');
  const webRoot = join(ROOT, 'web/dist');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` in web/');
  const { openSync } = await import('node:fs');
  const out = openSync(log, 'a');
  const proc = spawn(
    binary,
    ['serve', '--database', db, '--address', '127.0.0.1', '--port', '0', '--port-file', portFile, '--web-root', webRoot, '--log-level', 'warn'],
    { stdio: ['ignore', out, out], env: serverEnv() },
  );
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`siaga exited early (${JSON.stringify(exited)}): ${readFileSync(log, 'utf8')}`);
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8').trim());
      if (port > 0) {
        const base = `http://127.0.0.1:${port}`;
        try {
          const r = await fetch(base + '/api/v1/health');
          if (r.ok) {
            return {
              base,
              db,
              async stop() {
                if (!exited) {
                  proc.kill('SIGTERM');
                  for (let j = 0; j < 100 && !exited; j++) await sleep(50);
                  if (!exited) proc.kill('SIGKILL');
                }
                if (!process.env.KEEP_SIAGA_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
              },
            };
          }
        } catch {
          /* not yet */
        }
      }
    }
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error('siaga did not start: ' + readFileSync(log, 'utf8'));
}

/**
 * Debian's chromium, headless. playwright-core gives every launch a fresh temporary
 * --user-data-dir of its own (it refuses one passed in args), and every context its own
 * cookies and storage.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  // Every page of every context reports what the server's Content-Security-Policy blocked:
  // the consoles are built to pass it, so a blocked script, style or connection fails the test.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.exposeBinding('__siagaCspViolation', ({ page }, v) => cspViolations.push(`${page.url()}: ${v}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__siagaCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
      );
    });
    return context;
  };
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** What the Content-Security-Policy blocked so far, in any page; run.mjs empties it per test. */
export const cspViolations = [];

const streamKnown = new Map();
/**
 * Does this server offer the realtime stream (GET /api/v1/stream in its OpenAPI document)? A
 * server without it runs the consoles on their poll fallback, and the tests skip what only the
 * stream can show (resume after a drop).
 */
export async function hasStream(base) {
  if (!streamKnown.has(base)) {
    const doc = await (await fetch(base + '/api/v1/openapi.json')).json();
    streamKnown.set(base, Object.keys(doc.paths ?? {}).includes('/api/v1/stream'));
    if (!streamKnown.get(base)) console.log('note: this siaga has no /api/v1/stream; the consoles poll, resume checks are skipped');
  }
  return streamKnown.get(base);
}

/** A new context (its own cookies) with a signed-in page on the console. */
export async function signIn(browser, base, username, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: 'Asia/Jayapura' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] page error:`, e.message));
  page.on('console', (m) => {
    // HTTP errors the consoles expect (401 before sign-in, 404 of a refused dispatch) are not
    // news, nor a stream refused while a test holds the browser offline.
    const text = m.text();
    if (m.type() === 'error' && !text.startsWith('Failed to load resource') && !text.includes('ERR_INTERNET_DISCONNECTED')) console.error(`[${username}] console:`, text);
  });
  await page.goto(base + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  const state = (await hasStream(base)) ? 'live' : 'polling';
  await page.waitForSelector(`[data-testid=connection][data-state=${state}]`, { timeout: 15000 });
  return { context, page };
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Calls the API as a user (bearer token), for setting up a scene. */
export async function apiAs(base, username) {
  const r = await fetch(base + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(base + '/api/v1' + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page; the violations of impact serious or critical, as lines. */
export async function axeSerious(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
  // govern; an inline <script> tag (addScriptTag) would rightly be blocked by it.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} @ ${v.nodes.slice(0, 4).join(' | ')}`);
}

export function assert(cond, message) {
  if (!cond) throw new Error('assertion failed: ' + message);
}

/**
 * A real PNG of width x height (RGB, horizontal bands of colour), made here so that the tests
 * need no image files: a browser decodes it like a photo from a camera.
 */
export function pngImage(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const bands = [
    [198, 40, 40],
    [245, 124, 0],
    [255, 213, 79],
    [46, 125, 50],
    [21, 101, 192],
  ];
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const [r, g, b] = bands[Math.floor((y * bands.length) / height)];
    const row = y * (width * 3 + 1); // each row starts with filter type 0
    for (let x = 0; x < width; x++) raw.set([r, g, (b + x) & 0xff], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
