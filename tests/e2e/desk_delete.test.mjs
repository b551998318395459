// End-to-end: deleting the desk's records entered by mistake (issue 16) — a request card
// (`request-delete`), a recommendation (`recommendation-delete`) and a care campaign with all
// its contact tasks (`campaign-delete`), each asked first in the confirmation dialog (the
// campaign's question says how many tasks go with it), each with an Undo in the toast. The
// counts drop by exactly one, the campaign's care contacts leave Today, the records and their
// tombstones are in IndexedDB (a reload keeps them deleted), and an undo brings back exactly
// what went — kept across a reload too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ready, checkNoErrors, byId, until, settled, setUp, tearDown, idbStats } from './harness.mjs';

let server, browser, page;
before(async () => {
  ({ server, browser, page } = await setUp('#/customers', { waitFor: 'customer-row' }));
  await page.goto(server.url + '#/requests');
  await ready(page);
  await page.waitForSelector(byId('request-item'));
});
after(() => tearDown({ server, browser }));

const countOf = async (hook) => Number(await page.getAttribute(byId(hook), 'data-count'));
const careGroup = `${byId('today-group')}[data-reason="care"]`;
/** Today's care contacts for everyone (0 when the group is gone). */
async function careCount() {
  await page.goto(server.url + '#/today');
  await ready(page);
  await page.waitForSelector(byId('today-count'));
  const group = await page.$(careGroup);
  return group ? Number(await page.getAttribute(`${careGroup} ${byId('today-group-count')}`, 'data-count')) : 0;
}
/** Says yes to the confirmation dialog, after checking what it asks. */
async function confirm(question) {
  await page.waitForSelector(byId('confirm-dialog'));
  assert.match(await page.textContent(byId('confirm-dialog')), question);
  await page.click(byId('confirm-yes'));
  await page.waitForSelector(byId('confirm-dialog'), { state: 'detached' });
}
const undo = () => page.click(`${byId('toast')} ${byId('undo')}`);

let requests, recommendations, careBefore, todayBefore, tasks, stored;
let requestId, recommendationId, campaignId;

test('a request card, a recommendation and a campaign with its tasks are deleted; undo brings them back', async () => {
  await settled(page);
  stored = await idbStats(page);

  // A request card: asked, deleted (one fewer listed), undone (back), deleted again.
  requests = await countOf('requests-count');
  requestId = await page.getAttribute(`${byId('request-item')} >> nth=0`, 'data-id');
  const card = `${byId('request-item')}[data-id="${requestId}"]`;
  await page.click(`${card} ${byId('request-delete')}`);
  // "No" keeps it.
  await page.waitForSelector(byId('confirm-dialog'));
  await page.click(byId('confirm-no'));
  assert.equal(await countOf('requests-count'), requests);
  await page.click(`${card} ${byId('request-delete')}`);
  await confirm(/需求卡/);
  await until(async () => (await countOf('requests-count')) === requests - 1, 'one request fewer');
  assert.equal(await page.locator(card).count(), 0);
  await undo();
  await until(async () => (await countOf('requests-count')) === requests, 'the request back');
  assert.equal(await page.locator(card).count(), 1);
  await page.click(`${card} ${byId('request-delete')}`);
  await confirm(/需求卡/);
  await until(async () => (await countOf('requests-count')) === requests - 1, 'deleted again');

  // The campaign: its care contacts are on Today.
  careBefore = await careCount();
  todayBefore = await countOf('today-count');
  assert.ok(careBefore > 0, 'the demo campaign has contacts to make today');
  await page.goto(server.url + '#/campaigns');
  await ready(page);
  await page.click(byId('campaign-open'));
  await page.waitForSelector(byId('campaign-progress'));
  campaignId = await page.getAttribute(byId('campaign-view'), 'data-id');
  tasks = Number(await page.getAttribute(byId('campaign-progress'), 'data-total'));
  await page.click(byId('campaign-delete'));
  // The question says how many tasks go with it.
  await confirm(new RegExp(`${tasks.toLocaleString('en-US')} 条联系任务`));
  await page.waitForSelector(byId('campaign-item'), { state: 'detached' });
  assert.ok(!page.url().includes('id='), 'back on the list');
  assert.equal(await page.locator(byId('campaign-item')).count(), 0);
  // Undo: the campaign and every task back.
  await undo();
  await page.waitForSelector(byId('campaign-item'));
  assert.equal(await page.getAttribute(byId('campaign-item'), 'data-id'), campaignId);
  assert.equal(Number(await page.getAttribute(byId('campaign-item'), 'data-tasks')), tasks);
  await settled(page);
  assert.equal(await careCount(), careBefore, 'the care contacts back on Today');
  // Deleted for good: Today loses exactly its care contacts.
  await page.goto(server.url + `#/campaigns?id=${campaignId}`);
  await ready(page);
  await page.click(byId('campaign-delete'));
  await confirm(/关怀活动/);
  await page.waitForSelector(byId('campaign-item'), { state: 'detached' });
  assert.equal(await careCount(), 0);
  assert.equal(await page.locator(careGroup).count(), 0);
  assert.equal(await countOf('today-count'), todayBefore - careBefore);

  // A recommendation, from the recommended list.
  await page.goto(server.url + '#/recommendations');
  await ready(page);
  await page.waitForSelector(byId('recommendation-row'));
  recommendations = await countOf('recommendation-count');
  recommendationId = await page.getAttribute(`${byId('recommendation-row')} >> nth=0`, 'data-id');
  await page.click(`${byId('recommendation-row')}[data-id="${recommendationId}"] ${byId('recommendation-delete')}`);
  await confirm(/推介/);
  await until(async () => (await countOf('recommendation-count')) === recommendations - 1, 'one recommendation fewer');
  assert.equal(await page.locator(`${byId('recommendation-row')}[data-id="${recommendationId}"]`).count(), 0);
  checkNoErrors(page);
});

test('after a reload they stay deleted: IndexedDB holds the deletions and their tombstones', async () => {
  await settled(page);
  const now = await idbStats(page);
  assert.equal(now.requests.count, stored.requests.count - 1);
  assert.equal(now.recommendations.count, stored.recommendations.count - 1);
  assert.equal(now.campaigns.count, stored.campaigns.count - 1);
  assert.equal(now.campaign_tasks.count, stored.campaign_tasks.count - tasks);
  assert.equal(now.tombstones.count, stored.tombstones.count + 1 + 1 + 1 + tasks);

  await page.goto(server.url + '#/requests');
  await page.reload();
  await ready(page);
  await page.waitForSelector(byId('request-item'));
  assert.equal(await countOf('requests-count'), requests - 1);
  assert.equal(await page.locator(`${byId('request-item')}[data-id="${requestId}"]`).count(), 0);
  await page.goto(server.url + '#/recommendations');
  await ready(page);
  await page.waitForSelector(byId('recommendation-row'));
  assert.equal(await countOf('recommendation-count'), recommendations - 1);
  assert.equal(await page.locator(`${byId('recommendation-row')}[data-id="${recommendationId}"]`).count(), 0);
  await page.goto(server.url + '#/campaigns');
  await ready(page);
  await page.waitForSelector(byId('campaign-form'));
  assert.equal(await page.locator(byId('campaign-item')).count(), 0);
  assert.equal(await careCount(), 0);
  assert.equal(await countOf('today-count'), todayBefore - careBefore);
  checkNoErrors(page);
});

test('a recommendation deleted on the customer and undone is back after a reload', async () => {
  await page.goto(server.url + '#/recommendations');
  await ready(page);
  await page.waitForSelector(byId('recommendation-row'));
  const row = await page.$(`${byId('recommendation-row')} >> nth=0`);
  const id = await row.getAttribute('data-id');
  await row.$('a').then((a) => a.click());
  await page.waitForSelector(byId('customer-recommendations'));
  const item = `${byId('recommendation-item')}[data-id="${id}"]`;
  await page.waitForSelector(item);
  const before = await page.locator(byId('recommendation-item')).count();
  await page.click(`${item} ${byId('recommendation-delete')}`);
  await confirm(/推介/);
  await until(async () => (await page.locator(byId('recommendation-item')).count()) === before - 1, 'gone from the customer');
  await undo();
  await page.waitForSelector(item);
  assert.equal(await page.locator(byId('recommendation-item')).count(), before);
  await settled(page);
  await page.reload();
  await ready(page);
  await page.waitForSelector(item);
  await page.goto(server.url + '#/recommendations');
  await ready(page);
  await page.waitForSelector(byId('recommendation-row'));
  assert.equal(await countOf('recommendation-count'), recommendations - 1, 'only the first one stays deleted');
  checkNoErrors(page);
});
