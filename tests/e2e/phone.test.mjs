// End-to-end: kezhi on a phone held upright (390×844). No main view scrolls sideways; the
// customer list shows cards with the same figures as the table; a revealed phone is a tel: link;
// the detail and the activity form work at that size with thumb-sized controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ready, checkNoErrors, byId, count, until, settled, setUp, tearDown } from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };
const VIEWS = ['dashboard', 'customers', 'segments', 'funnels', 'import', 'settings'];

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/customers', { waitFor: 'customer-row' })));
after(() => tearDown({ server, browser }));

/** The page's widths, and (when it scrolls sideways) the elements sticking out on the right. */
const sideways = () => page.evaluate(() => {
  const { scrollWidth, clientWidth } = document.documentElement;
  const out = scrollWidth <= clientWidth ? [] : [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > clientWidth + 0.5)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`);
  return { scrollWidth, clientWidth, out };
});

async function noSideways(what) {
  const s = await sideways();
  assert.ok(s.scrollWidth <= s.clientWidth, `${what}: scrollWidth ${s.scrollWidth} > clientWidth ${s.clientWidth}: ${s.out.join(', ')}`);
}

/** What the first row with a last order shows in the table's columns (by `data-col`). */
const firstRow = () => page.$$eval(byId('customer-row'), (rows) => rows.map((row) => {
  const col = (c) => row.querySelector(`[data-col="${c}"]`)?.textContent.trim();
  return { id: row.dataset.id, name: col('name'), stage: col('stage'), tier: col('tier'), last: col('last_order') };
}).find((r) => r.last));

/** What a card shows to the eye (`innerText`: only what is displayed) per field. */
const card = (id) => page.$eval(`${byId('customer-row')}[data-id="${id}"]`, (row) => {
  const shown = (sel) => {
    const el = row.querySelector(sel);
    return el && getComputedStyle(el).display !== 'none' ? el.innerText.trim() : null;
  };
  const field = (f) => shown(`[data-col="${f}"]`) ?? shown(`[data-card="${f}"]`);
  const box = row.getBoundingClientRect();
  return {
    id: row.dataset.id,
    name: field('name'),
    stage: field('stage'),
    tier: field('tier'),
    last: field('last_order'),
    phone: field('phone'),
    next: shown('[data-card="next_follow_up"]'),
    city: shown('[data-col="city"]'),
    areas: getComputedStyle(row).gridTemplateAreas,
    left: box.left,
    right: box.right,
    height: box.height,
  };
});

test('no main view scrolls sideways at 390×844', async () => {
  await page.setViewportSize(PHONE);
  for (const view of VIEWS) {
    await page.goto(server.url + '#/' + view);
    await ready(page);
    await settled(page);
    if (view === 'dashboard') {
      await until(async () => (await page.textContent(byId('reports-computing'))) === '', 'reports computed');
    }
    await noSideways(view);
  }
  // On a phone the filter menus fold behind one button.
  await page.goto(server.url + '#/customers');
  assert.equal(await page.isVisible(byId('filter-city')), false, 'filters folded');
  await page.click(byId('filters-toggle'));
  assert.equal(await page.getAttribute(byId('filters-toggle'), 'aria-expanded'), 'true');
  assert.equal(await page.isVisible(byId('filter-city')), true, 'filters unfolded');
  await noSideways('customers with the filters unfolded');
  await page.selectOption(byId('filter-stage'), 'mature');
  await until(async () => (await count(page)) < 5000, 'filtered');
  await page.click(byId('filters-toggle'));
  assert.equal(await page.isVisible(byId('filter-city')), false, 'folded again');
  assert.equal((await page.textContent(byId('filters-toggle'))).replace(/\s+/g, ''), '筛选(1)▾', 'the button counts the filters set');
  await page.click(byId('filters-clear'));
  await until(async () => (await count(page)) === 5000, 'filters cleared');
  // With content that only shows after an action: a funnel's results, a customer's detail.
  await page.goto(server.url + '#/funnels');
  await page.click(`${byId('funnel-template')} >> nth=0`);
  await page.waitForSelector(byId('funnel-result-step'));
  await noSideways('funnel results');
  await page.goto(server.url + '#/customers');
  await page.click(`${byId('customer-row')} >> nth=0`);
  await page.waitForSelector(byId('customer-detail'));
  await noSideways('customer detail');
  const detail = await page.$eval(byId('customer-detail'), (d) => ({ sw: d.scrollWidth, cw: d.clientWidth }));
  assert.ok(detail.sw <= detail.cw, `the detail scrolls sideways: ${detail.sw} > ${detail.cw}`);
  checkNoErrors(page);
});

test('below 600 px the list is cards showing what the table shows, and more', async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(server.url + '#/customers');
  await ready(page);
  await until(async () => !(await page.getAttribute(byId('customer-list'), 'class')).includes('rows-cards'), 'the table');
  const table = await firstRow();
  assert.equal(await page.locator(`${byId('customer-row')} [data-card]`).count(), 0, 'no card fields in the table');
  assert.ok(table.name && table.stage && table.tier && table.last, JSON.stringify(table));
  assert.match(table.last, /^\d{4}-\d{2}-\d{2}$/);

  await page.setViewportSize(PHONE);
  await until(async () => (await page.getAttribute(byId('customer-list'), 'class')).includes('rows-cards'), 'cards');
  assert.equal(await count(page), 5000, 'the same list');
  const shown = await card(table.id);
  assert.equal(shown.name, table.name);
  assert.equal(shown.stage, table.stage);
  assert.equal(shown.tier, table.tier);
  assert.equal(shown.last, table.last);
  assert.match(shown.phone, /^1\d\d\*{4}\d{4}$/, 'masked phone');
  assert.equal(shown.city, null, 'columns a card does not show are hidden');
  assert.match(shown.areas, /"check name phone" "check stage tier" "check last next"/);
  assert.ok(shown.left >= 0 && shown.right <= PHONE.width, `the card fits: ${shown.left}–${shown.right}`);
  assert.equal(shown.height, 116, 'card height (124 px less the 8 px gap)');
  // The next follow-up is the open one, as Today reads it (kezhi_core::today::open_follow_ups):
  // the plan of the customer's latest activity that is a contact or plans something (the
  // detail lists activities newest first; notes and owner changes are not contacts), or a
  // dash when that activity planned nothing (a contact after a plan closes it).
  await page.click(`${byId('customer-row')}[data-id="${table.id}"] [data-col="name"]`);
  await page.waitForSelector(byId('customer-activities'));
  await settled(page);
  const planned = await page.$$eval(byId('activity-item'), (items) => items.map((a) => ({
    contact: !['5', '6'].includes(a.dataset.kind),
    next: a.querySelector('.follow-up')?.textContent.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? null,
  })).filter((a) => a.contact || a.next));
  await page.click(byId('detail-close'));
  await page.waitForSelector(byId('customer-detail'), { state: 'detached' });
  assert.equal(shown.next, planned[0]?.next ?? '—', `next follow-up of ${table.name}`);
  // The labels of the dates are the translated column names.
  const label = await page.$eval(`${byId('customer-row')}[data-id="${table.id}"] [data-col="last_order"]`, (el) => [el.dataset.label, getComputedStyle(el, '::before').content]);
  assert.equal(label[0], '最近下单');
  assert.ok(!['none', 'normal', ''].includes(label[1]), `the label shows: ${label[1]}`);
  assert.equal(await page.getAttribute(`${byId('customer-row')} >> nth=0 >> ${byId('card-follow-up')}`, 'data-label'), '下次跟进');

  // A column hidden in the table still shows on the card (and the chooser closes on Escape).
  await page.click(byId('column-chooser'));
  await page.uncheck(byId('column-stage'));
  await page.keyboard.press('Escape');
  assert.equal(await page.locator(byId('column-stage')).count(), 0, 'the chooser closed');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'column-chooser');
  await until(async () => (await page.locator(`${byId('customer-row')} [data-col="stage"]`).count()) === 0, 'stage column hidden');
  assert.equal((await card(table.id)).stage, table.stage, 'the stage from the card field');
  await page.click(byId('column-chooser'));
  await page.check(byId('column-stage'));
  await page.click(byId('column-chooser'));
  await until(async () => (await page.locator(`${byId('customer-row')} [data-card="stage"]`).count()) === 0, 'stage column back');
  checkNoErrors(page);
});

test('a revealed phone on a card is a tel: link to the unmasked number', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(server.url + '#/customers');
  await ready(page);
  assert.equal(await page.locator(byId('phone-call')).count(), 0, 'no link while masked');
  await page.click(byId('reveal-phones'));
  const link = page.locator(`${byId('customer-row')} >> nth=0 >> ${byId('phone-call')}`);
  await link.waitFor();
  const href = await link.getAttribute('href');
  const shown = (await link.innerText()).trim();
  assert.ok(await link.isVisible());
  const box = await link.boundingBox();
  assert.ok(box.height >= 44, `the link is a thumb's size: ${box.height}`);
  // The unmasked number, from the customer's form.
  await page.click(`${byId('customer-row')} >> nth=0 >> [data-col="name"]`);
  await page.waitForSelector(byId('customer-detail'));
  const phone = await page.inputValue(byId('field-phone'));
  assert.match(phone, /^1\d{10}$/);
  assert.equal(href, 'tel:' + phone);
  assert.equal(shown, phone);
  await page.click(byId('detail-close'));
  await page.waitForSelector(byId('customer-detail'), { state: 'detached' });
  await page.click(byId('reveal-phones'));
  await until(async () => (await page.locator(byId('phone-call')).count()) === 0, 'masked again');
  checkNoErrors(page);
});

test('a card is ticked by a thumb: a 44 px target that selects without opening the customer', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(server.url + '#/customers');
  await ready(page);
  const row = page.locator(`${byId('customer-row')} >> nth=0`);
  const hit = row.locator('label.check-hit');
  const box = await hit.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `the tick target is ${box.width}×${box.height}`);
  // A tap near the target's corner, away from the box itself, still ticks it.
  await hit.click({ position: { x: 3, y: 3 } });
  await page.waitForSelector(byId('bulk-bar'));
  assert.equal(await row.locator(byId('row-select')).isChecked(), true);
  assert.equal(await page.getAttribute(byId('bulk-count'), 'data-count'), '1');
  assert.equal(await page.locator(byId('customer-detail')).count(), 0, 'the customer did not open');
  await hit.click({ position: { x: 3, y: 3 } });
  await page.waitForSelector(byId('bulk-bar'), { state: 'detached' });
  checkNoErrors(page);
});

test('the detail and the activity form work one-handed at 390×844', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(server.url + '#/customers');
  await ready(page);
  const row = page.locator(`${byId('customer-row')} >> nth=2`);
  const id = await row.getAttribute('data-id');
  await row.click();
  const detail = page.locator(byId('customer-detail'));
  await detail.waitFor();
  // The detail covers the screen, and Save and Close are in view without scrolling.
  const d = await detail.boundingBox();
  assert.deepEqual([d.x, d.y, d.width, d.height], [0, 0, PHONE.width, PHONE.height]);
  for (const id of ['customer-save', 'detail-close']) {
    const b = await page.locator(byId(id)).boundingBox();
    assert.ok(b.y >= 0 && b.y + b.height <= PHONE.height && b.x >= 0 && b.x + b.width <= PHONE.width, `${id} in view: ${JSON.stringify(b)}`);
  }
  // Every control of the form and of the activity form is at least 44 px high and fits.
  const controls = ['detail-close', 'field-name', 'field-phone', 'field-email', 'field-city', 'field-tags', 'field-owner', 'field-stage',
    'customer-save', 'customer-delete', 'activity-kind', 'activity-text', 'activity-outcome', 'activity-next', 'activity-add'];
  for (const c of controls) {
    await page.locator(byId(c)).scrollIntoViewIfNeeded();
    const b = await page.locator(byId(c)).boundingBox();
    assert.ok(b.height >= 44 && b.width >= 44, `${c} is ${b.width}×${b.height}`);
    assert.ok(b.x >= 0 && b.x + b.width <= PHONE.width, `${c} fits across: ${b.x}+${b.width}`);
  }
  const overflow = await detail.evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(overflow[0] <= overflow[1], `the detail scrolls sideways: ${overflow}`);

  const before = await page.locator(byId('activity-item')).count();
  await page.selectOption(byId('activity-kind'), { label: '电话' });
  await page.fill(byId('activity-text'), '电话回访：确认收货地址');
  await page.fill(byId('activity-outcome'), '地址已更新');
  await page.fill(byId('activity-next'), '2031-02-03');
  await page.click(byId('activity-add'));
  await until(async () => (await page.locator(byId('activity-item')).count()) === before + 1, 'the new activity');
  const first = page.locator(`${byId('activity-item')} >> nth=0`);
  assert.equal(await first.getAttribute('data-kind'), await page.$eval(`${byId('activity-kind')} option:checked`, (o) => o.value));
  const text = await first.innerText();
  assert.match(text, /电话回访：确认收货地址/);
  assert.match(text, /地址已更新/);
  assert.match(text, /下次跟进: 2031-02-03/);
  await until(async () => (await page.locator(byId('toast')).allTextContents()).some((t) => t.includes('跟进已记录')), 'the toast');
  assert.equal(await page.inputValue(byId('activity-text')), '', 'the form is empty again');
  await noSideways('detail after adding');

  // Closed, the customer's card shows the new next follow-up.
  await page.click(byId('detail-close'));
  await page.waitForSelector(byId('customer-detail'), { state: 'detached' });
  const next = page.locator(`${byId('customer-row')}[data-id="${id}"] ${byId('card-follow-up')}`);
  await until(async () => (await next.getAttribute('data-date')) === '2031-02-03', 'the card\'s next follow-up');
  assert.equal((await next.innerText()).trim(), '2031-02-03');
  await settled(page);
  checkNoErrors(page);
});
