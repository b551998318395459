// End-to-end: the account manager's desk (issue 16) — a care campaign over a typed segment
// creates exactly one task per member (`campaign-task`), marking one done moves the progress
// (`campaign-progress`) and records a Care activity on the customer (`activity-item`,
// data-kind 3); a recommendation recorded on a customer and moved to won shows in the
// recommendations page's lists and conversion table (`recommendation-…`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkNoErrors, byId, until, setUp, tearDown, settled, launch, open, loadDemo } from './harness.mjs';

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/import', { demo: false, waitFor: 'import-file' })));
after(() => tearDown({ server, browser }));

// Five customers: three in 杭州 (two of 李经理's, one without a manager), two elsewhere.
const CSV = [
  '姓名,手机,城市,客户经理',
  '王芳,13800000001,杭州,李经理',
  '张伟,13800000002,杭州,李经理',
  '陈静,13800000003,杭州,',
  '刘洋,13800000004,上海,赵经理',
  '周敏,13800000005,北京,赵经理',
].join('\n');

const TEMPLATE = '{name}{title}您好，我是{owner}，祝您中秋快乐！';

async function progress() {
  const p = byId('campaign-progress');
  const n = async (attr) => Number(await page.getAttribute(p, attr));
  return { total: await n('data-total'), todo: await n('data-todo'), done: await n('data-done'), noAnswer: await n('data-no-answer'), declined: await n('data-declined') };
}

test('a campaign over a segment: one task per member, progress, a Care activity; a recommendation won and converted', async () => {
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'desk.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.waitForSelector(byId('import-preview-row'));
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
  assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '5');

  // A new campaign over a typed query.
  await page.click(byId('nav-campaigns'));
  await page.waitForSelector(byId('campaign-form'));
  await page.fill(byId('campaign-name'), '中秋关怀');
  await page.selectOption(byId('campaign-occasion'), 'mid_autumn');
  await page.fill(byId('campaign-query'), 'city = "杭州"');
  await until(async () => (await page.getAttribute(byId('campaign-members'), 'data-count')) === '3', 'three members');
  await page.fill(byId('campaign-template'), TEMPLATE);
  await page.click(byId('campaign-create'));
  await page.waitForSelector(byId('campaign-view'));

  // Exactly one task per member, all to do.
  await until(async () => (await page.locator(byId('campaign-task')).count()) === 3, 'three tasks');
  const customers = await page.$$eval(byId('campaign-task'), (els) => els.map((e) => e.dataset.customer));
  assert.equal(new Set(customers).size, 3, 'one task per customer');
  assert.deepEqual(await progress(), { total: 3, todo: 3, done: 0, noAnswer: 0, declined: 0 });

  // The personalised message: unknown gender, so the name alone; no manager, nothing in its place.
  const task = (name) => page.locator(byId('campaign-task'), { hasText: name });
  assert.equal(await task('王芳').locator(byId('campaign-message')).inputValue(), '王芳您好，我是李经理，祝您中秋快乐！');
  assert.equal(await task('陈静').locator(byId('campaign-message')).inputValue(), '陈静您好，我是，祝您中秋快乐！');

  // Copy: the clipboard holds the message and the toast says so; where the browser refuses,
  // the toast says the text is selected for Ctrl+C instead (it said "copied" before waiting
  // for the browser's answer).
  const toasts = () => page.locator(byId('toast')).allTextContents();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  await task('王芳').locator(byId('campaign-copy')).click();
  await until(async () => (await toasts()).some((t) => t.includes('已复制到剪贴板')), 'copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '王芳您好，我是李经理，祝您中秋快乐！');
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  await task('陈静').locator(byId('campaign-copy')).click();
  await until(async () => (await toasts()).some((t) => t.includes('请按 Ctrl+C 复制')), 'selected for Ctrl+C');
  const selected = await task('陈静').locator(byId('campaign-message')).evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selected, '陈静您好，我是，祝您中秋快乐！');

  // One manager's tasks.
  await page.selectOption(byId('campaign-manager'), '李经理');
  await until(async () => (await page.locator(byId('campaign-task')).count()) === 2, 'two of 李经理\'s');
  assert.equal((await progress()).total, 2);
  await page.selectOption(byId('campaign-manager'), '');
  await until(async () => (await page.locator(byId('campaign-task')).count()) === 3, 'everyone\'s again');

  // Done: the progress moves by exactly one.
  await task('王芳').locator(byId('campaign-done')).click();
  await until(async () => (await progress()).done === 1, 'one done');
  assert.deepEqual(await progress(), { total: 3, todo: 2, done: 1, noAnswer: 0, declined: 0 });
  await task('张伟').locator(byId('campaign-no-answer')).click();
  await until(async () => (await progress()).noAnswer === 1, 'one no answer');
  assert.deepEqual(await progress(), { total: 3, todo: 1, done: 1, noAnswer: 1, declined: 0 });
  assert.equal(await page.getAttribute(byId('campaign-contacted'), 'data-customers'), '1');
  assert.equal(await page.getAttribute(byId('campaign-not-contacted'), 'data-customers'), '2');
  assert.equal(await page.locator(`${byId('campaign-task')}[data-status="done"]`).textContent().then((t) => t.includes('王芳')), true);

  // The list shows the campaign with its figures.
  await page.click(byId('campaign-back'));
  await page.waitForSelector(byId('campaign-item'));
  assert.equal(await page.getAttribute(byId('campaign-item'), 'data-tasks'), '3');
  assert.equal(await page.getAttribute(byId('campaign-item'), 'data-done'), '1');

  // The customer's history has the Care activity, named after the campaign.
  await page.click(byId('campaign-open'));
  await page.waitForSelector(byId('campaign-view'));
  await task('王芳').locator('a', { hasText: '王芳' }).click();
  await page.waitForSelector(byId('customer-detail'));
  const care = page.locator(`${byId('activity-item')}[data-kind="3"]`);
  await until(async () => (await care.count()) === 1, 'the Care activity');
  assert.match(await care.textContent(), /中秋关怀/);
  assert.match(await care.textContent(), /李经理/);

  // A recommendation on the same customer: recorded, interested, won with an amount.
  await page.fill(byId('recommendation-product'), '年度理财计划');
  await page.fill(byId('recommendation-amount'), '1.2万');
  assert.equal(await page.inputValue(byId('recommendation-owner')), '李经理', 'the customer\'s manager by default');
  await page.click(byId('recommendation-add'));
  await until(async () => (await page.getAttribute(byId('recommendation-item'), 'data-status')) === 'recommended', 'recorded');
  await page.click(byId('recommendation-interested'));
  await until(async () => (await page.getAttribute(byId('recommendation-item'), 'data-status')) === 'interested', 'interested');
  await page.fill(byId('recommendation-won-amount'), '15,000');
  await page.click(byId('recommendation-won'));
  await until(async () => (await page.getAttribute(byId('recommendation-item'), 'data-status')) === 'won', 'won');
  await settled(page);

  // The recommendations page: the won one is recommended, not to follow up; the conversion.
  await page.click(byId('nav-recommendations'));
  await page.waitForSelector(byId('recommendation-by-manager'));
  assert.equal(await page.getAttribute(byId('recommendation-count'), 'data-count'), '1');
  assert.equal(await page.getAttribute(byId('recommendation-row'), 'data-status'), 'won');
  // None of these customers spent anything: nobody is in the top tier, nothing is interested.
  assert.equal(await page.getAttribute(byId('recommendation-follow-count'), 'data-count'), '0');
  const row = page.locator(`${byId('recommendation-by-manager')} ${byId('recommendation-conversion-row')}`);
  assert.equal(await row.count(), 1);
  const figures = async (r) => Object.fromEntries(await Promise.all(['data-key', 'data-total', 'data-recommended', 'data-interested', 'data-won', 'data-declined', 'data-won-cents']
    .map(async (a) => [a.slice(5), await r.getAttribute(a)])));
  assert.deepEqual(await figures(row), { key: '李经理', total: '1', recommended: '0', interested: '0', won: '1', declined: '0', 'won-cents': '1500000' });
  const product = page.locator(`${byId('recommendation-by-product')} ${byId('recommendation-conversion-row')}`);
  assert.deepEqual(await figures(product), { key: '年度理财计划', total: '1', recommended: '0', interested: '0', won: '1', declined: '0', 'won-cents': '1500000' });
  assert.match(await row.textContent(), /100\.0%/);
  assert.match(await row.textContent(), /¥15,000\.00/);
  // Another manager's filter shows none of it.
  await page.selectOption(byId('recommendation-manager'), '赵经理');
  await until(async () => (await page.getAttribute(byId('recommendation-count'), 'data-count')) === '0', '赵经理 has none');
  assert.equal(await page.getAttribute(`${byId('recommendation-by-manager')} ${byId('recommendation-conversion-total')}`, 'data-total'), '0');
  checkNoErrors(page);
});

test('the demo shows a real day: recommendations in every status, a past campaign with tasks in every status', async () => {
  const other = await launch();
  try {
    const demo = await open(other.context, server.url + '#/campaigns');
    await loadDemo(demo);
    await demo.waitForSelector(byId('campaign-item'));
    assert.equal(await demo.locator(byId('campaign-item')).count(), 1);
    await demo.click(byId('campaign-open'));
    await demo.waitForSelector(byId('campaign-progress'));
    const p = byId('campaign-progress');
    const figures = await Promise.all(['data-todo', 'data-done', 'data-no-answer', 'data-declined'].map(async (a) => Number(await demo.getAttribute(p, a))));
    assert.ok(figures.every((n) => n > 0), `every status: ${figures}`);
    assert.equal(Number(await demo.getAttribute(p, 'data-total')), figures.reduce((a, b) => a + b));
    assert.equal(await demo.getAttribute(byId('campaign-results'), 'data-open'), '0', 'every window over');
    await demo.click(byId('nav-recommendations'));
    await demo.waitForSelector(byId('recommendation-row'));
    const statuses = new Set(await demo.$$eval(byId('recommendation-row'), (els) => els.map((e) => e.dataset.status)));
    assert.deepEqual([...statuses].sort(), ['declined', 'interested', 'recommended', 'won']);
    assert.ok(Number(await demo.getAttribute(byId('recommendation-follow-count'), 'data-count')) > 0);
    checkNoErrors(demo);
  } finally {
    await other.close();
  }
});
