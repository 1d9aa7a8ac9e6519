import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, onReach } from './client';

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
