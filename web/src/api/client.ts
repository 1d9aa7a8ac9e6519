// A small fetch wrapper for /api/v1. The session lives in the HttpOnly cookie siaga_session
// that POST /auth/login sets, so every call is a same-origin request with credentials.

import type { Page } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json ?? {}) as { error?: string; message?: string };
    if (res.status === 401 && !path.startsWith('/auth/login')) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, err.error ?? 'http_' + res.status, err.message ?? res.statusText);
  }
  return json as T;
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
