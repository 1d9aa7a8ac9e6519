// The period of the statistics: today, 7 days, this month, a chosen month, this year, or a
// range of dates; a period that cannot be asked (from after to, a bad date) says why.
import { langStore, useT } from '../data';
import { rangeText, type PeriodChoice, type PeriodKind, type RangeResult } from '../lib/period';
import { useStore } from '../lib/store';

const KINDS: PeriodKind[] = ['today', 'week', 'month', 'chosen_month', 'year', 'range'];

export function PeriodPicker(p: { choice: PeriodChoice; today: string; result: RangeResult; onChange: (c: PeriodChoice) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const c = p.choice;
  const pick = (kind: PeriodKind) => {
    if (kind === 'chosen_month') p.onChange({ kind, month: c.month ?? p.today.slice(0, 7) });
    else if (kind === 'range') p.onChange({ kind, from: c.from ?? p.today.slice(0, 8) + '01', to: c.to ?? p.today });
    else p.onChange({ kind });
  };
  return (
    <div class="period-picker" data-testid="period-picker">
      <div class="seg" role="group" aria-label={t('period')}>
        {KINDS.map((k) => (
          <button key={k} type="button" class={c.kind === k ? 'on' : ''} aria-pressed={c.kind === k} onClick={() => pick(k)} data-testid={'period-' + k}>
            {t(`period_${k}`)}
          </button>
        ))}
      </div>
      {c.kind === 'chosen_month' && (
        <label class="period-field">
          {t('period_month_input')}
          <input type="month" value={c.month ?? ''} max={p.today.slice(0, 7)} onInput={(e) => p.onChange({ ...c, month: e.currentTarget.value })} data-testid="period-month-input" />
        </label>
      )}
      {c.kind === 'range' && (
        <>
          <label class="period-field">
            {t('period_from')}
            <input type="date" value={c.from ?? ''} onInput={(e) => p.onChange({ ...c, from: e.currentTarget.value })} data-testid="period-from-input" />
          </label>
          <label class="period-field">
            {t('period_to')}
            <input type="date" value={c.to ?? ''} onInput={(e) => p.onChange({ ...c, to: e.currentTarget.value })} data-testid="period-to-input" />
          </label>
        </>
      )}
      {p.result.ok ? (
        <strong class="period-text" data-testid="period-text" data-from={p.result.range.from} data-to={p.result.range.to}>
          {rangeText(p.result.range, lang)}
        </strong>
      ) : (
        <div class="form-error period-error" role="alert" data-testid="period-error">
          {t(`period_err_${p.result.error}`)}
        </div>
      )}
    </div>
  );
}
