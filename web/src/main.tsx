import { render } from 'preact';

document.documentElement.lang = localStorage.getItem('siaga.lang') === 'en' ? 'en' : 'id';
const root = document.getElementById('app')!;
// The public transparency page loads alone (no login, none of the consoles' code): a small bundle.
if (location.pathname.replace(/\/+$/, '') === '/transparansi') {
  void import('./ui/transparency').then(({ TransparencyPage }) => render(<TransparencyPage />, root));
} else {
  void import('./ui/app').then(({ App }) => render(<App />, root));
}
