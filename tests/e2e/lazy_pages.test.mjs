// End-to-end: the pages other than the dashboard and the customer list are fetched on their
// first visit (src/lazy_pages.rs; scripts/bin/wasm-bindgen cuts them out, scripts/pwa.mjs names
// them by content). The first download names none of their files; opening a page fetches its
// own chunk (under the sub-path); a chunk that cannot be fetched gives a message and a retry
// that works once the file can be had, and nothing of the data is lost meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, startCouch, freshPage, ready, settled, checkNoErrors, byId, count, loadDemo, until } from './harness.mjs';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../crates/core/tests/fixtures/legacy');

const CHUNK = /\/(split_kezhi_[a-z_]+|chunk_\d+|chunk_pack)-[0-9a-f]{16}\.wasm$/;

let server;
const browsers = [];
before(async () => {
  server = await startServer();
});
after(async () => {
  for (const b of browsers) await b.close();
  server.close();
});

// Each test in a fresh browser: its own empty storage and an empty HTTP cache. `noWorker`: no
// service worker, which would serve every chunk from its cache past the routes that fail them
// (the case of a page whose worker has not got the file: plain HTTP, or a failed install).
const newPage = (options) => freshPage(browsers, options);

/** A fresh page on the customers view, with no service worker. */
async function openWithoutWorker() {
  const page = await newPage({ noWorker: true });
  await page.goto(server.url + '#/customers');
  await ready(page);
  return page;
}

/** The page says it is ready (the fetch failures it reports meanwhile checked at the end). */
const isReady = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });

/** The page's only errors are the failed fetches the split loader reports. */
function onlyFetchFailures(page) {
  assert.ok(page.errors.every((e) => /Failed to fetch|net::ERR_FAILED|TypeError|Failed to load resource/.test(e)),
    `only the fetch failures: ${page.errors}`);
}

test('the first download holds no page chunk; a page fetches its own on the first visit', async () => {
  const page = await newPage();
  await page.goto(server.subUrl + '#/customers');
  await ready(page);
  assert.deepEqual(page.requested.filter((p) => CHUNK.test(p)), [], 'no chunk for the first view');
  // The demo brings its generator's chunks and the code that stores a whole dataset, and
  // nothing of any page.
  await loadDemo(page);
  await page.click(byId('nav-dashboard'));
  await page.waitForSelector(byId('kpi-customers'));
  const pages = page.requested.filter((p) => /\/split_kezhi_/.test(p) && !/\/split_kezhi_(demo|replace)-/.test(p));
  assert.deepEqual(pages, [], 'no page chunk for the dashboard and the list');
  assert.equal(page.requested.filter((p) => /\/split_kezhi_demo-/.test(p)).length, 1, 'the demo generator');
  assert.equal(page.requested.filter((p) => /\/split_kezhi_replace-/.test(p)).length, 1, 'the replace');

  await page.click(byId('nav-funnels'));
  await page.waitForSelector(byId('funnel-template'));
  const funnels = page.requested.filter((p) => CHUNK.test(p));
  assert.equal(funnels.filter((p) => /\/split_kezhi_funnels-/.test(p)).length, 1, `the funnels' chunk once: ${funnels}`);
  assert.ok(funnels.every((p) => p.startsWith('/tools/kezhi/')), `under the sub-path: ${funnels}`);
  assert.ok(!funnels.some((p) => /split_kezhi_settings-/.test(p)), 'not the settings page\'s chunk');

  // Back and forth: the page comes at once, nothing is fetched again.
  await page.click(byId('nav-customers'));
  await page.waitForSelector(byId('customer-row'));
  const before = page.requested.length;
  await page.click(byId('nav-funnels'));
  await page.waitForSelector(byId('funnel-template'));
  assert.deepEqual(page.requested.slice(before).filter((p) => CHUNK.test(p)), [], 'loaded once');
  checkNoErrors(page);
  await page.close();
});

test('a chunk that cannot be fetched: a message and a retry, the data kept', async () => {
  const page = await openWithoutWorker();
  await loadDemo(page);
  // The settings page's own chunk fails, as when a deployment lost the file or the network is gone.
  const blocked = '**/split_kezhi_settings-*.wasm';
  await page.route(blocked, (r) => r.abort());
  await page.click(byId('nav-settings'));
  await page.waitForSelector(byId('page-unavailable'));
  assert.match(await page.textContent(byId('page-unavailable')), /此页未能加载/);
  assert.equal(await page.isVisible(byId('page-retry')), true);
  // Still failing: the message stays, the app stays usable.
  await page.click(byId('page-retry'));
  await page.waitForSelector(byId('page-unavailable'));
  await page.click(byId('nav-customers'));
  await until(async () => (await count(page)) === 5000, 'the customers, untouched');
  // Coming back tries again (and fails again while the file cannot be had).
  await page.click(byId('nav-settings'));
  await page.waitForSelector(byId('page-unavailable'));

  // The file can be had again: the retry brings the page.
  await page.unroute(blocked);
  await page.click(byId('page-retry'));
  await page.waitForSelector(byId('load-demo'));
  assert.equal(await page.isVisible(byId('page-unavailable')), false);
  assert.ok(page.errors.length > 0, 'the failed fetches were reported');
  onlyFetchFailures(page);
  await page.close();
});

test('the small shared chunks come in one file; if it cannot be fetched, a message, and a retry fetches it again', async () => {
  const page = await openWithoutWorker();
  const pack = '**/chunk_pack-*.wasm';
  await page.route(pack, (r) => r.abort());
  await page.click(byId('nav-funnels'));
  await page.waitForSelector(byId('page-unavailable'));
  assert.equal(page.requested.filter((p) => /\/chunk_pack-/.test(p)).length, 1, 'the pack tried once');
  await page.unroute(pack);
  await page.click(byId('page-retry'));
  // No data yet: the funnels page asks for the demo.
  await page.waitForSelector(`main ${byId('empty-state')}`);
  assert.equal(await page.isVisible(byId('page-unavailable')), false);
  assert.equal(page.requested.filter((p) => /\/chunk_pack-/.test(p)).length, 2, 'fetched again by the retry');
  // The demo generator and another page need small shared chunks too: they take them from the
  // pack already fetched, each with one request for its own chunk and no small chunk file.
  const before = page.requested.length;
  await loadDemo(page);
  await page.click(byId('nav-segments'));
  await page.waitForSelector(byId('segment-save'));
  const fetched = page.requested.slice(before).filter((p) => CHUNK.test(p));
  assert.ok(fetched.some((p) => /\/split_kezhi_segments-/.test(p)), `the segments' chunk: ${fetched}`);
  assert.ok(!fetched.some((p) => /\/chunk_pack-/.test(p)), `the pack not fetched again: ${fetched}`);
  assert.ok(fetched.some((p) => /\/split_kezhi_demo-/.test(p)), `the demo's chunk: ${fetched}`);
  assert.ok(fetched.length <= 6, `a few files, not dozens: ${fetched}`);
  onlyFetchFailures(page);
  await page.close();
});

test('the demo generator is fetched on first use; if it cannot be, a message and the button stay', async () => {
  const page = await openWithoutWorker();
  await page.route('**/split_kezhi_demo-*.wasm', (r) => r.abort());
  await page.click(byId('load-demo'));
  await page.waitForSelector(`${byId('toast')}:has-text("演示数据生成模块未能加载")`);
  await page.waitForSelector(byId('busy'), { state: 'detached' });
  assert.equal(await page.isVisible(byId('load-demo')), true);
  await page.unroute('**/split_kezhi_demo-*.wasm');
  await loadDemo(page);
  await until(async () => (await count(page)) === 5000, 'the demo once the generator can be had');
  assert.equal(page.requested.filter((p) => /split_kezhi_sync-/.test(p)).length, 0, 'no sync code while sync is off');
  onlyFetchFailures(page);
  await page.close();
});

test('storing a whole dataset uses code fetched for it; if that cannot be had, the data is in the page, labelled not saved, and nothing stored changes', async () => {
  const page = await openWithoutWorker();
  const REPLACE = '**/split_kezhi_replace-*.wasm';
  await page.route(REPLACE, (r) => r.abort());
  await page.click(byId('load-demo'));
  await page.waitForSelector(`${byId('toast')}:has-text("保存所需的模块未能加载")`);
  await page.waitForSelector(byId('busy'), { state: 'detached' });
  await until(async () => (await count(page)) === 5000, 'the demo in the page');
  assert.match(await page.getAttribute(byId('not-saved'), 'title'), /保存所需的模块未能加载/);
  assert.equal(await page.evaluate(() => new Promise((ok) => {
    const r = indexedDB.open('kezhi');
    r.onsuccess = () => {
      const q = r.result.transaction('meta').objectStore('meta').get('meta');
      q.onsuccess = () => { ok(q.result?.counts?.customers ?? 0); r.result.close(); };
    };
  })), 0, 'nothing stored');
  await page.unroute(REPLACE);
  await page.reload();
  await isReady(page);
  assert.equal(await count(page), 0, 'nothing came back that was not stored');
  await loadDemo(page);
  await settled(page);
  await page.reload();
  await isReady(page);
  await until(async () => (await count(page)) === 5000, 'stored once the code could be had');
  onlyFetchFailures(page);
  await page.close();
});

test('an older version\'s data is read by code fetched for it; while that cannot be had, the data is left unread and untouched, and the next start moves it', async () => {
  const page = await openWithoutWorker();
  const stored = JSON.parse(await readFile(join(FIXTURES, 'v3.json'), 'utf8'));
  await page.evaluate((entries) => { for (const [k, v] of entries) localStorage.setItem(k, v); }, Object.entries(stored));
  await settled(page);
  const MIGRATE = '**/split_kezhi_migrate-*.wasm';
  await page.route(MIGRATE, (r) => r.abort());
  const before = page.requested.length;
  await page.reload();
  await isReady(page);
  assert.ok(page.requested.slice(before).some((p) => /\/split_kezhi_migrate-/.test(p)), 'the code was asked for');
  await page.waitForSelector(byId('unreadable'));
  assert.match(await page.textContent(byId('unreadable')), /读取旧格式数据所需的模块未能加载/);
  assert.equal(await count(page), 0, 'nothing shown that was not read');
  // The rescue download is code of its own too: while it cannot be fetched, a message; then
  // the file holds every old value as it was stored.
  const RESCUE = '**/split_kezhi_rescue-*.wasm';
  await page.route(RESCUE, (r) => r.abort());
  await page.click(byId('download-raw'));
  await page.waitForSelector(`${byId('toast')}:has-text("原始数据下载所需的模块未能加载")`);
  await page.unroute(RESCUE);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('download-raw'))]);
  assert.match(download.suggestedFilename(), /^kezhi-raw-\d{4}-\d{2}-\d{2}\.json$/);
  const raw = JSON.parse(await readFile(await download.path(), 'utf8'));
  for (const [k, v] of Object.entries(stored)) assert.equal(raw[k], v, `the old value of ${k} in the download`);
  // An edit meanwhile stays in the page; nothing is written over the old data.
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), '未保存');
  await page.click(byId('customer-save'));
  await until(async () => (await count(page)) === 1, 'the edit in the page');
  await settled(page);
  const oldKeys = () => page.evaluate(() => Object.keys(localStorage).filter((k) => /^kezhi:(manifest|data|s:|segments|funnels)/.test(k)).sort());
  assert.deepEqual(await oldKeys(), Object.keys(stored).filter((k) => /^kezhi:(manifest|data|s:|segments|funnels)/.test(k)).sort(), 'every old key still there');
  const untouched = await page.evaluate((keys) => keys.every((k) => localStorage.getItem(k) !== null), Object.keys(stored));
  assert.ok(untouched, 'the old values still there');
  assert.deepEqual(await page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), Object.keys(stored)), Object.values(stored), 'unchanged');
  await page.unroute(MIGRATE);
  await page.reload();
  await isReady(page);
  await until(async () => (await count(page)) === 200, 'the data after the move');
  assert.equal(await page.locator(byId('storage-notice')).count(), 0, 'no notice once moved');
  assert.equal(await page.locator(byId('unreadable')).count(), 0, 'read this time');
  assert.deepEqual(await oldKeys(), [], 'the old keys removed once the copy was checked');
  const first = page.requested.filter((p) => /\/split_kezhi_migrate-/.test(p)).length;
  await settled(page);
  await page.reload();
  await isReady(page);
  await until(async () => (await count(page)) === 200, 'still there after another reload');
  assert.equal(page.requested.filter((p) => /\/split_kezhi_migrate-/.test(p)).length, first, 'no move\'s code once nothing is left to move');
  onlyFetchFailures(page);
  await page.close();
});

test('the files worker\'s client is code of its own: while it cannot be fetched the import page says so, the worker already on its way; then a file imports', async () => {
  const page = await openWithoutWorker();
  const FILES = '**/split_kezhi_files-*.wasm';
  await page.route(FILES, (r) => r.abort());
  await page.click(byId('nav-import'));
  await page.waitForSelector(byId('import-error'));
  assert.match(await page.textContent(byId('import-error')), /无法加载文件处理模块/);
  assert.ok(page.requested.some((p) => /\/split_kezhi_files-/.test(p)), 'the client\'s code was asked for');
  // The worker is created before its client's code arrives, so its download has started.
  await until(async () => page.requested.some((p) => /\/files-[0-9a-f]{16}_bg\.wasm$/.test(p)), 'the worker\'s wasm fetched meanwhile');
  await page.unroute(FILES);
  // The next request fetches the client, which takes over that worker and what it said meanwhile.
  const csv = '姓名,手机,客户编号\n王工作,13800009999,W-1\n';
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'w.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector(byId('import-preview-row'));
  assert.equal(await page.locator(byId('import-error')).count(), 0, 'the message gone');
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
  assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '1');
  assert.equal(page.requested.filter((p) => /\/files_loader-[0-9a-f]{16}\.js$/.test(p)).length, 1, 'one worker, not a second');
  await page.click(byId('nav-customers'));
  await until(async () => (await count(page)) === 1, 'the imported customer in the list');
  onlyFetchFailures(page);
  await page.close();
});

test('sync\'s code is fetched when sync starts; while it cannot be, the status says offline, then it syncs by itself', async () => {
  const page = await openWithoutWorker();
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), '分块同步');
  await page.click(byId('customer-save'));
  await until(async () => (await count(page)) === 1, 'the customer');
  const couch = await startCouch();
  try {
    await fetch(`${couch.url}/lazy`, { method: 'PUT' });
    await page.route('**/split_kezhi_sync-*.wasm', (r) => r.abort());
    await page.click(byId('nav-settings'));
    await page.fill(byId('sync-url'), couch.url);
    await page.fill(byId('sync-db'), 'lazy');
    await page.click(byId('sync-start'));
    await until(async () => (await page.getAttribute(byId('sync-status'), 'data-state')) === 'offline', 'offline while the code cannot be had');
    await page.unroute('**/split_kezhi_sync-*.wasm');
    await until(async () => (await page.getAttribute(byId('sync-status'), 'data-state')) === 'synced', 'synced after the retry', 30_000);
    const docs = await (await fetch(`${couch.url}/lazy/_all_docs?include_docs=true`)).json();
    assert.deepEqual(docs.rows.filter((r) => r.id.startsWith('customer:')).map((r) => r.doc.name), ['分块同步']);
  } finally {
    await couch.stop();
  }
  onlyFetchFailures(page);
  await page.close();
});

test('offline during the first visit, once the service worker is in: pages never opened still open', async () => {
  const page = await newPage();
  await page.goto(server.url + '#/customers');
  await ready(page);
  await loadDemo(page);
  // The worker claims the page of a first visit once it has every file of the build.
  await until(() => page.evaluate(() => !!navigator.serviceWorker.controller), 'the page controlled by the worker', 30_000);
  await page.context().setOffline(true);
  await page.click(byId('nav-cohorts'));
  await page.waitForSelector(byId('cohort-size'));
  await page.click(byId('nav-customers'));
  await page.click(byId('customer-row'));
  await page.waitForSelector(byId('field-name'));
  assert.equal(await page.isVisible(byId('page-unavailable')), false);
  await page.context().setOffline(false);
  checkNoErrors(page);
  await page.close();
});
