// The dist site's service worker (registered by offline.js; `optiviz dist` fills in the three
// lists below). On the first visit it caches every file of the site and the whole wasm build
// of the kind this browser runs; from then on it answers every request for them from that
// cache, so the pages work offline, a classroom's poor network or none. Each build caches
// under its own name (its version changes with any file); the first visit's worker takes the
// page over at once, and a new build's waits until every page of the old one is closed, so an
// open page never mixes files of two builds; then the old build's cache is deleted.
// The development server serves this file with its placeholders but no page registers it.

/** Every file of the site but the wasm builds, relative to this script ('./' the root). */
const PRECACHE = "__PRECACHE__";
/** The wasm builds: the whole one, every page's and the workers', with and without SIMD. */
const WASM = "__WASM__";
/** The build's version: a hash of every file. */
const VERSION = "__VERSION__";
const CACHE = `optiviz-${VERSION}`;

// What is cached of the wasm: only the whole build (every export; scripts/build-wasm.sh), of
// the kind the registering page runs (`?kind=simd` or `plain`, from offline.js), both kinds
// when it names neither. A page's own build, and the workers', are parts of it cut so that a
// first visit downloads less; from the cache the whole serves every page and worker alike, so
// all pages work offline from one copy (the four parts together are 2.5 times its size).
const plain = (path) => /_nosimd_bg(\.[0-9a-f]{16})?\.wasm$/.test(String(path));
const whole = (path) => /(^|\/)optiviz(_nosimd)?_bg(\.[0-9a-f]{16})?\.wasm$/.test(String(path));
const kind = new URL(self.location.href).searchParams.get('kind');
const wasm = WASM.filter((path) => whole(path) && (kind === 'simd' ? !plain(path) : kind === 'plain' ? plain(path) : true));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...PRECACHE, ...wasm])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('optiviz-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    // A page opened with a link's query (index.html?surface=…) is the page itself.
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
    // A page's or the workers' wasm: the cached whole build of its kind stands in for it.
    const path = new URL(request.url).pathname;
    const stand = path.endsWith('.wasm') ? wasm.find((p) => plain(p) === plain(path)) : undefined;
    return (stand && await cache.match(new URL(stand, self.location.href))) ?? fetch(request);
  }));
});
