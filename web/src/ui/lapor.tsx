// The public report form (/lapor) and tracking page (/lacak/<code>), for residents without a
// login, on a phone and a slow network: they import none of the consoles (no session, stream,
// Leaflet or Chart.js); the map for a pin is inline SVG of the kecamatan, so it works with the
// tiles off. A report made offline waits in localStorage and goes when the phone is back online
// (lib/lapor.ts flushQueue); the service worker (public/lapor-sw.js) keeps the page itself
// available offline.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchOnce, newIdempotencyKey } from '../api/client';
import { preparePhoto } from '../lib/photo';
import {
  boxOf, checkDraft, enqueue, flushQueue, heightFor, loadQueue, project, rememberCode, reportBody, ringsOf, statusText,
  stepText, tx, unproject, type Lang, type PhotoInput, type PublicForm, type ReportDraft, type Tracking,
} from '../lib/lapor';
import '../lapor.css';

const MAP_W = 340;
/** The public pages' photos: smaller than the agencies' (a slow 3G upload), still enough to see a scene. */
const PUBLIC_PHOTO_SIDE = 1280;

function useLang(): [Lang, (l: Lang) => void] {
  const [lang, setLang] = useState<Lang>(localStorage.getItem('siaga.lang') === 'en' ? 'en' : 'id');
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('siaga.lang', lang);
  }, [lang]);
  return [lang, setLang];
}

function LangSwitch(p: { lang: Lang; set: (l: Lang) => void }) {
  return (
    <span role="group" aria-label={tx(p.lang, 'language')} class="lp-langs">
      {(['id', 'en'] as const).map((l) => (
        <button type="button" key={l} class={'lp-lang' + (l === p.lang ? ' on' : '')} aria-pressed={l === p.lang} onClick={() => p.set(l)} data-testid={'lp-lang-' + l}>
          {l.toUpperCase()}
        </button>
      ))}
    </span>
  );
}

/** Sends a report with its Idempotency-Key (one per report, kept with it in the offline queue),
 * again with the same key after a network error or a 503: the server files it once. */
async function postReport(body: Record<string, unknown>, key: string): Promise<{ status: number; code?: string; message?: string }> {
  const r = await fetchOnce(
    '/api/v1/public/reports',
    { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) },
    key,
  );
  const json = await r.json().catch(() => null);
  return { status: r.status, code: json?.tracking_code, message: json?.message };
}

function blobToBase64(b: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result).replace(/^data:[^,]*,/, ''));
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(b);
  });
}

/** The kecamatan as SVG; a tap drops the pin. */
function PinMap(p: { form: PublicForm; point: { lat: number; lon: number } | null; onPick: (pt: { lat: number; lon: number }) => void }) {
  const box = boxOf(p.form.districts);
  if (!box) return null;
  const h = heightFor(box, MAP_W);
  const path = (rings: [number, number][][]) =>
    rings
      .map((ring) => ring.map(([lon, lat], i) => {
        const q = project(box, MAP_W, h, lat, lon);
        return `${i ? 'L' : 'M'}${q.x.toFixed(1)},${q.y.toFixed(1)}`;
      }).join('') + 'Z')
      .join('');
  const pin = p.point ? project(box, MAP_W, h, p.point.lat, p.point.lon) : null;
  return (
    <svg
      class="lp-map"
      viewBox={`0 0 ${MAP_W} ${h}`}
      data-testid="lp-map"
      onClick={(e) => {
        const svg = e.currentTarget as SVGSVGElement;
        const r = svg.getBoundingClientRect();
        p.onPick(unproject(box, MAP_W, h, ((e.clientX - r.left) / r.width) * MAP_W, ((e.clientY - r.top) / r.height) * h));
      }}
    >
      {p.form.districts.map((d) => {
        const rings = ringsOf(d.boundary);
        const c = d.center ? project(box, MAP_W, h, d.center.lat, d.center.lon) : null;
        return (
          <g key={d.code}>
            {rings.length > 0 && <path d={path(rings)} class="lp-area" />}
            {c && (
              <text x={c.x} y={c.y} class="lp-area-name" text-anchor="middle">
                {d.name}
              </text>
            )}
          </g>
        );
      })}
      {pin && <circle cx={pin.x} cy={pin.y} r={7} class="lp-pin" data-testid="lp-pin" />}
    </svg>
  );
}

const emptyDraft: ReportDraft = { category: '', description: '', location: null, address: '', name: '', phone: '', consent: false, photos: [] };

export function LaporPage() {
  const [lang, setLang] = useLang();
  const [form, setForm] = useState<PublicForm | null>(null);
  const [draft, setDraft] = useState<ReportDraft>(emptyDraft);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [gps, setGps] = useState<'idle' | 'wait' | 'failed'>('idle');
  const [code, setCode] = useState('');
  const [queued, setQueued] = useState(loadQueue(localStorage).length);
  const fileRef = useRef<HTMLInputElement>(null);
  const jurisdiction = new URLSearchParams(location.search).get('wilayah') ?? '';

  useEffect(() => {
    document.title = `${tx(lang, 'title')} · Siaga 112`;
  }, [lang]);

  useEffect(() => {
    const key = 'siaga.lapor.form';
    fetch('/api/v1/public/form' + (jurisdiction ? '?jurisdiction=' + encodeURIComponent(jurisdiction) : ''))
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
      .then((f: PublicForm) => {
        localStorage.setItem(key, JSON.stringify(f));
        setForm(f);
      })
      .catch(() => {
        // Offline: the form as last seen, so that a report can still be written and queued.
        const kept = localStorage.getItem(key);
        if (kept) setForm(JSON.parse(kept));
        else setForm({ jurisdiction: { code: '', name: '', timezone: '' }, categories: [], districts: [], max_photos: 3, max_photo_bytes: 2097152 });
      });
  }, []);

  // Queued reports go when the phone is back online (and at start, for those from before).
  useEffect(() => {
    const flush = async () => {
      const codes = await flushQueue(localStorage, postReport);
      for (const c of codes) rememberCode(localStorage, c);
      setQueued(loadQueue(localStorage).length);
      if (codes.length) setCode(codes[codes.length - 1]!);
    };
    if (navigator.onLine) void flush();
    window.addEventListener('online', flush);
    return () => window.removeEventListener('online', flush);
  }, []);

  const set = (patch: Partial<ReportDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const maxPhotos = form?.max_photos ?? 3;

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    const added: PhotoInput[] = [];
    for (const f of Array.from(files).slice(0, maxPhotos - draft.photos.length)) {
      try {
        const blob = await preparePhoto(f, PUBLIC_PHOTO_SIDE);
        added.push({ content_type: blob.type || 'image/jpeg', data: await blobToBase64(blob) });
      } catch (e) {
        setError(tx(lang, 'failed', { m: (e as Error).message }));
      }
    }
    setDraft((d) => ({ ...d, photos: [...d.photos, ...added].slice(0, maxPhotos) }));
    if (fileRef.current) fileRef.current.value = '';
  };

  const locate = () => {
    if (!navigator.geolocation) return setGps('failed');
    setGps('wait');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        set({ location: { lat: Math.round(p.coords.latitude * 1e6) / 1e6, lon: Math.round(p.coords.longitude * 1e6) / 1e6 } });
        setGps('idle');
      },
      () => setGps('failed'),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = checkDraft(draft, maxPhotos);
    if (problem) return setError(tx(lang, problem.key, problem.vars));
    setError('');
    const body = reportBody(draft, jurisdiction || undefined);
    // One key for this report: a send that reached the server before the phone lost the answer
    // and the queued send after it are the same report to the server.
    const key = newIdempotencyKey();
    const queue = () => {
      enqueue(localStorage, body, new Date(), key);
      setQueued(loadQueue(localStorage).length);
      setDraft(emptyDraft);
    };
    if (!navigator.onLine) return queue();
    setBusy(true);
    try {
      const r = await postReport(body, key);
      if (r.status === 201 && r.code) {
        rememberCode(localStorage, r.code);
        setCode(r.code);
        setDraft(emptyDraft);
      } else {
        setError(tx(lang, 'failed', { m: r.message ?? 'HTTP ' + r.status }));
      }
    } catch {
      queue();
    } finally {
      setBusy(false);
    }
  };

  if (code) {
    return (
      <main class="lp" data-testid="lapor-done">
        <header class="lp-head">
          <h1>{tx(lang, 'title')}</h1>
          <LangSwitch lang={lang} set={setLang} />
        </header>
        <p>{tx(lang, 'sent')}</p>
        <p class="lp-code" data-testid="lp-code">
          {code}
        </p>
        <p>{tx(lang, 'keep_code')}</p>
        <p>
          <a class="lp-button" href={'/lacak/' + code} data-testid="lp-track-link">
            {tx(lang, 'open_track')}
          </a>{' '}
          <button type="button" class="lp-link" onClick={() => setCode('')}>
            {tx(lang, 'another')}
          </button>
        </p>
      </main>
    );
  }

  return (
    <main class="lp" data-testid="lapor">
      <header class="lp-head">
        <div>
          <h1>{tx(lang, 'title')}</h1>
          {form?.jurisdiction.name && <p class="lp-where">{form.jurisdiction.name}</p>}
        </div>
        <LangSwitch lang={lang} set={setLang} />
      </header>
      <p class="lp-intro">
        {tx(lang, 'intro')} <a href="tel:112">112</a>
      </p>
      {queued > 0 && (
        <p class="lp-queued" role="status" data-testid="lp-queued">
          {tx(lang, 'queued')} {tx(lang, 'pending', { n: queued })}
        </p>
      )}
      {!form ? (
        <p>{tx(lang, 'loading')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <label class="lp-field">
            {tx(lang, 'category')}
            <select value={draft.category} onChange={(e) => set({ category: (e.target as HTMLSelectElement).value })} data-testid="lp-category">
              <option value="">{tx(lang, 'category_none')}</option>
              {form.categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {lang === 'en' && c.name_en ? c.name_en : c.name_id}
                </option>
              ))}
            </select>
          </label>
          <label class="lp-field">
            {tx(lang, 'description')}
            <textarea rows={4} maxLength={2000} value={draft.description} onInput={(e) => set({ description: (e.target as HTMLTextAreaElement).value })} data-testid="lp-description" />
          </label>
          <fieldset class="lp-field">
            <legend>{tx(lang, 'where')}</legend>
            <button type="button" class="lp-button" onClick={locate} data-testid="lp-gps">
              {gps === 'wait' ? tx(lang, 'gps_wait') : tx(lang, 'use_gps')}
            </button>
            {gps === 'failed' && <p class="lp-error">{tx(lang, 'gps_failed')}</p>}
            <p class="lp-hint">{tx(lang, 'pin_hint')}</p>
            <PinMap form={form} point={draft.location} onPick={(pt) => set({ location: pt })} />
            {draft.location && (
              <p data-testid="lp-point">
                {tx(lang, 'point', { p: `${draft.location.lat.toFixed(5)}, ${draft.location.lon.toFixed(5)}` })}{' '}
                <button type="button" class="lp-link" onClick={() => set({ location: null })}>
                  {tx(lang, 'clear_point')}
                </button>
              </p>
            )}
            <label class="lp-field">
              {tx(lang, 'address')}
              <input type="text" maxLength={500} value={draft.address} onInput={(e) => set({ address: (e.target as HTMLInputElement).value })} data-testid="lp-address" />
            </label>
          </fieldset>
          <fieldset class="lp-field">
            <legend>{tx(lang, 'photos', { n: maxPhotos })}</legend>
            <div class="lp-photos">
              {draft.photos.map((ph, i) => (
                <figure key={i} class="lp-photo">
                  <img src={`data:${ph.content_type};base64,${ph.data}`} alt="" />
                  <button type="button" class="lp-link" onClick={() => setDraft((d) => ({ ...d, photos: d.photos.filter((_, k) => k !== i) }))}>
                    {tx(lang, 'photo_remove')}
                  </button>
                </figure>
              ))}
            </div>
            {draft.photos.length < maxPhotos && (
              <input ref={fileRef} type="file" accept="image/*" capture="environment" multiple onChange={(e) => void addPhotos((e.target as HTMLInputElement).files)} data-testid="lp-photo-input" />
            )}
          </fieldset>
          <label class="lp-field">
            {tx(lang, 'name')}
            <input type="text" maxLength={100} autocomplete="name" value={draft.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} data-testid="lp-name" />
          </label>
          <label class="lp-field">
            {tx(lang, 'phone')}
            <input type="tel" maxLength={40} autocomplete="tel" value={draft.phone} onInput={(e) => set({ phone: (e.target as HTMLInputElement).value })} data-testid="lp-phone" />
          </label>
          <label class="lp-consent">
            <input type="checkbox" checked={draft.consent} onChange={(e) => set({ consent: (e.target as HTMLInputElement).checked })} data-testid="lp-consent" />
            <span>{tx(lang, 'consent')}</span>
          </label>
          {error && (
            <p class="lp-error" role="alert" data-testid="lp-error">
              {error}
            </p>
          )}
          <button type="submit" class="lp-button lp-send" disabled={busy} data-testid="lp-send">
            {busy ? tx(lang, 'sending') : tx(lang, 'send')}
          </button>
        </form>
      )}
    </main>
  );
}

function localTime(iso: string, tz: string, lang: Lang): string {
  try {
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: tz || undefined }).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function LacakPage(p: { code: string }) {
  const [lang, setLang] = useLang();
  const [data, setData] = useState<Tracking | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'unknown' | 'error'>('loading');
  const [message, setMessage] = useState('');
  const [typed, setTyped] = useState(p.code);

  useEffect(() => {
    document.title = `${tx(lang, 'track_title')} · Siaga 112`;
  }, [lang]);

  useEffect(() => {
    if (!p.code) return setState('unknown');
    let live = true;
    const load = () =>
      fetch('/api/v1/track/' + encodeURIComponent(p.code), { headers: { Accept: 'application/json' } })
        .then(async (r) => {
          const body = await r.json().catch(() => null);
          if (!live) return;
          if (r.ok) {
            setData(body as Tracking);
            setState('ok');
          } else if (r.status === 404) {
            setState('unknown');
          } else {
            setMessage(body?.message ?? 'HTTP ' + r.status);
            setState('error');
          }
        })
        .catch((e: Error) => live && (setMessage(e.message), setState('error')));
    void load();
    // A page left open follows the report, once a minute (within the rate limit).
    const timer = setInterval(load, 60000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [p.code]);

  return (
    <main class="lp" data-testid="lacak" data-status={data?.status ?? state}>
      <header class="lp-head">
        <h1>{tx(lang, 'track_title')}</h1>
        <LangSwitch lang={lang} set={setLang} />
      </header>
      <form
        class="lp-trackform"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) location.href = '/lacak/' + encodeURIComponent(typed.trim().toUpperCase());
        }}
      >
        <label>
          {tx(lang, 'track_code')} <input type="text" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} data-testid="lc-code-input" />
        </label>{' '}
        <button type="submit" class="lp-button">
          {tx(lang, 'track_go')}
        </button>
      </form>
      {state === 'loading' && <p>{tx(lang, 'loading')}</p>}
      {state === 'unknown' && p.code && (
        <p class="lp-error" role="alert" data-testid="lc-unknown">
          {tx(lang, 'track_unknown')}
        </p>
      )}
      {state === 'error' && <p class="lp-error">{tx(lang, 'failed', { m: message })}</p>}
      {state === 'ok' && data && (
        <section>
          <p class="lp-code">{data.tracking_code}</p>
          <dl class="lp-facts">
            <dt>{tx(lang, 'status')}</dt>
            <dd data-testid="lc-status">{statusText(lang, data.status)}</dd>
            {data.category && (
              <>
                <dt>{tx(lang, 'category')}</dt>
                <dd data-testid="lc-category">{lang === 'en' && data.category.name_en ? data.category.name_en : data.category.name_id}</dd>
              </>
            )}
            {data.district && (
              <>
                <dt>{tx(lang, 'district')}</dt>
                <dd data-testid="lc-district">{data.district}</dd>
              </>
            )}
          </dl>
          <h2>{tx(lang, 'timeline')}</h2>
          <ol class="lp-timeline" data-testid="lc-timeline">
            {data.timeline.map((s, i) => (
              <li key={i} data-step={s.step}>
                <time>{localTime(s.at, data.jurisdiction.timezone, lang)}</time> {stepText(lang, s)}
              </li>
            ))}
          </ol>
          {data.closing_notes.length > 0 && (
            <>
              <h2>{tx(lang, 'notes')}</h2>
              {data.closing_notes.map((n, i) => (
                <blockquote key={i} class="lp-note" data-testid="lc-note">
                  <p>{n.note}</p>
                  <footer>{n.agency}</footer>
                </blockquote>
              ))}
            </>
          )}
          {data.photos.length > 0 && (
            <div class="lp-photos" data-testid="lc-photos">
              {data.photos.map((ph) => (
                <img key={ph.id} src={ph.url} alt="" loading="lazy" />
              ))}
            </div>
          )}
        </section>
      )}
    </main>
  );
}
