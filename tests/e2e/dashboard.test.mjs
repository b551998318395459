// End-to-end: the dashboard's KPI hooks agree to the cent with what the core computes for
// the same demo seed and end date (printed by the core's `demo_kpis` example).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, open, checkNoErrors, byId, loadDemo } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** The demo ends yesterday, China time (as the app generates it). */
function demoEndDate() {
  const chinaNow = new Date(Date.now() + 8 * 3600 * 1000);
  chinaNow.setUTCDate(chinaNow.getUTCDate() - 1);
  return chinaNow.toISOString().slice(0, 10);
}

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
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await churned(), 0, 'remembered');
    await page.click(byId('nav-settings'));
    await page.click(byId('analytics-defaults'));
    await page.click(byId('nav-dashboard'));
    assert.ok((await churned()) > 0);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
