// An open SLA clock as people see it: its state in colour AND words (tepat waktu, segera jatuh
// tempo, terlambat), the step it waits for and when that is due (lib/sla.ts: the server's clocks,
// or the browser's reckoning where the server gives none).
import { langStore, timeZone, useT } from '../data';
import { enumName } from '../lib/i18n';
import type { Clock } from '../lib/sla';
import { useStore } from '../lib/store';
import { formatWhen } from '../lib/time';

export function SlaBadge(p: { clock: Clock; short?: boolean }) {
  const t = useT();
  const lang = useStore(langStore);
  const c = p.clock;
  if (!c.stage) return null;
  const due = Number.isFinite(c.due_at) ? t('sla_due', { t: formatWhen(c.due_at, timeZone(), lang) }) : '';
  const state = enumName(lang, 'sla_state', c.state);
  const step = enumName(lang, 'sla_step', c.stage);
  return (
    <span class={'sla-badge sla-' + c.state} data-testid="sla-badge" data-state={c.state} data-step={c.stage} data-source={c.source} title={`${state} · ${step} · ${due}`}>
      <span class="sla-dot" aria-hidden="true" />
      {state}
      {!p.short && <span class="sla-step"> · {step}</span>}
    </span>
  );
}
