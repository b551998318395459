// Profile (not a test): where the page's time goes while a 100,000-customer backup is written
// and restored. Prints the long tasks (start, duration) with the kezhi:* measures around them,
// for the backup (click → file), the read (choose file → preview) and the restore (→ list);
// PROFILE=backup|read|restore adds a CPU profile (self time by function) of that phase.
//   node tests/bench/backup_profile.mjs
import { watchLongTasks } from './long_tasks.mjs';
import { printProfile } from './cpu_profile.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, open, byId, count, until, settled } from '../e2e/harness.mjs';

const SIZE = Number(process.env.SIZE ?? 100000);
const PROFILE = process.env.PROFILE ?? '';
const server = await startServer();
const browser = await launch();
const dir = await mkdtemp(join(tmpdir(), 'kezhi-backup-profile-'));


try {
  await watchLongTasks(browser.context);
  const page = await open(browser.context, server.url + '#/settings');
  await page.click(byId(`load-demo-${SIZE}`));
  await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 300_000 });
  await settled(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  const phase = async (name, run) => {
    await page.evaluate(() => { window.__longTasks.length = 0; performance.clearMeasures(); });
    const t0 = await page.evaluate(() => performance.now());
    if (PROFILE === name) await cdp.send('Profiler.start');
    const start = Date.now();
    const out = await run();
    const ms = Date.now() - start;
    const profile = PROFILE === name ? (await cdp.send('Profiler.stop')).profile : null;
    const tasks = await page.evaluate(() => window.__longTasks.slice());
    const measures = await page.evaluate(() => performance.getEntriesByType('measure')
      .filter((m) => m.name.startsWith('kezhi:'))
      .map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]));
    console.log(`\n== ${name}: ${ms} ms; longest task ${Math.max(0, ...tasks.map((t) => t[1]))} ms`);
    console.log('long tasks (start since the phase, ms):', JSON.stringify(tasks.map(([s, d]) => [Math.round(s - t0), d])));
    console.log('measures:', JSON.stringify(measures.map(([n, s, d]) => [n, Math.round(s - t0), d])));
    if (profile) printProfile(profile, 30);
    return out;
  };
  const file = await phase('backup', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 300_000 }),
      page.click(byId('backup-download')),
    ]);
    const path = join(dir, 'backup.json');
    await download.saveAs(path);
    return path;
  });
  // As the e2e test: the data reset, the page opened afresh, then the file read.
  await page.click(byId('reset-data'));
  await page.click(byId('confirm-yes'));
  await page.waitForTimeout(3000);
  await settled(page);
  await page.goto(server.url + '#/settings');
  await page.waitForSelector(byId('backup-file'));
  await phase('read', async () => {
    await page.setInputFiles(byId('backup-file'), file);
    await page.waitForSelector(byId('backup-preview'), { timeout: 300_000 });
  });
  await phase('restore', async () => {
    await page.click(byId('backup-restore'));
    await page.click(byId('confirm-yes'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 300_000 });
    await settled(page);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === SIZE, 'the restored customers listed', 120_000);
  });
} finally {
  await browser.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
}
