// End-to-end: accessibility checked by axe-core (npm) on every view with the demo loaded, and on
// the customer detail and the sync settings: no serious or critical violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launch, open, byId, settled, root } from './harness.mjs';

const AXE = await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe's serious and critical violations on the page as it is: rule, impact, first nodes. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')}`));
}

/** Waits for the view itself: a page fetched on its first visit shows a wait before it. */
async function shown(page) {
  await settled(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="page-loading"]') && document.querySelector('main h1'));
}

test('no serious or critical accessibility violation on any view with the demo loaded', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await page.click(byId('load-demo'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    const found = {};
    for (const view of ['customers', 'segments', 'funnels', 'dashboard', 'import', 'settings']) {
      await page.goto(server.url + '#/' + view);
      await shown(page);
      found[view] = await violations(page);
    }
    await page.goto(server.url + '#/customers');
    await page.click(byId('customer-row'));
    await page.waitForSelector(byId('customer-detail'));
    await settled(page);
    found['customer detail'] = await violations(page);
    // In English too (labels are translated apart).
    await page.goto(server.url + '#/dashboard');
    await page.selectOption(byId('lang-switch'), 'en');
    await settled(page);
    found['dashboard (en)'] = await violations(page);
    const any = Object.entries(found).filter(([, v]) => v.length);
    assert.deepEqual(any, [], `violations:\n${any.map(([k, v]) => `${k}:\n  ${v.join('\n  ')}`).join('\n')}`);
  } finally {
    await browser.close();
    server.close();
  }
});

test('not even a minor finding on the views, a funnel\'s results and the charts\' tables', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await page.click(byId('load-demo'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    const all = () => page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')}`));
    const found = {};
    for (const view of ['customers', 'segments', 'funnels', 'dashboard', 'import', 'settings']) {
      await page.goto(server.url + '#/' + view);
      await shown(page);
      if (view === 'funnels') {
        // A template's results: the step table and the time table with their row headers.
        await page.click(`${byId('funnel-template')} >> nth=0`);
        await page.waitForSelector(byId('funnel-times'));
      }
      if (view === 'dashboard') {
        await page.waitForFunction(() => document.querySelector('[data-testid="reports-computing"]')?.textContent === '');
        for (const toggle of await page.$$('[data-testid$="-table-toggle"]')) await toggle.click();
        await page.waitForSelector('.chart-table');
      }
      if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
      found[view] = await all();
    }
    const any = Object.entries(found).filter(([, v]) => v.length);
    assert.deepEqual(any, [], `violations:\n${any.map(([k, v]) => `${k}:\n  ${v.join('\n  ')}`).join('\n')}`);
  } finally {
    await browser.close();
    server.close();
  }
});
