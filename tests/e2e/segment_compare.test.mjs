// End-to-end: a segment against the rest (docs/analytics.md, "Segment vs the rest"). The demo
// loaded with one click, the 高价值客户 template saved as a segment, its comparison opened from
// the saved list: every figure, both R×F grids, the stage and tier counts and both funnels
// exactly as the core's plain count gives them (the example `segment_compare`, which counts
// customer by customer from the raw orders without `segment::compare`, for the same demo — the
// demo's history ends yesterday, so the figures are computed for today's demo, not written
// here); the segment's count equals the segment page's, members + the rest = the demo and the
// dashboard's totals. Then the typed query's comparison, and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ready, checkNoErrors, byId, until, demoEndDate, setUp, tearDown, root } from './harness.mjs';

// The 高价值客户 template's query (kezhi_core::segment::saved::TEMPLATES, `high_value`).
const QUERY = 'rfm_group = "重要价值客户"';
const DEMO_CUSTOMERS = 5000;
const STAGES = ['prospect', 'developing', 'growing', 'mature', 'at_risk', 'churned'];
const TIERS = ['premium', 'key', 'regular'];

let server, browser, page, expected;
before(async () => {
  ({ server, browser, page } = await setUp('#/segments', { waitFor: 'segment-query' }));
  expected = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'segment_compare', '--', demoEndDate(), QUERY], { encoding: 'utf8' }));
});
after(() => tearDown({ server, browser }));

const attr = (selector, name) => page.getAttribute(selector, name);
const figure = (metric, side) => attr(`${byId('compare-figure')}[data-metric="${metric}"][data-side="${side}"]`, 'data-value');
const sides = { segment: 'segment', rest: 'rest' };

/** Every hook of `id` on one side as {key: count}, the key made by `key(dataset)`. */
async function counts(id, side, key) {
  const entries = await page.$$eval(`${byId(id)}[data-side="${side}"]`, (els) => els.map((e) => ({ ...e.dataset })));
  return Object.fromEntries(entries.map((d) => [key(d), Number(d.count)]));
}

test('a saved segment against the rest: exact figures, grids, distributions and funnels', async () => {
  // Save the template as a segment; its count is the core's.
  await page.click(`${byId('segment-template')}[data-code="high_value"]`);
  await until(async () => Number(await attr(byId('segment-count'), 'data-count')) === expected.segment.customers, `the segment's ${expected.segment.customers} customers`);
  await page.fill(byId('segment-name'), '高价值客户');
  await page.click(byId('segment-save'));
  const item = `${byId('segment-item')}[data-name="高价值客户"]`;
  await page.waitForSelector(item);
  const id = await attr(item, 'data-id');
  const listed = Number(await attr(item, 'data-count'));
  assert.equal(listed, expected.segment.customers);

  // Open its comparison from the saved list.
  await page.click(`${item} ${byId('segment-compare')}`);
  await page.waitForSelector(byId('compare-figure'));
  assert.ok(page.url().endsWith(`#/segments/compare?seg=${id}`), page.url());
  assert.equal(await attr(byId('nav-segments'), 'aria-current'), 'page');
  assert.equal(Number(await attr(byId('compare-name'), 'data-count')), listed);
  assert.equal(await page.inputValue(byId('compare-segment')), id);

  // The key figures of both sides.
  for (const side of Object.keys(sides)) {
    const e = expected[side];
    assert.equal(await figure('customers', side), String(e.customers), side);
    assert.equal(await figure('buyers', side), String(e.buyers), side);
    assert.equal(await figure('paid_orders', side), String(e.paid_orders), side);
    assert.equal(await figure('net_spend', side), String(e.net_spend), side);
    assert.equal(await figure('aov', side), e.aov, side);
    assert.equal(await figure('repeat_rate', side), e.repeat_rate, side);
  }
  // The differences: members − the rest; the rate's in percentage points.
  const [s, r] = [expected.segment, expected.rest];
  assert.equal(await figure('customers', 'diff'), String(s.customers - r.customers));
  assert.equal(await figure('net_spend', 'diff'), String(s.net_spend - r.net_spend));
  assert.equal(await figure('aov', 'diff'), String(Number(s.aov) - Number(r.aov)));
  assert.equal(await figure('repeat_rate', 'diff'), expected.repeat_rate_points);
  // Members + the rest = the demo.
  assert.equal(Number(await figure('customers', 'segment')) + Number(await figure('customers', 'rest')), DEMO_CUSTOMERS);

  // Both R×F grids, every cell.
  for (const side of Object.keys(sides)) {
    const grid = await counts('compare-rf-cell', side, (d) => `${d.r},${d.f}`);
    assert.equal(Object.keys(grid).length, 25, side);
    for (const [cell, n] of Object.entries(grid)) assert.equal(n, expected[side].rf[cell] ?? 0, `${side} ${cell}`);
    // Customers with a paid order are exactly those in the grid.
    assert.equal(Object.values(grid).reduce((a, b) => a + b, 0), expected[side].buyers, side);
  }
  // Stages and tiers.
  for (const side of Object.keys(sides)) {
    const stages = await counts('compare-stage', side, (d) => d.stage);
    assert.deepEqual(Object.keys(stages).sort(), [...STAGES].sort(), side);
    for (const stage of STAGES) assert.equal(stages[stage], expected[side].stages[stage], `${side} ${stage}`);
    const tiers = await counts('compare-tier', side, (d) => d.tier);
    assert.deepEqual(tiers, Object.fromEntries(TIERS.map((t) => [t, expected[side].tiers[t]])), side);
  }

  // The purchase funnel (the default), then the repurchase template.
  const steps = async (side) => page.$$eval(`${byId('compare-funnel-step')}[data-side="${side}"]`, (els) => els.map((e) => [Number(e.dataset.count), e.dataset.rate]));
  const shares = (reached) => reached.map((n) => [n, reached[0] > 0 ? (n / reached[0]).toFixed(6) : '']);
  for (const side of Object.keys(sides)) assert.deepEqual(await steps(side), shares(expected[side].purchase), side);
  await page.selectOption(byId('compare-funnel'), 'repurchase');
  await until(async () => (await steps('segment')).length === 2, 'the repurchase funnel');
  assert.match(page.url(), /fn=repurchase/);
  for (const side of Object.keys(sides)) assert.deepEqual(await steps(side), shares(expected[side].repurchase), side);
  const points = (a, b) => ((a[1] / a[0] - b[1] / b[0]) * 100).toFixed(4);
  assert.equal(await attr(`${byId('compare-funnel-diff')}[data-step="2"]`, 'data-value'), points(s.repurchase, r.repurchase));

  // Not even a minor accessibility finding (axe-core, as tests/e2e/a11y.test.mjs runs it).
  await page.addScriptTag({ content: await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const findings = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')}`));
  assert.deepEqual(findings, []);

  // In English: the same figures, worded.
  await page.selectOption(byId('lang-switch'), 'en');
  await until(async () => /Segment vs the rest/.test(await page.textContent('h1')), 'English');
  assert.equal(await figure('net_spend', 'segment'), String(s.net_spend));
  assert.match(await page.textContent('.compare-table'), /Repurchase rate/);
  await page.selectOption(byId('lang-switch'), 'zh-CN');
  await until(async () => /与其余客户对比/.test(await page.textContent('h1')), 'Chinese');

  // Members + the rest = the dashboard's totals.
  await page.click(byId('nav-dashboard'));
  await page.waitForSelector(byId('kpi-customers'));
  assert.equal(Number(await attr(byId('kpi-customers'), 'data-count')), s.customers + r.customers);
  assert.equal(Number(await attr(byId('kpi-net-sales'), 'data-cents')), s.net_spend + r.net_spend);
  checkNoErrors(page);
});

test('the typed query against the rest with a saved funnel; a deleted segment says so', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await page.fill(byId('segment-query'), 'orders >= 2');
  await until(async () => decodeURIComponent(page.url()).includes('q=orders >= 2'), 'the query in the URL');
  const n = Number(await attr(byId('segment-count'), 'data-count'));
  assert.ok(n > 0);
  await page.click(byId('segment-compare-query'));
  await page.waitForSelector(byId('compare-figure'));
  assert.match(page.url(), /#\/segments\/compare\?sq=orders%20%3E%3D%202/);
  assert.equal(await figure('customers', 'segment'), String(n));
  assert.equal(Number(await figure('customers', 'rest')), DEMO_CUSTOMERS - n);
  // Everyone in it has two paid orders or more: a repurchase rate of exactly 1; the rest none.
  assert.equal(await figure('repeat_rate', 'segment'), '1.000000');
  assert.equal(await figure('repeat_rate', 'rest'), '0.000000');
  assert.equal(await figure('repeat_rate', 'diff'), '100.0000');

  // A funnel saved on the funnel page: chosen here, its two sides add up to the whole funnel.
  const compared = page.url();
  await page.goto(server.url + '#/funnels?f=view~add_to_cart~pay!1d');
  await ready(page);
  const resultSteps = () => page.$$eval(byId('funnel-result-step'), (els) => els.map((e) => Number(e.dataset.count)));
  await until(async () => (await resultSteps()).length === 3, 'the three-step funnel');
  const whole = await resultSteps();
  await page.fill(byId('funnel-name'), '浏览到支付');
  await page.click(byId('funnel-save'));
  await page.waitForSelector(`${byId('funnel-item')}[data-name="浏览到支付"]`);
  await page.goto(compared);
  await ready(page);
  await page.waitForSelector(byId('compare-funnel-step'));
  await page.selectOption(byId('compare-funnel'), { label: '浏览到支付' });
  const stepCounts = (side) => page.$$eval(`${byId('compare-funnel-step')}[data-side="${side}"]`, (els) => els.map((e) => Number(e.dataset.count)));
  await until(async () => (await stepCounts('segment')).length === 3, 'the saved funnel');
  assert.match(page.url(), /fn=[0-9a-f]+/);
  const [mine, theirs] = [await stepCounts('segment'), await stepCounts('rest')];
  assert.deepEqual(mine.map((n, i) => n + theirs[i]), whole);
  assert.ok(mine[0] > 0 && theirs[0] > 0);
  // Deleted on the funnel page: the comparison says so and shows the purchase funnel.
  const withFunnel = page.url();
  await page.goto(server.url + '#/funnels');
  await ready(page);
  await page.click(`${byId('funnel-item')}[data-name="浏览到支付"] ${byId('funnel-delete')}`);
  await page.waitForSelector(byId('funnel-item'), { state: 'detached' });
  await page.goto(withFunnel);
  await ready(page);
  await page.waitForSelector(byId('compare-funnel-gone'));
  assert.equal((await stepCounts('segment')).length, 5);
  assert.equal(await page.inputValue(byId('compare-funnel')), '');

  // A segment id no saved segment has.
  await page.goto(server.url + '#/segments/compare?seg=nosuchid');
  await ready(page);
  await page.waitForSelector(byId('compare-problem'));
  assert.equal(await page.locator(byId('compare-figure')).count(), 0);
  checkNoErrors(page);
});
