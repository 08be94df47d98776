/**
 * GET /v1/live and POST /v1/presence: one hub per API process holds the live clients (SSE
 * streams), the presence board, and the live channel to the other processes (live-channel.ts).
 *
 * Pokes: every change of the change sequence pokes every live client, at most once per
 * POKE_INTERVAL_MS each. A poke carries no data — the client pulls, and the pull decides what it
 * may read — so a restricted engagement never leaks through the stream. Changes are noticed
 * from this process's commits, from NOTIFY (PostgreSQL, any process), and on SQLite by reading
 * the change counter each SQLITE_POLL_MS while a client is connected (the CLI's `import` and
 * `users` verbs write the same file from another process). Deduplicated by sequence number, so
 * one change is one poke however many ways it is heard of.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type LiveEvent, PRESENCE, type PresenceRequest } from '../protocol';
import { currentSeq } from './changes';
import type { Store } from './db';
import {
  type ChannelHandlers,
  type ChannelMessage,
  type LiveChannel,
  localChannel,
  postgresChannel,
} from './live-channel';
import { heartbeat, PresenceBoard } from './presence';

export interface LiveSettings {
  /** how long a presence lasts after its last heartbeat (TOUCHBASE_PRESENCE_TTL_MS) */
  presenceTtlMs: number;
  /** how often a stream gets a `: keep-alive` comment (TOUCHBASE_LIVE_KEEPALIVE_MS) */
  keepAliveMs: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  presenceTtlMs: PRESENCE.ttlMs,
  keepAliveMs: 15_000,
};

const POKE_INTERVAL_MS = 250;
const SQLITE_POLL_MS = 1000;

/**
 * At most one call of `send` per `intervalMs`: the first request goes out at once, requests
 * within the interval after it collapse into one at the interval's end.
 */
export class PokeThrottle {
  private lastSent = Number.NEGATIVE_INFINITY;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = POKE_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(): void {
    if (this.pending) return;
    const wait = this.lastSent + this.intervalMs - this.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.fire();
    }, wait);
  }

  cancel(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private fire() {
    this.lastSent = this.now();
    this.send();
  }
}

export interface LiveClient {
  send(event: LiveEvent): void;
  /** the server ends the stream (shutting down) */
  close(): void;
}

interface Subscriber extends LiveClient {
  colleagueId: string;
  pokes: PokeThrottle;
}

export class LiveHub {
  private readonly board = new PresenceBoard();
  private readonly subscribers = new Set<Subscriber>();
  /** the highest change sequence number clients were poked for */
  private seenSeq = 0;
  private channel: LiveChannel | null = null;
  private sweeper: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly store: Store,
    readonly settings: LiveSettings = DEFAULT_LIVE_SETTINGS,
  ) {}

  async start(): Promise<void> {
    this.seenSeq = await currentSeq(this.store.db);
    this.store.changes.on('commit', this.changed);
    const handlers: ChannelHandlers = {
      receive: (message) => this.receive(message),
      // pokes sent while the listener was down are lost: let every client pull once
      reconnected: () => this.pokeAll(),
    };
    this.channel = this.store.databaseUrl
      ? await postgresChannel(this.store.db, this.store.databaseUrl, handlers)
      : localChannel(handlers);
    // lapsed presence is dropped from snapshots anyway; this only bounds the memory
    this.sweeper = setInterval(() => this.board.prune(), this.settings.presenceTtlMs);
    this.sweeper.unref();
  }

  /** Ends every stream and stops listening. */
  async close(): Promise<void> {
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.store.changes.off('commit', this.changed);
    clearInterval(this.sweeper);
    clearInterval(this.poller);
    await this.channel?.close();
  }

  /**
   * Adds a live client: it gets the colleagues' current presence (never its own colleague's),
   * then a poke, since a client that reconnects may have missed changes. Returns the unsubscribe.
   */
  subscribe(colleagueId: string, client: LiveClient): () => void {
    const subscriber: Subscriber = {
      ...client,
      colleagueId,
      pokes: new PokeThrottle(() => client.send({ type: 'poke' })),
    };
    this.subscribers.add(subscriber);
    for (const event of this.board.snapshot(colleagueId)) client.send(event);
    subscriber.pokes.request();
    this.pollWhileConnected();
    return () => {
      subscriber.pokes.cancel();
      this.subscribers.delete(subscriber);
      this.pollWhileConnected();
    };
  }

  /** A heartbeat or an end of presence from `colleagueId`, for every process's clients. */
  async presence(colleagueId: string, request: PresenceRequest): Promise<void> {
    const { customerId, activity } = request;
    const message: ChannelMessage =
      activity === 'left'
        ? { kind: 'left', colleagueId, customerId, at: new Date().toISOString() }
        : {
            kind: 'heartbeat',
            event: heartbeat(colleagueId, customerId, activity, this.settings.presenceTtlMs),
          };
    if (!this.channel) throw new Error('LiveHub.start() was not called');
    await this.channel.publish(message);
  }

  private receive(message: ChannelMessage): void {
    if (message.kind === 'change') {
      this.changed(message.seq);
      return;
    }
    const event =
      message.kind === 'heartbeat'
        ? this.board.renew(message.event)
        : this.board.end(message.colleagueId, message.customerId, message.at);
    if (!event) return;
    for (const subscriber of this.subscribers) {
      if (subscriber.colleagueId !== event.colleagueId) subscriber.send(event);
    }
  }

  private readonly changed = (seq: number): void => {
    if (seq <= this.seenSeq) return;
    this.seenSeq = seq;
    this.pokeAll();
  };

  private pokeAll(): void {
    for (const subscriber of this.subscribers) subscriber.pokes.request();
  }

  /** SQLite only: other processes (the CLI) write the file without telling us. */
  private pollWhileConnected(): void {
    if (this.store.kind !== 'sqlite') return;
    if (this.subscribers.size > 0 && !this.poller) {
      this.poller = setInterval(() => void this.poll(), SQLITE_POLL_MS);
    } else if (this.subscribers.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      this.changed(await currentSeq(this.store.db));
    } catch (error) {
      console.error(`live: reading the change counter failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}

/**
 * The SSE response of GET /v1/live: one JSON event per `data:` line, a `: keep-alive` comment
 * every keepAliveMs (so the client and proxies can tell a dead stream), and at each keep-alive
 * the token is checked again, so a revoked token's stream ends within that time.
 */
export function liveStream(
  c: Context,
  hub: LiveHub,
  colleagueId: string,
  tokenStillValid: () => Promise<boolean>,
): Response {
  // nginx and similar proxies would otherwise hold the events back in a buffer
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, (stream) => {
    return new Promise<void>((resolve) => {
      let ended = false;
      // written as plain text, in call order (writeSSE would resolve each event asynchronously)
      const write = (text: string) => void stream.write(text);
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(keepAlive);
        unsubscribe();
        resolve();
      };
      const keepAlive = setInterval(async () => {
        const valid = await tokenStillValid().catch(() => true); // a database hiccup is not a revocation
        if (valid) write(': keep-alive\n\n');
        else end();
      }, hub.settings.keepAliveMs);
      const unsubscribe = hub.subscribe(colleagueId, {
        send: (event) => write(`data: ${JSON.stringify(event)}\n\n`),
        close: end,
      });
      stream.onAbort(end);
    });
  });
}
