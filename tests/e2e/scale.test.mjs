// End-to-end: the 100,000-customer demo runs in memory (labelled "not saved"), and the
// virtualised list scrolls to the last row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, checkNoErrors, byId, count, until } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

test('the 100,000-customer demo loads, is labelled not saved, and scrolls to the last row', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await page.click(byId('load-demo-100000'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 180_000 });
    await page.waitForSelector(byId('not-saved'));
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    assert.equal(await count(page), 100000);
    const rendered = await page.locator(byId('customer-row')).count();
    assert.ok(rendered < 100, `only visible rows are in the DOM (${rendered})`);
    await page.$eval(byId('customer-list'), (el) => { el.scrollTop = el.scrollHeight; });
    await until(async () => {
      const indices = await page.$$eval(byId('customer-row'), (rows) => rows.map((r) => Number(r.dataset.index)));
      return indices.includes(99999);
    }, 'the last row to render', 30_000);
    assert.ok((await page.locator(byId('customer-row')).count()) < 100);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
