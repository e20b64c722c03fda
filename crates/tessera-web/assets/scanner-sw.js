// scanner-sw.js: lets the scanner page (/scan/...) open without a network.
// Served at /scan/sw.js with scope /scan/. The page itself puts what it
// needs into the "tessera-scanner" cache (see keepForOffline in scanner.js);
// this worker answers from it when the network fails:
// - scanner pages: the network first, the cached copy when offline;
// - /assets/ files: from the cache first (their links carry a content hash).
// Everything else, the API included, goes to the network untouched; the page
// handles being offline itself. Service workers need a secure context
// (https or localhost): on a plain-http LAN address this never runs.

const CACHE = "tessera-scanner";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/assets/")) {
    e.respondWith(
      caches.open(CACHE).then(async (cache) => (await cache.match(req)) ?? fetch(req)),
    );
  } else if (req.mode === "navigate" && url.pathname.startsWith("/scan/")) {
    e.respondWith(
      fetch(req).then(
        async (res) => {
          // Keep the latest copy of a scanner page the server actually served.
          if (res.ok && res.type === "basic" && !res.redirected) {
            const cache = await caches.open(CACHE);
            await cache.put(req, res.clone());
          }
          return res;
        },
        async () => (await caches.open(CACHE).then((c) => c.match(req))) ?? Response.error(),
      ),
    );
  }
});
