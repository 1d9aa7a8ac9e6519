import { render } from 'preact';

document.documentElement.lang = localStorage.getItem('siaga.lang') === 'en' ? 'en' : 'id';
const root = document.getElementById('app')!;
// The public transparency page loads alone (no login, none of the consoles' code): a small bundle.
const path = location.pathname.replace(/\/+$/, '');
if (path === '/transparansi') {
  void import('./ui/transparency').then(({ TransparencyPage }) => render(<TransparencyPage />, root));
} else if (path === '/lapor' || path === '/lacak' || path.startsWith('/lacak/')) {
  // The public report form and tracking page: a bundle of their own, installable (PWA).
  void import('./ui/lapor_entry').then(({ startPublicPages }) => startPublicPages(root, path));
} else {
  void import('./ui/app').then(({ App }) => render(<App />, root));
}
