// End-to-end: the main actions with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape,
// typing): load the demo, move between views, open a customer, edit and save, open and close
// a dialog, select a row, save a segment, run a funnel. Every step checks its result, and
// every control reached shows a visible focus outline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, checkNoErrors, byId, count, until } from './harness.mjs';

/** The focused element: its test id, row id, tag, and whether a focus outline shows. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {
    testid: el.dataset.testid ?? null,
    id: el.dataset.id ?? null,
    tag: el.tagName.toLowerCase(),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    inDetail: !!el.closest('[data-testid="customer-detail"]'),
  };
});

/** Presses Tab (or Shift+Tab) until the element with `testid` has the focus; checks it shows. */
async function tabTo(page, testid, { back = false, max = 200 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f?.testid === testid) {
      assert.ok(f.outline, `${testid} has the focus but no visible outline`);
      return f;
    }
  }
  assert.fail(`${testid} not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

test('the main actions work with the keyboard alone', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url);

    // Load the demo from the empty state.
    await tabTo(page, 'load-demo');
    await page.keyboard.press('Enter');
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    await until(async () => (await page.getAttribute(byId('kpi-customers'), 'data-count')) === '5000', 'the demo on the dashboard');

    // To the customers through the navigation.
    await tabTo(page, 'nav-customers', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector(byId('customer-row'));
    assert.match(page.url(), /#\/customers/);
    assert.equal(await count(page), 5000);

    // Open the first customer with Enter: the detail opens with the focus in it.
    const row = await tabTo(page, 'customer-row');
    assert.equal(row.tag, 'div');
    const name = (await page.textContent(`${byId('customer-row')}[data-id="${row.id}"] [data-col="name"]`)).trim();
    await page.keyboard.press('Enter');
    await page.waitForSelector(byId('customer-detail'));
    assert.equal((await page.textContent(`${byId('customer-detail')} h2`)).trim(), name);
    await until(async () => (await focused(page))?.inDetail, 'the focus in the detail');
    assert.equal(await page.inputValue(byId('field-name')), name);

    // Edit the city and save, by keyboard.
    await tabTo(page, 'field-city');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('键盘市');
    await tabTo(page, 'customer-save');
    await page.keyboard.press('Enter');
    await until(async () => (await page.locator(byId('toast')).allTextContents()).some((t) => t.includes('已保存')), 'saved');
    await until(async () => (await page.textContent(`${byId('customer-row')}[data-id="${row.id}"] [data-col="city"]`)).trim() === '键盘市', 'the row shows the new city');

    // Escape closes the detail; the focus goes back to the customer's row.
    await page.keyboard.press('Escape');
    await page.waitForSelector(byId('customer-detail'), { state: 'detached' });
    await until(async () => (await focused(page))?.id === row.id, 'the focus back on the row');
    assert.equal((await focused(page))?.testid, 'customer-row');

    // Space opens it too; a dialog: Delete asks, the focus is on "No", Tab stays inside,
    // Escape answers no and gives the focus back to Delete.
    await page.keyboard.press(' ');
    await page.waitForSelector(byId('customer-detail'));
    await tabTo(page, 'customer-delete');
    await page.keyboard.press('Enter');
    await page.waitForSelector(byId('confirm-dialog'));
    assert.equal((await focused(page))?.testid, 'confirm-no');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page))?.testid, 'confirm-yes');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page))?.testid, 'confirm-no', 'Tab stays in the dialog');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page))?.testid, 'confirm-yes', 'Shift+Tab stays in the dialog');
    await page.keyboard.press('Escape');
    await page.waitForSelector(byId('confirm-dialog'), { state: 'detached' });
    assert.equal((await focused(page))?.testid, 'customer-delete', 'the focus is back on Delete');
    assert.equal(await count(page), 5000, 'nothing deleted');
    assert.ok(await page.isVisible(byId('customer-detail')), 'the detail stays open');
    await page.keyboard.press('Escape');
    await page.waitForSelector(byId('customer-detail'), { state: 'detached' });
    await until(async () => (await focused(page))?.id === row.id, 'the focus back on the row again');

    // Space on the row's checkbox selects the customer; again unselects.
    await tabTo(page, 'row-select');
    await page.keyboard.press(' ');
    await until(async () => (await page.getAttribute(byId('bulk-count'), 'data-count').catch(() => null)) === '1', 'one selected');
    await page.keyboard.press(' ');
    await page.waitForSelector(byId('bulk-bar'), { state: 'detached' });

    // Back up to the navigation: a segment, typed and saved.
    await tabTo(page, 'nav-segments', { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, 'segment-query');
    await page.keyboard.type('total_spent > 5000');
    await page.keyboard.press('Escape'); // closes the suggestions, so Tab moves on
    await until(async () => {
      const c = Number(await page.getAttribute(byId('segment-count'), 'data-count'));
      return c > 0 && c < 5000;
    }, 'the count of those who spent more than 5000');
    const n = await page.getAttribute(byId('segment-count'), 'data-count');
    await tabTo(page, 'segment-name');
    await page.keyboard.type('键盘分群');
    await tabTo(page, 'segment-save');
    await page.keyboard.press('Enter');
    const item = page.locator(`${byId('segment-item')}[data-name="键盘分群"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-count'), n);

    // A funnel from a template, with Space.
    await tabTo(page, 'nav-funnels', { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, 'funnel-template');
    await page.keyboard.press(' ');
    await page.waitForSelector(byId('funnel-result-step'));
    const steps = await page.$$eval(byId('funnel-result-step'), (s) => s.map((x) => [Number(x.dataset.step), Number(x.dataset.count)]));
    assert.ok(steps.length >= 2, `${steps.length} steps`);
    assert.equal(steps[0][0], 1);
    assert.ok(steps[0][1] > 0);
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i][1] <= steps[i - 1][1], 'each step holds at most the one before');

    // The language, from the keyboard: the select changes with the arrow keys.
    await tabTo(page, 'lang-switch', { back: true });
    await page.keyboard.press('ArrowDown');
    await until(async () => (await page.textContent(byId('nav-customers'))).trim() === 'Customers', 'English');
    checkNoErrors(page);
  } finally {
    await browser.close();
    server.close();
  }
});
