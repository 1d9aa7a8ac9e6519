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

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
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
  return answer<T>(method, path, res.status, res.statusText, await res.text());
}

/** The JSON of an answer, or its ApiError (and the 401 listeners told). */
function answer<T>(method: string, path: string, status: number, statusText: string, text: string): T {
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
    throw new ApiError(status, code, message, method);
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
