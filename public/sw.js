// kezhi's service worker: the app works offline after the first visit.
//
// This file is a template: the build's post_build hook (scripts/pwa.mjs) fills in the line
// `const BUILD = …` with the build's version and its file list (relative URLs) and writes the
// result to dist/sw.js. A new deployment therefore ships a changed sw.js, which is what makes
// the browser install the new worker. It waits until the page asks it to take over (the
// app's "a new version is ready — reload" banner); it never skips waiting on its own.
//
// - install: every file of the build goes into a cache named by the scope and the version,
//   two at a time;
// - activate: the caches of older versions of this deployment (same scope) are deleted, and
//   the open pages are claimed;
// - fetch: pages (navigations, index.html) network first, falling back to the cached
//   index.html offline; the build's other (hashed) files cache first. Requests to other
//   origins (a CouchDB server to sync with) and anything not of the build are not touched.

const BUILD = { version: 'dev', files: [] };

const SCOPE = self.registration.scope;
const PREFIX = `kezhi:${SCOPE}:`;
const CACHE = PREFIX + BUILD.version;
const INDEX = new URL('index.html', SCOPE).href;
const FILES = new Set(BUILD.files.map((f) => new URL(f, SCOPE).href));

// Files fetched at once while installing. The page shares the browser's six connections to
// this origin with the worker; `cache.addAll` asks for every file at once, and a page's own
// first fetch of a page's code or of the files worker waits behind them. Two leave the page
// four (docs/benchmarks.md, "Fewer, larger chunk files").
const AT_ONCE = 2;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const queue = [...FILES];
    const lane = async () => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        // An install cut short (the page closed, the link lost) resumes where it stopped: the
        // cache is this version's, and every file but index.html is named by its content.
        if (await cache.match(url)) continue;
        // `no-cache`: revalidated with the server, never a stale copy from the HTTP cache.
        const response = await fetch(new Request(url, { cache: 'no-cache' }));
        // As `cache.addAll`: a file that cannot be had fails the install, which is tried
        // again on the next visit; the worker never claims a page it cannot serve offline.
        if (!response.ok) throw new TypeError(`${url}: ${response.status}`);
        await cache.put(url, response);
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, lane));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // The page of a first visit is not controlled by any worker: it is claimed, so the code it
    // fetches on first use (a page's chunk, the files worker) comes from this cache when the
    // network is gone. A worker activated by the update banner claims the page too; the page
    // reloads then anyway.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return;
  const path = url.origin + url.pathname;
  if (request.mode === 'navigate' || path === INDEX || path === SCOPE) {
    event.respondWith(networkFirst(request));
  } else if (FILES.has(path)) {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    // A server error: the copy of this version serves better. A 404 stays a 404.
    if (response.status < 500) return response;
    return (await cached(INDEX)) ?? response;
  } catch (err) {
    const response = await cached(INDEX);
    if (response) return response;
    throw err;
  }
}

async function cacheFirst(request) {
  return (await cached(request)) ?? fetch(request);
}

async function cached(request) {
  const cache = await caches.open(CACHE);
  return cache.match(request, { ignoreSearch: true });
}
