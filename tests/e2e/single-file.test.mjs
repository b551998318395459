// End-to-end: the one-file build (`scripts/build.sh --single-file`, here made from the build under
// test by scripts/single-file.mjs) opened from a file:// URL: the app starts, loads the demo,
// keeps it across a reload, and fetches nothing (there is nothing to fetch it from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dist, root, launch, open, ready, byId, count, until } from './harness.mjs';

test('the one-file build works from file://: demo, reload, data kept, an import, no request', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-single-'));
  const file = join(dir, 'kezhi.html');
  execFileSync(process.execPath, [join(root, 'scripts/single-file.mjs'), dist, file], { stdio: 'ignore' });
  assert.ok((await stat(file)).size > 1_000_000, 'the wasm is inside');
  const browser = await launch();
  try {
    const requests = [];
    browser.context.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    const page = await open(browser.context, url + '#/settings');
    await page.click(byId('load-demo'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    await page.goto(url + '#/customers');
    await until(async () => (await count(page)) === 5000, 'the demo shown');
    await until(async () => (await page.locator(byId('not-saved')).count()) === 0, 'stored, not "not saved"', 60_000);
    await page.reload();
    await ready(page);
    await until(async () => (await count(page)) === 5000, 'the demo kept across a reload', 60_000);
    // An import: the files worker, inlined too (a Blob URL), reads the file.
    await page.goto(url + '#/import');
    await page.waitForSelector('section.import:not([data-files-loading])');
    await page.selectOption(byId('import-kind'), 'customers');
    const csv = '姓名,手机,客户编号\n单文件,13800007777,S-1\n';
    await page.setInputFiles(byId('import-file'), { name: 's.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector(byId('import-preview-row'));
    await page.click(byId('import-commit'));
    await page.waitForSelector(byId('import-report'));
    assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '1');
    // Pinyin: the readings' table comes inline too (a data URL in its meta); 单 as a surname
    // reads shan.
    await page.goto(url + '#/customers');
    await page.fill(byId('customer-search'), 'shanwenjian');
    await until(async () => (await page.$$eval(`${byId('customer-row')} [data-col="name"]`, (c) => c.map((x) => x.textContent.trim()))).includes('单文件'), 'pinyin finds 单文件');
    assert.equal(await page.isVisible(byId('readings-failed')), false);
    const elsewhere = requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(elsewhere, [], 'nothing fetched from anywhere');
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
