// Browser benchmark (not a test): how long the demo takes to generate, store (IndexedDB) and load in
// headless Chromium, and how many bytes it stores. Run after scripts/build.sh (the load and
// the list: the build users download, dist/) and scripts/build.sh --bench (metrics and
// funnels at scale: the app's bench exports, only in dist-bench/):
//   node tests/bench/browser.mjs
// Figures go into docs/benchmarks.md.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appMb, rendererMb, rendererPrivateMb } from './memory.mjs';
import { startServer, launch, open, ready, byId, root } from '../e2e/harness.mjs';

// The build with the `bench` feature: `bench_metrics`, `bench_funnel` and `bench_today` are not exported by
// the release build. Checked before anything runs, so a long run does not end on it.
const benchDist = process.env.KEZHI_BENCH_DIST ?? join(root, 'dist-bench');
const wants = (part) => !process.env.ONLY || process.env.ONLY === part;
if ((wants('metrics') || wants('funnel') || wants('today')) && !existsSync(join(benchDist, 'index.html'))) {
  console.error(`no benchmark build in ${benchDist}: run scripts/build.sh --bench (or ONLY=load / ONLY=list)`);
  process.exit(1);
}

const measures = (page) => page.evaluate(() =>
  Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])));

const server = await startServer();
const rows = [];
try {
  const sizes = (process.env.SIZES ?? '5000,20000,100000').split(',').map(Number);
  for (const size of sizes) {
    const browser = await launch();
    try {
      const page = await open(browser.context, server.url + '#/settings');
      const button = size === 5000 ? byId('load-demo') : byId(`load-demo-${size}`);
      await page.click(button);
      await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 600_000 });
      const m = await measures(page);
      const bytes = Number(await page.getAttribute(byId('storage-usage'), 'data-bytes'));
      const saved = (await page.locator(byId('not-saved')).count()) === 0;
      let load = null;
      if (saved) {
        // The service worker's first install fetches and caches the whole build: let it end
        // before the reload (a person's later visit finds it installed and idle).
        await page.evaluate(() => navigator.serviceWorker?.ready);
        await page.reload();
        await ready(page);
        load = (await measures(page))['kezhi:load'];
      }
      rows.push({ customers: size, generate_ms: m['kezhi:generate'], save_ms: m['kezhi:replace'], saved, bytes, load_ms: load, app_mb: await appMb(page), renderer_rss_mb: rendererMb(), renderer_private_mb: rendererPrivateMb() });
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
}
console.table(rows);

// The customer list at 100,000: index build, a search keystroke, a sort, and scrolling.
// (ONLY=load: the table above alone.)
if (wants('list')) {
  const server2 = await startServer();
  const browser = await launch();
  try {
    const page = await open(browser.context, server2.url + '#/settings');
    await page.click(byId('load-demo-100000'));
    await page.waitForSelector(byId('busy'), { state: 'detached', timeout: 600_000 });
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-row'));
    const last = async (name) => page.evaluate((n) => {
      const all = performance.getEntriesByName(n);
      return all.length ? Math.round(all[all.length - 1].duration * 10) / 10 : null;
    }, name);
    const out = { index_build_ms: await last('kezhi:index') };
    // An edit at 100,000: save one customer; the list index is updated, not rebuilt
    // (tests/bench/profile.mjs times it from the click to the frame in the page).
    await page.click(byId('customer-row'));
    await page.fill(byId('field-name'), '基准测试');
    const updates = await page.evaluate(() => performance.getEntriesByName('kezhi:index-update').length);
    const t0 = Date.now();
    await page.click(byId('customer-save'));
    await page.waitForFunction((n) => performance.getEntriesByName('kezhi:index-update').length > n, updates);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    out['edit → list updated (ms, with the round trips of the test)'] = Date.now() - t0;
    out.index_update_ms = await last('kezhi:index-update');
    out.measures = await page.evaluate(() => [...new Set(performance.getEntriesByType('measure').map((m) => m.name))]);
    const timeUntil = async (action, check) => {
      const t0 = Date.now();
      await action();
      while (!(await check())) await new Promise((r) => setTimeout(r, 5));
      return Date.now() - t0;
    };
    const count = async () => Number(await page.getAttribute(byId('customer-count'), 'data-count'));
    for (const text of ['王', 'zs', '138']) {
      await page.fill(byId('customer-search'), text);
      await page.waitForFunction(() => true);
      await new Promise((r) => setTimeout(r, 400));
      out[`query_ms "${text}"`] = await last('kezhi:query');
    }
    await page.fill(byId('customer-search'), '');
    await new Promise((r) => setTimeout(r, 400));
    out['sort spent: click → first row changed (ms)'] = await timeUntil(
      () => page.click(byId('sort-spent')),
      async () => page.url().includes('sort=spent'),
    );
    out['sort spent: query_ms'] = await last('kezhi:query');
    void count;
    // Scroll for two seconds and record the frame intervals.
    out.scroll = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid=customer-list]');
      const frames = [];
      let prev = performance.now();
      const end = prev + 2000;
      await new Promise((done) => {
        const step = (t) => {
          frames.push(t - prev);
          prev = t;
          el.scrollTop += 600;
          if (t < end) requestAnimationFrame(step); else done();
        };
        requestAnimationFrame(step);
      });
      frames.sort((a, b) => a - b);
      const p = (q) => Math.round(frames[Math.floor(q * (frames.length - 1))] * 10) / 10;
      return { frames: frames.length, median_ms: p(0.5), p95_ms: p(0.95), max_ms: p(1) };
    });
    out.app_mb = await appMb(page);
    out.renderer_rss_mb = rendererMb();
    out.renderer_private_mb = rendererPrivateMb();
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await browser.close();
    server2.close();
  }
}

// Analytics at scale: metrics for 100,000 customers and 1,000,000 orders, computed in the
// browser by the app's `bench_metrics` export (a fresh page: it generates its own data).
if (wants('metrics')) {
  const server3 = await startServer(benchDist);
  const browser = await launch();
  try {
    const page = await open(browser.context, server3.url + '#/settings');
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await page.evaluate(() => window.kezhiWasm.bench_metrics(100000, 1000000)));
    console.log(JSON.stringify({ 'metrics 100,000 customers × 1,000,000 orders (ms)': runs.map((v) => Math.round(v)) }));
  } finally {
    await browser.close();
    server3.close();
  }
}

// Funnels at scale: the 5-step purchase funnel over 1,000,000 events of 100,000 customers, by
// the app's `bench_funnel` export — the event index, the funnel, and a 5-way breakdown.
if (wants('funnel')) {
  const server4 = await startServer(benchDist);
  const browser = await launch();
  try {
    const page = await open(browser.context, server4.url + '#/settings');
    const out = {};
    for (const [what, name] of [[0, 'event index'], [1, 'funnel'], [2, 'funnel, 5-way breakdown']]) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await page.evaluate((w) => window.kezhiWasm.bench_funnel(100000, 1000000, w), what));
      out[`${name}, 100,000 customers × 1,000,000 events (ms)`] = runs.map((v) => Math.round(v));
    }
    console.log(JSON.stringify(out));
  } finally {
    await browser.close();
    server4.close();
  }
}

// Today's list at scale (issue 16: at most 50 ms): 100,000 customers on the day after the demo
// ends, everyone's and one account manager's, by the app's `bench_today` export (a fresh page
// per figure: each call generates its own data). Three runs each.
if (wants('today')) {
  const server5 = await startServer(benchDist);
  const browser = await launch();
  try {
    const page = await open(browser.context, server5.url + '#/settings');
    const out = {};
    for (const [manager, name] of [[0, "everyone's"], [1, "one manager's"]]) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await page.evaluate((m) => window.kezhiWasm.bench_today(100000, m), manager));
      out[`today, ${name} list, 100,000 customers (ms)`] = runs.map((v) => Math.round(v * 10) / 10);
    }
    console.log(JSON.stringify(out));
  } finally {
    await browser.close();
    server5.close();
  }
}
