// End-to-end: funnel optional steps and exclusions (docs/funnels.md, "Optional steps and
// exclusions"). The worked example of the docs — eight customers whose counts are worked out by
// hand there and in crates/core/tests/funnels.rs (`worked_example`) — imported as an events
// file; the funnel visit → view (optional) → add_to_cart → pay within 60 minutes, excluding a
// `coupon` between add_to_cart and pay, built through the editor; exact step counts, the
// optional step marked, its customers listed, the excluded count; then the same after a reload
// (the URL) and from the saved funnel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, checkNoErrors, byId, until, setUp, tearDown, root } from './harness.mjs';

// Minutes after 2026-01-01 08:00 in the browser's zone (Asia/Shanghai, see harness.mjs).
const at = (minute) => {
  const h = 8 + Math.floor(minute / 60);
  const m = minute % 60;
  return `2026-01-01 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
};
//   A: every step                                   → pay, view counted
//   B: skips the optional view                       → pay
//   C: views only after add_to_cart                  → pay, view not counted
//   D: a coupon between add_to_cart and pay          → excluded
//   E: no pay, a coupon 28 minutes after add_to_cart → excluded (inside the 60-minute window)
//   F: no pay, a coupon after the window             → add_to_cart
//   G: views after its only required step            → visit, view counted
//   H: a coupon before add_to_cart                   → pay
const EVENTS = [
  ['A', 'visit', 0], ['A', 'view', 1], ['A', 'add_to_cart', 2], ['A', 'pay', 3],
  ['B', 'visit', 0], ['B', 'add_to_cart', 2], ['B', 'pay', 5],
  ['C', 'visit', 0], ['C', 'add_to_cart', 1], ['C', 'view', 2], ['C', 'pay', 3],
  ['D', 'visit', 0], ['D', 'view', 1], ['D', 'add_to_cart', 2], ['D', 'coupon', 3], ['D', 'pay', 4],
  ['E', 'visit', 0], ['E', 'add_to_cart', 2], ['E', 'coupon', 30],
  ['F', 'visit', 0], ['F', 'add_to_cart', 2], ['F', 'coupon', 90],
  ['G', 'visit', 0], ['G', 'view', 5],
  ['H', 'visit', 0], ['H', 'coupon', 1], ['H', 'add_to_cart', 2], ['H', 'pay', 3],
];
const CSV = '客户ID,行为,时间\n' + EVENTS.map(([c, kind, m]) => `${c},${kind},${at(m)}`).join('\n') + '\n';
const DEFINITION = 'visit~view*~add_to_cart~pay!60m!x3.4.coupon';

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/import', { demo: false, waitFor: 'import-file' })));
after(() => tearDown({ server, browser }));

/** Each shown step as [count, optional]. */
async function steps(p = page) {
  return p.locator(byId('funnel-result-step')).evaluateAll((els) =>
    els.map((e) => [Number(e.dataset.count), e.dataset.optional === 'true']));
}

const EXPECTED = [[6, false], [2, true], [5, false], [4, false]];

async function expectExample(p = page) {
  await until(async () => JSON.stringify(await steps(p)) === JSON.stringify(EXPECTED), 'the worked example\'s counts');
  assert.deepEqual(await steps(p), EXPECTED);
  await p.waitForSelector(byId('funnel-excluded-count'));
  assert.equal(await p.getAttribute(byId('funnel-excluded-count'), 'data-count'), '2');
  assert.match(await p.textContent(byId('funnel-excluded-count')), /^\s*2 /);
  const summary = byId('funnel-summary');
  assert.equal(await p.getAttribute(summary, 'data-entered'), '6');
  assert.equal(await p.getAttribute(summary, 'data-converted'), '4');
  // Dropped: G after visit, F after add_to_cart; nobody "drops" at the optional step.
  const dropped = await p.locator(byId('funnel-result-step')).evaluateAll((els) => els.map((e) => Number(e.dataset.dropped)));
  assert.deepEqual(dropped, [1, 0, 1, 0]);
  assert.equal(await p.locator(byId('funnel-step-optional-tag')).count(), 1);
}

test('an optional step and an exclusion built in the editor give the worked example\'s counts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-e2e-'));
  const file = join(dir, 'funnel-events.csv');
  await writeFile(file, CSV);
  await page.selectOption(byId('import-kind'), 'events');
  await page.setInputFiles(byId('import-file'), file);
  await page.waitForSelector(byId('import-preview-row'));
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
  assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), String(EVENTS.length));

  await page.click(byId('nav-funnels'));
  await page.waitForSelector(byId('funnel-result-step'));
  // The purchase funnel without checkout: visit → view → add_to_cart → pay.
  await page.click(`${byId('funnel-step-remove')} >> nth=3`);
  await until(async () => (await page.locator(byId('funnel-step-event')).count()) === 4, 'four steps');
  const events = await page.locator(byId('funnel-step-event')).evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(events, ['visit', 'view', 'add_to_cart', 'pay']);
  await page.fill(byId('funnel-window-value'), '60');
  await page.press(byId('funnel-window-value'), 'Enter');
  await page.selectOption(byId('funnel-window-unit'), 'minute');
  // Without optional steps and exclusions: the plain four-step funnel — all eight visit; A, C
  // (view at minute 2, its cart before it), D and G view; only A and D go on in order.
  await until(async () => JSON.stringify(await steps()) === JSON.stringify([[8, false], [4, false], [2, false], [2, false]]), 'the plain funnel');
  assert.equal(await page.locator(byId('funnel-excluded-count')).count(), 0);

  // Only the middle steps can be optional.
  assert.equal(await page.locator(byId('funnel-step-optional')).count(), 2);
  await page.check(`${byId('funnel-step-optional')} >> nth=0`);
  await until(async () => JSON.stringify(await steps()) === JSON.stringify([[8, false], [3, true], [7, false], [5, false]]), 'view optional');

  // An exclusion: the event type not among the steps (coupon), between step 3 and step 4.
  await page.click(byId('funnel-exclusion-add'));
  await page.waitForSelector(byId('funnel-exclusion'));
  assert.equal(await page.inputValue(byId('funnel-exclusion-event')), 'coupon');
  // Offered ends: the required steps only.
  const ends = await page.locator(`${byId('funnel-exclusion-from')} option`).evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(ends, ['0', '2', '3']);
  // Between steps 1 and 4 at first: H's coupon (minute 1) excludes H as well.
  await until(async () => (await page.getAttribute(byId('funnel-excluded-count'), 'data-count').catch(() => null)) === '3', 'three excluded');
  await page.selectOption(byId('funnel-exclusion-from'), '2');
  await until(async () => (await page.getAttribute(byId('funnel-exclusion'), 'data-from')) === '3', 'from step 3');
  await expectExample();
  assert.ok(decodeURIComponent(page.url()).includes(`f=${DEFINITION}`), page.url());

  // The editor with an optional step and an exclusion: not even a minor axe finding.
  await page.addScriptTag({ content: await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')}`));
  assert.deepEqual(found, []);

  // The optional step's customers: A and G.
  await page.click(`${byId('funnel-result-step')}[data-step="2"] ${byId('funnel-drill-reached')}`);
  await until(async () => Number(await page.getAttribute(byId('funnel-drill'), 'data-count')) === 2, 'the optional step\'s two customers');
  assert.equal(await page.locator(`${byId('funnel-result-step')}[data-step="2"] ${byId('funnel-drill-dropped')}`).count(), 0);

  // Saved under a name.
  await page.fill(byId('funnel-name'), '排除优惠券');
  await page.click(byId('funnel-save'));
  await page.waitForSelector(`${byId('funnel-item')}[data-name="排除优惠券"]`);
  checkNoErrors(page);
});

test('the URL and the saved funnel bring the same funnel back', async () => {
  // A reload: everything is in the URL.
  await page.reload();
  await ready(page);
  await expectExample();
  assert.equal(await page.isChecked(`${byId('funnel-step-optional')} >> nth=0`), true);
  assert.equal(await page.getAttribute(byId('funnel-exclusion'), 'data-to'), '4');

  // A fresh page on the purchase funnel, then the saved one (from storage).
  await page.goto(server.url + '#/funnels');
  await ready(page);
  await page.waitForSelector(byId('funnel-result-step'));
  assert.equal(await page.locator(byId('funnel-exclusion')).count(), 0);
  await page.click(`${byId('funnel-item')}[data-name="排除优惠券"] ${byId('funnel-load')}`);
  await expectExample();

  // Removing the exclusion brings D and E back.
  await page.click(byId('funnel-exclusion-remove'));
  await until(async () => JSON.stringify(await steps()) === JSON.stringify([[8, false], [3, true], [7, false], [5, false]]), 'without the exclusion');
  assert.equal(await page.locator(byId('funnel-excluded-count')).count(), 0);
  checkNoErrors(page);
});
