// What the reload's long tasks are made of (a tool, not a test): the benchmark build's demo
// of CUSTOMERS customers (Settings offers 100,000 and 500,000, the default) stored through
// Settings, then a reload traced (DevTools' Tracing) and sampled (its Profiler). For each
// task over 60 ms on the page's main thread: the trace events inside it, and for those over
// 80 ms the functions the samples fell in. Wasm functions have names only in a build that
// keeps them: add `-g` to the page's `data-wasm-opt-params` in index.html for that build
// (never for one that ships).
//   scripts/build.sh --bench && node tests/bench/reload_tasks.mjs
// Found with it (2026-12-05): a page of records read ahead and already there was read in the
// task of the page before it (IdbStore::read_page), making one task of 106–111 ms at 500k.
import { join } from 'node:path';
import { startServer, launch, open, byId, root } from '../e2e/harness.mjs';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 500000);
const server = await startServer(process.env.KEZHI_BENCH_DIST ?? join(root, 'dist-bench'));
const browser = await launch();
const page = await open(browser.context, server.url + '#/settings');
page.setDefaultTimeout(30 * 60_000);
await page.click(byId(`load-demo-${CUSTOMERS}`));
await page.waitForSelector(byId('busy'), { state: 'detached' });
await page.waitForSelector(byId('saving'), { state: 'detached' });
await page.evaluate(() => navigator.serviceWorker?.ready);
await page.goto(server.url + '#/customers');
const cdp = await browser.context.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((ok) => cdp.on('Tracing.tracingComplete', ok));
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,disabled-by-default-v8.gc,blink.user_timing,IndexedDB', transferMode: 'ReportEvents' });
await page.reload();
await page.waitForSelector('body[data-ready="true"]');
await page.waitForFunction((n) => document.querySelector('[data-testid="customer-count"]')?.dataset.count === String(n), CUSTOMERS, { polling: 100 });
await cdp.send('Tracing.end');
await done;
const { profile } = await cdp.send('Profiler.stop');
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const stackOf = (id) => { const out = []; for (let x = id; x; x = parentOf.get(x)) { const f = nodes.get(x).callFrame.functionName; if (f) out.push(f); } return out; };
let t = profile.startTime; const samples = profile.samples.map((s, i) => { t += profile.timeDeltas[i]; return [t, s]; });
console.log(`profile: ${samples.length} samples over ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
// The page's main thread: the one whose tasks took longest in all.
const runs = events.filter((e) => e.name === 'RunTask' && e.ph === 'X');
const byThread = new Map();
for (const e of runs) byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
const main = [...byThread.entries()].sort((a, b) => b[1] - a[1])[0][0];
const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X');
const long = mine.filter((e) => e.name === 'RunTask' && e.dur > 60_000);
for (const t of long) {
  const inside = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur);
  const agg = new Map();
  for (const e of inside) agg.set(e.name, (agg.get(e.name) ?? 0) + e.dur);
  console.log(`task ${(t.dur / 1000).toFixed(1)} ms at ${t.ts}:`, [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(', '));
  const top = inside.filter((e) => e.dur > 5000).sort((a, b) => a.ts - b.ts).map((e) => `${e.name}${e.args?.data?.functionName ? '(' + e.args.data.functionName + ')' : ''}@${((e.ts - t.ts) / 1000).toFixed(1)}+${(e.dur / 1000).toFixed(1)}`);
  console.log('   ', top.join(' | '));
  if (t.dur > 80_000) {
    const inWin = samples.filter(([ts]) => ts >= t.ts && ts <= t.ts + t.dur);
    const self = new Map(); const incl = new Map();
    for (const [, id] of inWin) {
      const st = stackOf(id);
      self.set(st[0], (self.get(st[0]) ?? 0) + 1);
      for (const f of new Set(st.slice(0, 12))) incl.set(f, (incl.get(f) ?? 0) + 1);
    }
    console.log('    samples', inWin.length);
    console.log('    self:', [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([f, n]) => `${f} ${n}`).join(' | '));
    console.log('    incl:', [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([f, n]) => `${f} ${n}`).join(' | '));
  }
}
await browser.close();
server.close();
