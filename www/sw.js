// The dist site's service worker (registered by offline.js; `optiviz dist` fills in the three
// lists below). On the first visit it caches every file of the site and the wasm builds this browser
// runs; from then on it answers every request for them from that cache, so the pages work
// offline, a classroom's poor network or none. Each build caches under its own name (its
// version changes with any file); the first visit's worker takes the page over at once, and a
// new build's waits until every page of the old one is closed, so an open page never mixes
// files of two builds; then the old build's cache is deleted.
// The development server serves this file with its placeholders but no page registers it.

/** Every file of the site but the wasm builds, relative to this script ('./' the root). */
const PRECACHE = "__PRECACHE__";
/** The wasm builds: every page's and the workers', with and without SIMD. */
const WASM = "__WASM__";
/** The build's version: a hash of every file. */
const VERSION = "__VERSION__";
const CACHE = `optiviz-${VERSION}`;

// The wasm builds of the kind the registering page runs (every page's and the workers', with
// SIMD or without: offline.js names the page's own), so that every page works offline in this
// browser; both kinds when it names none.
const plain = (path) => /_nosimd_bg(\.[0-9a-f]{16})?\.wasm$/.test(String(path));
const asked = new URL(self.location.href).searchParams.get('wasm');
const wasm = asked === null ? WASM : WASM.filter((path) => plain(path) === plain(asked));

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
