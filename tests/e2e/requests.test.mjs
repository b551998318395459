// End-to-end: request cards (需求卡) — opened on a customer with a deadline from the category's
// service level, worked on, overdue once the clock passes the deadline (red in the list, in
// the dashboard's figure), resolved with a note; kept across a reload (IndexedDB). The page's
// clock is fixed with Playwright's clock so deadlines are exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ready, checkNoErrors, byId, until, settled, setUp, tearDown } from './harness.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Tomorrow, 10:00 UTC: always later than the real clock. The app's clock never goes back (its
// stamps only grow, `platform::now`), and the demo is loaded at the real time before the clock
// is fixed, so a fixed time in the past would read as the demo's load time.
const T0 = (Math.floor(Date.now() / DAY) + 1) * DAY + 10 * HOUR;

let server, browser, page;
before(async () => {
  ({ server, browser, page } = await setUp('#/customers', { waitFor: 'customer-row' }));
});
after(() => tearDown({ server, browser }));

/** The local "YYYY-MM-DD HH:MM" of a time, as the page writes it (in the page's zone). */
const local = (ms) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);

const stats = async () => {
  await page.goto(server.url + '#/dashboard');
  await ready(page);
  await page.waitForSelector(byId('request-stats'));
  const el = await page.$(byId('request-stats'));
  const get = async (k) => Number(await el.getAttribute(`data-${k}`));
  return { open: await get('open'), overdue: await get('overdue'), resolved: await get('resolved'), inSla: await get('in-sla') };
};

let customer;
let requestId;

test('a complaint opened on a customer is due by the service level (24 h) and listed', async () => {
  await page.clock.setFixedTime(T0);
  await page.goto(server.url + '#/customers');
  await ready(page);
  await page.click(`${byId('customer-row')} >> nth=0`);
  customer = await page.getAttribute(`${byId('customer-row')} >> nth=0`, 'data-id');
  await page.waitForSelector(byId('customer-requests'));
  await page.click(byId('request-new'));
  await page.selectOption(byId('request-category'), 'complaint');
  assert.ok((await page.textContent(byId('request-due-default'))).includes(await local(T0 + 24 * HOUR)));
  // Nothing described: refused with the reason, nothing recorded.
  await page.click(byId('request-add'));
  await page.waitForSelector(`${byId('request-form')} .form-error`);
  assert.equal(await page.$$eval(`${byId('customer-requests')} ${byId('request-item')}`, (l) => l.length), 0);
  await page.fill(byId('request-description'), '包裹破损，要求补发');
  await page.selectOption(byId('request-priority'), 'high');
  await page.click(byId('request-add'));
  const item = `${byId('customer-requests')} ${byId('request-item')}`;
  await page.waitForSelector(item);
  requestId = await page.getAttribute(item, 'data-id');
  assert.equal(await page.getAttribute(item, 'data-status'), 'open');
  assert.equal(await page.getAttribute(item, 'data-category'), 'complaint');
  assert.equal(await page.getAttribute(item, 'data-overdue'), 'false');
  assert.ok((await page.textContent(item)).includes(await local(T0 + 24 * HOUR)));

  await page.click(`${item} ${byId('request-start')}`);
  await until(async () => (await page.getAttribute(item, 'data-status')) === 'in_progress', 'in progress');

  await page.goto(server.url + '#/requests');
  await ready(page);
  const mine = byId('request-item') + `[data-id="${requestId}"]`;
  await page.waitForSelector(mine);
  assert.equal(await page.getAttribute(mine, 'data-status'), 'in_progress');
  await page.selectOption(byId('requests-filter-category'), 'consultation');
  await until(async () => !(await page.$(mine)), 'another category hides it');
  assert.ok(page.url().includes('category=consultation'));
  await page.selectOption(byId('requests-filter-category'), '');
  await page.waitForSelector(mine);
  checkNoErrors(page);
});

test('past its deadline it is overdue: red in the list and counted on the dashboard, after a reload', async () => {
  const before = await stats();
  await settled(page);
  // 30 hours later: six hours past the deadline (the demo's own cards age too).
  await page.clock.setFixedTime(T0 + 30 * HOUR);
  await page.goto(server.url + '#/requests?overdue=1');
  await page.reload();
  await ready(page);
  const mine = byId('request-item') + `[data-id="${requestId}"]`;
  await page.waitForSelector(mine);
  assert.equal(await page.getAttribute(mine, 'data-overdue'), 'true');
  assert.equal(await page.$eval(mine, (el) => getComputedStyle(el).borderLeftColor), 'rgb(198, 40, 40)');
  assert.ok(await page.$(`${mine} ${byId('request-overdue')}`));
  // Only overdue ones are listed, and the count says how many.
  const shown = await page.$$eval(byId('request-item'), (l) => l.map((e) => e.dataset.overdue));
  assert.ok(shown.every((o) => o === 'true'), String(shown));
  assert.equal(Number(await page.getAttribute(byId('requests-count'), 'data-count')), shown.length);

  // The dashboard counts exactly what the list shows; ours is one more than before.
  const after = await stats();
  assert.equal(after.overdue, shown.length);
  assert.ok(after.overdue >= before.overdue + 1, `${after.overdue} vs ${before.overdue}`);
  assert.equal(after.open, before.open);
  checkNoErrors(page);
});

test('resolving takes a note; resolved late it counts as resolved but not within the service level', async () => {
  const before = await stats();
  await page.goto(server.url + `#/customers?id=${customer}`);
  await ready(page);
  const item = `${byId('customer-requests')} ${byId('request-item')}[data-id="${requestId}"]`;
  await page.waitForSelector(item);
  await page.click(`${item} ${byId('request-resolve')}`);
  await page.click(`${item} ${byId('request-resolve-confirm')}`);
  await page.waitForSelector(`${item} .form-error`);
  assert.equal(await page.getAttribute(item, 'data-status'), 'in_progress');
  await page.fill(`${item} ${byId('request-resolution')}`, '已补发新品');
  await page.click(`${item} ${byId('request-resolve-confirm')}`);
  await until(async () => (await page.getAttribute(item, 'data-status')) === 'resolved', 'resolved');
  assert.equal(await page.getAttribute(item, 'data-overdue'), 'false');
  assert.ok((await page.textContent(item)).includes('已补发新品'));

  const after = await stats();
  assert.equal(after.overdue, before.overdue - 1);
  assert.equal(after.open, before.open - 1);
  assert.equal(after.resolved, before.resolved + 1);
  assert.equal(after.inSla, before.inSla);
  checkNoErrors(page);
});

test('a category’s service level set in Settings gives the next deadline', async () => {
  await page.goto(server.url + '#/settings');
  await ready(page);
  const hours = `${byId('sla-row')}[data-category="complaint"] ${byId('sla-hours')}`;
  assert.equal(await page.inputValue(hours), '24');
  await page.fill(hours, '4');
  await page.press(hours, 'Enter');
  await page.locator(hours).blur();
  await settled(page);
  await page.goto(server.url + `#/customers?id=${customer}`);
  await ready(page);
  await page.click(byId('request-new'));
  await page.selectOption(byId('request-category'), 'complaint');
  const now = T0 + 30 * HOUR;
  await until(async () => (await page.textContent(byId('request-due-default'))).includes(await local(now + 4 * HOUR)), 'the 4-hour deadline');
  checkNoErrors(page);
});
