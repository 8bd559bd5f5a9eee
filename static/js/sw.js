/* Wijkteam's service worker (served from /sw.js by wijkteam/offline.py, so it controls every page).
 *
 * It keeps no case data: pages always come from the network. When a page cannot be loaded, it
 * shows the offline page (rendered without a session, kept at install) with the outbox, instead
 * of the browser's error. Static files are kept once fetched (and fetched again while online), so
 * the offline page and its script work without a connection. Everything else — every
 * POST, every htmx request, /sessie/ — passes through untouched.
 */
const VERSION = "wijkteam-2026-12-02";
const OFFLINE_URL = "/offline/";
const STATIC_PREFIX = "/static/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(VERSION);
      // Without the session's cookie: the page must not hold anyone's name.
      const response = await fetch(OFFLINE_URL, { credentials: "omit", cache: "no-store" });
      if (!response.ok) throw new Error(`offline page ${response.status}`);
      const page = await response.clone().text();
      await cache.put(OFFLINE_URL, response);
      // The page's own static files (styles, htmx, its script), whatever their hashed names.
      const assets = [...page.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((match) => match[1]);
      await cache.addAll([...new Set(assets)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== VERSION) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(OFFLINE_URL)) || Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    // The network first (a new release's files), the kept copy without a connection.
    event.respondWith(
      (async () => {
        const cache = await caches.open(VERSION);
        try {
          const response = await fetch(request);
          if (response.ok) await cache.put(request, response.clone());
          return response;
        } catch (error) {
          return (await cache.match(request)) || Response.error();
        }
      })(),
    );
  }
});
