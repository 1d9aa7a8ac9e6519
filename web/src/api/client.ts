// A small fetch wrapper for /api/v1. The session lives in the HttpOnly cookie siaga_session
// that POST /auth/login sets, so every call is a same-origin request with credentials.

import type { Page } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request's method: a failed write is said to be "not sent" or "not done". */
    readonly method: string = 'GET',
    /** The answer's Retry-After in seconds, when it had one (503, 429). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the server answers 401 (the session ended). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

type ReachListener = (reached: boolean) => void;
const reachListeners = new Set<ReachListener>();

/**
 * Told after every request whether the server answered at all (any status) or the network
 * failed, so that the consoles can say the server is unreachable while it is.
 */
export function onReach(fn: ReachListener): () => void {
  reachListeners.add(fn);
  return () => reachListeners.delete(fn);
}
const reached = (ok: boolean) => reachListeners.forEach((fn) => fn(ok));

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch (e) {
    reached(false);
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e), method);
  }
  reached(true);
  if (res.status === 204) return undefined as T;
  return answer<T>(method, path, res.status, res.statusText, await res.text(), retryAfterOf(res));
}

/** The Retry-After of an answer in seconds (the delay form; an HTTP date is not used here). */
function retryAfterOf(res: Response): number | undefined {
  const v = res.headers?.get('Retry-After');
  const n = v == null ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

// ---------- idempotent creation ----------

/**
 * A fresh Idempotency-Key: a random UUID. crypto.randomUUID exists only in secure contexts
 * (HTTPS, localhost); a console opened over plain HTTP on a LAN gets one from getRandomValues.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface RetryOptions {
  /** Sends in all, the first included (3). */
  tries?: number;
  /** Waits ms milliseconds (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before the next send: the answer's Retry-After (1 s when none), at most 10 s. */
function retryDelayMs(retryAfterS: number | undefined): number {
  return Math.min(retryAfterS ?? 1, 10) * 1000;
}

/**
 * fetch with an Idempotency-Key header, sent again with the same key on a network error or a
 * 503 (the server lost its database mid-write and cannot say whether the write was kept), up
 * to tries sends, waiting Retry-After between them. The server answers a repeated key with the
 * record the first send made (201, Idempotent-Replayed: true), so a retry never files twice.
 * Returns the last answer; throws the last network error when no send got one.
 */
export async function fetchOnce(url: string, init: RequestInit, key: string, opts: RetryOptions = {}): Promise<Response> {
  const tries = Math.max(1, opts.tries ?? 3);
  const sleep = opts.sleep ?? sleepMs;
  // The draft's form of the header is a Structured Field string: the key in double quotes.
  const headers = { ...(init.headers as Record<string, string> | undefined), 'Idempotency-Key': `"${key}"` };
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers });
    } catch (e) {
      if (attempt >= tries) throw e;
      await sleep(retryDelayMs(undefined));
      continue;
    }
    if (res.status !== 503 || attempt >= tries) return res;
    await sleep(retryDelayMs(retryAfterOf(res)));
  }
}

/**
 * POSTs a body that creates a record (a report, an incident) with an Idempotency-Key made once
 * for this submission, retried as fetchOnce does. The JSON answer, or its ApiError.
 */
export async function postOnce<T>(path: string, body: unknown, opts: RetryOptions & { key?: string } = {}): Promise<T> {
  const init: RequestInit = {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
  let res: Response;
  try {
    res = await fetchOnce('/api/v1' + path, init, opts.key ?? newIdempotencyKey(), opts);
  } catch (e) {
    reached(false);
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e), 'POST');
  }
  reached(true);
  return answer<T>('POST', path, res.status, res.statusText, await res.text(), retryAfterOf(res));
}

/** The JSON of an answer, or its ApiError (and the 401 listeners told). */
function answer<T>(method: string, path: string, status: number, statusText: string, text: string, retryAfterS?: number): T {
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (status < 200 || status > 299) {
    // The API answers {"error": "<code>", "message": "…"}; {"error": {"code", "message"}} is
    // read too, as some gateways in front of it answer so.
    const body = (json ?? {}) as { error?: string | { code?: string; message?: string }; message?: string };
    const inner = typeof body.error === 'object' && body.error !== null ? body.error : null;
    const code = (inner ? inner.code : typeof body.error === 'string' ? body.error : undefined) ?? 'http_' + status;
    const message = (inner ? inner.message : body.message) ?? statusText;
    if (status === 401 && !path.startsWith('/auth/login')) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(status, code, message, method, retryAfterS);
  }
  return json as T;
}

/**
 * POSTs raw bytes (a photo) with their type as Content-Type. XMLHttpRequest rather than fetch,
 * because it reports the upload's progress (a fraction from 0 to 1) on a slow mobile link.
 */
export function upload<T>(path: string, body: Blob, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', body.type);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => {
      reached(false);
      reject(new ApiError(0, 'network', 'network error', 'POST'));
    };
    xhr.onload = () => {
      reached(true);
      try {
        resolve(answer<T>('POST', path, xhr.status, xhr.statusText, xhr.responseText));
      } catch (e) {
        reject(e);
      }
    };
    xhr.send(body);
  });
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);

/** Reads every page of a paged list (500 per page), up to max items. */
export async function getAll<T>(path: string, max = 2000): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const out: T[] = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await get<Page<T>>(`${path}${sep}limit=500&offset=${offset}`);
    out.push(...page.items);
    if (out.length >= page.total || page.items.length < 500) break;
  }
  return out;
}

/** The routes the running server offers (from its OpenAPI document), to show optional screens. */
export async function loadRoutes(): Promise<Set<string>> {
  try {
    const doc = await get<{ paths?: Record<string, unknown> }>('/openapi.json');
    return new Set(Object.keys(doc.paths ?? {}));
  } catch {
    return new Set();
  }
}
