// Registers the service worker (sw.js) that keeps the site working offline after one visit.
// Only `optiviz dist` adds this script to the pages (src/cli/dist.rs): the development server's
// pages never register one, so no cached copy can hide an edit while developing.
import { simd } from './wasm.js';

// A service worker needs a secure context (https, or localhost); elsewhere the site works as
// before, online only.
if ('serviceWorker' in navigator) {
  // sw.js lies at the site's root, beside this script; it caches the whole wasm build of the
  // kind this browser runs (www/wasm.js), with SIMD or without. Every page registers it by the
  // same URL (naming the kind, not the page's own build), so going from page to page never
  // registers a new worker.
  const root = new URL('./', import.meta.url).href;
  navigator.serviceWorker.register(new URL(`sw.js?kind=${simd ? 'simd' : 'plain'}`, root))
    .catch((e) => console.warn(`optiviz: no offline copy (${e.message})`));
}
