// End-to-end: the account manager's day (issue 16; hooks in the shared UI contract,
// "Today"): `whoami` picks a manager and is remembered; `nav-today` counts per reason; each
// `today-item` names its customer and reason; `today-done` records the contact in one tap (the
// item goes, the customer's activities show it; the toast undoes it), Details first lets the
// kind, outcome and next date be chosen; a snooze moves a follow-up off today. A constructed
// case with exact items, the demo against the core's own list (requests and a care campaign
// included), and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, open, ready, checkNoErrors, byId, loadDemo, until, settled, demoEndDate } from './harness.mjs';

const PHONE = { width: 390, height: 844 };

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** A date `days` from today in China (the browsers run in Asia/Shanghai), as YYYY-MM-DD. */
function chinaDate(days) {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The items shown, in order: [customer id, reason]. */
const items = (page) => page.$$eval(byId('today-item'), (els) => els.map((e) => [e.dataset.id, e.dataset.reason]));
const shownCount = async (page) => Number(await page.getAttribute(byId('today-count'), 'data-count'));
const item = (id, reason) => `${byId('today-item')}[data-id="${id}"][data-reason="${reason}"]`;
/** The navigation's badges: { reason: count }. */
const badges = (page) => page.$$eval(`${byId('nav-today')} [data-reason]`, (els) => Object.fromEntries(els.map((e) => [e.dataset.reason, Number(e.dataset.count)])));

/** Creates a customer through the form (an owner, a phone) and returns its id. */
async function createCustomer(page, name, owner, phone) {
  await page.goto(server.url + '#/customers?new=1');
  await ready(page);
  await page.fill(byId('field-name'), name);
  await page.fill(byId('field-phone'), phone);
  await page.fill(byId('field-owner'), owner);
  await page.click(byId('customer-save'));
  await until(() => new URL(page.url().replace('#/', '')).searchParams.get('id'), `${name} saved`);
  return new URL(page.url().replace('#/', '')).searchParams.get('id');
}

/** Records a call on the open customer that plans the next follow-up for `next`. */
async function planFollowUp(page, text, next) {
  const before = await page.locator(byId('activity-item')).count();
  await page.fill(byId('activity-text'), text);
  await page.fill(byId('activity-next'), next);
  await page.click(byId('activity-add'));
  await until(async () => (await page.locator(byId('activity-item')).count()) === before + 1, 'the plan recorded');
}

test('a constructed day: exact items, Done with details, snooze, whoami kept after a reload', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/today');
    // No data yet: the page offers the demo, as the others do; nobody to choose in whoami.
    assert.equal(await shownCount(page), 0);
    await page.waitForSelector(byId('load-demo'));
    assert.deepEqual(await page.$$eval(`${byId('whoami')} option`, (o) => o.map((x) => [x.value, x.textContent])), [['', '所有人']]);

    const dueToday = await createCustomer(page, '今天跟进', '测试经理', '13800000001');
    await planFollowUp(page, '约好今天回电', chinaDate(0));
    const late = await createCustomer(page, '逾期三天', '测试经理', '13800000002');
    await planFollowUp(page, '说好三天前回访', chinaDate(-3));
    const other = await createCustomer(page, '别人的客户', '另一位经理', '13800000003');
    await planFollowUp(page, '今天回电', chinaDate(0));
    // Planned for later: not today's.
    await createCustomer(page, '下周再说', '测试经理', '13800000004');
    await planFollowUp(page, '下周联系', chinaDate(7));
    await settled(page);

    await page.click(byId('nav-today'));
    await page.waitForSelector(byId('today-item'));
    // Everyone's day, then one manager's (the menu: everyone, then the managers by name).
    assert.deepEqual(await items(page), [[dueToday, 'follow_up'], [other, 'follow_up'], [late, 'overdue']]);
    assert.deepEqual(await page.$$eval(`${byId('whoami')} option`, (o) => o.map((x) => x.value)), ['', '另一位经理', '测试经理']);
    await page.selectOption(byId('whoami'), '测试经理');
    await until(async () => (await shownCount(page)) === 2, 'my day');
    assert.deepEqual(await items(page), [[dueToday, 'follow_up'], [late, 'overdue']]);
    assert.deepEqual(await badges(page), { follow_up: 1, overdue: 1 });
    assert.equal((await page.textContent(`${item(late, 'overdue')} ${byId('today-why')}`)).trim(), `逾期 3 天（原定 ${chinaDate(-3)}）`);
    assert.equal((await page.textContent(`${item(dueToday, 'follow_up')} ${byId('today-why')}`)).trim(), '计划今天跟进');
    assert.match(await page.textContent(`${item(dueToday, 'follow_up')} ${byId('today-last-contact')}`), new RegExp(`${chinaDate(0)} \\(今天\\)`));
    // The phone is masked until shown, then a tel: link.
    assert.equal((await page.textContent(`${item(dueToday, 'follow_up')} ${byId('today-phone-masked')}`)).trim(), '138****0001');
    assert.equal(await page.locator(`${item(dueToday, 'follow_up')} ${byId('today-phone')}`).count(), 0);
    await page.click(`${item(dueToday, 'follow_up')} ${byId('today-phone-show')}`);
    assert.equal(await page.getAttribute(`${item(dueToday, 'follow_up')} ${byId('today-phone')}`, 'href'), 'tel:13800000001');

    // Details, then Record (a call, prefilled).
    await page.click(`${item(dueToday, 'follow_up')} ${byId('today-done-details')}`);
    assert.equal(await page.inputValue(byId('today-done-kind')), '0', 'a call');
    assert.equal(await page.inputValue(byId('today-done-outcome')), '');
    assert.equal(await page.inputValue(byId('today-done-next')), '');
    await page.click(byId('today-done-confirm'));
    await until(async () => (await shownCount(page)) === 1, 'the item done');
    assert.deepEqual(await items(page), [[late, 'overdue']]);
    assert.deepEqual(await badges(page), { overdue: 1 });
    await settled(page);

    // Snooze the overdue one to tomorrow: off today's list.
    await page.click(`${item(late, 'overdue')} ${byId('today-snooze')}`);
    assert.equal(await page.getAttribute(byId('today-snooze-tomorrow'), 'data-date'), chinaDate(1));
    await page.click(byId('today-snooze-tomorrow'));
    await until(async () => (await shownCount(page)) === 0, 'snoozed');
    await page.waitForSelector(byId('today-empty'));
    assert.deepEqual(await badges(page), {});
    await settled(page);

    // After a reload: still that manager, still nothing to do (both changes were stored).
    await page.reload();
    await ready(page);
    assert.equal(await page.inputValue(byId('whoami')), '测试经理');
    assert.equal(await shownCount(page), 0);

    // The contact is in the customer's activities, newest first; the snoozed plan moved.
    await page.goto(server.url + `#/customers?id=${dueToday}`);
    await page.waitForSelector(byId('activity-item'));
    const first = page.locator(`${byId('activity-item')} >> nth=0`);
    assert.equal(await first.getAttribute('data-kind'), '0');
    assert.match(await first.innerText(), /今日跟进/);
    assert.match(await first.innerText(), /测试经理/);
    await page.goto(server.url + `#/customers?id=${late}`);
    await page.waitForSelector(byId('activity-item'));
    assert.match(await page.textContent(`${byId('activity-item')} >> nth=0`), new RegExp(`下次跟进: ${chinaDate(1)}`));
    // "My customers" on the list: the owner filter set to whoami.
    await page.goto(server.url + '#/customers');
    await ready(page);
    assert.equal(await page.getAttribute(byId('filter-mine'), 'aria-pressed'), 'false');
    await page.click(byId('filter-mine'));
    await until(async () => Number(await page.getAttribute(byId('customer-count'), 'data-count')) === 3, 'my three customers');
    assert.equal(await page.getAttribute(byId('filter-mine'), 'aria-pressed'), 'true');
    assert.equal(await page.inputValue(byId('filter-owner')), '测试经理');
    await page.click(byId('filter-mine'));
    await until(async () => Number(await page.getAttribute(byId('customer-count'), 'data-count')) === 4, 'everyone\'s again');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('the demo\'s day is the core\'s, per manager; Done and snooze at that size', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/today');
    await loadDemo(page);
    const expected = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'today_items', '--', demoEndDate()], { encoding: 'utf8' }));
    await until(async () => (await shownCount(page)) === expected.everyone, 'everyone\'s count');
    // Everyone's whole day is drawn (fewer than 1,000 per reason): the count is what is shown,
    // in the core's order.
    // (The managers' items; customers without a manager are only in everyone's.)
    const everyone = Object.values(expected.managers).flat();
    // (Drawn a frame at a time: the rest follows the first hundred per reason.)
    await until(async () => (await items(page)).length === expected.everyone, 'everyone\'s items drawn');
    const reasons = new Set((await items(page)).map(([, r]) => r));
    for (const r of ['follow_up', 'overdue', 'birthday', 'at_risk', 'request', 'care']) assert.ok(reasons.has(r), `the demo's day has ${r}`);

    // A care contact, Done in one tap: its campaign task is marked (the campaign's progress
    // moves) and a Care activity named after the campaign is on the customer; Undo takes both
    // back.
    const careOnce = everyone.find(([id, r]) => r === 'care' && everyone.filter(([x]) => x === id).length === 1);
    assert.ok(careOnce, 'a customer with only a care contact');
    const [careId] = careOnce;
    const careItem = item(careId, 'care');
    assert.match(await page.inputValue(`${careItem} ${byId('today-care-message')}`), /您好/);
    const todo = async () => {
      await page.goto(server.url + '#/campaigns');
      await page.click(byId('campaign-open'));
      await page.waitForSelector(byId('campaign-progress'));
      return Number(await page.getAttribute(byId('campaign-progress'), 'data-todo'));
    };
    const todoBefore = await todo();
    await page.click(byId('nav-today'));
    await page.waitForSelector(careItem);
    await page.click(`${careItem} ${byId('today-done')}`);
    await until(async () => (await shownCount(page)) === expected.everyone - 1, 'the care contact done');
    assert.equal(await page.locator(careItem).count(), 0);
    await page.click(`${byId('toast')} ${byId('undo')}`);
    await until(async () => (await shownCount(page)) === expected.everyone, 'undone');
    assert.equal(await page.locator(careItem).count(), 1);
    await settled(page);
    assert.equal(await todo(), todoBefore, 'undo puts the task back');
    await page.click(byId('nav-today'));
    await page.click(`${careItem} ${byId('today-done')}`);
    await until(async () => (await shownCount(page)) === expected.everyone - 1, 'done again');
    await settled(page);
    assert.equal(await todo(), todoBefore - 1, 'the task is done');
    await page.goto(server.url + `#/customers?id=${careId}`);
    await page.waitForSelector(byId('activity-item'));
    const care = page.locator(`${byId('activity-item')} >> nth=0`);
    assert.equal(await care.getAttribute('data-kind'), '3', 'a care contact');
    // A request due: Done takes it off today's list; the request itself stays open.
    await page.click(byId('nav-today'));
    await page.waitForSelector(byId('today-item'));
    const reqOnce = everyone.find(([id, r]) => r === 'request' && everyone.filter(([x]) => x === id).length === 1);
    assert.ok(reqOnce, 'a customer with only a request due');
    const reqItem = item(reqOnce[0], 'request');
    assert.ok((await page.textContent(`${reqItem} ${byId('today-request')}`)).trim().length > 0);
    await page.click(`${reqItem} ${byId('today-done')}`);
    await until(async () => (await shownCount(page)) === expected.everyone - 2, 'the request seen to today');
    await page.goto(server.url + `#/customers?id=${reqOnce[0]}`);
    await page.waitForSelector(`${byId('customer-requests')} ${byId('request-item')}`);
    const statuses = await page.$$eval(`${byId('customer-requests')} ${byId('request-item')}`, (els) => els.map((e) => e.dataset.status));
    assert.ok(statuses.some((st) => st === 'open' || st === 'in_progress'), `still open: ${statuses}`);
    await page.click(byId('nav-today'));
    await page.waitForSelector(byId('today-item'));
    // A manager with follow-ups due today, overdue ones and birthdays (a fresh demo is a day's
    // work); for Done and Snooze, a follow-up due and an overdue one of customers listed once.
    const once = (l, reason) => l.find(([id, r]) => r === reason && l.filter(([x]) => x === id).length === 1);
    const [name, list] = Object.entries(expected.managers)
      .find(([, l]) => once(l, 'follow_up') && once(l, 'overdue') && l.some(([, r]) => r === 'birthday')
        && !l.some(([id]) => id === careId || id === reqOnce[0]));
    await page.selectOption(byId('whoami'), name);
    await until(async () => (await shownCount(page)) === list.length, `${name}'s count`);
    const per = {};
    for (const [, r] of list) per[r] = (per[r] ?? 0) + 1;
    assert.deepEqual(await items(page), list);
    assert.deepEqual(await badges(page), per);

    // Done on a follow-up due today whose customer has no other item.
    const [done] = once(list, 'follow_up');
    await page.click(`${item(done, 'follow_up')} ${byId('today-done-details')}`);
    await page.selectOption(byId('today-done-kind'), { label: '拜访' });
    await page.fill(byId('today-done-outcome'), '已上门');
    await page.click(byId('today-done-confirm'));
    await until(async () => (await shownCount(page)) === list.length - 1, 'one fewer');
    assert.equal(await page.locator(`${byId('today-item')}[data-id="${done}"]`).count(), 0);
    // Snooze an overdue follow-up to a chosen date.
    const [late] = once(list, 'overdue');
    await page.click(`${item(late, 'overdue')} ${byId('today-snooze')}`);
    await page.fill(byId('today-snooze-date'), chinaDate(10));
    await page.click(byId('today-snooze-apply'));
    await until(async () => (await shownCount(page)) === list.length - 2, 'two fewer');
    assert.equal(await page.locator(`${byId('today-item')}[data-id="${late}"]`).count(), 0);
    await settled(page);
    await page.goto(server.url + `#/customers?id=${done}`);
    await page.waitForSelector(byId('activity-item'));
    const first = page.locator(`${byId('activity-item')} >> nth=0`);
    assert.equal(await first.getAttribute('data-kind'), '1');
    assert.match(await first.innerText(), /已上门/);
    checkNoErrors(page);

    // On a phone: nothing sideways, every control a thumb's size.
    await page.setViewportSize(PHONE);
    await page.goto(server.url + '#/today');
    await ready(page);
    await page.waitForSelector(byId('today-item'));
    const wide = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(wide[0] <= wide[1], `the page scrolls sideways: ${wide}`);
    const target = `${byId('today-item')}[data-reason="overdue"] >> nth=0`;
    await page.click(`${target} >> ${byId('today-snooze')}`);
    await page.click(`${target} >> ${byId('today-done-details')}`);
    for (const id of ['whoami', 'nav-today', 'today-customer', 'today-phone-show', 'today-done', 'today-done-details', 'today-snooze', 'today-done-kind', 'today-done-outcome', 'today-done-next', 'today-done-confirm', 'today-care-copy']) {
      const el = page.locator(`${byId(id)} >> nth=0`);
      await el.scrollIntoViewIfNeeded();
      const b = await el.boundingBox();
      assert.ok(b.height >= 44, `${id} is ${b.height} px high`);
      assert.ok(b.x >= 0 && b.x + b.width <= PHONE.width, `${id} fits across: ${b.x}+${b.width}`);
    }
    const after = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(after[0] <= after[1], `the open form scrolls sideways: ${after}`);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
