// Profile (not a test): opening the funnels page (it opens on the purchase funnel) on the stored 100,000-customer demo — the
// `kezhi:*` measures, the long tasks and (CPU=1) the self time by function of that visit.
//   scripts/build.sh --bench && node tests/bench/funnel_open.mjs
// SIZE=5000 for the small demo; KEZHI_BENCH_DIST for another build.
import { join } from 'node:path';
import { watchLongTasks } from './long_tasks.mjs';
import { printProfile } from './cpu_profile.mjs';
import { startServer, launch, open, ready, byId, settled, root } from '../e2e/harness.mjs';

const SIZE = Number(process.env.SIZE ?? 100000);
const server = await startServer(process.env.KEZHI_BENCH_DIST ?? join(root, 'dist-bench'));
const browser = await launch();
try {
  await watchLongTasks(browser.context);
  const page = await open(browser.context, server.url + '#/settings');
  await page.click(SIZE === 5000 ? byId('load-demo') : byId(`load-demo-${SIZE}`));
  await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 600_000 });
  await settled(page);
  await page.evaluate(() => navigator.serviceWorker?.ready);
  await page.goto(server.url + '#/customers');
  await page.reload();
  await ready(page);
  await page.waitForSelector(byId('customer-row'));
  await new Promise((r) => setTimeout(r, 1500));
  await page.evaluate(() => { window.__longTasks.splice(0); performance.clearMeasures(); });
  const cdp = process.env.CPU ? await browser.context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const t0 = Date.now();
  await page.click(byId('nav-funnels'));
  await page.waitForSelector(byId('funnel-result-step'), { timeout: 600_000 });
  const shown = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 1000));
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile, 30);
  console.log(JSON.stringify({
    'click → steps shown (ms)': shown,
    measures: await page.evaluate(() => performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])),
    'long tasks (ms)': await page.evaluate(() => window.__longTasks.map((t) => t[1])),
  }));
} finally {
  await browser.close();
  server.close();
}
