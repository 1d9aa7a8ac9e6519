// The realtime stream client: GET /api/v1/stream (WebSocket). The server sends
//   {"type":"hello","last_seq":N,"after":A|null}  then  {"type":"event","event":{seq,...}}
// and a client that reconnects with ?after=<last seq seen> gets what it missed first, without
// gap or duplicate. This client reconnects with capped exponential backoff and jitter,
// resumes from the last seq it delivered, drops anything it has already delivered, and
// reports its state for the connection indicator.

import type { SiagaEvent } from '../api/types';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface StreamStatus {
  state: StreamState;
  /** Failed attempts since the last live connection. */
  attempts: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retry_at: number | null;
  last_seq: number;
  /** True once a hello arrived on some connection. */
  ever_live: boolean;
}

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface StreamOptions {
  /** Builds the URL; after is null for a fresh start. */
  url(after: number | null): string;
  /** A new socket (the browser's WebSocket by default; tests pass a fake). */
  open?(url: string): SocketLike;
  /** Called for every new event, in seq order, exactly once. */
  onEvent(e: SiagaEvent): void;
  /**
   * Called on the first hello of a fresh start (no resume point): the console loads its lists
   * now, since the stream carries every event after hello.last_seq.
   */
  onFresh?(lastSeq: number): void;
  onStatus?(s: StreamStatus): void;
  /**
   * Called when the server closes the stream because its session ended (code 4401: signed
   * out, password changed, the account changed by an admin) with the server's reason; the
   * client stops instead of reconnecting, since the session will not come back.
   */
  onEnded?(reason: string): void;
  now?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(t: unknown): void;
  random?(): number;
  /** A connection with no message at all for this long is presumed dead (0: never). */
  idle_ms?: number;
}

/** Delay before attempt n (0-based) after a drop: 0.5 s doubling to 30 s, with ±25 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** Close code of a stream whose session ended (the server's api/stream.hpp). */
export const SESSION_ENDED = 4401;

export type Message =
  | { type: 'hello'; last_seq: number; after: number | null }
  | { type: 'event'; event: SiagaEvent }
  | { type: 'other' };

/** Reads one text frame; throws on malformed JSON. */
export function parseMessage(data: unknown): Message {
  const m = JSON.parse(String(data)) as { type?: string; last_seq?: number; after?: number | null; event?: SiagaEvent };
  if (m.type === 'hello' && typeof m.last_seq === 'number') return { type: 'hello', last_seq: m.last_seq, after: m.after ?? null };
  if (m.type === 'event' && m.event && typeof m.event.seq === 'number') return { type: 'event', event: m.event };
  return { type: 'other' };
}

export class StreamClient {
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private idleTimer: unknown = null;
  private hold_until = 0;
  private status: StreamStatus = { state: 'stopped', attempts: 0, retry_at: null, last_seq: 0, ever_live: false };
  private resume: number | null = null; // null until the first hello: a fresh start
  private readonly o: Required<Omit<StreamOptions, 'onFresh' | 'onStatus' | 'onEnded'>> &
    Pick<StreamOptions, 'onFresh' | 'onStatus' | 'onEnded'>;

  constructor(options: StreamOptions) {
    this.o = {
      open: (url) => new WebSocket(url) as unknown as SocketLike,
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      random: Math.random,
      idle_ms: 0,
      ...options,
    };
  }

  get lastSeq(): number {
    return this.status.last_seq;
  }

  get current(): StreamStatus {
    return this.status;
  }

  start(): void {
    if (this.status.state !== 'stopped') return;
    this.connect('connecting');
  }

  stop(): void {
    this.clear();
    this.setStatus({ state: 'stopped', retry_at: null });
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'bye');
    }
  }

  /**
   * Drops the connection as a network failure would, and holds off reconnecting for holdMs
   * (for tests and the "reconnect" button): what happens meanwhile arrives on resume.
   */
  drop(holdMs = 0): void {
    this.hold_until = this.o.now() + holdMs;
    const s = this.socket;
    if (s) s.close(4000, 'dropped by client');
    else this.scheduleRetry();
  }

  /** Reconnects now (skipping the backoff wait). */
  reconnectNow(): void {
    this.hold_until = 0;
    if (this.status.state === 'reconnecting') {
      this.clear();
      this.connect('reconnecting');
    }
  }

  private clear(): void {
    if (this.timer !== null) this.o.clearTimer(this.timer);
    if (this.idleTimer !== null) this.o.clearTimer(this.idleTimer);
    this.timer = null;
    this.idleTimer = null;
  }

  private setStatus(patch: Partial<StreamStatus>): void {
    this.status = { ...this.status, ...patch };
    this.o.onStatus?.(this.status);
  }

  private connect(state: StreamState): void {
    this.setStatus({ state, retry_at: null });
    let socket: SocketLike;
    try {
      socket = this.o.open(this.o.url(this.resume));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.armIdle(socket);
      this.receive(ev.data);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (ev?.code === SESSION_ENDED) {
        this.clear();
        this.setStatus({ state: 'stopped', retry_at: null });
        this.o.onEnded?.(ev.reason);
        return;
      }
      this.scheduleRetry();
    };
    socket.onerror = () => {
      /* onclose follows */
    };
    this.armIdle(socket);
  }

  private armIdle(socket: SocketLike): void {
    if (!this.o.idle_ms) return;
    if (this.idleTimer !== null) this.o.clearTimer(this.idleTimer);
    this.idleTimer = this.o.setTimer(() => {
      if (this.socket === socket) socket.close(4001, 'idle');
    }, this.o.idle_ms);
  }

  private receive(data: unknown): void {
    let m: Message;
    try {
      m = parseMessage(data);
    } catch {
      return;
    }
    if (m.type === 'hello') {
      const fresh = this.resume === null;
      if (fresh) {
        // Everything up to last_seq is covered by the lists the console loads now.
        this.resume = m.last_seq;
        this.setStatus({ state: 'live', attempts: 0, last_seq: Math.max(this.status.last_seq, m.last_seq), ever_live: true });
        this.o.onFresh?.(m.last_seq);
      } else {
        this.setStatus({ state: 'live', attempts: 0, ever_live: true });
      }
    } else if (m.type === 'event') {
      const e = m.event;
      if (e.seq <= this.status.last_seq) return; // already delivered
      this.resume = e.seq;
      this.status = { ...this.status, last_seq: e.seq };
      this.o.onEvent(e);
      this.o.onStatus?.(this.status);
    }
  }

  private scheduleRetry(): void {
    if (this.status.state === 'stopped') return;
    this.clear();
    const wait = Math.max(backoffMs(this.status.attempts, this.o.random), this.hold_until - this.o.now());
    const retry_at = this.o.now() + wait;
    this.setStatus({ state: 'reconnecting', attempts: this.status.attempts + 1, retry_at });
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      this.connect('reconnecting');
    }, wait);
  }
}
