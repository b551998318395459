// End-to-end: cohort retention (UI contract: `cohort-size`, `cohort-cell`). A small orders file
// built so that the grid is known — refunds, a customer whose first record is a refund, the
// last minutes of a month in China time — imported through the import page; the exact sizes
// and cells; the revenue view; a cell opening its customers as a list; narrowing by a saved
// segment. Then the demo, narrowed by channel, against the customer list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, checkNoErrors, byId, count, until, setUp, tearDown } from './harness.mjs';

// Times are wall-clock times in the browser's zone (Asia/Shanghai, see harness.mjs). `C` + digit
// is a refund (cancellation), stored positive.
//   U1: Jan 5 ¥100, Feb 10 ¥50, Mar 1 00:30 ¥30               → cohort 2025-01
//   U2: Jan 20 ¥200, Jan 25 ¥20 (once in January), Mar 15 ¥80  → 2025-01
//   U3: Jan 31 23:30 ¥60, refunded Feb 5                       → 2025-01
//   U4: a ¥40 refund Jan 10 first, then Feb 2 ¥120, Mar 20 ¥60  → 2025-02 (the refund in no month)
//   U5: Feb 14 ¥90                                             → 2025-02
//   U6: a ¥10 refund only                                       → no cohort
//   U7: Feb 28 23:59 ¥70, Mar 31 23:59:59 ¥10                  → 2025-02
const ORDERS = `订单号,客户ID,下单时间,实付金额
O1,U1,2025-01-05 10:00:00,100
O2,U1,2025-02-10 10:00:00,50
O3,U1,2025-03-01 00:30:00,30
O4,U2,2025-01-20 10:00:00,200
O5,U2,2025-01-25 10:00:00,20
O6,U2,2025-03-15 10:00:00,80
O7,U3,2025-01-31 23:30:00,60
C8,U3,2025-02-05 10:00:00,60
C9,U4,2025-01-10 10:00:00,40
O10,U4,2025-02-02 10:00:00,120
O11,U4,2025-03-20 10:00:00,60
O12,U5,2025-02-14 10:00:00,90
C13,U6,2025-03-01 10:00:00,10
O14,U7,2025-02-28 23:59:00,70
O15,U7,2025-03-31 23:59:59,10
`;

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/import', { demo: false, waitFor: 'import-file' })));
after(() => tearDown({ server, browser }));

/** Every `cohort-size` as {cohort: count}. */
async function sizes(p = page) {
  return Object.fromEntries(await p.$$eval(byId('cohort-size'), (els) => els.map((e) => [e.dataset.cohort, Number(e.dataset.count)])));
}

/** Every `cohort-cell` as "cohort/period" → [count, rate, cents, revenue rate]. */
async function cells(p = page) {
  return Object.fromEntries(await p.$$eval(byId('cohort-cell'), (els) => els.map((e) => [
    `${e.dataset.cohort}/${e.dataset.period}`,
    [Number(e.dataset.count), e.dataset.rate, Number(e.dataset.cents), e.dataset.revenueRate ?? null],
  ])));
}

const cell = (cohort, period) => `${byId('cohort-cell')}[data-cohort="${cohort}"][data-period="${period}"]`;

test('a known file: exact cohort sizes and cells, the revenue view, a cell opened as a list, a segment', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-e2e-'));
  const file = join(dir, 'cohort-orders.csv');
  await writeFile(file, ORDERS);
  await page.selectOption(byId('import-kind'), 'orders');
  await page.setInputFiles(byId('import-file'), file);
  await page.waitForSelector(byId('import-preview-row'));
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
  assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '15');

  await page.click(byId('nav-cohorts'));
  await page.waitForSelector(byId('cohort-size'));
  assert.deepEqual(await sizes(), { '2025-01': 3, '2025-02': 3 });
  assert.deepEqual(await cells(), {
    // January: all three; February: U1 (U3's refund is −¥60); March: U1 and U2.
    '2025-01/0': [3, '1.0000', 38000, '1.0000'],
    '2025-01/1': [1, '0.3333', -1000, '-0.0263'],
    '2025-01/2': [2, '0.6667', 11000, '0.2895'],
    // February: U4, U5, U7 (U4's earlier refund in no month); March: U4 and U7.
    '2025-02/0': [3, '1.0000', 28000, '1.0000'],
    '2025-02/1': [2, '0.6667', 7000, '0.2500'],
  });
  assert.match(await page.getAttribute(cell('2025-01', 1), 'title'), /1 \/ 3/);
  assert.equal((await page.textContent(cell('2025-01', 2))).trim(), '66.7%');

  // Revenue retention: the same hooks, the cells show net spend ÷ month 0.
  await page.click(byId('cohort-metric-revenue'));
  await until(async () => (await page.getAttribute(byId('cohort-grid'), 'data-metric')) === 'revenue', 'the revenue view');
  assert.equal((await page.textContent(cell('2025-01', 2))).trim(), '28.9%');
  assert.equal((await page.textContent(cell('2025-01', 1))).trim(), '-2.6%');
  assert.match(await page.getAttribute(cell('2025-02', 1), 'title'), /¥70\.00/);
  assert.match(page.url(), /metric=revenue/);
  // The table view: the same cells, with amounts.
  await page.click(byId('cohort-view-toggle'));
  await until(async () => (await page.getAttribute(byId('cohort-grid'), 'data-view')) === 'table', 'the table view');
  assert.equal((await page.textContent(cell('2025-01', 2))).trim(), '¥110.00 (28.9%)');
  assert.equal(Object.keys(await cells()).length, 5);

  // A cell opens its customers: January's cohort in March, U1 and U2.
  await page.click(`${cell('2025-01', 2)} button`);
  await until(async () => (await count(page)) === 2, 'the cell\'s two customers');
  assert.match(page.url(), /#\/customers\?cohort=cohorts/);
  const names = await page.$$eval(byId('customer-row'), (rows) => rows.map((r) => r.textContent));
  assert.equal(names.length, 2);
  assert.ok(names.some((n) => n.includes('U1')) && names.some((n) => n.includes('U2')), names.join());
  assert.match(await page.textContent(byId('filter-segment')), /2025-01/);
  // The whole February cohort from its size.
  await page.goBack();
  await page.waitForSelector(byId('cohort-size'));
  await page.click(`${byId('cohort-size')}[data-cohort="2025-02"] button`);
  await until(async () => (await count(page)) === 3, 'the February cohort');

  // Narrowed to a saved segment: customers with at least two paid orders (U1, U2, U4, U7).
  await page.goto(server.url + '#/segments');
  await ready(page);
  await page.fill(byId('segment-query'), 'orders >= 2');
  await until(async () => Number(await page.getAttribute(byId('segment-count'), 'data-count')) === 4, 'four repeat buyers');
  await page.fill(byId('segment-name'), '复购客户');
  await page.click(byId('segment-save'));
  const item = `${byId('segment-item')}[data-name="复购客户"]`;
  await page.waitForSelector(item);
  const id = await page.getAttribute(item, 'data-id');
  await page.goto(server.url + '#/cohorts');
  await ready(page);
  await page.selectOption(byId('cohort-segment'), id);
  await until(async () => (await sizes())['2025-01'] === 2, 'the segment\'s cohorts');
  assert.deepEqual(await sizes(), { '2025-01': 2, '2025-02': 2 });
  const narrowed = await cells();
  assert.deepEqual(
    Object.fromEntries(Object.entries(narrowed).map(([k, v]) => [k, v.slice(0, 2)])),
    { '2025-01/0': [2, '1.0000'], '2025-01/1': [1, '0.5000'], '2025-01/2': [2, '1.0000'], '2025-02/0': [2, '1.0000'], '2025-02/1': [2, '1.0000'] },
  );
  // Cohort months: February only.
  await page.fill(byId('cohort-from'), '2025-02');
  await page.dispatchEvent(byId('cohort-from'), 'change');
  await until(async () => Object.keys(await sizes()).join() === '2025-02', 'February only');

  // In English, the same figures.
  await page.selectOption(byId('lang-switch'), 'en');
  await until(async () => /Cohort retention/.test(await page.textContent('h1')), 'English');
  assert.deepEqual(await sizes(), { '2025-02': 2 });
  await page.selectOption(byId('lang-switch'), 'zh-CN');
  checkNoErrors(page);
});

test('the demo narrowed to a channel: the cohorts hold exactly the channel\'s paying customers', async () => {
  const demo = await setUp('#/cohorts', { waitFor: null });
  try {
    const p = demo.page;
    await p.click(byId('nav-cohorts'));
    await p.waitForSelector(byId('cohort-size'));
    const total = (s) => Object.values(s).reduce((a, b) => a + b, 0);
    const all = total(await sizes(p));
    await p.selectOption(byId('cohort-channel'), 'tmall');
    await until(async () => total(await sizes(p)) < all, 'narrowed to tmall');
    const tmall = total(await sizes(p));
    // Every cohort's period 0 is its whole size.
    for (const [k, [n, rate]] of Object.entries(await cells(p))) {
      if (k.endsWith('/0')) assert.equal(rate, '1.0000', k);
      assert.ok(n >= 0);
    }
    await p.goto(demo.server.url + '#/customers?channel=tmall&sq=' + encodeURIComponent('orders >= 1'));
    await ready(p);
    await until(async () => (await count(p)) === tmall, `the list's tmall buyers = ${tmall}`);
    checkNoErrors(p);
  } finally {
    await tearDown(demo);
  }
});
