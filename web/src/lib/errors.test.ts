import { describe, expect, it } from 'vitest';
import { codeSentence, describeError } from './errors';

describe('codeSentence', () => {
  it('translates every code of the API in both languages', () => {
    const codes = ['invalid_input', 'bad_request', 'unauthenticated', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'payload_too_large', 'unsupported_media_type', 'storage_failure', 'internal', 'unavailable'];
    for (const c of codes) {
      const id = codeSentence('id', c);
      const en = codeSentence('en', c);
      expect(id, c).toBeTruthy();
      expect(en, c).toBeTruthy();
      expect(id, c).not.toBe(en);
    }
  });
  it('reads other spellings and bare statuses', () => {
    expect(codeSentence('id', 'validation_failed')).toBe('Data tidak valid');
    expect(codeSentence('en', 'unauthorized')).toBe('The session ended, sign in again');
    expect(codeSentence('id', 'too_many_requests')).toBe('Terlalu banyak permintaan, tunggu sebentar');
    expect(codeSentence('en', 'http_409', 409)).toBe('Conflicts with another change, reload the data');
    expect(codeSentence('en', 'http_503')).toBe('The server is unavailable for now');
  });
  it('knows nothing of unknown codes', () => {
    expect(codeSentence('id', 'rocket_on_fire')).toBeNull();
    expect(codeSentence('id', 'http_418', 418)).toBeNull();
    expect(codeSentence('id', 'toString')).toBeNull();
  });
});

describe('describeError', () => {
  const conflict = { status: 409, code: 'conflict', message: 'the dispatch is already completed' };
  it('puts the translated sentence before the server detail', () => {
    expect(describeError('id', conflict)).toBe('Bentrok dengan perubahan lain, muat ulang datanya — the dispatch is already completed');
    expect(describeError('en', { status: 400, code: 'invalid_input', message: "field 'reason' is required" })).toBe(
      "The data is not valid — field 'reason' is required",
    );
  });
  it('falls back to the message for unknown codes', () => {
    expect(describeError('id', { status: 418, code: 'teapot', message: 'short and stout' })).toBe('short and stout');
    expect(describeError('id', { status: 418, code: 'teapot', message: '' })).toBe('teapot');
  });
  it('says a write on a dead network was NOT sent, in the language', () => {
    const net = { status: 0, code: 'network', message: 'Failed to fetch', method: 'POST' };
    expect(describeError('id', net, 'dispatch_now')).toBe('Buat & dispatch TIDAK terkirim: server tidak terjangkau — periksa jaringan lalu coba lagi');
    expect(describeError('en', net)).toBe('Action NOT sent: the server cannot be reached — check the network and try again');
    expect(describeError('id', net)).toMatch(/^Tindakan TIDAK terkirim/);
  });
  it('says a refused write was NOT done, with the reason', () => {
    expect(describeError('en', { ...conflict, method: 'POST' }, 'act_complete')).toBe(
      'Complete NOT done: Conflicts with another change, reload the data — the dispatch is already completed',
    );
  });
  it('does not call a failed read an action', () => {
    const net = { status: 0, code: 'network', message: 'Failed to fetch', method: 'GET' };
    expect(describeError('id', net)).toBe('Server tidak terjangkau: periksa jaringan lalu coba lagi');
    expect(describeError('id', { ...conflict, method: 'GET' })).not.toMatch(/TIDAK/);
  });
});
