// Small shared pieces: status pills, ages, toasts, modal, connection badge.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { DispatchStatus, IncidentStatus, Media, Urgency } from '../api/types';
import { langStore, nowStore, pollingStore, probeNow, reachStore, reconnectNow, streamStore, useT } from '../data';
import { ApiError } from '../api/client';
import { describeError } from '../lib/errors';
import { enumName, enumValues, type EnumKind, type Key } from '../lib/i18n';
import { createStore, useStore } from '../lib/store';
import { formatDuration, formatWhen, parseTime } from '../lib/time';
import { timeZone } from '../data';

export function Pill(props: { kind: EnumKind; value: string; class?: string }) {
  const lang = useStore(langStore);
  return (
    <span class={`pill pill-${props.kind}-${props.value} ${props.class ?? ''}`} data-status={props.value}>
      {enumName(lang, props.kind, props.value)}
    </span>
  );
}

/** A select of every value of one enum, named in the console's language. */
export function EnumSelect<T extends string>(p: { kind: EnumKind; value: T; onChange: (v: T) => void; class?: string; disabled?: boolean; testid?: string }) {
  const lang = useStore(langStore);
  return (
    <select class={p.class ?? 'input'} value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.currentTarget.value as T)} data-testid={p.testid}>
      {enumValues(p.kind).map((v) => (
        <option key={v} value={v}>
          {enumName(lang, p.kind, v)}
        </option>
      ))}
    </select>
  );
}

export const IncidentPill = (p: { status: IncidentStatus }) => <Pill kind="incident_status" value={p.status} />;
export const DispatchPill = (p: { status: DispatchStatus }) => <Pill kind="dispatch_status" value={p.status} />;

export function UrgencyTag(p: { urgency: Urgency; short?: boolean }) {
  const lang = useStore(langStore);
  const name = enumName(lang, 'urgency', p.urgency);
  return (
    <span class={`urg urg-${p.urgency}`} title={name}>
      {p.short ? enumName(lang, 'urgency_short', p.urgency) : name}
    </span>
  );
}

/** The age of something since an API time, ticking every second. */
export function Age(p: { since: string | null | number; class?: string }) {
  const now = useStore(nowStore);
  const lang = useStore(langStore);
  const t = typeof p.since === 'number' ? p.since : parseTime(p.since);
  return <span class={'age ' + (p.class ?? '')}>{formatDuration(now - t, lang)}</span>;
}

export function When(p: { at: string | null | number }) {
  const lang = useStore(langStore);
  const now = useStore(nowStore);
  const t = typeof p.at === 'number' ? p.at : parseTime(p.at);
  return <time dateTime={typeof p.at === 'string' ? p.at : undefined}>{formatWhen(t, timeZone(), lang, now)}</time>;
}

// ---------- toasts ----------

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error' | 'info';
}
export const toastStore = createStore<Toast[]>([]);
let toastId = 0;
export function toast(text: string, kind: Toast['kind'] = 'ok'): void {
  const id = ++toastId;
  toastStore.update((list) => [...list, { id, text, kind }]);
  setTimeout(() => toastStore.update((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 4000);
}
/**
 * A message for people in the console's language, never "Failed to fetch": the API's error code
 * as a sentence (its message after it), and for a write (a POST, or when an action is named)
 * plainly that the action was NOT sent (network) or NOT done (refused).
 */
export function errorText(e: unknown, action?: Key): string {
  const lang = langStore.get();
  if (e instanceof ApiError) return describeError(lang, e, action);
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) return describeError(lang, { status: 0, code: 'network', message: e.message }, action);
  return e instanceof Error ? e.message : String(e);
}

export function Toasts() {
  const list = useStore(toastStore);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}

// ---------- modal ----------

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
let modalSeq = 0;

/**
 * A dialog that keeps the keyboard inside: Tab and Shift+Tab cycle through its controls,
 * Escape closes it, and focus goes back to what had it before (the button that opened it).
 */
export function Modal(p: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(p.onClose);
  close.current = p.onClose;
  const titleId = useRef('modal-title-' + ++modalSeq);
  const t = useT();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const focusables = () => [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter((el) => el.offsetParent !== null || el === document.activeElement);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab' || !ref.current) return;
      const list = focusables();
      if (!list.length) return;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      const inside = ref.current.contains(document.activeElement);
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    const body = ref.current?.querySelector<HTMLElement>('.modal-body');
    (body?.querySelector<HTMLElement>('textarea, input, select, button') ?? ref.current?.querySelector<HTMLElement>('button'))?.focus();
    return () => {
      window.removeEventListener('keydown', onKey);
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <div class="modal-back" onClick={(e) => e.target === e.currentTarget && p.onClose()}>
      <div class={'modal' + (p.wide ? ' modal-wide' : '')} role="dialog" aria-modal="true" aria-labelledby={titleId.current} ref={ref} data-testid="modal">
        <header>
          <h2 id={titleId.current}>{p.title}</h2>
          <button class="btn-icon" onClick={p.onClose} aria-label={t('close')} data-testid="modal-close">
            ×
          </button>
        </header>
        <div class="modal-body">{p.children}</div>
      </div>
    </div>
  );
}

// ---------- connection ----------

/** The "save" and "cancel" buttons that close a form or a dialog. */
export function SaveCancel(p: { onSave: () => void; onCancel: () => void; disabled?: boolean; testid?: string }) {
  const t = useT();
  return (
    <div class="modal-actions">
      <button class="btn btn-primary" disabled={p.disabled} onClick={p.onSave} data-testid={p.testid}>
        {t('save')}
      </button>
      <button class="btn btn-ghost" onClick={p.onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}

export function ConnectionBadge() {
  const s = useStore(streamStore);
  const now = useStore(nowStore);
  const polling = useStore(pollingStore);
  const t = useT();
  const label = polling
    ? t('conn_polling')
    : s.state === 'live'
      ? t('conn_live')
      : s.state === 'connecting'
        ? t('conn_connecting')
        : s.state === 'reconnecting'
          ? t('conn_reconnecting')
          : t('conn_stopped');
  const wait = s.retry_at ? Math.max(0, Math.ceil((s.retry_at - now) / 1000)) : 0;
  return (
    <div class={`conn conn-${polling ? 'polling' : s.state}`} data-testid="connection" data-state={polling ? 'polling' : s.state} title={`${label} · seq ${s.last_seq}`}>
      <span class="dot" />
      <span>{label}</span>
      {s.state === 'reconnecting' && !polling && (
        <>
          <span class="conn-wait">· {t('conn_retry_in', { s: wait })}</span>
          <button class="btn-link" onClick={reconnectNow}>
            {t('conn_reconnect_now')}
          </button>
        </>
      )}
    </div>
  );
}

/**
 * Full width, above every console, while the server cannot be reached: by the stream
 * (reconnecting, stopped) or by a request that got no answer. It says that actions are not
 * sent, when the next try goes, and offers to try now; it leaves once the server answers.
 */
export function OutageBanner() {
  const s = useStore(streamStore);
  const polling = useStore(pollingStore);
  const reach = useStore(reachStore);
  const now = useStore(nowStore);
  const t = useT();
  const streamDown = !polling && (s.state === 'reconnecting' || s.state === 'stopped');
  if (!streamDown && !reach.down) return null;
  const at = streamDown && s.retry_at ? s.retry_at : reach.retry_at;
  const wait = at ? Math.ceil((at - now) / 1000) : 0;
  return (
    <div class="outage" role="alert" data-testid="outage-banner">
      <strong>{t('outage_banner')}</strong>
      <span class="outage-wait">{wait > 0 ? t('outage_retry_in', { s: wait }) : t('outage_retrying')}</span>
      <button
        class="btn btn-small outage-btn"
        onClick={() => {
          reconnectNow();
          probeNow();
        }}
        data-testid="outage-reconnect"
      >
        {t('outage_reconnect')}
      </button>
    </div>
  );
}

export function Empty(p: { children: ComponentChildren }) {
  return <div class="empty">{p.children}</div>;
}

/** Colours of markers by status (calm; red only for what is late or an emergency waiting). */
export const STATUS_COLOR: Record<string, string> = {
  open: '#c62828',
  dispatched: '#d97706',
  in_progress: '#2563eb',
  resolved: '#15803d',
  closed: '#6b7280',
  cancelled: '#9ca3af',
};

// ---------- photos ----------

/** In place of a photo whose bytes retention erased: the record stays, and says so. */
export function ErasedPhoto(p: { media: Media }) {
  const t = useT();
  return (
    <span class="photo-thumb photo-erased" data-testid="photo-erased" data-media={p.media.id} title={p.media.erased_at ?? ''}>
      {t('photo_erased')}
    </span>
  );
}

/** Thumbnails of photos attached to dispatches; each opens at full size. The session cookie
 * authenticates the image requests. */
export function PhotoStrip(p: { media: Media[] }) {
  const t = useT();
  if (!p.media.length) return null;
  return (
    <div class="photo-strip" data-testid="photo-strip">
      {p.media.map((m) =>
        m.url ? (
          <a key={m.id} href={m.url} target="_blank" rel="noopener" title={t('photo_open')}>
            <img src={m.url} alt={t('photo')} loading="lazy" class="photo-thumb" data-testid="photo-thumb" data-media={m.id} />
          </a>
        ) : (
          <ErasedPhoto key={m.id} media={m} />
        ),
      )}
    </div>
  );
}
