// Registers the service worker (sw.js) that keeps the site working offline after one visit.
// Only `optiviz dist` adds this script to the pages (src/cli/dist.rs): the development server's
// pages never register one, so no cached copy can hide an edit while developing.
import { wasmUrl } from './wasm.js';

// A service worker needs a secure context (https, or localhost); elsewhere the site works as
// before, online only.
if ('serviceWorker' in navigator) {
  // sw.js lies at the site's root, beside this script; it caches the whole wasm build of the
  // kind this browser runs (with SIMD or without), which it tells from the page's own (the
  // page's choice, www/wasm.js), named relative to that root.
  const root = new URL('./', import.meta.url).href;
  const wasm = encodeURIComponent(wasmUrl.href.slice(root.length));
  navigator.serviceWorker.register(new URL(`sw.js?wasm=${wasm}`, root))
    .catch((e) => console.warn(`optiviz: no offline copy (${e.message})`));
}
