// End-to-end: the funnel page through the UI contract's hooks — steps chosen with
// `funnel-step-event`, the window changed, results (`funnel-result-step`) equal to the core's
// for the demo seed; a drop-off drilled into, saved as a static segment and opened as a list;
// a breakdown whose groups add up; the URL reproduces the funnel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open, ready, checkNoErrors, byId, count, until, demoEndDate, setUp, tearDown } from './harness.mjs';

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/funnels', { waitFor: 'funnel-result-step' })));
after(() => tearDown({ server, browser }));

/** The core's counts and rates for the demo seed: [{ step, count, rate }]. */
const coreSteps = (steps, value, unit, mode = 'sequential') =>
  execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'funnel_steps', '--', demoEndDate(), steps.join(','), String(value), unit, mode], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [step, n, rate] = line.split(' ');
      return { step, count: Number(n), rate: Number(rate) };
    });

async function shown() {
  return page.locator(byId('funnel-result-step')).evaluateAll((els) =>
    els.map((e) => ({ step: Number(e.dataset.step), count: Number(e.dataset.count), rate: Number(e.dataset.rate) })));
}

async function expectCore(steps, value, unit, mode) {
  const expected = coreSteps(steps, value, unit, mode);
  await until(async () => {
    const s = await shown();
    return s.length === expected.length && s.every((x, i) => x.step === i + 1 && x.count === expected[i].count);
  }, `funnel ${steps.join('→')} ${value} ${unit} ${mode ?? ''}`);
  const s = await shown();
  s.forEach((x, i) => assert.ok(Math.abs(x.rate - expected[i].rate) < 0.0001, `rate of step ${i + 1}`));
  return expected;
}

test('the purchase funnel and a changed window agree with the core', async () => {
  const events = async () => page.locator(byId('funnel-step-event')).evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(await events(), ['visit', 'view', 'add_to_cart', 'checkout', 'pay']);
  const purchase = await expectCore(['visit', 'view', 'add_to_cart', 'checkout', 'pay'], 1, 'day');
  assert.ok(purchase[0].count > purchase[4].count && purchase[4].count > 0);

  await page.fill(byId('funnel-window-value'), '30');
  await page.press(byId('funnel-window-value'), 'Enter');
  await page.selectOption(byId('funnel-window-unit'), 'minute');
  const short = await expectCore(['visit', 'view', 'add_to_cart', 'checkout', 'pay'], 30, 'minute');
  assert.ok(short[4].count <= purchase[4].count);
  await page.selectOption(byId('funnel-mode'), 'strict');
  await expectCore(['visit', 'view', 'add_to_cart', 'checkout', 'pay'], 30, 'minute', 'strict');
  // A property filter on step 1: visits from Tmall only (the filter's first value).
  await page.click(`${byId('funnel-filter-add')} >> nth=0`);
  assert.equal(await page.inputValue(`${byId('funnel-filter-value')} >> nth=0`), 'tmall');
  await expectCore(['visit(channel.tmall)', 'view', 'add_to_cart', 'checkout', 'pay'], 30, 'minute', 'strict');
  checkNoErrors(page);
});

test('steps chosen by hand; a drop-off drilled into, saved as a segment and listed', async () => {
  await page.goto(server.url + '#/funnels');
  await ready(page);
  await page.waitForSelector(byId('funnel-result-step'));
  // Down to two steps, then the second one changed, then a third added.
  for (let k = 0; k < 3; k++) await page.click(`${byId('funnel-step-remove')} >> nth=2`);
  await until(async () => (await page.locator(byId('funnel-step-event')).count()) === 2, 'two steps');
  await page.selectOption(`${byId('funnel-step-event')} >> nth=1`, 'add_to_cart');
  await expectCore(['visit', 'add_to_cart'], 1, 'day');
  await page.click(byId('funnel-step-add'));
  await until(async () => (await page.locator(byId('funnel-step-event')).count()) === 3, 'three steps');
  await page.selectOption(`${byId('funnel-step-event')} >> nth=2`, 'pay');
  const steps = await expectCore(['visit', 'add_to_cart', 'pay'], 1, 'day');

  // Who dropped after adding to cart.
  await page.click(`${byId('funnel-result-step')}[data-step="2"] ${byId('funnel-drill-dropped')}`);
  const dropped = steps[1].count - steps[2].count;
  await until(async () => Number(await page.getAttribute(byId('funnel-drill'), 'data-count')) === dropped, 'the drop-off');
  assert.equal(Number(await page.getAttribute(`${byId('funnel-result-step')}[data-step="2"]`, 'data-dropped')), dropped);
  await page.fill(byId('funnel-drill-name'), '加购未支付');
  await page.click(byId('funnel-drill-save'));
  await page.waitForSelector(`${byId('toast')}`);

  // The same customers as a list, then as the saved static segment.
  await page.click(byId('funnel-drill-open'));
  await until(async () => (await count(page)) === dropped, 'the list holds the drop-off');
  await page.waitForSelector(byId('filter-segment'));
  await page.goto(server.url + '#/segments');
  await ready(page);
  const item = `${byId('segment-item')}[data-name="加购未支付"]`;
  await page.waitForSelector(item);
  assert.equal(Number(await page.getAttribute(item, 'data-count')), dropped);
  assert.equal(await page.getAttribute(item, 'data-static'), 'true');
  checkNoErrors(page);
});

test('a breakdown by channel adds up; the URL reproduces the funnel', async () => {
  await page.goto(server.url + '#/funnels');
  await ready(page);
  await page.waitForSelector(byId('funnel-result-step'));
  await page.selectOption(byId('funnel-breakdown'), 'channel');
  await page.waitForSelector(byId('funnel-group'));
  const groups = await page.locator(byId('funnel-group')).evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
  assert.ok(groups.length >= 2 && groups.length <= 6, `groups: ${groups}`);
  const entered = Number(await page.getAttribute(`${byId('funnel-result-step')}[data-step="1"]`, 'data-count'));
  assert.equal(groups.reduce((a, b) => a + b, 0), entered);

  // Another language names the same groups anew and computes nothing: the groups are the
  // stored channel codes, not their labels.
  const shown = () => page.locator(byId('funnel-group')).evaluateAll((els) => els.map((e) => [e.dataset.name, Number(e.dataset.count)]));
  const runs = () => page.evaluate(() => performance.getEntriesByName('kezhi:funnel').length);
  const zhGroups = await shown();
  const before = await runs();
  assert.ok(zhGroups.some(([name]) => name === '天猫'), `groups: ${zhGroups}`);
  await page.selectOption(byId('lang-switch'), 'en');
  await until(async () => (await shown()).some(([name]) => name === 'Tmall'), 'the groups named in English');
  const enGroups = await shown();
  const label = { 天猫: 'Tmall', 京东: 'JD', 抖音: 'Douyin', 微信小程序: 'WeChat mini-program', 自营App: 'Own app', 线下门店: 'Offline store', 其他: 'Other', '（未填）': '(none)' };
  assert.deepEqual(enGroups, zhGroups.map(([name, n]) => [label[name] ?? name, n]));
  assert.equal(await runs(), before, 'switching the language computed the funnel again');
  await page.selectOption(byId('lang-switch'), 'zh-CN');
  await until(async () => (await shown()).some(([name]) => name === '天猫'), 'the groups named in Chinese again');
  assert.equal(await runs(), before);

  const url = page.url();
  const other = await browser.context.newPage();
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  await other.waitForSelector(byId('funnel-group'));
  const again = await other.locator(byId('funnel-result-step')).evaluateAll((els) => els.map((e) => e.dataset.count));
  const here = await page.locator(byId('funnel-result-step')).evaluateAll((els) => els.map((e) => e.dataset.count));
  assert.deepEqual(again, here);
  await other.close();

  // The lifecycle stage funnel counts everyone at one of its stages.
  await page.click(`${byId('funnel-template')}[data-code="stages"]`);
  await page.waitForSelector(byId('stage-funnel-step'));
  const stages = await page.locator(byId('stage-funnel-step')).evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
  assert.equal(stages.length, 4);
  assert.ok(stages.reduce((a, b) => a + b, 0) > 0);
  checkNoErrors(page);
});

test('leaving a changed funnel counts nothing more; coming back shows it again', async () => {
  await page.goto(server.url + '#/funnels');
  await ready(page);
  await page.waitForSelector(byId('funnel-result-step'));
  const runs = () => page.evaluate(() => performance.getEntriesByName('kezhi:funnel').length);
  const before = await runs();
  await page.fill(byId('funnel-window-value'), '2');
  await page.press(byId('funnel-window-value'), 'Enter');
  const twoDays = await expectCore(['visit', 'view', 'add_to_cart', 'checkout', 'pay'], 2, 'day');
  await until(async () => (await runs()) > before, 'the 2-day funnel counted');
  const counted = await runs();
  // The route changes before the page is taken down; the page must not count the funnel
  // of the next view's (default) parameters meanwhile.
  await page.click(byId('nav-dashboard'));
  await page.waitForSelector(byId('kpi-customers'));
  await page.waitForTimeout(300);
  assert.equal(await runs(), counted, 'leaving the funnel page counted a funnel');
  await page.goBack();
  await page.waitForSelector(byId('funnel-result-step'));
  const back = await expectCore(['visit', 'view', 'add_to_cart', 'checkout', 'pay'], 2, 'day');
  assert.deepEqual(back, twoDays);
  assert.equal(await runs(), counted + 1, 'the page opened again counts its funnel once');
  checkNoErrors(page);
});
