// The service worker of the public pages (/lapor, /lacak/...; scope /la): the pages and their
// bundles stay available offline, so that a resident can open the form without a signal and
// write a report, which the page queues and sends when the phone is back online. The API is
// never cached: tracking answers and report posts always go to the network.
const CACHE = 'siaga-lapor-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['/lapor', '/lapor.webmanifest', '/lapor-icon.svg'])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page tells which bundles it loaded (their names change with each build).
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'keep' && Array.isArray(event.data.urls)) {
    event.waitUntil(caches.open(CACHE).then((c) => c.addAll(event.data.urls.filter((u) => typeof u === 'string'))));
  }
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  if (event.request.mode === 'navigate') {
    // Network first, so that a new build shows at once; the kept page when offline (every
    // public path is the same index.html).
    event.respondWith(fetch(event.request).catch(() => caches.match('/lapor').then((r) => r || caches.match('/index.html'))));
    return;
  }
  // Hashed bundles never change: the kept copy first.
  event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
});
