// Browser benchmark of a large import: 500,000 generated order lines (LINES to change) through
// the import page — time from "import" to the report, the longest task the page ran meanwhile
// (PerformanceObserver 'longtask'), and the frames the page still painted. Prints JSON.
// `node tests/bench/import.mjs` after scripts/build.sh (KEZHI_DIST: another build, e.g. a bench build).
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, open, byId } from '../e2e/harness.mjs';

const lines = Number(process.env.LINES ?? 500000);
const dir = await mkdtemp(join(tmpdir(), 'kezhi-import-'));
const file = join(dir, 'orders.csv');
const rows = ['订单号,客户ID,下单时间,数量,单价,渠道'];
for (let i = 0; i < lines; i++) {
  // About 2.5 lines per order, 50,000 customers, a year of times.
  const order = Math.floor(i / 2.5);
  const day = 1 + (order % 28);
  const month = 1 + (order % 12);
  rows.push(`O${order},C${order % 50000},2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00,${1 + (i % 3)},${(i % 997) / 10 + 1},天猫`);
}
await writeFile(file, rows.join('\n'));

const server = await startServer(process.env.KEZHI_DIST || undefined);
const browser = await launch();
try {
  const page = await open(browser.context, server.url + '#/import');
  await page.waitForSelector(byId('import-file'));
  await page.selectOption(byId('import-kind'), 'orders');
  const t0 = Date.now();
  await page.setInputFiles(byId('import-file'), file);
  await page.waitForSelector(byId('import-preview-row'), { timeout: 120_000 });
  const opened = Date.now() - t0;
  await page.evaluate(() => {
    window.__long = [];
    window.__frames = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration), (window.__at ??= []).push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });
    const tick = () => { window.__frames += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const t1 = Date.now();
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'), { timeout: 300_000 });
  const imported = Date.now() - t1;
  const stats = await page.evaluate(() => ({ long: window.__long, frames: window.__frames }));
  const report = await page.$eval(byId('import-report'), (r) => ({ ...r.dataset }));
  // Stored in IndexedDB, and every record there after a reload (issue 12's first promise).
  await page.waitForFunction(() => !document.querySelector('[data-testid="saving"]'), null, { timeout: 300_000 });
  const saved = Date.now() - t1;
  const stats2 = await page.evaluate(() => ({ long: window.__long, at: window.__at }));
  const notSaved = await page.locator(byId('not-saved')).count();
  const stored = () => page.evaluate(() => new Promise((ok) => {
    const r = indexedDB.open('kezhi');
    r.onsuccess = () => { const q = r.result.transaction('meta').objectStore('meta').get('meta');
      q.onsuccess = () => { ok(q.result.counts); r.result.close(); }; };
  }));
  const before = await stored();
  const measures = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('kezhi:')).map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]));
  await page.goto(server.url + '#/customers');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="customer-count"]')?.dataset.count === '50000', null, { timeout: 120_000 });
  const after = await stored();
  console.log(JSON.stringify({
    'import to stored (ms)': saved,
    'not saved': notSaved,
    'long tasks over 200 ms until stored': stats2.long.filter((d) => d > 200).map(Math.round),
    'long tasks [start, ms]': stats2.at,
    'stored counts': before,
    'customers after the reload': 50000,
    'stored counts unchanged by the reload': JSON.stringify(after) === JSON.stringify(before),
  }));
  console.log(JSON.stringify({
    lines,
    file_mb: Math.round(rows.join('\n').length / 1e5) / 10,
    'open + preview (ms)': opened,
    'import to report (ms)': imported,
    'frames painted meanwhile': stats.frames,
    'long tasks (count)': stats.long.length,
    'longest task (ms)': Math.round(Math.max(0, ...stats.long)),
    'long tasks over 200 ms': stats.long.filter((d) => d > 200).map(Math.round),
    measures,
    report,
  }, null, 2));
} finally {
  await browser.close();
  server.close();
}
