// Browser benchmark (not a test): how long the demo takes to generate, save and load in
// headless Chromium, and how many bytes it stores. Run after scripts/build.sh:
//   node tests/bench/browser.mjs
// Figures go into docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { startServer, launch, open, ready, byId } from '../e2e/harness.mjs';

/** Resident memory of the largest Chromium renderer (the tab, including its wasm memory). */
function rendererMb() {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  const sizes = out.split('\n').filter((l) => l.includes('--type=renderer')).map((l) => parseInt(l, 10));
  return sizes.length ? Math.round(Math.max(...sizes) / 1024) : null;
}

const measures = (page) => page.evaluate(() =>
  Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])));

const server = await startServer();
const rows = [];
try {
  for (const size of [5000, 20000, 100000]) {
    const browser = await launch();
    try {
      const page = await open(browser.context, server.url + '#/settings');
      const button = size === 5000 ? byId('load-demo') : byId(`load-demo-${size}`);
      await page.click(button);
      await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 600_000 });
      const m = await measures(page);
      const bytes = Number(await page.getAttribute(byId('storage-usage'), 'data-bytes'));
      const saved = (await page.locator(byId('not-saved')).count()) === 0;
      let load = null;
      if (saved) {
        await page.reload();
        await ready(page);
        load = (await measures(page))['kezhi:load'];
      }
      rows.push({ customers: size, generate_ms: m['kezhi:generate'], save_ms: m['kezhi:save'], saved, bytes, load_ms: load, renderer_rss_mb: rendererMb() });
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
}
console.table(rows);
