// End-to-end: what happens when storage goes wrong, and two tabs at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, ready, checkNoErrors, byId, count, loadDemo, until } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** Fills what is left of localStorage with another site's junk, as a full quota looks. */
async function fillStorage(page) {
  return page.evaluate(() => {
    let chunk = 'x'.repeat(1 << 20);
    let n = 0;
    while (chunk.length >= 8) {
      try { localStorage.setItem(`other-app-${n}`, chunk); n += 1; } catch { chunk = chunk.slice(chunk.length / 2); }
    }
    return n;
  });
}

const snapshot = (page) => page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));

async function createCustomer(page, name) {
  await page.click(byId('nav-customers'));
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), name);
  await page.click(byId('customer-save'));
}

test('a full quota: a clear message, the data kept in the page, what was stored intact', async () => {
  const browser = await launch();
  try {
    // Case 1: storage is already full when the demo is loaded.
    const page = await open(browser.context, server.url);
    await fillStorage(page);
    const before = await snapshot(page);
    await loadDemo(page);
    const toast = await page.textContent(byId('toast'));
    assert.match(toast, /存储空间已满/);
    await page.waitForSelector(byId('not-saved'));
    await page.click(byId('nav-customers'));
    assert.equal(await count(page), 5000, 'the demo is usable in memory');
    assert.equal(await snapshot(page), before, 'nothing stored changed');

    // Case 2: saved data, then the quota fills, then an edit.
    await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('other-app-')) localStorage.removeItem(k); });
    await page.reload();
    await ready(page);
    await page.click(byId('nav-settings'));
    await loadDemo(page);
    await page.waitForSelector(byId('not-saved'), { state: 'detached' });
    await fillStorage(page);
    const saved = await snapshot(page);
    await createCustomer(page, '配额测试');
    await until(async () => (await page.locator(byId('toast')).allTextContents()).some((t) => /存储空间已满/.test(t)), 'the quota message');
    await page.waitForSelector(byId('not-saved'));
    assert.equal(await count(page), 5001, 'the new customer is kept in the page');
    assert.equal(await snapshot(page), saved, 'what was stored is intact');

    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 5000, 'after a reload the previously saved data is all there');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('a corrupted payload is reported, offered for download, and never overwritten', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);
    await loadDemo(page);
    await page.evaluate(() => {
      const m = JSON.parse(localStorage.getItem('kezhi:manifest'));
      const key = m.sections.customers.key;
      localStorage.setItem(key, localStorage.getItem(key).slice(0, 5000));
    });
    const damaged = await snapshot(page);
    await page.reload();
    await ready(page);
    await page.waitForSelector(byId('unreadable'));
    await page.waitForSelector(byId('download-raw'));
    // Working with the app does not touch the stored payload.
    await createCustomer(page, '不应保存');
    assert.equal(await snapshot(page), damaged);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('download-raw'))]);
    assert.match(download.suggestedFilename(), /^kezhi-raw-.*\.json$/);
    const raw = JSON.parse(await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString()));
    assert.ok(raw['kezhi:manifest'], 'the raw download holds the stored payload');

    await page.click(byId('start-fresh'));
    await page.click(byId('confirm-yes'));
    await page.waitForSelector(byId('unreadable'), { state: 'detached' });
    await page.reload();
    await ready(page);
    await page.waitForSelector(byId('empty-state'));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('two tabs: a change in one appears in the other; edits of different customers both survive', async () => {
  const browser = await launch();
  try {
    const a = await open(browser.context, server.url + '#/customers');
    const b = await open(browser.context, server.url + '#/customers');
    await a.click(byId('load-demo'));
    await b.waitForSelector(byId('customer-row'), { timeout: 60_000 });
    assert.equal(await count(b), 5000, 'the demo loaded in tab A shows in tab B without a reload');

    const rows = a.locator(byId('customer-row'));
    const idA = await rows.nth(0).getAttribute('data-id');
    const idB = await rows.nth(1).getAttribute('data-id');
    const edit = async (page, id, name) => {
      await page.click(`${byId('customer-row')}[data-id="${id}"]`);
      await page.waitForSelector(byId('customer-detail'));
      await page.fill(byId('field-name'), name);
      await page.click(byId('customer-save'));
    };
    await edit(a, idA, '甲标签页改');
    await edit(b, idB, '乙标签页改');
    // Each tab sees the other's edit without a reload.
    for (const [page, name] of [[a, '乙标签页改'], [b, '甲标签页改']]) {
      await page.fill(byId('customer-search'), name);
      await until(async () => (await count(page)) === 1, `${name} in the other tab`);
    }
    for (const page of [a, b]) {
      await page.reload();
      await ready(page);
      for (const name of ['甲标签页改', '乙标签页改']) {
        await page.fill(byId('customer-search'), name);
        await until(async () => (await count(page)) === 1, `${name} after reload`);
      }
      checkNoErrors(page);
    }
  } finally {
    await browser.close();
  }
});

test('a format-1 payload from an older version is migrated on load', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);
    await page.evaluate(() => localStorage.setItem('kezhi:data', JSON.stringify({
      version: 1,
      customers: [{ id: '6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21', name: '旧版客户', phone: '13812345678',
        region: '广东 深圳', tags: '高价值,母婴', created: 1700000000, updated: 1700000000 }],
      orders: [], events: [],
    })));
    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 1);
    assert.match(await page.textContent(byId('customer-row')), /旧版客户/);
    assert.equal(await page.evaluate(() => localStorage.getItem('kezhi:data')), null, 'format 1 removed after migration');
    assert.ok(await page.evaluate(() => localStorage.getItem('kezhi:manifest')));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('backup → reset → restore gives back the same data and settings', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/segments');
    await loadDemo(page);
    // A saved segment and an edited customer: settings and data both travel.
    await page.fill(byId('segment-query'), 'orders >= 5');
    await page.fill(byId('segment-name'), '备份里的分群');
    await page.click(byId('segment-save'));
    await page.waitForSelector(`${byId('segment-item')}[data-name="备份里的分群"]`);
    await page.goto(server.url + '#/customers');
    await ready(page);
    await page.click(byId('customer-new'));
    await page.fill(byId('field-name'), '备份测试客户');
    await page.click(byId('customer-save'));
    await until(async () => (await count(page)) === 5001, 'the new customer');

    const exportAll = async () => {
      await page.goto(server.url + '#/customers');
      await ready(page);
      await until(async () => (await count(page)) > 0, 'customers listed');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('export-csv'))]);
      const { readFile } = await import('node:fs/promises');
      return readFile(await download.path(), 'utf8');
    };
    const before = await exportAll();
    const segmentsBefore = await page.evaluate(() => localStorage.getItem('kezhi:segments'));

    await page.goto(server.url + '#/settings');
    await ready(page);
    const [backup] = await Promise.all([page.waitForEvent('download'), page.click(byId('backup-download'))]);
    const backupPath = await backup.path();
    assert.match(backup.suggestedFilename(), /^kezhi-backup-.*\.json$/);

    await page.click(byId('reset-data'));
    await page.click(byId('confirm-yes'));
    await until(async () => (await page.evaluate(() => localStorage.getItem('kezhi:segments'))) === null, 'reset');

    // A file that is not a backup: a clear error, nothing changes.
    await page.setInputFiles(byId('backup-file'), { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') });
    await page.waitForSelector(byId('backup-error'));

    await page.setInputFiles(byId('backup-file'), backupPath);
    await page.waitForSelector(byId('backup-preview'));
    assert.equal(await page.getAttribute(byId('backup-preview'), 'data-customers'), '5001');
    await page.click(byId('backup-restore'));
    await page.click(byId('confirm-yes'));
    await page.waitForSelector(`${byId('toast')} >> text=/备份恢复/`);

    const after = await exportAll();
    assert.equal(after, before);
    assert.equal(await page.evaluate(() => localStorage.getItem('kezhi:segments')), segmentsBefore);
    // And it was stored: a fresh page shows it too.
    const again = await open(browser.context, server.url + '#/customers');
    await until(async () => (await count(again)) === 5001, 'restored data stored');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
