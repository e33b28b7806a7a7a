// The dist site's service worker (registered by offline.js; `optiviz dist` fills in the three
// lists below). On the first visit it caches every file of the site and the wasm this browser
// runs; from then on it answers every request for them from that cache, so the pages work
// offline, a classroom's poor network or none. Each build caches under its own name (its
// version changes with any file); the first visit's worker takes the page over at once, and a
// new build's waits until every page of the old one is closed, so an open page never mixes
// files of two builds; then the old build's cache is deleted.
// The development server serves this file with its placeholders but no page registers it.

/** Every file of the site but the wasm builds, relative to this script ('./' the root). */
const PRECACHE = "__PRECACHE__";
/** The wasm builds (with and without SIMD). */
const WASM = "__WASM__";
/** The build's version: a hash of every file. */
const VERSION = "__VERSION__";
const CACHE = `optiviz-${VERSION}`;

// The wasm the registering page runs (offline.js names it), by its name without the hash: a
// page of the previous build names its own build's file. Both when it names neither.
const unhashed = (path) => String(path).replace(/\.[0-9a-f]{16}\.wasm$/, '.wasm');
const asked = unhashed(new URL(self.location.href).searchParams.get('wasm'));
const chosen = WASM.filter((path) => unhashed(path) === asked);
const wasm = chosen.length > 0 ? chosen : WASM;

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
  // A page opened with a link's query (index.html?surface=…) is the page itself.
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: request.mode === 'navigate' }))
    .then((hit) => hit ?? fetch(request)));
});
