// Browser tests of the consoles:
//   node tests/browser/run.mjs <path to siaga> [--artifacts DIR] [test name…]
//
// Starts its own siaga (seeded temporary database, port 0, web root web/dist), drives Debian's
// chromium with playwright-core, saves screenshots under build/artifacts/browser/, and stops
// the server with SIGTERM. Prints one line per test and closes with "N passed, N failed".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, cspViolations, launchBrowser, setArtifacts, startServer } from './lib.mjs';
import { dispatchFlow } from './dispatch_flow.mjs';
import { agencyIsolation } from './agency_isolation.mjs';
import { screens } from './screens_test.mjs';
import { typedCall } from './typed_call.mjs';
import { admin } from './admin.mjs';
import { liveCalls } from './live_calls.mjs';
import { dispatchFloor } from './dispatch_floor.mjs';
import { floorScreens } from './floor_screens.mjs';
import { leaderStats } from './leader_stats.mjs';
import { transparency } from './transparency.mjs';
import { leaderMap } from './leader_map.mjs';
import { jurisdictionSettings } from './jurisdiction_settings.mjs';
import { slaScreens } from './sla_screens.mjs';
import { leaderExport } from './leader_export.mjs';
import { accountSecurity } from './account_security.mjs';
import { lapor } from './lapor.mjs';
import { contactReveal } from './contact_reveal.mjs';

const TESTS = {
  dispatch_flow: dispatchFlow,
  typed_call: typedCall,
  live_calls: liveCalls,
  dispatch_floor: dispatchFloor,
  agency_isolation: agencyIsolation,
  admin,
  screens,
  floor_screens: floorScreens,
  leader_stats: leaderStats,
  transparency,
  leader_map: leaderMap,
  jurisdiction_settings: jurisdictionSettings,
  sla_screens: slaScreens,
  leader_export: leaderExport,
  account_security: accountSecurity,
  lapor,
  contact_reveal: contactReveal,
};

const args = process.argv.slice(2);
const at = args.indexOf('--artifacts');
if (at >= 0) setArtifacts(args.splice(at, 2)[1]);
const [binary, ...only] = args;
if (!binary || !existsSync(binary)) {
  console.error('usage: node tests/browser/run.mjs <path to siaga> [test…]');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`browser tests: ${CHROMIUM} is missing (apt-get install chromium; scripts/install-deps.sh does it)`);
  process.exit(1);
}

// A failed test leaves its pages open: their screens are what a flaky run can be read from.
async function keepFailureScreens(name) {
  let i = 0;
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      const file = join(ARTIFACTS, `FAILED-${name}-${++i}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.log(`  failure screen: ${file} (${page.url()})`);
    }
    await context.close().catch(() => {});
  }
}

const chosen = Object.entries(TESTS).filter(([name]) => !only.length || only.includes(name));
let passed = 0;
let failed = 0;
const server = await startServer(binary);
const { browser, close } = await launchBrowser();
try {
  for (const [name, fn] of chosen) {
    const started = Date.now();
    try {
      cspViolations.length = 0;
      await fn({ browser, base: server.base, name });
      if (cspViolations.length) throw new Error(`the Content-Security-Policy blocked:\n${cspViolations.join('\n')}`);
      passed++;
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log(e && e.stack ? e.stack : String(e));
      await keepFailureScreens(name);
    }
  }
} finally {
  await close();
  await server.stop();
}
console.log(`screenshots: ${ARTIFACTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
