// Browser benchmark (not a test): a first visit over an emulated fast-4G link (9 Mbit/s down,
// 150 ms latency; emulated by the static server itself, below) to a static server that sends
// gzip, as a CDN does. Each run is a fresh profile: nothing cached, no service worker.
//   node tests/bench/coldstart.mjs            (RUNS=5, DIST=dist; SW=block: no service worker,
//                                             whose precaching shares the link)
// Prints the bytes of each built file (raw and gzipped), then per run: ms from navigation to
// `body[data-ready]`, the bytes transferred, when the pinyin readings' table had arrived
// (ms after ready; fetched once the page has started), and, once ready, the ms to a usable import page
// (the first visit of #/import, files' code included), then to the settings page (the largest
// page fetched on its first visit). Figures go into docs/benchmarks.md.
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, byId, root } from '../e2e/harness.mjs';

const dir = process.env.DIST ?? join(root, 'dist');
const RUNS = Number(process.env.RUNS ?? 5);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

// Gzip at level 9 once per file, as a CDN stores it.
const gz = new Map();
async function gzipped(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(await readFile(file), { level: 9 }));
  return gz.get(file);
}

const files = [];
for (const name of (await readdir(dir)).sort()) {
  const p = join(dir, name);
  if (!(await stat(p)).isFile()) continue;
  files.push({ file: name, bytes: (await stat(p)).size, gzip_bytes: (await gzipped(p)).length });
}
console.table(files);

// The link, emulated by this server: each response waits the latency, then its bytes share
// one 9 Mbit/s pipe with every other response under way (in 16 KB slices, first come first
// served). DevTools' Network.emulateNetworkConditions did this until Chromium 156 here, which
// applies its latency but no longer its throughput (a 789 KB fetch took 160 ms under it).
const LINK = { latencyMs: 150, bitsPerSecond: 9 * 1000 * 1000 };
let linkFreeAt = 0;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, Math.max(0, ms)));
async function sendOverLink(res, body) {
  await sleep(LINK.latencyMs);
  const SLICE = 16 * 1024;
  for (let at = 0; at < body.length; at += SLICE) {
    const slice = body.subarray(at, at + SLICE);
    const start = Math.max(performance.now(), linkFreeAt);
    linkFreeAt = start + (slice.length * 8 * 1000) / LINK.bitsPerSecond;
    await sleep(linkFreeAt - performance.now());
    if (!res.write(slice)) await new Promise((ok) => res.once('drain', ok));
  }
  res.end();
}

const server = createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(dir, path));
  if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
  let body;
  try {
    body = await gzipped(file);
  } catch {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-encoding': 'gzip',
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  await sendOverLink(res, body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const rows = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    const browser = await launch(process.env.SW === 'block' ? { serviceWorkers: 'block' } : {});
    try {
      const { context } = browser;
      // The moment the app says it is ready, in the page's own clock (from navigation start).
      await context.addInitScript(() => {
        new MutationObserver((_, obs) => {
          if (document.body?.dataset.ready === 'true') {
            window.__kezhiReady = performance.now();
            obs.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await page.goto(url);
      await page.waitForFunction(() => window.__kezhiReady !== undefined, null, { timeout: 60_000 });
      const ready_ms = Math.round(await page.evaluate(() => window.__kezhiReady));
      const transferred = await page.evaluate(() =>
        performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
          .reduce((s, e) => s + (e.transferSize || 0), 0));
      // The pinyin readings' table (src/readings.rs), fetched once the page has started: when
      // it had arrived, against ready (builds before it have none).
      const readings_ms = await page.evaluate(async () => {
        if (!document.querySelector('meta[name="kezhi-readings"]')) return null;
        for (let i = 0; i < 600; i++) {
          const e = performance.getEntriesByType('resource').find((r) => /pinyin-readings-/.test(r.name));
          if (e && e.responseEnd > 0) return e.responseEnd;
          await new Promise((r) => setTimeout(r, 50));
        }
        return null;
      });
      const readings_after_ready_ms = readings_ms === null ? '-' : Math.round(readings_ms - ready_ms);
      // A usable import page: the navigation, and (once the files' code is fetched on first
      // use) the file input enabled.
      const t0 = await page.evaluate(() => performance.now());
      await page.click(byId('nav-import'));
      await page.waitForSelector(`${byId('import-file')}:not([disabled])`, { timeout: 60_000 });
      await page.waitForFunction(() => !document.querySelector('[data-files-loading]'), null, { timeout: 60_000 });
      const import_ms = Math.round((await page.evaluate(() => performance.now())) - t0);
      // The largest page fetched on its first visit (src/lazy_pages.rs): Settings, its own
      // chunk and the shared ones it needs (sync's settings, backups, the demo buttons).
      const t1 = await page.evaluate(() => performance.now());
      await page.click(byId('nav-settings'));
      await page.waitForSelector(byId('sync-url'), { timeout: 60_000 });
      const settings_ms = Math.round((await page.evaluate(() => performance.now())) - t1);
      rows.push({ run, ready_ms, transferred_kb: Math.round(transferred / 1024), readings_after_ready_ms, import_page_ms: import_ms, settings_page_ms: settings_ms });
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
}
console.table(rows);
const sorted = rows.map((r) => r.ready_ms).sort((a, b) => a - b);
console.log(`median ready: ${sorted[Math.floor(sorted.length / 2)]} ms`);
