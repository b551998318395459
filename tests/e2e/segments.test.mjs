// End-to-end: the segment page through the UI contract's hooks — a typed query's count agrees
// with the core for the demo seed, errors keep the text, dynamic and static segments, export,
// the query in the URL, templates and opening a segment as a customer list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { open, ready, checkNoErrors, byId, count, until, demoEndDate, settled, setUp, tearDown } from './harness.mjs';

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/segments', { waitFor: 'segment-query' })));
after(() => tearDown({ server, browser }));

const coreCount = (query) =>
  Number(execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'segment_count', '--', demoEndDate(), query], { encoding: 'utf8' }).trim());

const segmentCount = async () => Number(await page.getAttribute(byId('segment-count'), 'data-count'));

async function typeQuery(q) {
  await page.fill(byId('segment-query'), q);
  await until(async () => (await page.url()).includes('q=') && decodeURIComponent(new URL(page.url().replace('#/', '')).searchParams.get('q') ?? '') === q, 'the query in the URL');
}

test('a typed query counts what the core counts; errors keep the text', async () => {
  const q = 'total_spent > 2000 AND orders >= 2 AND (city IN ("上海", "北京") OR tags HAS ANY ("VIP"))';
  await typeQuery(q);
  const expected = coreCount(q);
  await until(async () => (await segmentCount()) === expected, `count ${expected}`);
  assert.ok(expected > 0);
  const rate = await page.getAttribute(byId('segment-share'), 'data-rate');
  assert.match(rate, /^0\.\d{4,}$/);
  assert.ok(Math.abs(Number(rate) - expected / 5000) < 1e-6);
  assert.equal(await page.locator(byId('segment-preview-row')).count(), Math.min(10, expected));

  // Chinese field names work too.
  await typeQuery('累计消费 > 2000 AND 订单数 >= 2');
  await until(async () => (await segmentCount()) === coreCount('total_spent > 2000 AND orders >= 2'), 'alias count');

  // A broken query: the error says where, the text stays as typed.
  await page.fill(byId('segment-query'), 'total_spent > ');
  await page.waitForSelector(byId('segment-error'));
  assert.equal(await page.getAttribute(byId('segment-error'), 'data-at'), '14');
  assert.equal(await page.inputValue(byId('segment-query')), 'total_spent > ');
  await page.fill(byId('segment-query'), 'lifecycle = "成熟了"');
  await until(async () => /成熟了/.test(await page.textContent(byId('segment-error'))), 'unknown value named');
  checkNoErrors(page);
});

test('dynamic and static segments: saved, listed with counts; a data change moves only the dynamic one', async () => {
  const q = 'city = "测试城"';
  await typeQuery(q);
  await until(async () => (await segmentCount()) === 0, 'nobody lives there yet');
  await page.fill(byId('segment-name'), '测试城 动态');
  await page.click(byId('segment-save'));
  await page.fill(byId('segment-name'), '测试城 静态');
  await page.check(byId('segment-static'));
  await page.click(byId('segment-save'));
  const item = (name) => `${byId('segment-item')}[data-name="${name}"]`;
  await page.waitForSelector(item('测试城 静态'));
  assert.equal(await page.getAttribute(item('测试城 动态'), 'data-count'), '0');
  assert.equal(await page.getAttribute(item('测试城 静态'), 'data-static'), 'true');

  // Move one customer to 测试城.
  await page.goto(server.url + '#/customers');
  await ready(page);
  await page.click(`${byId('customer-row')} >> nth=0`);
  await page.fill(byId('field-city'), '测试城');
  await page.click(byId('customer-save'));
  await page.goto(server.url + '#/segments');
  await ready(page);
  await until(async () => (await page.getAttribute(item('测试城 动态'), 'data-count')) === '1', 'the dynamic segment follows the data');
  assert.equal(await page.getAttribute(item('测试城 静态'), 'data-count'), '0', 'the snapshot does not');

  // Saved segments survive a reload; a saved segment opens as exactly its customers.
  await settled(page);
  await page.reload();
  await ready(page);
  await page.waitForSelector(item('测试城 动态'));
  await page.click(`${item('测试城 动态')} ${byId('segment-item-open')}`);
  await until(async () => (await count(page)) === 1, 'one customer in the list');
  await page.waitForSelector(byId('filter-segment'));
  checkNoErrors(page);
});

test('export downloads the matching rows; the URL reproduces the segment; templates fill the query', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await page.click(`${byId('segment-template')}[data-code="repeat"]`);
  assert.equal(await page.inputValue(byId('segment-query')), 'orders >= 2');
  const expected = coreCount('orders >= 2');
  await until(async () => (await segmentCount()) === expected, 'template count');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('segment-export'))]);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, expected + 1);
  assert.match(lines[0], /^id,name,phone,email,city,tags,owner,lifecycle,orders,total_spent,last_order_at,r,f,m,rfm_group/);

  // A link reproduces it.
  const url = page.url();
  const other = await browser.context.newPage();
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  assert.equal(await other.inputValue(byId('segment-query')), 'orders >= 2');
  await until(async () => Number(await other.getAttribute(byId('segment-count'), 'data-count')) === expected, 'same count from the link');
  await other.close();

  // Open as list: the customer list shows exactly these.
  await page.click(byId('segment-open-list'));
  await until(async () => (await count(page)) === expected, 'the list holds the segment');
  checkNoErrors(page);
});

test('the visual builder and the text edit the same rule', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await typeQuery('orders >= 2');
  await page.click(`${byId('segment-builder')} ${byId('builder-add-condition')} >> nth=0`);
  await until(async () => (await page.inputValue(byId('segment-query'))) === 'orders >= 2 AND city = ""', 'a new condition in the text');
  const second = `${byId('builder-condition')} >> nth=1`;
  await page.fill(`${second} >> ${byId('builder-value')}`, '上海');
  await page.press(`${second} >> ${byId('builder-value')}`, 'Enter');
  await until(async () => (await page.inputValue(byId('segment-query'))) === 'orders >= 2 AND city = "上海"', 'the value in the text');
  await until(async () => (await segmentCount()) === coreCount('orders >= 2 AND city = "上海"'), 'the count follows');
  await page.selectOption(`${second} >> ${byId('builder-operator')}`, 'IN');
  await until(async () => (await page.inputValue(byId('segment-query'))) === 'orders >= 2 AND city IN ("上海")', 'operator change keeps the value');
  await page.click(`${byId('builder-op-toggle')} >> nth=0`);
  await until(async () => (await page.inputValue(byId('segment-query'))) === 'orders >= 2 OR city IN ("上海")', 'AND ↔ OR');
  await page.click(`${byId('builder-not-item')} >> nth=1`);
  await until(async () => (await page.inputValue(byId('segment-query'))) === 'orders >= 2 OR NOT city IN ("上海")', 'negated');
  // Text → builder.
  await typeQuery('total_spent > 5000 AND (tags HAS ANY ("VIP") OR lifecycle = "成熟")');
  await until(async () => (await page.locator(byId('builder-condition')).count()) === 3, 'three conditions');
  assert.equal(await page.getAttribute(`${byId('builder-group')} >> nth=1`, 'data-op'), 'or');
  checkNoErrors(page);
});

test('acting on a segment: tag everyone, then record a follow-up for each', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await typeQuery('orders >= 10');
  const n = coreCount('orders >= 10');
  await until(async () => (await segmentCount()) === n, 'the segment');
  await page.fill(byId('segment-tag'), '春节礼盒');
  await page.click(byId('segment-add-tag'));
  await page.waitForSelector(`${byId('toast')} >> text=/${n}/`);
  await typeQuery('tags HAS ANY ("春节礼盒")');
  await until(async () => (await segmentCount()) === n, 'everyone tagged');

  await page.fill(byId('segment-follow-up-text'), '新春问候');
  await page.click(byId('segment-follow-up'));
  await page.waitForSelector(`${byId('toast')} >> text=/${n}/`);
  const href = await page.getAttribute(`${byId('segment-preview-row')} >> nth=0 >> a`, 'href');
  await page.goto(server.url + href);
  await ready(page);
  await page.waitForSelector(byId('customer-detail'));
  assert.match(await page.textContent(`${byId('activity-item')} >> nth=0`), /新春问候/);
  checkNoErrors(page);
});

test('rename a saved segment, compare two segments, export with masked phones', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  const save = async (q, name) => {
    await typeQuery(q);
    await until(async () => (await segmentCount()) === coreCount(q), `count of ${q}`);
    await page.fill(byId('segment-name'), name);
    await page.click(byId('segment-save'));
    await page.waitForSelector(`${byId('segment-item')}[data-name="${name}"]`);
  };
  await save('orders >= 3', '三单以上');
  await save('orders <= 5 AND orders >= 1', '一到五单');
  const item = (name) => `${byId('segment-item')}[data-name="${name}"]`;
  await page.click(`${item('一到五单')} ${byId('segment-rename')}`);
  await page.fill(`${item('一到五单')} ${byId('segment-rename-input')}`, '少量下单');
  await page.press(`${item('一到五单')} ${byId('segment-rename-input')}`, 'Enter');
  await page.waitForSelector(item('少量下单'));

  const id = async (name) => page.getAttribute(item(name), 'data-id');
  await page.selectOption(byId('segment-overlap-a'), await id('三单以上'));
  await page.selectOption(byId('segment-overlap-b'), await id('少量下单'));
  const n = async (t) => Number(await page.getAttribute(byId(t), 'data-count'));
  await until(async () => (await n('overlap-both')) === coreCount('orders >= 3 AND orders <= 5'), 'both');
  assert.equal(await n('overlap-a-only'), coreCount('orders >= 6'));
  assert.equal(await n('overlap-b-only'), coreCount('orders >= 1 AND orders <= 2'));

  await typeQuery('phone IS NOT EMPTY AND orders >= 10');
  await page.check(byId('segment-mask'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('segment-export'))]);
  const rows = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/).slice(1);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => /1\d\d\*{4}\d{4}/.test(r.split(',')[2])), 'phones masked');
  checkNoErrors(page);
});

test('in_segment names a saved segment; circles and unknown names are refused', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await typeQuery('orders >= 3');
  await until(async () => (await segmentCount()) === coreCount('orders >= 3'), 'base count');
  await page.fill(byId('segment-name'), '常客');
  await page.click(byId('segment-save'));
  await page.waitForSelector(`${byId('segment-item')}[data-name="常客"]`);

  await typeQuery('in_segment("常客") AND city = "上海"');
  const expected = coreCount('orders >= 3 AND city = "上海"');
  assert.ok(expected > 0);
  await until(async () => (await segmentCount()) === expected, 'membership count');

  // Saved under the name it refers to: a circle, refused with the path spelled out.
  await page.fill(byId('segment-name'), '常客');
  await page.click(byId('segment-save'));
  await page.waitForSelector(`${byId('toast')} >> text=/常客 → 常客/`);
  assert.equal(await page.locator(`${byId('segment-item')}[data-name="常客"]`).count(), 1);

  // A name nobody has: an error at its position, the text kept.
  await page.fill(byId('segment-query'), 'in_segment("没有这个")');
  await page.waitForSelector(byId('segment-error'));
  assert.match(await page.textContent(byId('segment-error')), /没有这个/);
  assert.equal(await page.getAttribute(byId('segment-error'), 'data-at'), '12');

  // Renaming the segment keeps a segment that uses it working.
  await typeQuery('in_segment("常客") AND orders >= 5');
  await page.fill(byId('segment-name'), '五单常客');
  await page.click(byId('segment-save'));
  const item = (name) => `${byId('segment-item')}[data-name="${name}"]`;
  await page.waitForSelector(item('五单常客'));
  await page.click(`${item('常客')} ${byId('segment-rename')}`);
  await page.fill(`${item('常客')} ${byId('segment-rename-input')}`, '老客户');
  await page.press(`${item('常客')} ${byId('segment-rename-input')}`, 'Enter');
  await page.waitForSelector(item('老客户'));
  await until(async () => Number(await page.getAttribute(item('五单常客'), 'data-count')) === coreCount('orders >= 5'), 'still counts after the rename');
  checkNoErrors(page);
});

test('autocompletion offers fields, operators and known values at the caret', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await page.fill(byId('segment-query'), '');
  const box = byId('segment-query');
  const offered = () => page.locator(byId('segment-suggestion')).evaluateAll((els) => els.map((e) => e.dataset.insert));
  await page.click(box);
  await page.keyboard.type('tot');
  await until(async () => (await offered())[0] === 'total_spent', 'the field is offered');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue(box), 'total_spent ');
  await until(async () => (await offered()).includes('>='), 'operators of a money field');
  assert.ok(!(await offered()).includes('CONTAINS'));
  await page.keyboard.type('> 5000 AND ci');
  await until(async () => (await offered())[0] === 'city', 'city');
  await page.keyboard.press('Tab');
  await page.click(`${byId('segment-suggestion')}[data-insert="="]`);
  assert.equal(await page.inputValue(box), 'total_spent > 5000 AND city = ');
  // Known values of the data, the most frequent first; a half-typed value filters them.
  await until(async () => (await offered()).length > 3, 'cities');
  await page.keyboard.type('"上');
  await until(async () => (await offered()).join() === '"上海"', 'one city left');
  await page.keyboard.press('Enter');
  const q = 'total_spent > 5000 AND city = "上海" ';
  assert.equal(await page.inputValue(box), q);
  await until(async () => (await segmentCount()) === coreCount(q.trim()), 'the completed query counts');
  // Escape closes the list.
  await until(async () => (await offered()).includes('AND'), 'joiners');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator(byId('segment-suggestions')).count(), 0);
  checkNoErrors(page);
});

test('dragging builder items reorders them and moves them into groups', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  await typeQuery('orders >= 2 AND city = "上海" AND (tags HAS ANY ("VIP") OR lifecycle = "成熟")');
  await until(async () => (await page.locator(byId('builder-condition')).count()) === 4, 'four conditions');
  // Dragged with the mouse as a person does: press on the handle, move in steps, release.
  const drag = async (source, target) => {
    await target.scrollIntoViewIfNeeded();
    const a = await source.boundingBox();
    const b = await target.boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + 8, b.y + b.height / 2, { steps: 5 });
    await page.mouse.move(b.x + 12, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
  };
  // Into the OR group (its drop zone comes first in the page: it is inside the root's items).
  await drag(page.locator(byId('builder-drag')).first(), page.locator(byId('builder-drop-end')).first());
  const moved = 'city = "上海" AND (tags HAS ANY ("VIP") OR lifecycle = "成熟" OR orders >= 2)';
  await until(async () => (await page.inputValue(byId('segment-query'))) === moved, 'moved into the group');
  await until(async () => (await segmentCount()) === coreCount(moved), 'the count follows');
  // Reorder: drop the group's first item onto the root's first item (before it).
  const handles = page.locator(byId('builder-drag'));
  // Items in page order: city, the group, tags, lifecycle, orders.
  await drag(handles.nth(2), page.locator(byId('builder-item')).first());
  const reordered = 'tags HAS ANY ("VIP") AND city = "上海" AND (lifecycle = "成熟" OR orders >= 2)';
  await until(async () => (await page.inputValue(byId('segment-query'))) === reordered, 'out of the group, first');
  checkNoErrors(page);
});

test('an Excel export holds the same rows as the CSV', async () => {
  await page.goto(server.url + '#/segments');
  await ready(page);
  const q = 'orders >= 8';
  await typeQuery(q);
  const expected = coreCount(q);
  await until(async () => (await segmentCount()) === expected, 'count');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click(byId('segment-export'))]);
  const csvRows = (await readFile(await csvDownload.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('segment-export-xlsx'))]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const rows = execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'xlsx_rows', '--', await download.path()], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'));
  assert.equal(rows.length, expected + 1);
  assert.equal(rows[0].slice(0, 15).join(','), 'id,name,phone,email,city,tags,owner,lifecycle,orders,total_spent,last_order_at,r,f,m,rfm_group');
  // Same customers in the same order; numbers and dates read back as in the CSV.
  // One CSV line → cells (quoted cells may hold commas).
  const cells = (line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
  const csvFirst = cells(csvRows[1]);
  assert.equal(rows[1][0], csvFirst[0]);
  assert.equal(rows[1][1], csvFirst[1]);
  assert.equal(Number(rows[1][8]), Number(csvFirst[8]));
  assert.equal(Number(rows[1][9]).toFixed(2), csvFirst[9]);
  assert.equal(rows[1][10], csvFirst[10]);
  checkNoErrors(page);
});
