// Starts the public pages (/lapor, /lacak/<code>): the web app manifest and the service worker
// that keeps them available offline, then the page for the path.
import { render } from 'preact';
import { LacakPage, LaporPage } from './lapor';

export function startPublicPages(root: HTMLElement, path: string) {
  const link = document.createElement('link');
  link.rel = 'manifest';
  link.href = '/lapor.webmanifest';
  document.head.appendChild(link);
  const theme = document.createElement('meta');
  theme.name = 'theme-color';
  theme.content = '#b3261e';
  document.head.appendChild(theme);
  if ('serviceWorker' in navigator) {
    // Scope /la: /lapor and /lacak/...; the consoles stay outside it.
    navigator.serviceWorker
      .register('/lapor-sw.js', { scope: '/la' })
      .then(() => navigator.serviceWorker.ready)
      .then((reg) => {
        // The bundles this page loaded, so that the worker can keep them for offline starts.
        const urls = performance
          .getEntriesByType('resource')
          .map((e) => new URL(e.name))
          .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/'))
          .map((u) => u.pathname);
        reg.active?.postMessage({ type: 'keep', urls: [...urls, '/lapor', '/index.html'] });
      })
      .catch(() => undefined);
  }
  if (path === '/lapor') {
    render(<LaporPage />, root);
  } else {
    render(<LacakPage code={decodeURIComponent(path.slice('/lacak/'.length))} />, root);
  }
}
