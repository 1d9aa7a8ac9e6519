// The shell: sign-in, the role-aware home, the top bar and the hash router; /laporan (the
// printable report) is a page of its own, without the shell, that the server's index.html serves.
import '../styles.css';
import '../stats.css';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, onUnauthorized, post } from '../api/client';
import type { LoginResponse, Me, Role } from '../api/types';
import { langStore, loadDirectory, meStore, nowStore, sessionEndedStore, signOut, startLive, stopLive, timeZone, useT } from '../data';
import { enumName, type Key } from '../lib/i18n';
import { useStore } from '../lib/store';
import { formatClock, zoneAbbr } from '../lib/time';
import { AdminPage } from './admin';
import { AgencyConsole } from './agency';
import { CallTakerConsole } from './calltaker';
import { ConnectionBadge, errorText, OutageBanner, Toasts } from './common';
import { LeaderDashboard } from './leader';
import { ChangePassword } from './password';
import { ReportPage } from './report';
import { Wallboard } from './wallboard';

interface NavItem {
  path: string;
  key: Key;
  roles: Role[];
}

const NAV: NavItem[] = [
  { path: 'calltaker', key: 'nav_calltaker', roles: ['call_taker', 'supervisor', 'admin'] },
  { path: 'agency', key: 'nav_agency', roles: ['agency_operator'] },
  { path: 'wallboard', key: 'nav_supervisor', roles: ['supervisor', 'admin', 'call_taker'] },
  { path: 'leader', key: 'nav_leader', roles: ['leader', 'supervisor', 'admin'] },
  { path: 'admin', key: 'nav_admin', roles: ['admin'] },
];

const HOME: Record<Role, string> = {
  call_taker: 'calltaker',
  agency_operator: 'agency',
  supervisor: 'wallboard',
  leader: 'leader',
  admin: 'admin',
};

function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [parts, setParts] = useState(read());
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parts;
}

export function App() {
  const me = useStore(meStore);
  const [checking, setChecking] = useState(true);
  const t = useT();

  useEffect(() => {
    const off = onUnauthorized(() => {
      stopLive();
      meStore.set(null);
    });
    get<Me>('/me')
      .then(async (m) => {
        if (m.must_change_password) return meStore.set(m);
        await loadDirectory();
        meStore.set(m);
        startLive();
      })
      .catch(() => meStore.set(null))
      .finally(() => setChecking(false));
    return off;
  }, []);

  if (checking) return <div class="splash">{t('loading')}</div>;
  if (!me) return <Login />;
  if (me.must_change_password) return <ChangePassword />;
  if (isReportPath(location.pathname)) return <ReportPage me={me} />;
  return <Shell me={me} />;
}

const isReportPath = (path: string) => path.replace(/\/+$/, '') === '/laporan';

function Login() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ended = useStore(sessionEndedStore);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await post<LoginResponse>('/auth/login', { username: username.trim(), password });
      sessionEndedStore.set(null);
      const m = await get<Me>('/me');
      if (m.must_change_password) return meStore.set(m);
      await loadDirectory();
      meStore.set(m);
      startLive();
      if (!isReportPath(location.pathname)) location.hash = '#/' + HOME[m.role];
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login_failed') : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="login-form">
        <div class="brand-big">
          <span class="logo">112</span>
          <div>
            <h1>Siaga 112</h1>
            <p>{t('tagline')}</p>
          </div>
        </div>
        <h2>{t('login_title')}</h2>
        {ended && (
          <div class="form-error" role="status" data-testid="session-ended">
            {t('session_ended', { reason: ended })}
          </div>
        )}
        <label>
          {t('username')}
          <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} autoFocus required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error && (
          <div class="form-error" role="alert">
            {error}
          </div>
        )}
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {t('login')}
        </button>
        <LangSwitch />
      </form>
    </div>
  );
}

function LangSwitch() {
  const lang = useStore(langStore);
  return (
    <div class="lang-switch" role="group" aria-label="Bahasa / Language">
      <button class={lang === 'id' ? 'on' : ''} onClick={(e) => (e.preventDefault(), langStore.set('id'))} data-testid="lang-id">
        ID
      </button>
      <button class={lang === 'en' ? 'on' : ''} onClick={(e) => (e.preventDefault(), langStore.set('en'))} data-testid="lang-en">
        EN
      </button>
    </div>
  );
}

function Clock() {
  const now = useStore(nowStore);
  const tz = timeZone();
  return (
    <span class="clock" title={tz}>
      {formatClock(now, tz, true)} <small>{zoneAbbr(tz)}</small>
    </span>
  );
}

function Shell(p: { me: Me }) {
  const parts = useHash();
  const t = useT();
  const lang = useStore(langStore);
  const page = parts[0] ?? HOME[p.me.role];
  const items = NAV.filter((n) => n.roles.includes(p.me.role));
  const allowed = items.some((n) => n.path === page);

  useEffect(() => {
    if (!parts.length) location.replace('#/' + HOME[p.me.role]);
  }, [parts.length]);

  const logout = async () => {
    await signOut();
    location.hash = '';
  };

  let body;
  if (!allowed) body = <div class="page-msg">{t(NAV.some((n) => n.path === page) ? 'forbidden' : 'not_found')}</div>;
  else if (page === 'calltaker') body = <CallTakerConsole me={p.me} />;
  else if (page === 'agency') body = <AgencyConsole me={p.me} dispatchId={parts[1] ?? null} />;
  else if (page === 'wallboard') body = <Wallboard />;
  else if (page === 'leader') body = <LeaderDashboard />;
  else body = <AdminPage tab={parts[1] ?? 'agencies'} />;

  // One main heading per page for screen readers (the top bar shows the console by its tab).
  const nav = NAV.find((n) => n.path === page);
  const heading = `Siaga 112 — ${allowed && nav ? t(nav.key) : t(nav ? 'forbidden' : 'not_found')}`;

  return (
    <div class={`shell page-${page}`}>
      <OutageBanner />
      <header class="topbar">
        <a class="brand" href={'#/' + HOME[p.me.role]}>
          <span class="logo">112</span>
          <span class="brand-name">Siaga 112</span>
          <span class="brand-city">{p.me.jurisdiction?.name}</span>
        </a>
        <nav>
          {items.map((n) => (
            <a key={n.path} href={'#/' + n.path} class={n.path === page ? 'on' : ''} data-testid={'nav-' + n.path}>
              {t(n.key)}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <ConnectionBadge />
          <Clock />
          <LangSwitch />
          <span class="user" title={p.me.username}>
            {p.me.display_name}
            <small>{p.me.agency?.code ?? enumName(lang, 'role', p.me.role)}</small>
          </span>
          <button class="btn btn-ghost" onClick={logout} data-testid="logout">
            {t('logout')}
          </button>
        </div>
      </header>
      <main class="content">
        <h1 class="sr-only">{heading}</h1>
        {body}
      </main>
      <Toasts />
    </div>
  );
}
