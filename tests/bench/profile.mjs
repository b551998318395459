// Profile (not a test): where the time of a reload and of one edit goes at 100,000
// customers. Prints every kezhi:* performance measure taken during the reload and during
// one customer edit, the long tasks, and the edit → list updated time.
//   node tests/bench/profile.mjs          (CPU=1: a CPU profile of the edit; CPU=load: of the reload)
import { watchLongTasks } from './long_tasks.mjs';
import { printProfile } from './cpu_profile.mjs';
import { startServer, launch, open, ready, byId, settled } from '../e2e/harness.mjs';

const SIZE = Number(process.env.SIZE ?? 100000);
const server = await startServer();
const browser = await launch();
const entries = (page) => page.evaluate(() => performance.getEntriesByType('measure')
  .map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]));
try {
  await watchLongTasks(browser.context);
  await browser.context.addInitScript(() => {
    // When the data is ready and when the list shows its first row (the page is interactive).
    window.__times = {};
    new MutationObserver(() => {
      const t = window.__times;
      if (!t.ready && document.body?.dataset.ready === 'true') t.ready = Math.round(performance.now());
      if (!t.row && document.querySelector('[data-testid=customer-row]')) t.row = Math.round(performance.now());
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  const page = await open(browser.context, server.url + '#/settings');
  await page.click(SIZE === 5000 ? byId('load-demo') : byId(`load-demo-${SIZE}`));
  await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 600_000 });
  await settled(page);
  await page.goto(server.url + '#/customers');
  const loadCdp = process.env.CPU === 'load' ? await browser.context.newCDPSession(page) : null;
  if (loadCdp) {
    await loadCdp.send('Profiler.enable');
    await loadCdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await loadCdp.send('Profiler.start');
  }
  await page.reload();
  await ready(page);
  await page.waitForSelector(byId('customer-row'));
  await new Promise((r) => setTimeout(r, 1500));
  if (loadCdp) printProfile((await loadCdp.send('Profiler.stop')).profile);
  console.log('reload: data-ready, first row at (ms since navigation)', JSON.stringify(await page.evaluate(() => window.__times)));
  console.log('reload measures', JSON.stringify(await entries(page)));
  console.log('reload long tasks', JSON.stringify(await page.evaluate(() => window.__longTasks)));
  const mark = await page.evaluate(() => { window.__longTasks = []; return performance.now(); });
  await page.click(byId('customer-row'));
  await page.waitForSelector(byId('customer-detail'));
  await page.fill(byId('field-name'), '基准测试');
  const cdp = process.env.CPU === '1' ? await browser.context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  // In the page: the click, and the first frame after it (the one that paints the list the
  // edit updated, as the update runs in the click's task).
  await page.evaluate(() => {
    window.__edit = {};
    document.querySelector('[data-testid=customer-save]').addEventListener('click', () => {
      window.__edit.t0 = performance.now();
      requestAnimationFrame(() => { window.__edit.t1 = performance.now(); });
    }, { capture: true, once: true });
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.click(byId('customer-save'));
  // The list is queried again once its index has the edit (the edited row itself may have
  // moved out of view: the list is in name order).
  await page.waitForFunction((t0) => performance.getEntriesByName('kezhi:query').some((m) => m.startTime > t0), t0);
  const t1 = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))));
  console.log('edit → list updated (ms, upper bound)', Math.round(t1 - t0));
  const edit = await page.evaluate(() => window.__edit);
  const query = await page.evaluate((t0) => performance.getEntriesByName('kezhi:query').filter((m) => m.startTime > t0).map((m) => Math.round(m.startTime + m.duration)), edit.t0);
  console.log('edit → list updated, next frame after the click (ms)', Math.round(edit.t1 - edit.t0), 'list queried at +', query.map((q) => Math.round(q - edit.t0)));
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
  await new Promise((r) => setTimeout(r, 1500));
  console.log('edit measures', JSON.stringify((await entries(page)).filter((e) => e[1] >= mark)));
  console.log('edit long tasks', JSON.stringify(await page.evaluate(() => window.__longTasks)));
} finally {
  await browser.close();
  server.close();
}
