/**
 * The live channel: how a change or a heartbeat received by one API process reaches the live
 * clients of every process. On PostgreSQL it is LISTEN/NOTIFY on one channel — each process
 * holds one listening connection, and NOTIFY is sent from the transaction that changes data
 * (delivered at commit, never for a rollback) or by the presence handler. Every process,
 * including the sender, applies messages as PostgreSQL delivers them, so all of them see
 * heartbeats in the same order. On SQLite there is one API process, so the channel is a
 * function call (other processes writing the file, i.e. the CLI, are noticed by polling: see
 * live.ts).
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { Activity, Timestamp } from '../protocol';
import type { Schema } from './db';

export const LIVE_CHANNEL = 'touchbase_live';

const ChannelMessage = z.discriminatedUnion('kind', [
  /** data changed up to this change sequence number */
  z.object({ kind: z.literal('change'), seq: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal('heartbeat'),
    event: z.object({
      type: z.literal('presence'),
      colleagueId: z.string(),
      customerId: z.string(),
      activity: Activity,
      at: Timestamp,
      expiresAt: Timestamp,
    }),
  }),
  z.object({
    kind: z.literal('left'),
    colleagueId: z.string(),
    customerId: z.string(),
    at: Timestamp,
  }),
]);
export type ChannelMessage = z.infer<typeof ChannelMessage>;

/** Sends `message` on the channel; inside a transaction it is delivered when that commits. */
export async function notify(db: Kysely<Schema>, message: ChannelMessage): Promise<void> {
  await sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(message)})`.execute(db);
}

function decode(payload: string): ChannelMessage | null {
  try {
    const parsed = ChannelMessage.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface LiveChannel {
  publish(message: ChannelMessage): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  receive(message: ChannelMessage): void;
  /** the channel was down and is back: messages sent meanwhile are lost */
  reconnected(): void;
}

/** SQLite: one process, so publishing is receiving. */
export function localChannel(handlers: ChannelHandlers): LiveChannel {
  return {
    publish: async (message) => handlers.receive(message),
    close: async () => undefined,
  };
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;
/** how the listening connection shows in pg_stat_activity */
export const LISTENER_APPLICATION_NAME = 'touchbase-live';

/**
 * PostgreSQL: NOTIFY through the store's pool, LISTEN on one dedicated connection that is
 * re-opened (with backoff) whenever it drops. Resolves once listening, so `serve` fails loudly
 * when it cannot listen at all.
 */
export async function postgresChannel(
  db: Kysely<Schema>,
  databaseUrl: string,
  handlers: ChannelHandlers,
): Promise<LiveChannel> {
  let current: pg.Client | null = null;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const onNotification = (notification: pg.Notification) => {
    if (notification.channel !== LIVE_CHANNEL) return;
    const message = decode(notification.payload ?? '');
    if (message) handlers.receive(message);
    else console.error(`live: ignored a malformed message on ${LIVE_CHANNEL}`);
  };

  const listen = async () => {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: LISTENER_APPLICATION_NAME,
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await client.end();
      return;
    }
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      current = null;
      void client.end().catch(() => undefined);
      if (closed) return;
      console.error(
        `live: PostgreSQL listener lost (${error?.message ?? 'connection ended'}); reconnecting`,
      );
      reconnectLater();
    };
    client.on('notification', onNotification);
    client.on('error', onLost);
    client.on('end', () => onLost());
    current = client;
  };

  const reconnectLater = () => {
    retryTimer = setTimeout(() => {
      listen().then(
        () => {
          retryMs = RETRY_MIN_MS;
          handlers.reconnected();
        },
        (error: Error) => {
          console.error(`live: PostgreSQL listener: ${error.message}; retrying`);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
          reconnectLater();
        },
      );
    }, retryMs);
  };

  await listen();
  return {
    publish: (message) => notify(db, message),
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await current?.end().catch(() => undefined);
    },
  };
}
