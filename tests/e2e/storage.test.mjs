// End-to-end: the data in IndexedDB — reloads, a full quota (the DevTools protocol's quota
// override), a damaged record, two tabs, upgrades from every localStorage format, IndexedDB
// missing, a newer database, backup and restore.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer, launch, open, ready, checkNoErrors, byId, count, loadDemo, until,
  idbStats, idbFirstGroup, idbDamageGroup, idbGroupBytes, settled,
} from './harness.mjs';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../crates/core/tests/fixtures/legacy');

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

async function createCustomer(page, name) {
  await page.click(byId('nav-customers'));
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), name);
  await page.click(byId('customer-save'));
}

const toastSays = (page, re) => until(
  async () => (await page.locator(byId('toast')).allTextContents()).some((t) => re.test(t)),
  `a toast matching ${re}`,
);

/** Gives the origin a quota of `bytes` (the override lasts as long as the DevTools session,
 * which stays open with the page). A quota below what is stored makes every write fail. */
async function setQuota(context, page, bytes) {
  page.cdp ??= await context.newCDPSession(page);
  await page.cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, quotaSize: bytes });
}

const FULL = 1000;

/** A page whose origin has a quota of `bytes` from its first request on (Chromium's
 * IndexedDB checks an override made before it first opens a database). */
async function openWithQuota(context, url, bytes) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await setQuota(context, page, bytes);
  await page.goto(url);
  await ready(page);
  return page;
}

/** Fills what is left of the quota with another database of the same site, as a full
 * quota looks; returns the function that frees it again. */
async function fillQuota(page) {
  await page.evaluate(async () => {
    const req = (r) => new Promise((ok, no) => {
      r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
      r.onupgradeneeded = () => r.result.createObjectStore('junk');
    });
    const db = await req(indexedDB.open('other-app', 1));
    let n = 0;
    let size = 1 << 20;
    while (size >= 256) {
      const tx = db.transaction('junk', 'readwrite');
      tx.objectStore('junk').put(new Uint8Array(size), n);
      const ok = await new Promise((done) => { tx.oncomplete = () => done(true); tx.onabort = () => done(false); });
      if (ok) n += 1; else size /= 2;
    }
    db.close();
  });
  return () => page.evaluate(() => new Promise((ok, no) => {
    const r = indexedDB.deleteDatabase('other-app');
    r.onsuccess = ok; r.onerror = () => no(r.error);
  }));
}

test('the demo is stored record by record and comes back after a reload; usage is what is stored', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await loadDemo(page);
    await page.waitForSelector(byId('not-saved'), { state: 'detached' });
    const stats = await idbStats(page);
    assert.equal(stats.customers.count, 5000);
    assert.ok(stats.orders.count > 10_000, `${stats.orders.count} orders stored one by one`);
    assert.ok(stats.events.count > 4000 && stats.events.count <= 5000, 'one event log per customer');
    assert.equal(await page.evaluate(() => localStorage.getItem('kezhi:manifest')), null, 'nothing in localStorage');
    assert.equal(await page.evaluate(() => localStorage.getItem('kezhi:persist-asked')), 'true', 'asked once to keep the data');

    const bytes = Number(await page.getAttribute(byId('storage-usage'), 'data-bytes'));
    const stored = Object.values(stats).reduce((n, s) => n + s.bytes, 0);
    assert.equal(bytes, stored, 'storage-usage = bytes of the stored keys and values');

    await settled(page);

    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 5000);

    await page.click(byId('nav-settings'));
    const persist = page.locator(byId('storage-persist'));
    await persist.click();
    await until(async () => ['true', 'false'].includes(await persist.getAttribute('data-persisted')), 'the browser answer');
    assert.notEqual(await page.textContent(byId('storage-persist-answer')), '');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('a full quota: the transaction fails whole, the page keeps the edit, and saves once there is room', async () => {
  const browser = await launch();
  try {
    // 16 MB for the site: the demo fits (about 9 MB), then another app fills the rest.
    const page = await openWithQuota(browser.context, server.url + '#/settings', 16 * 1024 * 1024);
    await loadDemo(page);
    assert.equal(await page.locator(byId('not-saved')).count(), 0);
    const free = await fillQuota(page);
    const before = await idbStats(page);

    await createCustomer(page, '配额测试');
    await toastSays(page, /存储空间已满/);
    await page.waitForSelector(byId('not-saved'));
    assert.match(await page.getAttribute(byId('not-saved'), 'title'), /存储空间已满/, 'the badge says why');
    assert.equal(await count(page), 5001, 'the new customer is kept in the page');
    assert.deepEqual(await idbStats(page), before, 'what was stored is intact');
    // Another tab reads what is stored: the 5,000.
    const other = await open(browser.context, server.url + '#/customers');
    await until(async () => (await count(other)) === 5000, 'the stored data in another tab');
    await other.close();

    // Room again: the page saves by itself, the edit included.
    await free();
    await page.waitForSelector(byId('not-saved'), { state: 'detached', timeout: 30_000 });
    assert.equal((await idbStats(page)).customers.count, 5001);
    await settled(page);
    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 5001, 'the edit after a reload');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('a damaged record: the rest loads, a banner names it, offers it, and nothing overwrites it', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await loadDemo(page);
    // The bytes of one group of customers (a few of the 5,000) replaced by garbage.
    const victim = await idbFirstGroup(page, 'customers');
    assert.ok(victim.n > 0 && victim.n < 50, `a group of ${victim.n}`);
    const garbage = [1, 255, 255, 255, 7];
    await idbDamageGroup(page, 'customers', victim.key, garbage);
    await settled(page);
    await page.reload();
    await ready(page);
    const banner = page.locator(byId('damaged-records'));
    await banner.waitFor();
    assert.equal(await banner.getAttribute('data-count'), '1');
    assert.match(await banner.textContent(), /customers: 1/);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 5000 - victim.n, 'everything else loaded');

    // Edits (a bulk tag on everyone, a new customer) leave the damaged bytes as they are.
    await page.click(`${byId('row-select')} >> nth=0`);
    await page.click(byId('select-all-matching'));
    await page.fill(byId('bulk-tag'), '损坏后');
    await page.click(byId('bulk-add-tag'));
    await createCustomer(page, '损坏测试');
    // Stored: the 5,000 − n read, the new one, and the damaged group still saying it holds n.
    await until(async () => (await idbStats(page)).customers.count === 5001, 'the edits stored');
    const kept = await idbGroupBytes(page, 'customers', victim.key);
    assert.ok(kept.some((b) => JSON.stringify(b) === JSON.stringify(garbage)), 'the damaged bytes are still there');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('download-damaged'))]);
    const raw = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(raw['indexeddb:damaged'].length, 1);
    assert.equal(raw['indexeddb:damaged'][0].store, 'customers');
    assert.deepEqual([...Buffer.from(raw['indexeddb:damaged'][0].value, 'base64')], garbage);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('two tabs: edits appear in the other within a second; both survive; the newer one wins', async () => {
  const browser = await launch();
  try {
    const a = await open(browser.context, server.url + '#/customers');
    const b = await open(browser.context, server.url + '#/customers');
    await a.click(byId('load-demo'));
    await a.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    await until(async () => (await count(b)) === 5000, 'the demo loaded in tab A shows in tab B');

    const rows = a.locator(byId('customer-row'));
    const idA = await rows.nth(0).getAttribute('data-id');
    const idB = await rows.nth(1).getAttribute('data-id');
    const idC = await rows.nth(2).getAttribute('data-id');
    const edit = async (page, id, name) => {
      await page.fill(byId('customer-search'), id);
      await page.click(`${byId('customer-row')}[data-id="${id}"]`);
      await page.waitForSelector(byId('customer-detail'));
      await page.fill(byId('field-name'), name);
      await page.click(byId('customer-save'));
    };
    // Different customers at the same time: neither edit is lost.
    await Promise.all([edit(a, idA, '甲标签页改'), edit(b, idB, '乙标签页改')]);
    for (const [page, name] of [[a, '乙标签页改'], [b, '甲标签页改']]) {
      const start = Date.now();
      await page.fill(byId('customer-search'), name);
      await until(async () => (await count(page)) === 1, `${name} in the other tab`);
      assert.ok(Date.now() - start < 2000, `seen in ${Date.now() - start} ms`);
    }
    // The same customer in both: B's edit is the newer one and wins in both tabs.
    await edit(a, idC, '甲先改');
    await edit(b, idC, '乙后改');
    for (const page of [a, b]) {
      await page.fill(byId('customer-search'), '乙后改');
      await until(async () => (await count(page)) === 1, 'the newer edit');
      await page.fill(byId('customer-search'), '甲先改');
      await until(async () => (await count(page)) === 0, 'the older edit gone');
    }
    for (const page of [a, b]) {
      await settled(page);
      await page.reload();
      await ready(page);
      for (const [name, n] of [['甲标签页改', 1], ['乙标签页改', 1], ['乙后改', 1], ['甲先改', 0]]) {
        await page.fill(byId('customer-search'), name);
        await until(async () => (await count(page)) === n, `${name} after reload`);
      }
      checkNoErrors(page);
    }
  } finally {
    await browser.close();
  }
});

for (const [file, customers, segments] of [['v1.json', 2, 0], ['v2.json', 150, 2], ['v3.json', 200, 2]]) {
  test(`data stored by an older version (${file}) moves into IndexedDB; the old keys go only then`, async () => {
    const browser = await launch();
    try {
      const stored = JSON.parse(await readFile(join(FIXTURES, file), 'utf8'));
      const page = await open(browser.context, server.url);
      await page.evaluate((entries) => { for (const [k, v] of entries) localStorage.setItem(k, v); }, Object.entries(stored));
      await settled(page);
      await page.reload();
      await ready(page);
      await toastSays(page, /升级/);
      await page.click(byId('nav-customers'));
      await until(async () => (await count(page)) === customers, `${customers} customers`);
      assert.equal((await idbStats(page)).customers.count, customers);
      const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => /^kezhi:(manifest|data|s:|segments|funnels)/.test(k)));
      assert.deepEqual(left, [], 'the old keys are removed after the copy was verified');
      await page.click(byId('nav-segments'));
      // The page follows the hash change a moment after the click: wait for it before counting.
      await page.waitForSelector(byId('segment-query'));
      await until(async () => (await page.locator(byId('segment-item')).count()) === segments, `${segments} saved segments`);
      await settled(page);
      await page.reload();
      await ready(page);
      await page.click(byId('nav-customers'));
      await until(async () => (await count(page)) === customers, 'still there after another reload');
      checkNoErrors(page);
    } finally {
      await browser.close();
    }
  });
}

test('a migration that cannot complete leaves the old data in place, in use, and says so', async () => {
  const browser = await launch();
  try {
    const stored = JSON.parse(await readFile(join(FIXTURES, 'v3.json'), 'utf8'));
    const page = await open(browser.context, server.url);
    await page.evaluate((entries) => { for (const [k, v] of entries) localStorage.setItem(k, v); }, Object.entries(stored));
    await setQuota(browser.context, page, FULL);
    await settled(page);
    await page.reload();
    await ready(page);
    await page.waitForSelector(byId('storage-notice'));
    assert.match(await page.textContent(byId('storage-notice')), /未能移入/);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 200, 'the old data in use');
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kezhi:')).sort());
    assert.deepEqual(keys, Object.keys(stored).sort(), 'every old key still there');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('without IndexedDB the app works on localStorage with a notice', async () => {
  const browser = await launch();
  try {
    await browser.context.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get: () => undefined });
    });
    const page = await open(browser.context, server.url);
    await page.waitForSelector(byId('storage-notice'));
    assert.match(await page.textContent(byId('storage-notice')), /IndexedDB/);
    await loadDemo(page);
    await settled(page);
    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 5000, 'the demo kept in localStorage');
    assert.ok(await page.evaluate(() => localStorage.getItem('kezhi:manifest')));
    // An edit is saved to localStorage, and another tab takes it in from there (the
    // localStorage backend's save and its merge of other tabs' writes).
    const other = await open(browser.context, server.url + '#/customers');
    await until(async () => (await count(other)) === 5000, 'the other tab reads the demo');
    await page.click(byId('customer-new'));
    await page.fill(byId('field-name'), '本地存储');
    await page.click(byId('customer-save'));
    await until(async () => (await count(page)) === 5001, 'the new customer');
    await settled(page);
    await until(async () => (await count(other)) === 5001, 'the other tab has it too');
    await page.reload();
    await ready(page);
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 5001, 'the edit kept in localStorage');
    checkNoErrors(other);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('a database of a newer version is not touched, and the page says why', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);
    await loadDemo(page);
    // A newer kezhi upgrades the database in another tab; this tab must let it.
    const other = await browser.context.newPage();
    await other.goto(server.url + 'missing-page');
    await other.evaluate(() => new Promise((ok, no) => {
      const r = indexedDB.open('kezhi', 99);
      r.onupgradeneeded = () => r.result.createObjectStore('from-the-future');
      r.onsuccess = () => { r.result.close(); ok(); };
      r.onerror = () => no(r.error);
    }));
    await page.waitForSelector(byId('storage-notice'));
    assert.match(await page.textContent(byId('storage-notice')), /另一个标签页中升级/);
    await settled(page);
    await page.reload();
    await ready(page);
    await page.waitForSelector(byId('storage-notice'));
    assert.match(await page.textContent(byId('storage-notice')), /更新版本/);
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
      return readFile(await download.path(), 'utf8');
    };
    const before = await exportAll();

    await page.goto(server.url + '#/settings');
    await ready(page);
    const [backup] = await Promise.all([page.waitForEvent('download'), page.click(byId('backup-download'))]);
    const backupPath = await backup.path();
    assert.match(backup.suggestedFilename(), /^kezhi-backup-.*\.json$/);

    await page.click(byId('reset-data'));
    await page.click(byId('confirm-yes'));
    await until(async () => (await idbStats(page)).customers.count === 0, 'reset');
    assert.equal((await idbStats(page)).segments.count, 0);

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
    // And it was stored: a fresh page shows it too, segment included.
    const again = await open(browser.context, server.url + '#/customers');
    await until(async () => (await count(again)) === 5001, 'restored data stored');
    await again.click(byId('nav-segments'));
    await again.waitForSelector(`${byId('segment-item')}[data-name="备份里的分群"]`);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
