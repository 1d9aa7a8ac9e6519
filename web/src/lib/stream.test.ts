import { describe, expect, it } from 'vitest';
import type { SiagaEvent } from '../api/types';
import { backoffMs, parseMessage, SESSION_ENDED, StreamClient, type SocketLike, type StreamStatus } from './stream';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close(code = 1000, reason = '') {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.({ code, reason });
  }
  send(obj: unknown) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
}

const ev = (seq: number): SiagaEvent => ({
  seq, id: 'e' + seq, kind: 'incident.created', subject: 'incident', subject_id: 'i', incident_id: 'i', agency_id: null,
  actor_id: 'a', at: '2026-11-23T10:00:00Z', payload: {}, hash: 'h',
});

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  const events: number[] = [];
  const fresh: number[] = [];
  const statuses: StreamStatus[] = [];
  let now = 1000;
  let nextId = 1;
  const client = new StreamClient({
    url: (after) => (after === null ? '/api/v1/stream' : `/api/v1/stream?after=${after}`),
    open: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onEvent: (e) => events.push(e.seq),
    onFresh: (seq) => fresh.push(seq),
    onStatus: (s) => statuses.push(s),
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ fn, ms, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    random: () => 0.5,
  });
  const fire = () => {
    const t = timers.shift()!;
    now += t.ms;
    t.fn();
    return t.ms;
  };
  return { client, sockets, timers, events, fresh, statuses, fire, last: () => sockets[sockets.length - 1]! };
}

describe('backoffMs', () => {
  it('doubles from half a second up to 30 s with jitter', () => {
    expect(backoffMs(0, () => 0.5)).toBe(500);
    expect(backoffMs(1, () => 0.5)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(4000);
    expect(backoffMs(20, () => 0.5)).toBe(30000);
    expect(backoffMs(0, () => 0)).toBe(375);
    expect(backoffMs(0, () => 1)).toBe(625);
  });
});

describe('parseMessage', () => {
  it('reads hello and event frames', () => {
    expect(parseMessage('{"type":"hello","last_seq":5,"after":null}')).toEqual({ type: 'hello', last_seq: 5, after: null });
    expect(parseMessage(JSON.stringify({ type: 'event', event: ev(7) }))).toMatchObject({ type: 'event', event: { seq: 7 } });
    expect(parseMessage('{"type":"ping"}')).toEqual({ type: 'other' });
    expect(() => parseMessage('nope')).toThrow();
  });
});

describe('StreamClient', () => {
  it('starts fresh, loads on hello, then delivers events once and in order', () => {
    const h = harness();
    h.client.start();
    expect(h.last().url).toBe('/api/v1/stream');
    expect(h.client.current.state).toBe('connecting');
    h.last().send({ type: 'hello', last_seq: 10, after: null });
    expect(h.fresh).toEqual([10]);
    expect(h.client.current.state).toBe('live');
    h.last().send({ type: 'event', event: ev(9) }); // older than hello: covered by the load
    h.last().send({ type: 'event', event: ev(11) });
    h.last().send({ type: 'event', event: ev(11) }); // duplicate
    h.last().send({ type: 'event', event: ev(12) });
    expect(h.events).toEqual([11, 12]);
  });

  it('resumes after a drop from the last seq, without gap or duplicate', () => {
    const h = harness();
    h.client.start();
    h.last().send({ type: 'hello', last_seq: 10, after: null });
    h.last().send({ type: 'event', event: ev(11) });
    h.last().close(1006, 'network');
    expect(h.client.current.state).toBe('reconnecting');
    expect(h.client.current.retry_at).toBe(1500);
    expect(h.fire()).toBe(500);
    expect(h.last().url).toBe('/api/v1/stream?after=11');
    h.last().send({ type: 'hello', last_seq: 14, after: 11 });
    expect(h.fresh).toEqual([10]); // no second full load
    h.last().send({ type: 'event', event: ev(11) });
    h.last().send({ type: 'event', event: ev(12) });
    h.last().send({ type: 'event', event: ev(13) });
    h.last().send({ type: 'event', event: ev(14) });
    expect(h.events).toEqual([11, 12, 13, 14]);
    expect(h.client.current).toMatchObject({ state: 'live', attempts: 0, last_seq: 14 });
  });

  it('backs off while the server is away and resets once live', () => {
    const h = harness();
    h.client.start();
    h.last().close(1006, '');
    expect(h.fire()).toBe(500);
    h.last().close(1006, '');
    expect(h.fire()).toBe(1000);
    h.last().close(1006, '');
    expect(h.fire()).toBe(2000);
    expect(h.client.current.attempts).toBe(3);
    h.last().send({ type: 'hello', last_seq: 3, after: null });
    expect(h.fresh).toEqual([3]); // never live before: still a fresh start
    expect(h.client.current.attempts).toBe(0);
  });

  it('holds off after a deliberate drop, and reconnects at once on request', () => {
    const h = harness();
    h.client.start();
    h.last().send({ type: 'hello', last_seq: 1, after: null });
    h.client.drop(10_000);
    expect(h.timers[0]!.ms).toBe(10_000);
    h.client.reconnectNow();
    expect(h.sockets).toHaveLength(2);
    expect(h.last().url).toBe('/api/v1/stream?after=1');
  });

  it('stops for good', () => {
    const h = harness();
    h.client.start();
    h.client.stop();
    expect(h.client.current.state).toBe('stopped');
    expect(h.timers).toHaveLength(0);
  });
});

describe('a session that ended', () => {
  it('stops on close code 4401 with the reason, where any other close reconnects', () => {
    const h = harness();
    const ended: string[] = [];
    const client = new StreamClient({
      url: () => '/api/v1/stream',
      open: (url) => {
        const s = new FakeSocket(url);
        h.sockets.push(s);
        return s;
      },
      onEvent: () => undefined,
      onEnded: (reason) => ended.push(reason),
      setTimer: (fn, ms) => h.timers.push({ fn, ms, id: h.timers.length + 100 }),
      clearTimer: () => undefined,
    });
    client.start();
    h.last().send({ type: 'hello', last_seq: 3, after: null });
    h.last().close(1006, '');
    expect(client.current.state).toBe('reconnecting');
    h.timers.shift()!.fn();
    h.last().send({ type: 'hello', last_seq: 3, after: 3 });
    h.last().close(SESSION_ENDED, 'kata sandi diganti / password changed');
    expect(ended).toEqual(['kata sandi diganti / password changed']);
    expect(client.current.state).toBe('stopped');
    expect(h.sockets.length).toBe(2);
  });
});
