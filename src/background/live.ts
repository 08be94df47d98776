/**
 * The live connection: one `GET /v1/live` stream of server-sent events, held by the service worker
 * while at least one sidebar is open (see README.md, "Live connection"). `fetch` with an
 * Authorization header rather than EventSource, which cannot send one (the token never goes into
 * a URL); the stream is parsed here, a few dozen lines, no dependency.
 *
 * Presence events land in the cache's `presence` table, where the sidebar feed's liveQuery sees
 * them; a poke asks the sync engine to pull. Runs in Node tests against the real server too.
 */
import type { PresenceRow, TouchbaseDb } from '../cache/db';
import { LiveEvent, PRESENCE, type PresenceEvent } from '../protocol';
import type { SyncConnection } from './sync';

export interface SseMessage {
  /** the `event:` field, 'message' when there is none */
  event: string;
  data: string;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG HTML "event stream interpretation"):
 * feed it decoded chunks as they arrive, get back the messages they complete. Lines end in LF,
 * CRLF or CR (a CRLF split across two chunks counts once); `:` lines are comments (keep-alives);
 * a message is dispatched at a blank line, only if it had `data`.
 */
export class SseParser {
  private pending = '';
  private data: string[] = [];
  private event = '';
  private first = true;

  push(chunk: string): SseMessage[] {
    let text = this.pending + chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char !== '\n' && char !== '\r') continue;
      // A CR at the end of the chunk may be the first half of a CRLF: wait for the next one.
      if (char === '\r' && i === text.length - 1) break;
      this.line(text.slice(start, i), messages);
      if (char === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.pending = text.slice(start);
    return messages;
  }

  private line(line: string, messages: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0)
        messages.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    // `id` and `retry` are not used: a reconnect pulls (pokes are not replayed) and the server
    // sends the current presence on connect.
  }
}

/** The event a stream message carries, or null for anything else (unknown types included). */
export function parseLiveEvent(data: string): LiveEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = LiveEvent.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export interface LiveOptions {
  connection: () => Promise<SyncConnection>;
  fetch: typeof fetch;
  onEvent: (event: LiveEvent) => void | Promise<void>;
  /** the stream (re)opened: pokes sent while it was closed are lost, so pull now */
  onOpen?: () => void;
  /** bytes arrived: an event or the server's keep-alive comment */
  onActivity?: () => void;
  /** first reconnect delay; doubles per failure up to backoffCapMs */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** no bytes for this long (the server comments every 15 s): the connection is dead, reopen */
  silenceMs?: number;
  random?: () => number;
}

export type LiveState = 'closed' | 'connecting' | 'open' | 'waiting' | 'rejected';

type Outcome = 'ended' | 'failed' | 'rejected' | 'unconfigured';

export const LIVE_BACKOFF_BASE_MS = 1_000;
export const LIVE_BACKOFF_CAP_MS = 30_000;
const SILENCE_MS = 45_000;

/**
 * One live stream at a time. `start()` opens it and keeps it open — reconnecting after an error
 * or a server restart with capped exponential backoff (half fixed, half random, so clients coming
 * back together spread out) — until `stop()`. A refused token (401/403) stops it until
 * `reset()`, which the worker calls when the connection settings change.
 */
export class LiveConnection {
  private run: AbortController | undefined;
  private failures = 0;
  private current: LiveState = 'closed';

  constructor(private readonly options: LiveOptions) {}

  get state(): LiveState {
    return this.current;
  }

  start(): void {
    if (this.run || this.current === 'rejected') return;
    const run = new AbortController();
    this.run = run;
    void this.loop(run);
  }

  stop(): void {
    this.run?.abort();
    this.run = undefined;
    if (this.current !== 'rejected') this.current = 'closed';
  }

  /** New connection settings: close, and forget a refused token and the backoff. */
  reset(): void {
    this.stop();
    this.current = 'closed';
    this.failures = 0;
  }

  private async loop(run: AbortController): Promise<void> {
    const { signal } = run;
    while (!signal.aborted) {
      this.current = 'connecting';
      const outcome = await this.connectOnce(signal).catch((error: unknown) => {
        console.warn('Touchbase: live stream failed', error);
        return 'failed' as const;
      });
      if (signal.aborted) return;
      if (outcome === 'rejected' || outcome === 'unconfigured') {
        this.run = undefined;
        this.current = outcome === 'rejected' ? 'rejected' : 'closed';
        return;
      }
      this.failures += 1;
      this.current = 'waiting';
      await sleep(this.delay(), signal);
    }
  }

  private delay(): number {
    const base = this.options.backoffBaseMs ?? LIVE_BACKOFF_BASE_MS;
    const cap = this.options.backoffCapMs ?? LIVE_BACKOFF_CAP_MS;
    const window = Math.min(cap, base * 2 ** (this.failures - 1));
    return window / 2 + (this.options.random ?? Math.random)() * (window / 2);
  }

  private async connectOnce(signal: AbortSignal): Promise<Outcome> {
    const { serverUrl, token } = await this.options.connection();
    if (!serverUrl || !token) return 'unconfigured';
    // Its own controller: the silence watchdog aborts this attempt, not the whole run.
    const attempt = new AbortController();
    const abort = () => attempt.abort();
    signal.addEventListener('abort', abort);
    let silence: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(abort, this.options.silenceMs ?? SILENCE_MS);
    };
    try {
      heard();
      let response: Response;
      try {
        response = await this.options.fetch(`${serverUrl}/v1/live`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          cache: 'no-store',
          signal: attempt.signal,
        });
      } catch {
        return 'failed';
      }
      if (response.status === 401 || response.status === 403) return 'rejected';
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return 'failed';
      }
      this.failures = 0;
      this.current = 'open';
      this.options.onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return 'ended';
          heard();
          this.options.onActivity?.();
          for (const message of parser.push(value)) await this.deliver(message);
        }
      } catch {
        return 'ended'; // aborted (stop, silence) or the connection broke
      }
    } finally {
      clearTimeout(silence);
      signal.removeEventListener('abort', abort);
      attempt.abort();
    }
  }

  private async deliver(message: SseMessage): Promise<void> {
    const event = parseLiveEvent(message.data);
    if (!event) return;
    try {
      await this.options.onEvent(event);
    } catch (error) {
      console.warn('Touchbase: a live event could not be applied', error);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * A colleague's presence as the cache keeps it. The expiry is moved onto this browser's clock
 * (received + the lifetime the server granted), so a skewed clock neither hides a presence at
 * once nor keeps it too long. Null when the event ends the presence (`expiresAt` ≤ `at`).
 */
export function presenceRow(event: PresenceEvent, receivedAt: number): PresenceRow | null {
  const lifetime = event.expiresAt
    ? Date.parse(event.expiresAt) - Date.parse(event.at)
    : PRESENCE.ttlMs;
  if (!(lifetime > 0)) return null;
  return {
    colleagueId: event.colleagueId,
    customerId: event.customerId,
    activity: event.activity,
    at: event.at,
    expiresAt: new Date(receivedAt + lifetime).toISOString(),
  };
}

/**
 * Colleagues' presence in the cache: events upsert or end rows, and lapsed rows are deleted when
 * they lapse (a timer at the next `expiresAt`), so the sidebar's liveQuery drops them without a
 * further event. The sidebar also filters by time, for the case where the worker stops first.
 */
export class PresenceCache {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: TouchbaseDb,
    private readonly now: () => number = Date.now,
  ) {}

  async apply(event: PresenceEvent): Promise<void> {
    const row = presenceRow(event, this.now());
    if (row) await this.db.presence.put(row);
    else await this.db.presence.delete([event.colleagueId, event.customerId]);
    await this.prune();
  }

  /** Deletes lapsed rows, then sleeps until the next one lapses. */
  async prune(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    await this.db.presence.where('expiresAt').belowOrEqual(new Date(now).toISOString()).delete();
    const next = await this.db.presence.orderBy('expiresAt').first();
    if (!next) return;
    const wait = Math.max(0, Date.parse(next.expiresAt) - now) + 50;
    this.timer = setTimeout(() => void this.prune().catch(() => undefined), wait);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Chrome stops a worker after 30 s without extension events or API calls; a fetch stream does not
 * count (Chrome 110+: an extension API call does). Returns a function that makes a cheap API call
 * at most once per `everyMs`, called for every chunk the stream brings.
 */
export function throttledKeepAlive(
  call: () => Promise<unknown>,
  everyMs = 5_000,
  now: () => number = Date.now,
): () => void {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    if (now() - last < everyMs) return;
    last = now();
    void call().catch(() => undefined);
  };
}
