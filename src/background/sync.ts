/**
 * The sync engine: push the outbox, then pull until the server has nothing more. Runs in the
 * service worker, and in Node tests against the real server (it only needs a TouchbaseDb, the
 * connection settings and a fetch).
 *
 * Crash safety comes from ordering, not from bookkeeping: an outbox row is deleted only after the
 * server acknowledged it (a replayed mutation id is acknowledged without being applied twice),
 * and each pulled page commits together with the cursor after it. A worker killed anywhere simply
 * runs again from what is on disk.
 */

import type { z } from 'zod';
import type { OutboxRow, SyncProgress, TouchbaseDb } from '../cache/db';
import { applyPullPage, pageRowCount } from '../cache/pull';
import {
  ConfigResponse,
  describeZodError,
  ErrorBody,
  LIMITS,
  PullResponse,
  PushResponse,
} from '../protocol';
import type { ServerConfigCache } from './config';

export interface SyncConnection {
  serverUrl: string;
  token: string;
}

export interface SyncEngineOptions {
  db: TouchbaseDb;
  connection: () => Promise<SyncConnection>;
  fetch: typeof fetch;
  /** rows per pull request (default: the most the server gives, for fewer round trips) */
  pullLimit?: number;
  /** where GET /v1/config is kept (the worker: storage.local); without it, it is not fetched */
  serverConfig?: ServerConfigCache;
  /** called after a run that brought rows (the worker re-resolves its open tabs) */
  onRowsArrived?: () => void | Promise<void>;
  isOnline?: () => boolean;
  now?: () => number;
  random?: () => number;
}

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 10 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
export const TOKEN_REJECTED_MESSAGE = 'token revoked or invalid';

/** The server said no to the token: retrying on a timer would only repeat that. */
class TokenRejected extends Error {}
/** The network (or the server's host) cannot be reached. */
class Unreachable extends Error {}
class ServerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What a request may add; the token, the content type and the timeout are the engine's. */
type RequestOptions = Omit<RequestInit, 'headers' | 'signal'> & {
  headers?: Record<string, string>;
};

interface RunOutcome {
  progress: SyncProgress;
  /** nothing was attempted (not connected, backing off, token rejected) */
  skipped: boolean;
}

export const initialProgress = (): SyncProgress => ({ state: 'idle', rowsSoFar: 0, initial: true });

export class SyncEngine {
  private running: Promise<RunOutcome> | undefined;
  private queued: Promise<SyncProgress> | undefined;
  private abort = new AbortController();
  private paused = 0;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly isOnline: () => boolean;

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.isOnline =
      options.isOnline ?? (() => typeof navigator === 'undefined' || navigator.onLine !== false);
  }

  /**
   * Runs a sync, or joins the one already running. Without `force`, respects the backoff and a
   * rejected token (the alarm path); with it, runs now (the user asked, or a note was saved).
   * Resolves with the progress the run ended with; network and server failures are recorded in
   * that progress, not thrown.
   */
  sync(options: { force?: boolean } = {}): Promise<SyncProgress> {
    const force = options.force === true;
    if (this.running) {
      if (!force) return this.running.then((outcome) => outcome.progress);
      // A forced request (a note was just saved) may come after the running run pushed the
      // outbox: queue one more run after it, shared by every forced request meanwhile.
      this.queued ??= this.running.then(() => {
        this.queued = undefined;
        return this.sync(options);
      });
      return this.queued;
    }
    const run: Promise<RunOutcome> = this.run(force).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run.then((outcome) => outcome.progress);
  }

  /**
   * Stops a running sync before it writes anything more and holds off new runs until the
   * returned function is called: sign out and switching servers clear the cache meanwhile, and
   * no run with the old connection may write after that.
   */
  async pause(): Promise<() => void> {
    this.paused += 1;
    const aborting = this.abort;
    this.abort = new AbortController();
    aborting.abort();
    await this.running;
    return () => {
      this.paused -= 1;
    };
  }

  private async run(force: boolean): Promise<RunOutcome> {
    const { db } = this.options;
    const signal = this.abort.signal;
    const connection = await this.options.connection();
    const before = (await db.getMeta('sync')) ?? initialProgress();
    const skipped = { progress: before, skipped: true };
    if (this.paused > 0 || signal.aborted) return skipped;
    if (!connection.serverUrl || !connection.token) return skipped;
    if (!force) {
      if (before.authRejected) return skipped;
      if (before.nextRetryAt && Date.parse(before.nextRetryAt) > this.now()) return skipped;
    }
    let progress: SyncProgress = { ...before, state: 'syncing', rowsSoFar: 0 };
    try {
      if (!this.isOnline()) throw new Unreachable('the browser is offline');
      await db.setMeta('sync', progress);
      await this.refreshConfig(connection, signal);
      await this.push(connection, signal);
      progress = await this.pull(connection, progress, signal);
      progress = {
        state: 'idle',
        rowsSoFar: progress.rowsSoFar,
        initial: false,
        lastSyncedAt: new Date(this.now()).toISOString(),
      };
    } catch (error) {
      if (signal.aborted) return { progress, skipped: false };
      progress = this.failed(progress, error);
    }
    await db.setMeta('sync', progress);
    if (progress.state === 'idle' && progress.rowsSoFar > 0) {
      await Promise.resolve(this.options.onRowsArrived?.()).catch((error) =>
        console.warn('Touchbase: after-sync hook failed', error),
      );
    }
    return { progress, skipped: false };
  }

  private failed(progress: SyncProgress, error: unknown): SyncProgress {
    const base = { rowsSoFar: progress.rowsSoFar, initial: progress.initial };
    const lastSyncedAt = progress.lastSyncedAt ? { lastSyncedAt: progress.lastSyncedAt } : {};
    if (error instanceof TokenRejected) {
      return {
        ...base,
        ...lastSyncedAt,
        state: 'error',
        lastError: TOKEN_REJECTED_MESSAGE,
        authRejected: true,
      };
    }
    // Full jitter: a random delay up to the doubled window, so many browsers coming back at once
    // do not hit the server in lockstep.
    const failures = (progress.failures ?? 0) + 1;
    const window = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
    let delay = Math.round(this.random() * window);
    if (error instanceof ServerError && error.retryAfterMs)
      delay = Math.max(delay, error.retryAfterMs);
    return {
      ...base,
      ...lastSyncedAt,
      state: error instanceof Unreachable ? 'offline' : 'error',
      lastError: error instanceof Error ? error.message : String(error),
      failures,
      nextRetryAt: new Date(this.now() + delay).toISOString(),
    };
  }

  private async push(connection: SyncConnection, signal: AbortSignal): Promise<void> {
    const { db } = this.options;
    const clientId = await this.clientId();
    for (;;) {
      const rows = fitBody(await db.outbox.orderBy('id').limit(LIMITS.batchItems).toArray());
      if (rows.length === 0) return;
      const response = expect(
        PushResponse,
        await this.request(connection, '/v1/sync/push', signal, {
          method: 'POST',
          body: JSON.stringify({
            clientId,
            mutations: rows.map((row) => ({ id: row.id, name: row.name, args: row.args })),
          }),
        }),
      );
      if (signal.aborted) return;
      const results = new Map(response.results.map((result) => [result.id, result]));
      const acknowledged = rows.filter((row) => row.id !== undefined && results.has(row.id));
      if (acknowledged.length === 0) throw new ServerError('the server acknowledged no mutation');
      await db.transaction('rw', db.notes, db.engagements, db.outbox, async () => {
        for (const row of acknowledged) {
          const result = results.get(row.id as number);
          const noteId = (row.args as { id?: unknown }).id;
          if (typeof noteId === 'string') {
            if (result?.ok) {
              if (row.name === 'note.delete') await db.notes.delete(noteId);
              else await db.notes.update(noteId, { status: 'synced', error: undefined });
            } else {
              await db.notes.update(noteId, {
                status: 'rejected',
                error: result?.error?.message ?? 'the server refused this note',
              });
              // The ledger never had it: drop the optimistic copy from the customer's history.
              if (row.name === 'note.create') await db.engagements.delete(noteId);
            }
          }
          await db.outbox.delete(row.id as number);
        }
      });
    }
  }

  private async pull(
    connection: SyncConnection,
    start: SyncProgress,
    signal: AbortSignal,
  ): Promise<SyncProgress> {
    const { db } = this.options;
    const limit = this.options.pullLimit ?? LIMITS.pullMax;
    const fetchPage = async (after: string | undefined) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (after) query.set('cursor', after);
      return expect(PullResponse, await this.request(connection, `/v1/sync/pull?${query}`, signal));
    };
    let cursor = await db.getMeta('cursor');
    let progress = start;
    let next = fetchPage(cursor);
    for (;;) {
      let page: PullResponse;
      try {
        page = await next;
      } catch (error) {
        if (!(cursor && error instanceof ServerError && error.code === 'bad_cursor')) throw error;
        // The server's database was replaced or restored: what we hold may not exist there any
        // more. Start over from an empty ledger (this browser's notes and outbox stay).
        await forgetLedger(db);
        cursor = undefined;
        progress = { ...progress, initial: true };
        next = fetchPage(cursor);
        continue;
      }
      if (signal.aborted) return progress;
      // The next page downloads and parses while this one is written: the network, the server
      // and IndexedDB work at once. Only this page's commit moves the stored cursor.
      const more = page.hasMore && page.cursor !== cursor;
      if (more) {
        next = fetchPage(page.cursor);
        // a failure is handled when it is awaited; unawaited (this write failed) it is moot
        next.catch(() => undefined);
      }
      progress = { ...progress, rowsSoFar: progress.rowsSoFar + pageRowCount(page) };
      await applyPullPage(db, page, progress);
      if (!page.hasMore) return progress;
      if (!more) throw new ServerError('the server returned the same cursor again');
      cursor = page.cursor;
    }
  }

  /**
   * Fetches the server's configuration unless the cached ETag still matches (304). First in the
   * run, so turning off a broken adapter never waits behind a long pull. A server that fails it
   * (or an older one without it) leaves the cached list as it is: an error must never turn every
   * adapter back on. A rejected token or an unreachable server fails the run as any request does.
   */
  private async refreshConfig(connection: SyncConnection, signal: AbortSignal): Promise<void> {
    const cache = this.options.serverConfig;
    if (!cache) return;
    const tag = await cache.tag();
    const response = await this.send(connection, '/v1/config', signal, {
      headers: tag ? { 'if-none-match': tag } : {},
    });
    if (response.status === 304) return;
    let config: ConfigResponse;
    try {
      config = expect(ConfigResponse, await readBody(response));
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      console.warn('Touchbase: keeping the cached server configuration', error.message);
      return;
    }
    if (signal.aborted) return;
    await cache.save({
      disabledAdapters: config.disabledAdapters,
      tag: response.headers.get('etag') ?? '',
    });
  }

  /** The id this browser pushes under, made once per database (a new one after sign out). */
  private async clientId(): Promise<string> {
    const { db } = this.options;
    return db.transaction('rw', db.meta, async () => {
      const existing = await db.getMeta('clientId');
      if (existing) return existing;
      const created = crypto.randomUUID();
      await db.setMeta('clientId', created);
      return created;
    });
  }

  private async request(
    connection: SyncConnection,
    path: string,
    signal: AbortSignal,
    init: RequestOptions = {},
  ): Promise<unknown> {
    return readBody(await this.send(connection, path, signal, init));
  }

  /** The response of an authorised request; throws when it never arrived or the token is refused. */
  private async send(
    connection: SyncConnection,
    path: string,
    signal: AbortSignal,
    init: RequestOptions = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await this.options.fetch(`${connection.serverUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${connection.token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new Unreachable(`cannot reach ${connection.serverUrl} (${describe(error)})`);
    }
    if (response.status === 401) throw new TokenRejected(TOKEN_REJECTED_MESSAGE);
    return response;
  }
}

/** A response's JSON body; a ServerError naming the server's message when it is not a success. */
async function readBody(response: Response): Promise<unknown> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(body);
    const message = parsed.success
      ? parsed.data.error.message
      : `the server answered ${response.status}`;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ServerError(
      message,
      parsed.success ? parsed.data.error.code : undefined,
      Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
    );
  }
  return body;
}

async function forgetLedger(db: TouchbaseDb): Promise<void> {
  const tables = [db.colleagues, db.customers, db.identities, db.engagements, db.meta];
  await db.transaction('rw', tables, async () => {
    await Promise.all([
      db.colleagues.clear(),
      db.customers.clear(),
      db.identities.clear(),
      db.engagements.clear(),
      db.meta.delete('cursor'),
    ]);
  });
}

/** Keeps a push under the server's body limit: notes are small, but a thousand long ones are not. */
function fitBody(rows: OutboxRow[]): OutboxRow[] {
  const budget = LIMITS.bodyBytes - 4096;
  const encoder = new TextEncoder();
  let used = 0;
  const fitting: OutboxRow[] = [];
  for (const row of rows) {
    used += encoder.encode(JSON.stringify(row.args)).length + 64;
    if (used > budget && fitting.length > 0) break;
    fitting.push(row);
  }
  return fitting;
}

function expect<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ServerError(`unexpected answer from the server: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return String(error);
}
