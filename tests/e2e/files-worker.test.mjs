// End-to-end: the files worker (crates/files-worker, src/files.rs) is not part of the first
// download. The page's own requests name none of its files until the import page is opened;
// then the worker loads (`data-files-loading` goes away), under a sub-path, and imports; an
// Excel export is written by it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, ready, checkNoErrors, byId, count, loadDemo, until } from './harness.mjs';

// The worker's files are named from their contents (scripts/pwa.mjs), as the page's are.
const WORKER_FILE = /\/files(_loader)?(-[0-9a-f]+)?\.js$|\/files(-[0-9a-f]+)?_bg\.wasm$/;

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser.close();
  server.close();
});

test('the files worker is fetched when the import page opens, not before, and imports', async () => {
  const page = await browser.context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  // The page's requests (its dedicated workers' too; the service worker's precaching is not
  // the page's first download and is not counted).
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(server.subUrl + '#/customers');
  await ready(page);
  await loadDemo(page);
  assert.ok(requested.some((p) => /kezhi-[0-9a-f]+_bg\.wasm$/.test(p)), `the app's wasm: ${requested}`);
  assert.deepEqual(requested.filter((p) => WORKER_FILE.test(p)), [], 'no worker file before the import page');

  await page.click(byId('nav-import'));
  await page.waitForSelector('section.import:not([data-files-loading])');
  await until(async () => requested.some((p) => /^\/tools\/kezhi\/files_loader-[0-9a-f]{16}\.js$/.test(p)), 'the worker script, under the sub-path');
  // Its glue and wasm carry the same content hash as the loader that names them.
  const tag = requested.map((p) => /files_loader-([0-9a-f]{16})\.js$/.exec(p)?.[1]).find(Boolean);
  await until(async () => requested.includes(`/tools/kezhi/files-${tag}_bg.wasm`), 'the hashed worker wasm');
  assert.ok(requested.includes(`/tools/kezhi/files-${tag}.js`), `the hashed worker glue: ${requested.filter((p) => WORKER_FILE.test(p))}`);
  const csv = '姓名,手机,客户编号\n王工作,13800009999,W-1\n';
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'w.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector(byId('import-preview-row'));
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
  assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '1');
  await page.click(byId('nav-customers'));
  await until(async () => (await count(page)) === 5001, 'the imported customer in the list');
  // The Excel export goes through the same worker.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('export-xlsx'))]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  checkNoErrors(page);
});
