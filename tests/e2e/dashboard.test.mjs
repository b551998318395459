// End-to-end: the dashboard's KPI hooks agree to the cent with what the core computes for
// the same demo seed and end date (printed by the core's `demo_kpis` example).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, open, checkNoErrors, byId, loadDemo, until, count, demoEndDate, settled } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** The demo ends yesterday, China time (as the app generates it). */
test('KPIs of the demo match the core to the cent', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/dashboard');
    await loadDemo(page);
    const end = demoEndDate();
    const expected = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'demo_kpis', '--', end], { encoding: 'utf8' }));
    assert.equal(Number(await page.getAttribute(byId('kpi-customers'), 'data-count')), expected.customers);
    assert.equal(Number(await page.getAttribute(byId('kpi-aov'), 'data-cents')), expected.aov_cents);
    const rate = Number(await page.getAttribute(byId('kpi-repeat-rate'), 'data-rate'));
    assert.ok(Math.abs(rate - expected.repeat_rate) < 1e-6, `${rate} vs ${expected.repeat_rate}`);
    assert.match(await page.getAttribute(byId('kpi-repeat-rate'), 'data-rate'), /^0\.\d{4,}$/);
    assert.equal(Number(await page.getAttribute(byId('kpi-net-sales'), 'data-cents')), expected.net_spend_cents);
    // The R×F grid: 25 cells holding every buyer once.
    const cells = await page.$$eval(byId('rfm-cell'), (c) => c.map((x) => [Number(x.dataset.r), Number(x.dataset.f), Number(x.dataset.count)]));
    assert.equal(cells.length, 25);
    assert.equal(new Set(cells.map(([r, f]) => `${r}${f}`)).size, 25);
    assert.ok(cells.every(([r, f]) => r >= 1 && r <= 5 && f >= 1 && f <= 5));
    assert.equal(cells.reduce((a, [, , n]) => a + n, 0), expected.buyers);
    // The lifecycle distribution covers every customer exactly once.
    const stages = await page.$$eval(byId('stage-count'), (rows) => rows.map((r) => Number(r.dataset.count)));
    assert.equal(stages.length, 6);
    assert.equal(stages.reduce((a, b) => a + b, 0), expected.customers);

    // Thresholds in Settings apply at once and are remembered.
    const churned = async () => Number(await page.getAttribute(`${byId('stage-count')}[data-stage="churned"]`, 'data-count'));
    assert.ok((await churned()) > 0);
    await page.click(byId('nav-settings'));
    await page.fill(byId('analytics-churn-days'), '3650');
    await page.press(byId('analytics-churn-days'), 'Enter');
    await page.click(byId('nav-dashboard'));
    assert.equal(await churned(), 0, 'nobody is quiet for ten years in a three-year history');
    await settled(page);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await churned(), 0, 'remembered');
    await page.click(byId('nav-settings'));
    await page.click(byId('analytics-defaults'));
    await page.click(byId('nav-dashboard'));
    assert.ok((await churned()) > 0);

    // Custom F cut points: with 2, 3, 4, 5 orders as the cuts, F = 1 holds exactly the
    // one-time buyers; a malformed entry is refused with a message.
    await page.click(byId('nav-settings'));
    await page.fill(byId('analytics-f-cuts'), '2, 3');
    await page.press(byId('analytics-f-cuts'), 'Enter');
    await page.waitForSelector(byId('analytics-f-cuts-error'));
    await page.fill(byId('analytics-f-cuts'), '2, 3, 4, 5');
    await page.press(byId('analytics-f-cuts'), 'Enter');
    await page.click(byId('nav-dashboard'));
    const f1 = () => page.$$eval(`${byId('rfm-cell')}[data-f="1"]`, (c) => c.reduce((a, x) => a + Number(x.dataset.count), 0));
    const oneTime = Math.round(expected.buyers * (1 - expected.repeat_rate));
    await until(async () => (await f1()) === oneTime, `F = 1 holds the ${oneTime} one-time buyers`);
    await page.click(byId('nav-settings'));
    await page.click(byId('analytics-defaults'));
    assert.equal(await page.inputValue(byId('analytics-f-cuts')), '');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

/** The raw values of a chart's table rows: `[[label, [v1, v2, …]], …]`, once computed. */
async function chartRows(page, id) {
  await until(async () => (await page.textContent(byId('reports-computing'))) === '', 'reports computed');
  const toggle = byId(`${id}-table-toggle`);
  if ((await page.getAttribute(toggle, 'aria-pressed')) !== 'true') await page.click(toggle);
  return page.$$eval(`${byId(`${id}-table`)} tbody tr`, (rows) =>
    rows.map((r) => [r.dataset.label, r.dataset.values.split(',').map(Number)]));
}

test('charts, date range, top customers and churn warnings agree with the core', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/dashboard');
    await loadDemo(page);
    const expected = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'demo_kpis', '--', demoEndDate()], { encoding: 'utf8' }));
    const net = Number(await page.getAttribute(byId('kpi-net-sales'), 'data-cents'));

    // Monthly sales add up to the net sales over all time; the last month is the core's.
    const months = await chartRows(page, 'chart-gmv');
    assert.ok(months.length >= 24, `${months.length} months`);
    assert.equal(months.reduce((a, [, v]) => a + v[0], 0), net);
    assert.equal(months.at(-1)[1][0], expected.last_month_cents);
    assert.match(months[0][0], /^\d{4}-\d{2}$/);
    // New + returning buyers = buyers of the month; the decomposition multiplies out.
    const buyers = await chartRows(page, 'chart-buyers');
    buyers.forEach(([, [n, r]], i) => assert.equal(n + r, months[i][1][2]));
    const decomposition = await chartRows(page, 'chart-decomposition');
    for (const [, [visitors, permyriad, perBuyer, gmv]] of decomposition) {
      if (visitors === 0) continue;
      const product = visitors * (permyriad / 10_000) * perBuyer;
      // A month with more refunds than sales has a negative GMV: the tolerance is relative to
      // its size either way.
      assert.ok(Math.abs(product - gmv) <= Math.max(1, Math.abs(gmv)) * 0.001 + visitors, `${product} vs ${gmv}`);
    }
    // Channels cover all sales too.
    const channels = await chartRows(page, 'chart-channels');
    assert.equal(channels.reduce((a, [, v]) => a + v[0], 0), net);
    // Back to the chart: hovering a bar shows its values.
    await page.click(byId('chart-gmv-table-toggle'));
    await page.hover(`${byId('chart-gmv')} .chart-group >> nth=-1`);
    assert.match(await page.textContent(byId('chart-gmv-tooltip')), new RegExp(months.at(-1)[0]));

    // Top customers: the first is the core's biggest spender.
    assert.equal(Number(await page.getAttribute(`${byId('top-customer')} >> nth=0`, 'data-cents')), expected.top_customer_cents);

    // A date range limits every report and lives in the URL.
    await page.click(byId('range-3m'));
    await until(async () => (await chartRows(page, 'chart-gmv')).length <= 4, 'three months');
    assert.match(page.url(), /from=\d{4}-\d{2}-\d{2}/);
    const recent = await chartRows(page, 'chart-gmv');
    assert.ok(recent.reduce((a, [, v]) => a + v[0], 0) < net);
    await settled(page);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.ok((await chartRows(page, 'chart-gmv')).length <= 4, 'range kept across reload');
    await page.click(byId('range-all'));
    await until(async () => (await chartRows(page, 'chart-gmv')).length === months.length, 'all months again');

    // Churn warnings: the core's count, with reasons; "open as list" shows exactly them.
    const warned = Number(await page.getAttribute(byId('churn-warnings'), 'data-count'));
    assert.equal(warned, expected.churn_warnings);
    assert.match(await page.textContent(`${byId('churn-warning')} >> nth=0`), /天未下单/);
    await page.click(byId('churn-open-list'));
    await until(async () => (await count(page)) === warned, 'the warned customers as a list');
    await page.waitForSelector(byId('filter-newly-at-risk'));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('value tiers are ordered rules edited in Settings', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await loadDemo(page);
    const tierCount = async (code) => {
      await page.goto(server.url + `#/customers?tier=${code}`);
      await page.waitForSelector(byId('customer-count'));
      await new Promise((r) => setTimeout(r, 300));
      return count(page);
    };
    const total = await tierCount('');
    const premium = await tierCount('premium');
    const key = await tierCount('key');
    const regular = await tierCount('regular');
    assert.equal(premium + key + regular, total, 'every customer in exactly one tier');
    assert.ok(premium > 0 && key > 0);

    // Rename the first tier: the list's filter and cells use the new name.
    await page.goto(server.url + '#/settings');
    await page.fill(`${byId('tier-rule')} >> nth=0 >> ${byId('tier-name-zh')}`, '金牌客户');
    await page.press(`${byId('tier-rule')} >> nth=0 >> ${byId('tier-name-zh')}`, 'Enter');
    await page.goto(server.url + '#/customers?tier=premium');
    await page.waitForSelector(byId('customer-row'));
    assert.match(await page.textContent(`${byId('filter-tier')} option[value="premium"]`), /金牌客户/);
    assert.match(await page.textContent(`${byId('customer-row')} >> nth=0`), /金牌客户/);

    // "Top 20 %" first: it takes customers the spend rule had.
    await page.goto(server.url + '#/settings');
    await page.click(`${byId('tier-rule')} >> nth=1 >> ${byId('tier-up')}`);
    assert.equal(await page.getAttribute(`${byId('tier-rule')} >> nth=0`, 'data-code'), 'key');
    assert.ok((await tierCount('premium')) < premium);
    assert.equal(await tierCount('key'), key + premium - (await tierCount('premium')));

    // No rules: everyone is in the remaining tier. Defaults bring the rules back.
    await page.goto(server.url + '#/settings');
    await page.click(`${byId('tier-rule')} >> nth=0 >> ${byId('tier-delete')}`);
    await page.click(`${byId('tier-rule')} >> nth=0 >> ${byId('tier-delete')}`);
    assert.equal(await page.locator(byId('tier-rule')).count(), 0);
    assert.equal(await tierCount('regular'), total);
    await page.goto(server.url + '#/settings');
    await page.click(byId('analytics-defaults'));
    assert.equal(await page.locator(byId('tier-rule')).count(), 2);
    assert.equal(await tierCount('premium'), premium);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
