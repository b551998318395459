// End-to-end: sync with a real CouchDB-compatible server (pouchdb-server, in memory, on
// loopback) — no request at all while sync is off; test connection; two devices (two browser
// profiles) on one database: create, edit and delete travel both ways and both end with the
// same customer export; a second client (Node pouchdb) reads what the app wrote and writes a
// document the app shows; wrong password and server down are said in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PouchDB from 'pouchdb';
import { startServer, startCouch, launch, open, byId, count, until, settled } from './harness.mjs';

/** No error of the app's own (a panic, an exception). The browser's notes on requests the
 * tests make fail on purpose (401, 500, connection cut) are not errors of the app. */
function checkNoErrors(page) {
  const own = page.errors.filter((e) => !/Failed to load resource|net::ERR_|ERR_INTERNET_DISCONNECTED/.test(e));
  assert.deepEqual(own, [], `page errors: ${own.join('\n')}`);
}

let server;
let couch;

before(async () => {
  server = await startServer();
  couch = await startCouch();
});
after(async () => {
  server.close();
  await couch.stop();
});

async function configure(page, db) {
  await page.goto(server.url + '#/settings');
  await page.fill(byId('sync-url'), couch.url);
  await page.fill(byId('sync-db'), db);
}

const syncState = (page) => page.getAttribute(byId('sync-status'), 'data-state');

async function synced(page, timeout = 30_000) {
  await until(async () => (await syncState(page)) === 'synced'
    && (await page.getAttribute(byId('sync-status'), 'data-pending')) === '0', 'synced, nothing waiting', timeout);
}

async function createCustomer(page, name, phone) {
  await page.goto(server.url + '#/customers');
  await page.click(byId('customer-new'));
  await page.fill(byId('field-name'), name);
  if (phone) await page.fill(byId('field-phone'), phone);
  await page.click(byId('customer-save'));
}

async function names(page) {
  return page.locator(`${byId('customer-row')}`).allTextContents();
}

async function exportCsv(page, dir, file) {
  await page.goto(server.url + '#/customers');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click(byId('export-csv')),
  ]);
  const path = join(dir, file);
  await download.saveAs(path);
  return readFile(path, 'utf8');
}

test('with sync off the page makes no request beyond its own files', async () => {
  const browser = await launch();
  try {
    const requests = [];
    browser.context.on('request', (r) => requests.push(r.url()));
    const page = await open(browser.context, server.url + '#/settings');
    assert.equal(await syncState(page), 'off');
    await page.click(byId('load-demo'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
    for (const view of ['customers', 'segments', 'funnels', 'dashboard', 'import', 'settings']) {
      await page.goto(server.url + '#/' + view);
    }
    await settled(page);
    const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(foreign, []);
    assert.equal(await syncState(page), 'off');
  } finally {
    await browser.close();
  }
});

test('test connection tells a missing database, creates it, and says a wrong password in words', async () => {
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await configure(page, 'kezhi-check');
    await page.click(byId('sync-test'));
    await until(async () => (await page.getAttribute(byId('sync-test-result'), 'data-ok')) === 'false'
      && /不存在/.test(await page.textContent(byId('sync-test-result'))), 'no database');
    await page.click(byId('sync-create-db'));
    await until(async () => (await page.getAttribute(byId('sync-test-result'), 'data-ok')) === 'true', 'created');
    await page.click(byId('sync-test'));
    await until(async () => /文档数：\s*0/.test(await page.textContent(byId('sync-test-result'))), 'ready with 0 documents');

    // A server that is not there.
    await page.fill(byId('sync-url'), 'http://127.0.0.1:9');
    await page.click(byId('sync-test'));
    await until(async () => /无法连接服务器/.test(await page.textContent(byId('sync-test-result'))), 'unreachable said in words');
    // Credentials never end up in the URL or in what is stored for backups.
    await page.fill(byId('sync-url'), couch.url);
    await page.fill(byId('sync-user'), 'ann');
    await page.fill(byId('sync-password'), 's3cret-密码');
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!kept.includes('s3cret'), 'not remembered: nothing in localStorage');
  } finally {
    await browser.close();
  }
});

test('two devices on one database: create, edit and delete travel both ways; exports end identical', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-sync-'));
  const a = await launch();
  const b = await launch();
  try {
    const pa = await open(a.context, server.url + '#/settings');
    const pb = await open(b.context, server.url + '#/settings');
    for (const p of [pa, pb]) {
      await configure(p, 'team');
      await p.click(byId('sync-test'));
      await until(async () => (await p.getAttribute(byId('sync-test-result'), 'data-ok')) !== null
        && !/正在测试/.test(await p.textContent(byId('sync-test-result'))), 'tested');
      if (await p.locator(byId('sync-create-db')).count()) await p.click(byId('sync-create-db'));
    }
    await pa.click(byId('sync-start'));
    await synced(pa);
    await pb.click(byId('sync-start'));
    await synced(pb);

    // Created in A → appears in B without a reload.
    await createCustomer(pa, '同步甲', '13900001111');
    await pb.goto(server.url + '#/customers');
    const started = Date.now();
    await until(async () => (await names(pb)).some((t) => t.includes('同步甲')), 'A\'s customer in B', 20_000);
    const arrivedMs = Date.now() - started;

    // Edited in B → appears in A.
    await pb.click(`${byId('customer-row')}:has-text("同步甲")`);
    await pb.fill(byId('field-name'), '同步甲（B 改）');
    await pb.click(byId('customer-save'));
    await pa.goto(server.url + '#/customers');
    await until(async () => (await names(pa)).some((t) => t.includes('同步甲（B 改）')), 'B\'s edit in A', 20_000);

    // A second client reads what the app wrote, in the documented schema, and writes one.
    const remote = new PouchDB(`${couch.url}/team`);
    const all = await remote.allDocs({ include_docs: true });
    const doc = all.rows.map((r) => r.doc).find((d) => d.type === 'customer' && d.name === '同步甲（B 改）');
    assert.ok(doc, 'the customer document is there');
    assert.match(doc._id, /^customer:[0-9a-f-]{36}$/);
    assert.equal(doc.phone, '13900001111');
    assert.match(doc.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await remote.put({
      _id: 'customer:00000000-0000-4000-8000-00000000c0de',
      type: 'customer',
      name: '外部工具写入',
      phone: '13700000000',
      tags: ['interop'],
      updated_at: new Date().toISOString(),
    });
    for (const p of [pa, pb]) {
      await until(async () => (await names(p)).some((t) => t.includes('外部工具写入')), 'the other client\'s document in the app', 40_000);
    }

    // A saved segment is shared too.
    await pa.goto(server.url + '#/segments');
    await pa.fill(byId('segment-query'), 'city = "同步城"');
    await pa.fill(byId('segment-name'), '同步分群');
    await pa.click(byId('segment-save'));
    await pb.goto(server.url + '#/segments');
    await until(async () => (await pb.locator(`${byId('segment-item')}[data-name="同步分群"]`).count()) === 1, 'A\'s segment in B', 30_000);
    assert.equal((await remote.get(`segment:${await pb.getAttribute(`${byId('segment-item')}[data-name="同步分群"]`, 'data-id')}`)).type, 'segment');
    await pa.goto(server.url + '#/customers');
    await pb.goto(server.url + '#/customers');

    // Deleted in A → gone in B.
    await pa.click(`${byId('customer-row')}:has-text("同步甲（B 改）")`);
    await pa.click(byId('customer-delete'));
    await pa.click(byId('confirm-yes'));
    await until(async () => !(await names(pb)).some((t) => t.includes('同步甲')), 'the deletion in B', 40_000);
    const gone = await remote.get(doc._id).catch((e) => e);
    assert.equal(gone.status, 404, 'a CouchDB deletion');

    await synced(pa);
    await synced(pb);
    assert.equal(await count(pa), 1);
    assert.equal(await count(pb), 1);
    const ea = await exportCsv(pa, dir, 'a.csv');
    const eb = await exportCsv(pb, dir, 'b.csv');
    assert.equal(ea, eb, 'identical customer exports');
    console.log(`# sync: a new customer appeared in the other browser after ${arrivedMs} ms`);

    // Still there after a reload, and sync goes on by itself.
    await pb.reload();
    await pb.waitForSelector('body[data-ready="true"]');
    await synced(pb);
    assert.equal(await count(pb), 1);
    checkNoErrors(pa);
    checkNoErrors(pb);
  } finally {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** A proxy in front of the server that can go down (connections cut), fail `_bulk_docs` with a
 * 500, or answer slowly: the faults a real network and server have. */
async function startProxy(target) {
  const { createServer: createHttp } = await import('node:http');
  const state = { down: false, fail500: 0, delayMs: 0, downAfterBulks: null, bulks: 0 };
  const srv = createHttp(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url.includes('_bulk_docs')) {
      state.bulks += 1;
      if (state.downAfterBulks !== null && state.bulks > state.downAfterBulks) state.down = true;
    }
    if (state.down) { req.socket.destroy(); return; }
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-credentials': 'true' };
    if (req.method === 'POST' && req.url.includes('_bulk_docs') && state.fail500 > 0) {
      state.fail500 -= 1;
      res.writeHead(500, { ...cors, 'content-type': 'application/json' });
      res.end('{"error":"internal","reason":"injected"}');
      return;
    }
    if (state.delayMs) await new Promise((ok) => setTimeout(ok, state.delayMs));
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    delete headers['accept-encoding'];
    try {
      const r = await fetch(target + req.url, {
        method: req.method,
        headers,
        body: ['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? undefined : body,
      });
      const out = Object.fromEntries(r.headers);
      delete out['content-encoding'];
      delete out['content-length'];
      delete out['transfer-encoding'];
      const bytes = Buffer.from(await r.arrayBuffer());
      res.writeHead(r.status, out);
      res.end(bytes);
    } catch {
      // The page gave up on the request (a long-poll cut short) or the test is over.
      res.destroy();
    }
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    state,
    close: () => { srv.closeAllConnections(); srv.close(); },
  };
}

async function importCustomers(page, n, prefix) {
  const lines = ['姓名,手机'];
  for (let i = 0; i < n; i += 1) lines.push(`${prefix}${String(i).padStart(4, '0')},139${String(10_000_000 + i).slice(0, 8)}`);
  await page.goto(server.url + '#/import');
  await page.selectOption(byId('import-kind'), 'customers');
  await page.setInputFiles(byId('import-file'), { name: 'c.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await page.waitForSelector(byId('import-preview-row'));
  await page.click(byId('import-commit'));
  await page.waitForSelector(byId('import-report'));
}

async function renameFirst(page, search, name) {
  await page.goto(server.url + '#/customers');
  await page.fill(byId('customer-search'), search);
  await until(async () => (await count(page)) === 1, `${search} found`);
  await page.click(byId('customer-row'));
  await page.fill(byId('field-name'), name);
  await page.click(byId('customer-save'));
  await page.fill(byId('customer-search'), '');
}

test('faults lose nothing: a cut mid-push resumes without duplicates, a 500, offline edits, a slow server', async () => {
  const proxy = await startProxy(couch.url);
  const browser = await launch();
  try {
    await fetch(`${couch.url}/faults`, { method: 'PUT' });
    const page = await open(browser.context, server.url + '#/settings');
    await importCustomers(page, 2400, '断点客户');
    await page.goto(server.url + '#/settings');
    await page.fill(byId('sync-url'), proxy.url);
    await page.fill(byId('sync-db'), 'faults');
    // The server goes away after two batches of 500.
    proxy.state.downAfterBulks = 2;
    await page.click(byId('sync-start'));
    await until(async () => (await syncState(page)) === 'offline', 'offline once the server is gone');
    // What did not arrive is what waits.
    await until(async () => (await page.getAttribute(byId('sync-status'), 'data-pending')) === '1400', '1,400 waiting');
    let info = await (await fetch(`${couch.url}/faults`)).json();
    assert.equal(info.doc_count, 1000, 'two batches arrived');
    assert.match(await page.textContent(byId('sync-error')), /无法连接服务器/);
    // Back: sync resumes from where it was; every document exactly once, at its first revision.
    proxy.state.down = false;
    proxy.state.downAfterBulks = null;
    await page.click(byId('sync-now'));
    await synced(page, 60_000);
    info = await (await fetch(`${couch.url}/faults`)).json();
    assert.equal(info.doc_count, 2400);
    const all = await (await fetch(`${couch.url}/faults/_all_docs`)).json();
    assert.equal(all.rows.length, 2400);
    assert.ok(all.rows.every((r) => r.value.rev.startsWith('1-')), 'nothing written twice');

    // A 500 on one batch: said, retried, in.
    proxy.state.fail500 = 1;
    await renameFirst(page, '断点客户0007', '断点客户0007-改');
    await until(async () => (await syncState(page)) === 'error', 'the 500 is an error');
    assert.match(await page.textContent(byId('sync-status')), /同步出错/);
    await synced(page, 30_000);
    const doc = async (name) => (await (await fetch(`${couch.url}/faults/_all_docs?include_docs=true`)).json())
      .rows.map((r) => r.doc).find((d) => d.name === name);
    assert.ok(await doc('断点客户0007-改'), 'the edit arrived after the retry');

    // Offline: edits wait (counted), and go up when the network is back.
    await browser.context.setOffline(true);
    await renameFirst(page, '断点客户0011', '离线改-1');
    await renameFirst(page, '断点客户0012', '离线改-2');
    await until(async () => (await syncState(page)) === 'offline'
      && (await page.getAttribute(byId('sync-status'), 'data-pending')) === '2', 'offline, 2 waiting');
    await browser.context.setOffline(false);
    await synced(page, 30_000);
    assert.ok(await doc('离线改-1'));
    assert.ok(await doc('离线改-2'));

    // A slow server: the page stays responsive while requests wait.
    proxy.state.delayMs = 4000;
    await renameFirst(page, '断点客户0013', '慢服务器');
    await until(async () => (await syncState(page)) === 'syncing', 'syncing against the slow server');
    const t = Date.now();
    await page.click(byId('nav-dashboard'));
    await page.waitForSelector(byId('kpi-customers'));
    assert.ok(Date.now() - t < 2000, `the page answered in ${Date.now() - t} ms while a request waited`);
    proxy.state.delayMs = 0;
    await synced(page, 30_000);
    checkNoErrors(page);
  } finally {
    await browser.close();
    proxy.close();
  }
});

test('a database changed while sync runs: the sync goes on with the new one at once', async () => {
  const browser = await launch();
  try {
    for (const db of ['switch-a', 'switch-b']) await fetch(`${couch.url}/${db}`, { method: 'PUT' });
    const page = await open(browser.context, server.url + '#/settings');
    await createCustomer(page, '换库客户甲', '13900000001');
    await configure(page, 'switch-a');
    await page.click(byId('sync-start'));
    await synced(page);
    const names = async (db) => (await (await fetch(`${couch.url}/${db}/_all_docs?include_docs=true`)).json())
      .rows.map((r) => r.doc.name).filter(Boolean).sort();
    assert.deepEqual(await names('switch-a'), ['换库客户甲']);
    await page.fill(byId('sync-db'), 'switch-b');
    await page.press(byId('sync-db'), 'Tab');
    await until(async () => (await names('switch-b')).length === 1, 'the new database filled');
    await synced(page);
    await createCustomer(page, '换库客户乙', '13900000002');
    await until(async () => (await names('switch-b')).length === 2, 'the next edit goes to the new database');
    assert.deepEqual(await names('switch-b'), ['换库客户乙', '换库客户甲'].sort());
    assert.deepEqual(await names('switch-a'), ['换库客户甲'], 'the old database is left alone');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});

test('a backup restored with sync on: what the server lacks goes up, what the server has comes back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-sync-restore-'));
  const a = await launch();
  const b = await launch();
  try {
    // A backup made on another device, of a customer the server never saw.
    const pageA = await open(a.context, server.url + '#/settings');
    await createCustomer(pageA, '备份里的客户', '13900000003');
    await pageA.goto(server.url + '#/settings');
    const [download] = await Promise.all([
      pageA.waitForEvent('download', { timeout: 60_000 }),
      pageA.click(byId('backup-download')),
    ]);
    const backupPath = join(dir, download.suggestedFilename());
    await download.saveAs(backupPath);
    // B syncs a customer of its own, then restores that backup.
    await fetch(`${couch.url}/restored`, { method: 'PUT' });
    const page = await open(b.context, server.url + '#/settings');
    await createCustomer(page, '服务器上的客户', '13900000004');
    await configure(page, 'restored');
    await page.click(byId('sync-start'));
    await synced(page);
    await page.setInputFiles(byId('backup-file'), backupPath);
    await page.waitForSelector(byId('backup-preview'));
    await page.click(byId('backup-restore'));
    await page.click(byId('confirm-yes'));
    await page.waitForSelector(`${byId('toast')} >> text=/备份恢复/`, { timeout: 60_000 });
    await synced(page);
    const onServer = async () => (await (await fetch(`${couch.url}/restored/_all_docs?include_docs=true`)).json())
      .rows.map((r) => r.doc.name).filter(Boolean).sort();
    await until(async () => (await onServer()).length === 2, 'the backup\'s customer went up');
    assert.deepEqual(await onServer(), ['备份里的客户', '服务器上的客户'].sort());
    await page.goto(server.url + '#/customers');
    await until(async () => (await count(page)) === 2, 'the server\'s customer came back');
    assert.deepEqual((await names(page)).map((n) => n.includes('备份里') ? 'backup' : n.includes('服务器上') ? 'server' : n).sort(),
      ['backup', 'server']);
    checkNoErrors(page);
  } finally {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the server killed mid-push and started again: sync resumes, every record once, none lost', async () => {
  // A server that keeps its files (LevelDB) so that, killed and started again, it still has
  // what it wrote — possibly a batch whose answer never left it.
  const disk = await startCouch({ persistent: true });
  const browser = await launch();
  try {
    await fetch(`${disk.url}/killed`, { method: 'PUT' });
    // 4,000 customers with 4 orders each: 20,000 records, 40 batches of 500 — many batches
    // to cut into, at a seventh of the demo's 150,000 documents (this test used to take a minute).
    const page = await open(browser.context, server.url + '#/import');
    const lines = ['订单号,客户ID,下单时间,实付金额'];
    for (let i = 0; i < 16_000; i += 1) lines.push(`K${i},U${i % 4_000},2025-03-${String(1 + (i % 28)).padStart(2, '0')} 12:00:00,${(i % 500) + 0.5}`);
    await page.selectOption(byId('import-kind'), 'orders');
    await page.setInputFiles(byId('import-file'), { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await page.waitForSelector(byId('import-preview-row'));
    await page.click(byId('import-commit'));
    await page.waitForSelector(byId('import-report'), { timeout: 60_000 });
    assert.equal(await page.getAttribute(byId('import-report'), 'data-imported'), '16000');
    await page.goto(server.url + '#/settings');
    await settled(page);
    await page.fill(byId('sync-url'), disk.url);
    await page.fill(byId('sync-db'), 'killed');
    await page.click(byId('sync-start'));
    const docCount = async () => (await (await fetch(`${disk.url}/killed`)).json()).doc_count;
    await until(async () => (await docCount()) >= 4_000, 'the push under way', 120_000, 20);
    await disk.kill();
    await until(async () => (await syncState(page)) === 'offline', 'offline once the server is gone');
    assert.ok(Number(await page.getAttribute(byId('sync-status'), 'data-pending')) > 0, 'changes wait');
    await disk.restart();
    const before = await docCount();
    assert.ok(before >= 4_000 && before < 19_000, `killed mid-push with ${before} documents written`);
    await page.click(byId('sync-now'));
    await synced(page, 240_000);
    // What this device holds, from its own database's counts.
    const local = await page.evaluate(() => new Promise((ok, fail) => {
      const open = indexedDB.open('kezhi');
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('meta').objectStore('meta').get('meta');
        get.onsuccess = () => { const c = get.result.counts; ok({ customers: c.customers, records: c.customers + (c.orders ?? 0) + (c.event_count ?? 0) + (c.activities ?? 0) }); open.result.close(); };
        get.onerror = () => fail(get.error);
      };
    }));
    assert.deepEqual(local, { customers: 4_000, records: 20_000 });
    const all = await (await fetch(`${disk.url}/killed/_all_docs`)).json();
    const records = all.rows.filter((r) => /^(customer|order|event|activity):/.test(r.id));
    assert.equal(records.length, local.records, 'every record on the server, once');
    assert.equal(records.filter((r) => r.id.startsWith('customer:')).length, 4_000);
    assert.equal(records.filter((r) => r.id.startsWith('order:')).length, 16_000);
    const twice = records.filter((r) => !r.value.rev.startsWith('1-'));
    assert.deepEqual(twice.map((r) => r.id), [], 'nothing written twice');
    checkNoErrors(page);
  } finally {
    await browser.close();
    await disk.stop();
  }
});

test('the same customer edited offline in two browsers: both end with the newer version and list the conflict', async () => {
  const a = await launch();
  const b = await launch();
  try {
    await fetch(`${couch.url}/conflicts`, { method: 'PUT' });
    const pa = await open(a.context, server.url + '#/settings');
    const pb = await open(b.context, server.url + '#/settings');
    await configure(pa, 'conflicts');
    await configure(pb, 'conflicts');
    await pa.click(byId('sync-start'));
    await synced(pa);
    await createCustomer(pa, '冲突客户', '13600001111');
    await synced(pa);
    await pb.click(byId('sync-start'));
    await synced(pb);
    for (const c of [a, b]) await c.context.setOffline(true);
    await renameFirst(pa, '冲突客户', '冲突客户-A');
    await new Promise((ok) => setTimeout(ok, 50));
    await renameFirst(pb, '冲突客户', '冲突客户-B');
    await a.context.setOffline(false);
    await synced(pa);
    await b.context.setOffline(false);
    await synced(pb);
    // A hears B's winning version (with the conflict) without a reload.
    await pa.goto(server.url + '#/customers');
    await until(async () => (await names(pa)).some((t) => t.includes('冲突客户-B')), 'B\'s newer edit in A', 30_000);
    for (const p of [pa, pb]) {
      await p.goto(server.url + '#/settings');
      await until(async () => (await p.locator(byId('sync-conflict')).count()) === 1, 'the conflict listed', 30_000);
      const item = p.locator(byId('sync-conflict'));
      assert.equal(await item.getAttribute('data-kind'), 'customer');
      assert.match(await item.textContent(), /冲突客户-A/);
      assert.match(await item.textContent(), /冲突客户-B/);
    }
    // "Keep the other one" in B: A's version everywhere, the conflict gone on both.
    await pb.click(byId('sync-keep-other'));
    for (const p of [pa, pb]) {
      await until(async () => (await p.locator(byId('sync-conflict')).count()) === 0, 'the conflict closed', 30_000);
      await p.goto(server.url + '#/customers');
      await until(async () => (await names(p)).some((t) => t.includes('冲突客户-A')), 'A\'s version kept', 30_000);
      checkNoErrors(p);
    }
  } finally {
    await a.close();
    await b.close();
  }
});

test('a reset with sync on asks about the server: no keeps it (and pulls it back), yes deletes it everywhere', async () => {
  const a = await launch();
  const b = await launch();
  try {
    await fetch(`${couch.url}/resets`, { method: 'PUT' });
    const pa = await open(a.context, server.url + '#/settings');
    const pb = await open(b.context, server.url + '#/settings');
    for (const p of [pa, pb]) {
      await configure(p, 'resets');
      await p.click(byId('sync-start'));
      await synced(p);
    }
    await createCustomer(pa, '重置客户一', '13500000001');
    await createCustomer(pa, '重置客户二', '13500000002');
    await synced(pa);
    await pb.goto(server.url + '#/customers');
    await until(async () => (await count(pb)) === 2, 'both in B', 20_000);

    // No: the local data goes, the server keeps it, and the next sync brings it back.
    await pa.goto(server.url + '#/settings');
    await pa.click(byId('reset-data'));
    await pa.click(byId('confirm-yes'));
    await pa.waitForSelector(`.modal-text:has-text("同步服务器")`);
    await pa.click(byId('confirm-no'));
    await pa.goto(server.url + '#/customers');
    await until(async () => (await count(pa)) === 2, 'pulled back after the reset', 30_000);
    let info = await (await fetch(`${couch.url}/resets`)).json();
    assert.equal(info.doc_count, 2);

    // Yes: deleted on the server, and so on B.
    await pa.goto(server.url + '#/settings');
    await pa.click(byId('reset-data'));
    await pa.click(byId('confirm-yes'));
    await pa.waitForSelector(`.modal-text:has-text("同步服务器")`);
    await pa.click(byId('confirm-yes'));
    await until(async () => (await (await fetch(`${couch.url}/resets`)).json()).doc_count === 0, 'deleted on the server', 30_000).catch(async (e) => {
      checkNoErrors(pa);
      throw e;
    });
    await until(async () => (await count(pb)) === 0, 'deleted in B', 30_000);
    await pa.goto(server.url + '#/customers');
    await until(async () => (await count(pa)) === 0, 'A empty', 30_000);
    await synced(pa);
    info = await (await fetch(`${couch.url}/resets`)).json();
    assert.equal(info.doc_count, 0, 'nothing pushed back');
    checkNoErrors(pa);
    checkNoErrors(pb);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a wrong password is said in words and stops sync; the right one works', async () => {
  // Ends the server's "admin party": from now on, a wrong password is refused (401).
  await fetch(`${couch.url}/_config/admins/ann`, { method: 'PUT', body: '"secret"' });
  const auth = 'Basic ' + Buffer.from('ann:secret').toString('base64');
  await fetch(`${couch.url}/guarded`, { method: 'PUT', headers: { authorization: auth } });
  const browser = await launch();
  try {
    const page = await open(browser.context, server.url + '#/settings');
    await configure(page, 'guarded');
    await page.fill(byId('sync-user'), 'ann');
    await page.fill(byId('sync-password'), 'wrong');
    await page.click(byId('sync-test'));
    await until(async () => /请检查用户名和密码/.test(await page.textContent(byId('sync-test-result'))), 'refused said in words');
    assert.equal(await page.getAttribute(byId('sync-test-result'), 'data-ok'), 'false');
    await page.click(byId('sync-start'));
    await until(async () => (await syncState(page)) === 'error', 'sync stops with an error');
    assert.match(await page.textContent(byId('sync-error')), /请检查用户名和密码/);
    // Stopped by the error, sync can still be turned off: the state is then "off", also after
    // a reload (the pause button was disabled in the error state).
    await page.click(byId('sync-pause'));
    await until(async () => (await syncState(page)) === 'off', 'paused after the error');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector(byId('sync-start'));
    assert.equal(await syncState(page), 'off');
    await configure(page, 'guarded');
    await page.fill(byId('sync-user'), 'ann');
    await page.fill(byId('sync-password'), 'secret');
    await page.click(byId('sync-start'));
    await synced(page);
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
