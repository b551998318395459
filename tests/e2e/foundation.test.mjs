// End-to-end: first visit, demo data, persistence across reloads, languages, the URL as state,
// sub-path hosting, and reset. Real Chromium, driven only through the UI contract's hooks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, ready, checkNoErrors, byId, count, loadDemo, until, idbStats, settled } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

test('first visit → load demo → rows visible → reload → still there', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);
    for (const nav of ['dashboard', 'customers', 'segments', 'funnels', 'import', 'settings']) {
      assert.equal(await page.locator(byId(`nav-${nav}`)).count(), 1, `nav-${nav}`);
    }
    await page.waitForSelector(byId('empty-state'));
    await loadDemo(page);
    assert.equal(await page.getAttribute(byId('kpi-customers'), 'data-count'), '5000');
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 5000);
    const rendered = await page.locator(byId('customer-row')).count();
    assert.ok(rendered > 5 && rendered < 100, `virtualised: ${rendered} rows in the DOM`);
    const firstId = await page.getAttribute(byId('customer-row'), 'data-id');

    await settled(page);

    await page.reload();
    await ready(page);
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 5000);
    assert.equal(await page.getAttribute(byId('customer-row'), 'data-id'), firstId);

    await page.click(byId('nav-settings'));
    const bytes = Number(await page.getAttribute(byId('storage-usage'), 'data-bytes'));
    assert.ok(bytes > 100_000, `stored ${bytes} bytes`);
    const stored = Object.values(await idbStats(page)).reduce((n, s) => n + s.bytes, 0);
    assert.equal(bytes, stored, 'storage-usage reports what IndexedDB holds');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('the language follows the browser, switches at once and is remembered', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);
    assert.equal(await page.inputValue(byId('lang-switch')), 'zh-CN', 'browser locale is zh-CN');
    assert.equal((await page.textContent(byId('nav-customers'))).trim(), '客户');
    await page.selectOption(byId('lang-switch'), 'en');
    assert.equal((await page.textContent(byId('nav-customers'))).trim(), 'Customers');
    assert.equal((await page.textContent(byId('load-demo'))).trim(), 'Load demo data');
    await settled(page);
    await page.reload();
    await ready(page);
    assert.equal(await page.inputValue(byId('lang-switch')), 'en');
    assert.equal((await page.textContent(byId('nav-settings'))).trim(), 'Settings');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('served under a sub-path, a deep link with view state survives a reload', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.subUrl);
    await loadDemo(page);
    await page.click(byId('nav-customers'));
    await page.fill(byId('customer-search'), '王');
    await until(async () => (await count(page)) < 5000, 'the search to narrow the list');
    const narrowed = await count(page);
    assert.ok(narrowed > 0);
    await page.click(byId('customer-row'));
    await page.waitForSelector(byId('customer-detail'));
    const url = page.url();
    assert.ok(url.startsWith(server.subUrl + '#/customers?'), url);
    assert.ok(decodeURIComponent(url).includes('q=王') && url.includes('id='), url);

    // A fresh tab opening the bookmarked link, and a reload of it: no 404, same state.
    const other = await open(browser.context, url);
    await other.waitForSelector(byId('customer-detail'));
    assert.equal(await other.inputValue(byId('customer-search')), '王');
    assert.equal(await count(other), narrowed);
    const response = await other.reload();
    assert.equal(response.status(), 200);
    await ready(other);
    await other.waitForSelector(byId('customer-detail'));
    assert.equal(await count(other), narrowed);
    checkNoErrors(page);
    checkNoErrors(other);
  } finally {
    await browser.close();
  }
});

test('replacing or deleting data asks first; reset deletes all data', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await loadDemo(page);
    await page.click(byId('load-demo'));
    await page.waitForSelector(byId('confirm-yes'));
    await page.click(byId('confirm-no'));
    await page.click(byId('reset-data'));
    await page.click(byId('confirm-no'));
    await page.click(byId('nav-dashboard'));
    assert.equal(await page.getAttribute(byId('kpi-customers'), 'data-count'), '5000');
    await page.click(byId('nav-settings'));
    await page.click(byId('reset-data'));
    await page.click(byId('confirm-yes'));
    // Deleting takes a transaction: the usage drops once it is committed.
    await until(async () => (await page.getAttribute(byId('storage-usage'), 'data-bytes')) === '0', 'all data deleted');
    await settled(page);
    await page.reload();
    await ready(page);
    await page.click(byId('nav-dashboard'));
    await page.waitForSelector(byId('empty-state'));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
