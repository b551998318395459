// End-to-end: sync with a real CouchDB-compatible server (pouchdb-server, in memory, on
// loopback) — no request at all while sync is off; test connection; two devices (two browser
// profiles) on one database: create, edit and delete travel both ways and both end with the
// same customer export; a second client (Node pouchdb) reads what the app wrote and writes a
// document the app shows; wrong password and server down are said in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';
import { startServer, launch, open, byId, count, until, settled } from './harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let server;
let couch;

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Starts pouchdb-server (CouchDB's HTTP API, CORS on) in memory on a free port. */
async function startCouch() {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-couch-'));
  const port = await freePort();
  const proc = spawn(join(root, 'node_modules/.bin/pouchdb-server'),
    ['--in-memory', '--port', String(port), '--host', '127.0.0.1', '--dir', dir],
    { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => {
    try { return (await fetch(url + '/')).ok; } catch { return false; }
  }, 'pouchdb-server answering', 30_000);
  return {
    url,
    proc,
    async stop() {
      proc.kill();
      await new Promise((ok) => proc.once('exit', ok));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

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
  } finally {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});
