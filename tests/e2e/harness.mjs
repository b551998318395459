// Shared set-up of the end-to-end tests: a static server for dist/ (at / and under a
// sub-path, as a CDN would serve it) and Debian's Chromium driven by playwright-core.
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = process.env.KEZHI_DIST ?? join(root, 'dist');
export const SUB_PATH = '/tools/kezhi/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Serves dist/ (or a copy of it in `dir`) at `/` and at SUB_PATH; anything else is a 404, as
 * on a plain static host. `hits` lists the paths of the requests that reached it. `mounts`
 * serves more folders under URL prefixes (`{ '/duckdb/': folder }`: the race against
 * DuckDB-WASM, tests/bench/peer/, serves DuckDB's files and its data beside the app). */
export async function startServer(dir = dist, mounts = {}) {
  assert.ok(existsSync(join(dir, 'index.html')), `no build in ${dir}: run scripts/build.sh`);
  const hits = [];
  const server = createServer(async (req, res) => {
    hits.push(req.url);
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.startsWith(SUB_PATH)) path = '/' + path.slice(SUB_PATH.length);
    if (path.endsWith('/')) path += 'index.html';
    const [prefix, base] = Object.entries(mounts).find(([p]) => path.startsWith(p)) ?? ['/', dir];
    const file = normalize(join(base, path.slice(prefix.length - 1)));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    subUrl: `http://127.0.0.1:${port}${SUB_PATH}`,
    hits,
    close: () => server.close(),
  };
}

const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh Chromium with its own empty profile (so localStorage starts empty). `options` go to
 * Playwright's context (e.g. `serviceWorkers: 'block'`). */
export async function launch(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'kezhi-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
    locale: 'zh-CN',
    // The app counts days in the browser's time zone; the core's reference figures (and most
    // users) count them in China's.
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  return {
    context,
    // Its processes carry it (tests/bench/scale.mjs reads their memory by it).
    profile,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page in a fresh browser (its own empty storage and an empty HTTP cache), the browser kept
 * in `browsers` for the test file to close. It records its errors, as `open` does, and the
 * paths it requested (`page.requested`). `noWorker`: no service worker, which would answer from
 * its cache past the routes a test fails.
 */
export async function freshPage(browsers, { noWorker = false } = {}) {
  const browser = await launch(noWorker ? { serviceWorkers: 'block' } : {});
  browsers.push(browser);
  const page = await browser.context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.requested = [];
  page.on('request', (r) => page.requested.push(new URL(r.url()).pathname));
  return page;
}

/**
 * Opens a page and waits until the app says it is ready. Every page records its errors;
 * `checkNoErrors` fails the test on any, so a broken build can never pass.
 */
export async function open(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(url);
  await ready(page);
  return page;
}

export async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  checkNoErrors(page);
}

export function checkNoErrors(page) {
  assert.deepEqual(page.errors, [], `page errors: ${page.errors.join('\n')}`);
}

export const byId = (id) => `[data-testid="${id}"]`;

/** Waits until no write to storage is queued or running (before a reload, say). */
export async function settled(page) {
  await page.waitForSelector(byId('saving'), { state: 'detached', timeout: 60_000 });
}

export async function count(page) {
  return Number(await page.getAttribute(byId('customer-count'), 'data-count'));
}

export async function loadDemo(page) {
  await page.click(byId('load-demo'));
  await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 120_000 });
}

/** Waits until `fn` returns a truthy value (polling inside the test, not the page). */
export async function until(fn, what, timeout = 15_000, everyMs = 100) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeout) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The last day of the demo history the app generates now: yesterday, China time (what the
 * core's examples take to build the same demo). */
export function demoEndDate() {
  const chinaNow = new Date(Date.now() + 8 * 3600 * 1000);
  chinaNow.setUTCDate(chinaNow.getUTCDate() - 1);
  return chinaNow.toISOString().slice(0, 10);
}

/**
 * What kezhi's IndexedDB holds, read with the browser's own API: per object store, the
 * number of records (kept in groups, each group saying how many it holds) and the bytes of the
 * groups' keys and values. Call it once the app has opened the database (opening a missing
 * one here would create it empty).
 */
export async function idbStats(page) {
  return page.evaluate(async () => {
    const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const db = await req(indexedDB.open('kezhi'));
    const out = {};
    for (const name of db.objectStoreNames) {
      if (name === 'meta') continue;
      const store = db.transaction(name).objectStore(name);
      const [keys, groups] = [await req(store.getAllKeys()), await req(store.getAll())];
      let count = 0;
      let bytes = 0;
      groups.forEach((g, i) => {
        count += g.n ?? 0;
        bytes += keys[i].byteLength + (g.v?.byteLength ?? 0) + (g.d ?? []).reduce((n, d) => n + d.byteLength, 0);
      });
      out[name] = { count, groups: groups.length, bytes };
    }
    db.close();
    return out;
  });
}

/** The first group of one of kezhi's object stores: its key and value. */
export async function idbFirstGroup(page, store) {
  return page.evaluate(async (store) => {
    const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const db = await req(indexedDB.open('kezhi'));
    const s = db.transaction(store).objectStore(store);
    const [key] = await req(s.getAllKeys(null, 1));
    const [group] = await req(s.getAll(null, 1));
    db.close();
    return { key: Array.from(new Uint8Array(key)), n: group.n, v: Array.from(group.v) };
  }, store);
}

/** Replaces the bytes of one group of kezhi's (to damage it). */
export async function idbDamageGroup(page, store, key, bytes) {
  return page.evaluate(async ({ store, key, bytes }) => {
    const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const db = await req(indexedDB.open('kezhi'));
    const tx = db.transaction(store, 'readwrite');
    const s = tx.objectStore(store);
    const group = await req(s.get(new Uint8Array(key)));
    group.v = new Uint8Array(bytes);
    await req(s.put(group, new Uint8Array(key)));
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
  }, { store, key, bytes });
}

/** All the bytes kept in one group (its records' and any damaged ones), to find a value in. */
export async function idbGroupBytes(page, store, key) {
  return page.evaluate(async ({ store, key }) => {
    const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const db = await req(indexedDB.open('kezhi'));
    const group = await req(db.transaction(store).objectStore(store).get(new Uint8Array(key)));
    db.close();
    return [Array.from(group.v), ...(group.d ?? []).map((d) => Array.from(d))];
  }, { store, key });
}

/** A free port on loopback. */
export async function freePort() {
  const s = createNetServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Starts pouchdb-server (CouchDB's HTTP API, CORS on) in memory on a free port. */
export async function startCouch({ persistent = false, dir: kept = null } = {}) {
  // `kept`: the files of an earlier persistent server, used as they are and left in place.
  const dir = kept ?? await mkdtemp(join(tmpdir(), 'kezhi-couch-'));
  if (kept) persistent = true;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // In memory, or (persistent) in LevelDB files under `dir`: what a server killed and
  // started again still has.
  const args = [...(persistent ? [] : ['--in-memory']), '--port', String(port), '--host', '127.0.0.1', '--dir', dir];
  const start = async () => {
    const proc = spawn(join(root, 'node_modules/.bin/pouchdb-server'), args, { cwd: dir, stdio: 'ignore' });
    await until(async () => {
      try { return (await fetch(url + '/')).ok; } catch { return false; }
    }, 'pouchdb-server answering', 30_000);
    return proc;
  };
  const couch = {
    url,
    proc: await start(),
    /** Kills the server at once (SIGKILL: no goodbye to open connections). */
    async kill() {
      const exited = new Promise((ok) => couch.proc.once('exit', ok));
      couch.proc.kill('SIGKILL');
      await exited;
    },
    /** Starts the server again on the same port and files. */
    async restart() {
      couch.proc = await start();
    },
    async stop() {
      if (couch.proc.exitCode === null && couch.proc.signalCode === null) {
        const exited = new Promise((ok) => couch.proc.once('exit', ok));
        couch.proc.kill();
        await exited;
      }
      if (!kept) await rm(dir, { recursive: true, force: true });
    },
  };
  return couch;
}

/**
 * The usual set-up of a test file: a static server, a fresh browser, one page opened at
 * `hash`, the demo loaded (unless `demo: false`), then `waitFor` (a hook) shown.
 *   let server, browser, page;
 *   before(async () => ({ server, browser, page } = await setUp('#/customers', { waitFor: 'customer-row' })));
 *   after(() => tearDown({ server, browser }));
 */
export async function setUp(hash, { demo = true, waitFor = null } = {}) {
  const server = await startServer();
  const browser = await launch();
  const page = await open(browser.context, server.url + hash);
  if (demo) await loadDemo(page);
  if (waitFor) await page.waitForSelector(byId(waitFor));
  return { server, browser, page };
}

export async function tearDown({ server, browser }) {
  await browser?.close();
  server?.close();
}
