import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, fetchOnce, newIdempotencyKey, onReach, postOnce } from './client';

const answerWith = (status: number, body: unknown) =>
  vi.stubGlobal('fetch', async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText: 'Status ' + status }));

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('api errors', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the API body {"error": code, "message"} with the method', async () => {
    answerWith(409, { error: 'conflict', message: 'the dispatch is already completed' });
    const e = await failure(api('POST', '/dispatches/x/complete', {}));
    expect([e.status, e.code, e.message, e.method]).toEqual([409, 'conflict', 'the dispatch is already completed', 'POST']);
  });
  it('reads a nested {"error": {"code", "message"}} body', async () => {
    answerWith(400, { error: { code: 'validation_failed', message: 'reason is required' } });
    const e = await failure(api('GET', '/x'));
    expect([e.code, e.message, e.method]).toEqual(['validation_failed', 'reason is required', 'GET']);
  });
  it('names a body without a code by its status', async () => {
    answerWith(502, '<html>bad gateway</html>');
    const e = await failure(api('GET', '/x'));
    expect([e.code, e.message]).toEqual(['http_502', 'Status 502']);
  });
  it('tells whether the server answered at all', async () => {
    const seen: boolean[] = [];
    const off = onReach((ok) => seen.push(ok));
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = await failure(api('POST', '/incidents', {}));
    expect([e.status, e.code, e.method]).toEqual([0, 'network', 'POST']);
    answerWith(404, { error: 'not_found', message: 'no such incident' });
    await failure(api('GET', '/incidents/x'));
    off();
    expect(seen).toEqual([false, true]);
  });
});

describe('idempotent creation', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** A fetch that answers from the list in turn (an Error entry: a network failure), recording each request. */
  function script(answers: (Response | Error)[]) {
    const sent: { url: string; key: string | null; body: string }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      sent.push({ url, key: headers.get('Idempotency-Key'), body: String(init.body) });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    });
    return sent;
  }
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  afterEach(() => {
    waits.length = 0;
  });

  it('sends the same key again after a network error and a 503, honouring Retry-After', async () => {
    const sent = script([
      new TypeError('Failed to fetch'),
      json(503, { error: 'unavailable', message: 'database failover' }, { 'Retry-After': '2' }),
      json(201, { id: 'r1' }, { 'Idempotent-Replayed': 'true' }),
    ]);
    const made = await postOnce<{ id: string }>('/reports', { description: 'Kebakaran' }, { sleep });
    expect(made).toEqual({ id: 'r1' });
    expect(sent).toHaveLength(3);
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/reports', '/api/v1/reports', '/api/v1/reports']);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    expect(sent[0]!.key).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(new Set(sent.map((s) => s.body))).toEqual(new Set([JSON.stringify({ description: 'Kebakaran' })]));
    expect(waits).toEqual([1000, 2000]);
  });

  it('gives up after three sends with the last answer as the error', async () => {
    const busy = () => json(503, { error: 'unavailable', message: 'coba lagi' }, { 'Retry-After': '30' });
    const sent = script([busy(), busy(), busy(), json(201, { id: 'never' })]);
    const e = await failure(postOnce('/incidents', {}, { sleep }));
    expect([e.status, e.code, e.retryAfterS]).toEqual([503, 'unavailable', 30]);
    expect(sent).toHaveLength(3);
    expect(waits).toEqual([10000, 10000]);
  });

  it('does not send again after an answer other than 503', async () => {
    for (const status of [201, 400, 409, 422, 500]) {
      const sent = script([json(status, { error: 'x', message: 'y' }), json(201, {})]);
      await postOnce('/reports', {}, { sleep }).catch(() => undefined);
      expect(sent).toHaveLength(1);
    }
  });

  it('throws the network error when no send got an answer, and each submission has its own key', async () => {
    const sent = script([new TypeError('a'), new TypeError('b'), new TypeError('c')]);
    const e = await failure(postOnce('/reports', {}, { sleep }));
    expect([e.status, e.code]).toEqual([0, 'network']);
    expect(sent).toHaveLength(3);
    const first = script([json(201, {})]);
    await postOnce('/reports', {}, { sleep });
    const second = script([json(201, {})]);
    await postOnce('/reports', {}, { sleep });
    expect(first[0]!.key).not.toEqual(second[0]!.key);
  });

  it('fetchOnce keeps the caller\'s headers and returns the last answer', async () => {
    const sent = script([json(503, {}), json(201, { tracking_code: 'ABC' })]);
    const res = await fetchOnce('/api/v1/public/reports', { method: 'POST', headers: { Accept: 'application/json' } }, 'k-1', { sleep });
    expect(res.status).toBe(201);
    expect(sent.map((s) => s.key)).toEqual(['"k-1"', '"k-1"']);
  });

  it('makes UUIDs without crypto.randomUUID too (plain HTTP on a LAN)', () => {
    const real = globalThis.crypto;
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    try {
      const k = newIdempotencyKey();
      expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(globalThis.crypto).toBe(real);
  });
});
