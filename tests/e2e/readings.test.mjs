// End-to-end: the pinyin readings' table is not part of the first download (src/readings.rs;
// scripts/pwa.mjs names it by content in index.html). The page fetches it once, after it has
// started, from beside index.html (under the sub-path), and the list then finds names by
// pinyin. If it cannot be fetched, the list says so, everything else searches as before, and
// a retry brings pinyin search back without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshPage, ready, byId, count, loadDemo, until } from './harness.mjs';

const READINGS = /\/pinyin-readings-[0-9a-f]{16}\.wasm$/;

let server;
const browsers = [];
before(async () => {
  server = await startServer();
});
after(async () => {
  for (const b of browsers) await b.close();
  server.close();
});

// A fresh browser (empty storage and cache) with no service worker, whose cache would answer
// past the routes that fail the file.
const newPage = () => freshPage(browsers, { noWorker: true });

const rowNames = (page) => page.$$eval(`${byId('customer-row')} [data-col="name"]`, (cells) => cells.map((c) => c.textContent.trim()));

async function addCustomer(page, name, phone) {
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), name);
  await page.fill(byId('field-phone'), phone);
  await page.click(byId('customer-save'));
  await page.fill(byId('customer-search'), name);
  await until(async () => (await rowNames(page)).includes(name), `${name} saved`);
}

test('the table comes once, after the page is ready, from under the sub-path; names are found by pinyin', async () => {
  const page = await newPage();
  let served = 0;
  // Held back until the page is ready: the start does not wait for it.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(READINGS, async (route) => {
    await held;
    served += 1;
    await route.continue();
  });
  await page.goto(server.subUrl + '#/');
  await ready(page);
  assert.equal(served, 0, 'ready before the table was served');
  release();
  await loadDemo(page);
  await page.click(byId('nav-customers'));
  await addCustomer(page, '诸葛亮', '13900002222');
  await page.fill(byId('customer-search'), 'zgl');
  await until(async () => (await rowNames(page)).includes('诸葛亮'), 'zgl finds 诸葛亮');
  await page.fill(byId('customer-search'), 'zhugeliang');
  await until(async () => (await rowNames(page)).includes('诸葛亮'), 'zhugeliang finds 诸葛亮');
  const fetched = page.requested.filter((p) => READINGS.test(p));
  assert.equal(fetched.length, 1, `fetched once: ${fetched}`);
  assert.ok(fetched[0].startsWith(new URL(server.subUrl).pathname), `under the sub-path: ${fetched[0]}`);
  assert.equal(served, 1);
  assert.equal(await page.isVisible(byId('readings-failed')), false);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('without the table the list says so and searches the rest; a retry brings pinyin back', async () => {
  const page = await newPage();
  await page.route(READINGS, (r) => r.abort());
  await page.goto(server.url + '#/customers');
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector(byId('readings-failed'));
  await loadDemo(page);
  assert.equal(await count(page), 5000);
  await addCustomer(page, '诸葛亮', '13900003333');
  // Characters, phone numbers: as before.
  await page.fill(byId('customer-search'), '张');
  await until(async () => (await count(page)) > 50 && (await count(page)) < 5000, 'the 张 to be found');
  await page.fill(byId('customer-search'), '13900003333');
  await until(async () => (await rowNames(page)).includes('诸葛亮'), 'the phone number finds 诸葛亮');
  // Pinyin: not without the table.
  await page.fill(byId('customer-search'), 'zhugeliang');
  await until(async () => (await count(page)) === 0, 'no pinyin without the table');

  // The file can be had again: the retry (or the page's own next attempt) brings it, and the
  // list is built again with pinyin, without a reload and with nothing lost.
  await page.unroute(READINGS);
  if (await page.isVisible(byId('readings-retry'))) await page.click(byId('readings-retry'));
  await page.waitForSelector(byId('readings-failed'), { state: 'detached' });
  await until(async () => (await rowNames(page)).includes('诸葛亮'), 'zhugeliang finds 诸葛亮 after the retry');
  await page.fill(byId('customer-search'), '');
  await until(async () => (await count(page)) === 5001, 'everyone still there');
  assert.ok(page.requested.filter((p) => READINGS.test(p)).length >= 2, 'fetched again');
  assert.ok(page.errors.every((e) => /Failed to load resource|net::ERR_FAILED/.test(e)), `only the failed fetches: ${page.errors}`);
  await page.close();
});
