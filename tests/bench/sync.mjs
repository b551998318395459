// Benchmark: the first sync of the 5,000-customer demo (or SIZE) to a local pouchdb-server —
// push from device A, then pull into an empty device B: time, records per second, requests
// made, the tab's memory after; then one edit's time to appear in the other browser.
//   node tests/bench/sync.mjs            (KEZHI_DIST=dir for another build; SIZE=20000)
import { appMb as memoryMb, rendererPrivateMb } from './memory.mjs';
import { startServer, startCouch, launch, open, byId, until } from '../e2e/harness.mjs';

const SIZE = Number(process.env.SIZE ?? 5000);
// PULL_VIEW=customers (or dashboard): B watches that view while it pulls, so what the page
// derives from the data (analytics, the list index) is redone as batches arrive.
const PULL_VIEW = process.env.PULL_VIEW ?? null;

// At 100k the server keeps its documents in LevelDB files (millions of them in memory would
// measure the test server, not the app).
// PULL_FROM=dir: the files of an earlier run's server (kept, with the pushed demo in 'bench'):
// only the pull into an empty browser is measured.
const PULL_FROM = process.env.PULL_FROM ?? null;
const couch = await startCouch({ persistent: SIZE >= 100000, dir: PULL_FROM });
const couchUrl = couch.url;
if (!PULL_FROM) await fetch(`${couchUrl}/bench`, { method: 'PUT' });
const server = await startServer();

async function device(name) {
  const browser = await launch();
  // Every task over 50 ms in the page, for the pull's long tasks.
  await browser.context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const requests = [];
  browser.context.on('request', (r) => { if (r.url().startsWith(couchUrl)) requests.push(r.url()); });
  const page = await open(browser.context, server.url + '#/settings');
  await page.fill(byId('sync-url'), couchUrl);
  await page.fill(byId('sync-db'), 'bench');
  return { name, browser, page, requests };
}

async function synced(page, timeout) {
  await until(async () => (await page.getAttribute(byId('sync-status'), 'data-state')) === 'synced'
    && (await page.getAttribute(byId('sync-status'), 'data-pending')) === '0', 'synced', timeout);
}

/** Samples the page's memory every 2 s while a sync runs; `stop()` gives the peaks. */
function sampler(page) {
  const peak = { app: 0, renderer: 0 };
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      peak.app = Math.max(peak.app, await memoryMb(page));
      peak.renderer = Math.max(peak.renderer, rendererPrivateMb() ?? 0);
    } catch { /* the page is busy navigating */ }
    busy = false;
  }, 2000);
  return { stop: () => { clearInterval(timer); return peak; } };
}

const big = SIZE >= 100000;
let a = null;
let t = Date.now();
let sampling;
const docCount = async () => (await (await fetch(`${couchUrl}/bench`)).json()).doc_count;
if (!PULL_FROM) {
  a = await device('A');
  const sizeButton = SIZE === 5000 ? byId('load-demo') : byId(`load-demo-${SIZE}`);
  await a.page.click(sizeButton);
  await a.page.waitForSelector(byId('busy'), { state: 'detached', timeout: 300_000 });
  console.log(`A: app memory before the push ${await memoryMb(a.page)} MB, renderer private ${rendererPrivateMb()} MB`);
  t = Date.now();
  sampling = sampler(a.page);
  await a.page.click(byId('sync-start'));
  await synced(a.page, 3_600_000);
  const pushMs = Date.now() - t;
  const pushPeak = sampling.stop();
  const docs = await docCount();
  console.log(`push: ${docs} documents in ${(pushMs / 1000).toFixed(1)} s = ${Math.round(docs / (pushMs / 1000))} records/s, ${a.requests.length} requests (${a.requests.filter((u) => u.includes('_bulk_docs')).length} _bulk_docs)`);
  console.log(`A: app memory after the push ${await memoryMb(a.page)} MB; during it at most ${pushPeak.app} MB, renderer private at most ${pushPeak.renderer} MB`);
  // At 100k, A's tab would be the largest renderer during B's pull: A goes (no edit test).
  if (big) await a.browser.close();
}
const docs = await docCount();


const b = await device('B');
b.page.on('crash', () => console.log(`B: the tab crashed after ${Math.round((Date.now() - t) / 1000)} s`));
b.page.on('console', (m) => { if (m.type() === 'error') console.log('B: console error:', m.text().slice(0, 300)); });
const watch = setInterval(async () => {
  try {
    const done = await b.page.getAttribute(byId('sync-progress'), 'data-done', { timeout: 1000 });
    console.log(`B: ${Math.round((Date.now() - t) / 1000)} s, ${done} pulled, app ${await memoryMb(b.page)} MB, renderer private ${rendererPrivateMb()} MB`);
  } catch { /* no progress shown at this moment */ }
}, 60_000);
t = Date.now();
sampling = sampler(b.page);
await b.page.click(byId('sync-start'));
if (PULL_VIEW) {
  await b.page.evaluate(() => { window.__longTasks.length = 0; });
  await b.page.click(byId(`nav-${PULL_VIEW}`));
}
await synced(b.page, 3_600_000);
const pullMs = Date.now() - t;
const pullLong = await b.page.evaluate(() => window.__longTasks.slice());
// What the page derived while pulling: full builds and updates of the analytics and the index.
const derivedWork = await b.page.evaluate(() => {
  const out = {};
  for (const m of performance.getEntriesByType('measure')) {
    if (!/^kezhi:(analytics|index)/.test(m.name)) continue;
    const o = (out[m.name] ??= { n: 0, ms: 0, max: 0 });
    o.n += 1; o.ms += m.duration; o.max = Math.max(o.max, m.duration);
  }
  for (const o of Object.values(out)) { o.ms = Math.round(o.ms); o.max = Math.round(o.max); }
  return out;
});
const pullPeak = sampling.stop();
clearInterval(watch);
await b.page.goto(server.url + '#/customers');
await until(async () => Number(await b.page.getAttribute(byId('customer-count'), 'data-count')) === SIZE, 'all customers in B', 120_000);
console.log(`pull: ${docs} documents in ${(pullMs / 1000).toFixed(1)} s = ${Math.round(docs / (pullMs / 1000))} records/s, ${b.requests.length} requests (${b.requests.filter((u) => u.includes('_changes')).length} _changes)`);
console.log(`B: app memory after the pull ${await memoryMb(b.page)} MB; during it at most ${pullPeak.app} MB, renderer private at most ${pullPeak.renderer} MB`);
const sum = pullLong.reduce((a, d) => a + d, 0);
console.log(`B: derived during the pull: ${JSON.stringify(derivedWork)}`);
console.log(`B: long tasks during the pull${PULL_VIEW ? ` (on ${PULL_VIEW})` : ''}: ${pullLong.length}, ${Math.round(sum)} ms in all, longest ${Math.round(Math.max(0, ...pullLong))} ms, over 200 ms: ${pullLong.filter((d) => d > 200).length}`);
if (big) {
  await b.browser.close();
  server.close();
  await couch.stop();
  process.exit(0);
}

if (!a) {
  await b.browser.close();
  server.close();
  await couch.stop();
  process.exit(0);
}
// One edit in A → visible in B's list.
await a.page.goto(server.url + '#/customers');
await a.page.click(`${byId('customer-row')} >> nth=0`);
const name = `改名-${Date.now() % 100000}`;
await a.page.fill(byId('field-name'), name);
await b.page.fill(byId('customer-search'), name);
t = Date.now();
await a.page.click(byId('customer-save'));
await until(async () => Number(await b.page.getAttribute(byId('customer-count'), 'data-count')) === 1, 'the edit in B', 60_000);
console.log(`one edit → visible in the other browser: ${Date.now() - t} ms`);

await a.browser.close();
await b.browser.close();
server.close();
await couch.stop();
