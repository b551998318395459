// End-to-end: offline after the first visit (the service worker: public/sw.js, written into
// dist/ by scripts/pwa.mjs, registered by src/pwa.rs). With the network off, a reload brings
// the app and its data back, at / and under a sub-path; a new deployment shows the
// `update-banner`, whose button reloads into the new version; without service workers the app
// runs as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dist, startServer, launch, open, ready, checkNoErrors, byId, count, loadDemo, settled, until,
} from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server.close());

/** Waits until the page's service worker is active; its script URL and scope. */
function activeWorker(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return { script: registration.active.scriptURL, scope: registration.scope };
  });
}

const controlled = (page) => page.evaluate(() => navigator.serviceWorker.controller !== null);

async function offlineAfterFirstVisit(base) {
  const browser = await launch();
  try {
    const page = await open(browser.context, base + '#/settings');
    await loadDemo(page);
    await settled(page);
    assert.deepEqual(await activeWorker(page), { script: base + 'sw.js', scope: base });
    // Everything the worker keeps is of this build, named relative to the scope.
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0]);
      return { names, urls: (await cache.keys()).map((r) => r.url) };
    });
    assert.equal(cached.names.length, 1);
    assert.ok(cached.names[0].startsWith(`kezhi:${base}:`), cached.names[0]);
    for (const file of ['index.html', 'favicon.svg', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png']) {
      assert.ok(cached.urls.includes(base + file), `${file} precached: ${cached.urls}`);
    }
    for (const ext of ['.js', '_bg.wasm', '.css']) {
      assert.ok(cached.urls.some((u) => u.startsWith(base) && u.endsWith(ext)), `a ${ext} file precached`);
    }

    await browser.context.setOffline(true);
    const hits = server.hits.length;
    await page.reload();
    await ready(page);
    assert.ok(await controlled(page), 'the reloaded page is served by the worker');
    await page.click(byId('nav-customers'));
    await until(async () => (await count(page)) === 5000, 'the demo customers, offline');
    // The pinyin readings' table is one of the files kept: names are found by pinyin offline.
    await page.fill(byId('customer-search'), 'zhang');
    await until(async () => (await count(page)) < 5000, 'zhang searched');
    const byPinyin = await count(page);
    await page.fill(byId('customer-search'), '张');
    await until(async () => (await count(page)) !== byPinyin, 'the 张 found');
    assert.ok(byPinyin > await count(page), `zhang (${byPinyin}) finds every 张 (${await count(page)}) and more, offline`);
    assert.equal(await page.isVisible(byId('readings-failed')), false);
    assert.deepEqual(server.hits.slice(hits), [], 'no request reached the server while offline');
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
}

test('offline after the first visit: a reload brings back the app and its data', async () => {
  await offlineAfterFirstVisit(server.url);
});

test('offline after the first visit, served under a sub-path', async () => {
  await offlineAfterFirstVisit(server.subUrl);
});

test('a new deployment shows the update banner; its button reloads into the new version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kezhi-deploy-'));
  await cp(dist, dir, { recursive: true });
  const site = await startServer(dir);
  const browser = await launch();
  try {
    const page = await open(browser.context, site.subUrl);
    await activeWorker(page);
    // The first visit installs the worker; from the next one on it serves the page.
    await page.reload();
    await ready(page);
    assert.ok(await controlled(page));
    assert.equal(await page.locator(byId('update-banner')).count(), 0);

    // A new build, as scripts/pwa.mjs would write it: another index.html, another version.
    const sw = await readFile(join(dir, 'sw.js'), 'utf8');
    const [, version] = sw.match(/"version":"([0-9a-f]+)"/);
    const next = version.split('').reverse().join('');
    assert.notEqual(next, version);
    await writeFile(join(dir, 'sw.js'), sw.replace(`"version":"${version}"`, `"version":"${next}"`));
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    await writeFile(join(dir, 'index.html'), html.replace('</head>', '<meta name="kezhi-deploy" content="next"></head>'));

    // The page looks for a new version whenever it is shown again.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForSelector(byId('update-banner'), { timeout: 30_000 });
    assert.match(await page.textContent(byId('update-banner')), /新版本/);
    assert.equal((await page.textContent(byId('update-reload'))).trim(), '重新加载');
    await page.selectOption(byId('lang-switch'), 'en');
    assert.match(await page.textContent(byId('update-banner')), /A new version is ready/);

    const reloaded = page.waitForEvent('load');
    await page.click(byId('update-reload'));
    await reloaded;
    await ready(page);
    assert.equal(await page.locator(byId('update-banner')).count(), 0);
    assert.equal(await page.getAttribute('meta[name="kezhi-deploy"]', 'content'), 'next');
    const names = await page.evaluate(() => caches.keys());
    assert.deepEqual(names, [`kezhi:${site.subUrl}:${next}`], 'only the new version is kept');

    // Offline, the new version's files are what the worker serves.
    await browser.context.setOffline(true);
    await page.reload();
    await ready(page);
    assert.equal(await page.getAttribute('meta[name="kezhi-deploy"]', 'content'), 'next');
  } finally {
    await browser.close();
    site.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('without service workers the app runs as before', async () => {
  const browser = await launch();
  try {
    await browser.context.addInitScript(() => { delete Navigator.prototype.serviceWorker; });
    const page = await open(browser.context, server.url + '#/settings');
    assert.equal(await page.evaluate(() => 'serviceWorker' in navigator), false);
    await page.click(byId('nav-customers'));
    await page.waitForSelector(byId('customer-count'));
    checkNoErrors(page);
  } finally {
    await browser.close();
  }
});
