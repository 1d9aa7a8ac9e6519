// The change-password screen: shown instead of the console while the admin requires a new
// password (the server refuses everything else with 403 password_change_required until then).
import { useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Me } from '../api/types';
import { loadDirectory, meStore, signOut, startLive, useT } from '../data';
import { errorText } from './common';

export function ChangePassword() {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [fresh, setFresh] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (fresh !== repeat) return setError(t('pw_mismatch'));
    setBusy(true);
    try {
      await post('/me/password', { current_password: current, new_password: fresh });
      const m = await get<Me>('/me');
      await loadDirectory();
      meStore.set(m);
      startLive();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="password-form">
        <h2>{t('pw_change_title')}</h2>
        <p>{t('pw_change_required')}</p>
        <label>
          {t('pw_current')}
          <input name="current_password" type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} autoFocus required />
        </label>
        <label>
          {t('pw_new')}
          <input name="new_password" type="password" autoComplete="new-password" value={fresh} onInput={(e) => setFresh(e.currentTarget.value)} required />
        </label>
        <label>
          {t('pw_repeat')}
          <input name="new_password_repeat" type="password" autoComplete="new-password" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} required />
        </label>
        <small>{t('pw_rules')}</small>
        {error && (
          <div class="form-error" role="alert">
            {error}
          </div>
        )}
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {t('pw_save')}
        </button>
        <button class="btn btn-ghost btn-block" type="button" onClick={() => void signOut()} data-testid="logout">
          {t('logout')}
        </button>
      </form>
    </div>
  );
}
