// End-to-end at scale: the 100,000-customer demo (~285k orders, ~2.55M events, ~97k
// activities) is stored in IndexedDB, comes back after a reload with a progress bar, and the
// virtualised list scrolls to the last row. The timings of the storage steps are printed
// (figures for docs/benchmarks.md), not asserted: benchmarks measure, tests check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, checkNoErrors, byId, count, until, idbStats, settled } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** The durations of kezhi's performance measures with this name, in ms. */
const measures = (page, name) => page.evaluate(
  (name) => performance.getEntriesByName(name).map((e) => Math.round(e.duration)), name);

/** Records long tasks from the page's start (a PerformanceObserver set up before any script). */
const watchLongTasks = (context) => context.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: true });
});

test('the 100,000-customer demo is stored, comes back after a reload, and scrolls to the last row', async () => {
  const browser = await launch();
  try {
    await watchLongTasks(browser.context);
    const page = await open(browser.context, server.url + '#/settings');
    await page.click(byId('load-demo-100000'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 300_000 });
    assert.equal(await page.locator(byId('not-saved')).count(), 0, 'stored, not "not saved"');
    const stats = await idbStats(page);
    assert.equal(stats.customers.count, 100000);
    const replace = await measures(page, 'kezhi:replace');

    await settled(page);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const load = await measures(page, 'kezhi:load');
    const longDuringLoad = await page.evaluate(() => window.__longTasks.slice());
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 100000, 'every customer after the reload');

    // One edit at 100k: from the click to the committed transaction.
    const id = await page.getAttribute(byId('customer-row'), 'data-id');
    await page.click(`${byId('customer-row')}[data-id="${id}"]`);
    await page.waitForSelector(byId('customer-detail'));
    await page.fill(byId('field-name'), '十万分之一');
    const saves = (await measures(page, 'kezhi:save')).length;
    await page.click(byId('customer-save'));
    await until(async () => (await measures(page, 'kezhi:save')).length > saves, 'the edit saved', 30_000);
    const edit = (await measures(page, 'kezhi:save')).slice(saves);

    const rendered = await page.locator(byId('customer-row')).count();
    assert.ok(rendered < 100, `only visible rows are in the DOM (${rendered})`);
    await page.$eval(byId('customer-list'), (el) => { el.scrollTop = el.scrollHeight; });
    await until(async () => {
      const indices = await page.$$eval(byId('customer-row'), (rows) => rows.map((r) => Number(r.dataset.index)));
      return indices.includes(99999);
    }, 'the last row to render', 30_000);

    // A bulk tag of all 100,000: one transaction.
    await page.click(byId('nav-customers'));
    await page.click(`${byId('row-select')} >> nth=0`);
    await page.click(byId('select-all-matching'));
    assert.equal(await page.getAttribute(byId('bulk-count'), 'data-count'), '100000');
    const before = (await measures(page, 'kezhi:save')).length;
    await page.fill(byId('bulk-tag'), '十万');
    await page.click(byId('bulk-add-tag'));
    await until(async () => (await measures(page, 'kezhi:save')).length > before, 'the bulk tag saved', 60_000);
    const bulk = (await measures(page, 'kezhi:save')).slice(before);
    await settled(page);

    const again = await open(browser.context, server.url + '#/customers');
    await again.fill(byId('customer-search'), '十万分之一');
    await until(async () => (await count(again)) === 1, 'the edit stored, seen by a fresh page', 60_000);
    await again.fill(byId('customer-search'), '');
    await again.selectOption(byId('filter-tag'), '十万');
    await until(async () => (await count(again)) === 100000, 'the bulk tag stored', 60_000);
    console.log(JSON.stringify({
      storedRecords: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.count])),
      storedBytes: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.bytes])),
      replaceMs: replace, loadMs: load, editSaveMs: edit, bulkTagSaveMs: bulk,
      longTasksDuringLoadMs: longDuringLoad.filter((d) => d > 200),
    }));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
