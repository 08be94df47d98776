/**
 * The extension's IndexedDB cache (Dexie). Opened only in the extension origin: the service
 * worker, the sidebar iframe, the popup and the options page. A content script's IndexedDB belongs
 * to the host site, so content scripts never import this module.
 *
 * Schema versions are frozen once released: add `this.version(N + 1).stores({...})` with an
 * upgrade function; never edit an old version's stores.
 */
import Dexie, { type EntityTable } from 'dexie';
import type {
  Channel,
  Colleague,
  Customer,
  Engagement,
  MutationName,
  Visibility,
} from '../protocol';
import {
  type CustomerTouches,
  dayOf,
  TOUCHES_TABLE,
  tallyInto,
  touchesMiddleware,
} from './touches';

export type CachedColleague = Colleague;
export type CachedCustomer = Customer & {
  /** normalised name tokens (see identity/normaliseName), for the popup's type-ahead */
  searchTokens: string[];
};
export interface CachedIdentity {
  id: string;
  customerId: string;
  kind: string;
  value: string;
}
export type CachedEngagement = Engagement;

export type NoteStatus = 'pending' | 'synced' | 'rejected';

/** A note this browser wrote. Its engagement row is written at once (optimistic) as well. */
export interface LocalNote {
  id: string;
  customerId: string;
  channel: Channel;
  body: string;
  topic?: string;
  visibility: Visibility;
  occurredAt: string;
  createdAt: string;
  status: NoteStatus;
  /** why the server refused it, in words a user can act on */
  error?: string;
}

/**
 * A mutation waiting to be pushed. `id` is IndexedDB's auto-increment key, which never repeats
 * for the life of the database, so it doubles as the protocol's per-client mutation id.
 */
export interface OutboxRow {
  id?: number;
  name: MutationName;
  args: unknown;
  createdAt: string;
}

export interface SyncProgress {
  state: 'idle' | 'syncing' | 'error' | 'offline';
  /** rows received in the current run (initial sync progress) */
  rowsSoFar: number;
  /** true until the first complete pull finished */
  initial: boolean;
  lastSyncedAt?: string;
  lastError?: string;
  nextRetryAt?: string;
  /** failed runs in a row; the backoff doubles with each */
  failures?: number;
  /** the server refused the token: no automatic retries until the user reconnects */
  authRejected?: boolean;
}

/**
 * A colleague on a customer right now, from the server's live stream (`/v1/live`). Kept in the
 * cache so the sidebar feed's liveQuery sees it arrive; readers drop rows past `expiresAt`
 * (heartbeats renew it), so a colleague who stopped disappears without a further event.
 */
export interface PresenceRow {
  colleagueId: string;
  customerId: string;
  activity: 'viewing' | 'composing';
  /** when the server last heard from that colleague */
  at: string;
  expiresAt: string;
}

/** Key/value rows; `cursor` is written in the same transaction as the rows it brought. */
export interface MetaRows {
  cursor: string;
  clientId: string;
  sync: SyncProgress;
  me: Colleague;
}
export interface MetaRow<K extends keyof MetaRows = keyof MetaRows> {
  key: K;
  value: MetaRows[K];
}

export const DB_NAME = 'touchbase';

export class TouchbaseDb extends Dexie {
  colleagues!: EntityTable<CachedColleague, 'id'>;
  customers!: EntityTable<CachedCustomer, 'id'>;
  identities!: EntityTable<CachedIdentity, 'id'>;
  engagements!: EntityTable<CachedEngagement, 'id'>;
  notes!: EntityTable<LocalNote, 'id'>;
  outbox!: EntityTable<OutboxRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  presence!: Dexie.Table<PresenceRow, [string, string]>;
  /** who engaged with each customer, kept by touchesMiddleware (src/cache/touches.ts) */
  customerTouches!: EntityTable<CustomerTouches, 'customerId'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      colleagues: 'id, email',
      customers: 'id, *searchTokens',
      identities: 'id, customerId, [kind+value]',
      engagements: 'id, [customerId+occurredAt], colleagueId',
      notes: 'id, customerId, createdAt, status',
      outbox: '++id',
      meta: 'key',
    });
    this.version(2).stores({ presence: '[colleagueId+customerId], customerId, expiresAt' });
    // Tallies replace reading a customer's 90 days of rows; the colleagueId index was never read
    // and cost every synced engagement a write.
    this.version(3)
      .stores({ engagements: 'id, [customerId+occurredAt]', [TOUCHES_TABLE]: 'customerId' })
      .upgrade(async (transaction) => {
        const tallies = new Map<string, CustomerTouches>();
        const today = dayOf(Date.now());
        await transaction
          .table<CachedEngagement>('engagements')
          .each((row) => tallyInto(tallies, row, today));
        await transaction.table(TOUCHES_TABLE).bulkPut([...tallies.values()]);
      });
    this.use(touchesMiddleware);
    // A page still running old code must not block a newer worker's upgrade: close and reload.
    this.on('versionchange', () => {
      this.close();
      if (typeof location !== 'undefined' && typeof document !== 'undefined') location.reload();
      return false;
    });
  }

  /** Forgets everything this browser knows of the ledger (sign out, another server or user). */
  async clearAll(): Promise<void> {
    await this.transaction('rw', this.tables, async () => {
      await Promise.all(this.tables.map((table) => table.clear()));
    });
  }

  async getMeta<K extends keyof MetaRows>(key: K): Promise<MetaRows[K] | undefined> {
    const row = await this.meta.get(key);
    return row?.value as MetaRows[K] | undefined;
  }

  async setMeta<K extends keyof MetaRows>(key: K, value: MetaRows[K]): Promise<void> {
    await this.meta.put({ key, value } as MetaRow);
  }
}

let shared: TouchbaseDb | undefined;

/** The one database handle of this extension context. */
export function db(): TouchbaseDb {
  shared ??= new TouchbaseDb();
  return shared;
}
