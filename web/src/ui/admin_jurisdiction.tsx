// Admin → Wilayah: the jurisdiction's name, time zone, weekend days and holidays
// (GET/PATCH /api/v1/jurisdiction; lib/jurisdiction.ts checks the form and shapes the body).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, patch } from '../api/client';
import { langStore, useT } from '../data';
import { DAY_NAMES, INDONESIAN_ZONES, patchOf, problemsOf, toggleDay, type JurisdictionSettings, type SettingsProblem } from '../lib/jurisdiction';
import { useStore } from '../lib/store';
import { zoneAbbr } from '../lib/time';
import { errorText, toast } from './common';

export function JurisdictionSettingsForm() {
  const t = useT();
  const lang = useStore(langStore);
  const [form, setForm] = useState<JurisdictionSettings | null>(null);
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    get<JurisdictionSettings>('/jurisdiction')
      .then((j) => setForm({ ...j, weekend_days: j.weekend_days ?? [], holidays: j.holidays ?? [] }))
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? t('jur_unavailable') : errorText(e)));
  }, []);
  if (!form) return <div class={error ? 'form-error' : 'muted'}>{error || t('loading')}</div>;

  const problemText = (p: SettingsProblem) =>
    p.key === 'name_required' || p.key === 'all_weekend'
      ? t(`jur_p_${p.key}`)
      : t(`jur_p_${p.key}`, { r: p.row + 1, d: p.key === 'holiday_twice' ? p.date : '' });
  const problems = problemsOf(form);
  const set = (change: Partial<JurisdictionSettings>) => setForm({ ...form, ...change });
  const setHoliday = (i: number, change: Partial<{ date: string; name: string }>) => set({ holidays: form.holidays.map((h, k) => (k === i ? { ...h, ...change } : h)) });
  const zones = (INDONESIAN_ZONES as readonly string[]).includes(form.timezone) ? INDONESIAN_ZONES : [form.timezone, ...INDONESIAN_ZONES];

  const save = async (e: Event) => {
    e.preventDefault();
    if (problems.length) return;
    setSaving(true);
    try {
      const j = await patch<JurisdictionSettings>('/jurisdiction', patchOf(form));
      setForm({ ...j, weekend_days: j.weekend_days ?? [], holidays: j.holidays ?? [] });
      toast(t('jur_saved'));
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="jur-form" onSubmit={save} data-testid="jurisdiction-form">
      <div class="admin-head">
        <h2>{t('admin_jurisdiction')}</h2>
        <span class="muted small">
          {t('jur_code')}: <span class="mono">{form.code}</span>
        </span>
      </div>
      <label class="field">
        <span>{t('jur_name')}</span>
        <input value={form.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} data-testid="jur-name" required />
      </label>
      <label class="field">
        <span>{t('jur_timezone')}</span>
        <select value={form.timezone} onChange={(e) => set({ timezone: (e.target as HTMLSelectElement).value })} data-testid="jur-timezone">
          {zones.map((z) => (
            <option key={z} value={z}>
              {z} ({zoneAbbr(z)})
            </option>
          ))}
        </select>
      </label>
      <fieldset class="field jur-days" data-testid="jur-weekend">
        <legend>{t('jur_weekend')}</legend>
        {DAY_NAMES[lang].map((name, day) => (
          <label key={day} class="check">
            <input type="checkbox" checked={form.weekend_days.includes(day)} onChange={() => set({ weekend_days: toggleDay(form.weekend_days, day) })} data-testid={'jur-day-' + day} />
            {name}
          </label>
        ))}
      </fieldset>
      <fieldset class="field" data-testid="jur-holidays">
        <legend>{t('jur_holidays')}</legend>
        {!form.holidays.length && <p class="muted small">{t('jur_no_holidays')}</p>}
        {form.holidays.map((h, i) => (
          <div class="jur-holiday" key={i} data-testid="jur-holiday" data-date={h.date}>
            <input type="date" value={h.date} aria-label={`${t('jur_holiday_date')} ${i + 1}`} onInput={(e) => setHoliday(i, { date: (e.target as HTMLInputElement).value })} />
            <input value={h.name} aria-label={`${t('jur_holiday_name')} ${i + 1}`} placeholder={t('jur_holiday_name')} onInput={(e) => setHoliday(i, { name: (e.target as HTMLInputElement).value })} />
            <button type="button" class="btn btn-small" onClick={() => set({ holidays: form.holidays.filter((_, k) => k !== i) })} aria-label={t('jur_holiday_remove', { d: h.date || String(i + 1) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" class="btn btn-small" onClick={() => set({ holidays: [...form.holidays, { date: '', name: '' }] })} data-testid="jur-holiday-add">
          + {t('jur_holiday_add')}
        </button>
      </fieldset>
      <p class="muted small">{t('jur_working_days_note')}</p>
      {problems.length > 0 && (
        <ul class="form-error" data-testid="jur-problems">
          {problems.map((p, i) => (
            <li key={i}>{problemText(p)}</li>
          ))}
        </ul>
      )}
      <button class="btn btn-primary" type="submit" disabled={saving || problems.length > 0} data-testid="jur-save">
        {t('save')}
      </button>
    </form>
  );
}
