// End-to-end: the real sample files imported through the import page (UI contract:
// `import-kind`, `import-file`, `import-has-header`, `map-<field>`, `import-commit`,
// `import-report`), the reported counts equal to the core's (`import_counts` example), a
// second import adding nothing, the mapping remembered, the data usable (list, funnels) and
// exported back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ready, checkNoErrors, byId, count, until, idbStats, setUp, tearDown } from './harness.mjs';

const real = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'real');
const RETAIL = join(real, 'online_retail_sample.csv');
const TAOBAO = join(real, 'taobao_user_behavior_sample.csv');

let server, browser, page;
before(async () => ({ server, browser, page } = await setUp('#/import', { demo: false, waitFor: 'import-file' })));
after(() => tearDown({ server, browser }));

/** The core's `imported=… skipped=… errors=…` and details for a file imported into nothing. */
function coreCounts(kind, file) {
  const out = execFileSync('cargo', ['run', '-q', '-p', 'kezhi-core', '--example', 'import_counts', '--', kind, file], { encoding: 'utf8' });
  const counts = {};
  for (const m of out.matchAll(/^(\w+)=(\d+)/gm)) counts[m[1]] = Number(m[2]);
  for (const m of out.matchAll(/(imported|skipped|errors)=(\d+)/g)) counts[m[1]] = Number(m[2]);
  return counts;
}

async function report() {
  const r = byId('import-report');
  return {
    imported: Number(await page.getAttribute(r, 'data-imported')),
    skipped: Number(await page.getAttribute(r, 'data-skipped')),
    errors: Number(await page.getAttribute(r, 'data-errors')),
  };
}

const detail = async (name) => {
  const el = page.locator(`${byId('import-detail')}[data-name="${name}"]`);
  return (await el.count()) ? Number(await el.getAttribute('data-count')) : 0;
};

async function importFile(kind, file) {
  await page.selectOption(byId('import-kind'), kind);
  await page.setInputFiles(byId('import-file'), file);
  await page.waitForSelector(byId('import-preview-row'));
}

async function commit() {
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
}

test('a large file imports in chunks with a progress bar; cancelling changes nothing', async () => {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-e2e-'));
  const big = join(dir, 'big.csv');
  const lines = ['订单号,客户ID,下单时间,实付金额'];
  for (let i = 0; i < 400000; i++) lines.push(`B${i},U${i % 20000},2025-03-${String(1 + (i % 28)).padStart(2, '0')} 12:00:00,${(i % 500) + 0.5}`);
  await writeFile(big, lines.join('\n'));
  await importFile('orders', big);
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-progress'));
  await page.click(byId('import-cancel'));
  await page.waitForSelector(`${byId('toast')} >> text=/取消/`);
  assert.equal(await page.locator(byId('import-report')).count(), 0);
  assert.equal((await idbStats(page)).customers?.count ?? 0, 0, 'nothing stored');
  await page.click(byId('nav-customers'));
  await page.waitForSelector(byId('load-demo'));
  await page.goto(server.url + '#/import');
  await ready(page);
  checkNoErrors(page);
});

test('order lines of the online-retail sample: guessed mapping, exact counts, refunds, no duplicates on re-import', async () => {
  await importFile('orders', RETAIL);
  assert.equal(await page.isChecked(byId('import-has-header')), true);
  const mapped = async (field) => page.$eval(byId(`map-${field}`), (s) => s.options[s.selectedIndex]?.text ?? '');
  assert.equal(await mapped('order_id'), 'InvoiceNo');
  assert.equal(await mapped('customer_id'), 'CustomerID');
  assert.equal(await mapped('ordered_at'), 'InvoiceDate');
  assert.equal(await mapped('quantity'), 'Quantity');
  assert.equal(await mapped('unit_price'), 'UnitPrice');
  assert.equal(await mapped('region'), 'Country');
  assert.equal(await page.inputValue(byId('map-amount')), '');
  // One mapping fixed by hand: the country as the channel too. It is remembered.
  await page.selectOption(byId('map-channel'), { label: 'Country' });

  const expected = coreCounts('orders', RETAIL);
  await commit();
  assert.deepEqual(await report(), { imported: expected.imported, skipped: expected.skipped, errors: expected.errors });
  assert.deepEqual(await report(), { imported: 28000, skipped: 2000, errors: 0 });
  assert.equal(await detail('orders_created'), expected.orders_created);
  assert.equal(await detail('refunds'), expected.refunds);
  assert.equal(await detail('customers_created'), expected.customers_created);

  // The same file again: the shape's mapping comes back, and nothing is added.
  await page.setInputFiles(byId('import-file'), RETAIL);
  await page.waitForSelector(byId('import-preview-row'));
  assert.equal(await mapped('channel'), 'Country');
  await page.click(byId('import-commit'));
  await until(async () => (await detail('orders_unchanged')) === expected.orders_created, 'second import matched every order');
  assert.equal(await detail('orders_created'), 0);
  assert.equal(await detail('customers_created'), 0);

  // Orders exported back: one line per order.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('export-orders'))]);
  const orderLines = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(orderLines.length, expected.orders_created + 1);

  await page.click(byId('nav-customers'));
  await until(async () => (await count(page)) === expected.customers_created, 'customers of the file');
  checkNoErrors(page);
});

test('behaviour events of the Taobao sample (no header) import, show in a funnel, and export back', async () => {
  await page.goto(server.url + '#/import');
  await ready(page);
  await importFile('events', TAOBAO);
  assert.equal(await page.isChecked(byId('import-has-header')), false);
  const options = await page.$$eval(`${byId('map-customer_id')} option`, (os) => os.map((o) => o.textContent));
  assert.deepEqual(options.slice(1), ['col1', 'col2', 'col3', 'col4', 'col5']);
  assert.equal(await page.$eval(byId('map-customer_id'), (s) => s.options[s.selectedIndex].text), 'col1');
  assert.equal(await page.$eval(byId('map-event_type'), (s) => s.options[s.selectedIndex].text), 'col4');
  assert.equal(await page.$eval(byId('map-occurred_at'), (s) => s.options[s.selectedIndex].text), 'col5');
  // The header override: the first row as names, then back.
  const names = async () => (await page.$$eval(`${byId('map-customer_id')} option`, (os) => os.map((o) => o.textContent))).slice(1);
  await page.click(byId('import-has-header'));
  await until(async () => (await names()).join() === '1,2268318,2520377,pv,1511544070', 'the first row as column names');
  await page.click(byId('import-has-header'));
  await until(async () => (await names()).join() === 'col1,col2,col3,col4,col5', 'no header again');
  assert.equal(await page.$eval(byId('map-customer_id'), (s) => s.options[s.selectedIndex].text), 'col1');
  const expected = coreCounts('events', TAOBAO);
  await commit();
  assert.deepEqual(await report(), { imported: 4321, skipped: 0, errors: 0 });
  assert.equal(await detail('events_created'), expected.events_created);
  assert.equal(await detail('customers_created'), expected.customers_created);

  // The imported behaviour in a funnel: view → add to cart → pay within a day.
  await page.goto(server.url + '#/funnels?f=' + encodeURIComponent('view~add_to_cart~pay!1d'));
  await ready(page);
  await page.waitForSelector(byId('funnel-result-step'));
  const first = Number(await page.getAttribute(`${byId('funnel-result-step')}[data-step="1"]`, 'data-count'));
  assert.ok(first > 0 && first <= 43, `entered ${first}`);

  // Exported back: one line per event, with the header.
  await page.goto(server.url + '#/import');
  await ready(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('export-events'))]);
  const lines = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, expected.events_created + 1);
  checkNoErrors(page);
});

test('a broken row is reported with its row and reason, downloadable; the good rows are in', async () => {
  await page.goto(server.url + '#/import');
  await ready(page);
  const csv = '姓名,手机,邮箱,城市,客户编号\n张测试,13800001111,zhang@example.com,上海,T-1\n李测试,13800002222,bad-email,杭州,T-2\n';
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'c.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector(byId('import-preview-row'));
  await commit();
  assert.deepEqual(await report(), { imported: 1, skipped: 0, errors: 1 });
  // Row 3 of the file (the header is row 1), the column, the value and why.
  const row = await page.locator(`${byId('import-error-row')} >> nth=0`).locator('td').allTextContents();
  assert.equal(row[0], '3');
  assert.equal(row[2], 'bad-email');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('import-errors-download'))]);
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /bad-email/);
  await page.click(byId('nav-customers'));
  await page.fill(byId('customer-search'), '张测试');
  await until(async () => (await count(page)) === 1, 'the good row is in');
  checkNoErrors(page);
});

test('an Excel file imports too: the customer list exported as XLSX merges back into the same customers', async () => {
  await page.goto(server.url + '#/customers');
  await ready(page);
  const total = await count(page);
  assert.ok(total > 3000);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byId('export-xlsx'))]);
  const xlsx = await download.path();
  await page.goto(server.url + '#/import');
  await ready(page);
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'customers.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await readFile(xlsx) });
  await page.waitForSelector(byId('import-preview-row'));
  assert.equal(await page.isChecked(byId('import-has-header')), true);
  assert.equal(await page.$eval(byId('map-external_id'), (s) => s.options[s.selectedIndex].text), 'external_id');
  assert.equal(await page.$eval(byId('map-name'), (s) => s.options[s.selectedIndex].text), 'name');
  await commit();
  const r = await report();
  assert.equal(r.imported, total);
  assert.equal(await detail('customers_created'), 0);
  assert.equal(await detail('customers_merged'), total);
  await page.click(byId('nav-customers'));
  await until(async () => (await count(page)) === total, 'no customer added');
  checkNoErrors(page);
});

test('a GBK file (what Chinese Excel writes) is detected and read correctly', async () => {
  await page.goto(server.url + '#/import');
  await ready(page);
  // 客户编号,姓名,手机,城市,标签 / G-1,王国标,138 0000 1234,北京,VIP;老客户 / G-2,赵码,+86 139-0000-5678,广州, in GB18030.
  const gbk = Buffer.from('bfcdbba7b1e0bac52cd0d5c3fb2ccad6bbfa2cb3c7cad02cb1eac7a90a472d312ccdf5b9fab1ea2c313338203030303020313233342cb1b1bea92c5649503bc0cfbfcdbba70a472d322cd5d4c2eb2c2b3836203133392d303030302d353637382cb9e3d6dd2c0a', 'hex');
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'gbk.csv', mimeType: 'text/csv', buffer: gbk });
  await page.waitForSelector(byId('import-preview-row'));
  assert.match(await page.textContent(byId('import-file-info')), /18030|GBK/i);
  assert.match(await page.textContent(byId('import-preview')), /王国标/);
  assert.equal(await page.$eval(byId('map-name'), (s) => s.options[s.selectedIndex].text), '姓名');
  await commit();
  assert.deepEqual(await report(), { imported: 2, skipped: 0, errors: 0 });
  await page.click(byId('nav-customers'));
  await page.fill(byId('customer-search'), '13800001234');
  await until(async () => (await count(page)) === 1, 'the phone normalised and searchable');
  checkNoErrors(page);
});
