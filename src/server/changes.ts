/**
 * The global change sequence.
 *
 * Every change to a synced row (colleagues, customers, identities, engagements, tombstones) gets
 * the next number of one counter, and pulls return rows in that order behind a cursor that is
 * the last number delivered. That is only correct if, whenever a reader sees the row with number
 * N, it also sees every row numbered below N — otherwise a row committed late with a smaller
 * number would fall behind a cursor that has already passed it and be skipped forever.
 *
 * SQLite gives this for free: one writer at a time, so numbers are allocated and committed in
 * order. PostgreSQL does not: two transactions can take numbers 7 and 8 and commit 8 first; a
 * pull in between sees 8, moves its cursor to 8, and never sees 7. So every writing transaction
 * first takes one transaction-level advisory lock (pg_advisory_xact_lock) and only then reads the
 * counter. The lock is held until commit and released only after the commit is visible, so
 * writers allocate and commit in the same order, and every snapshot sees a gap-free prefix of the
 * sequence. A pull reads inside one REPEATABLE READ snapshot (one SQLite read transaction), so the
 * counter value it reads is a safe cursor once it has delivered every row up to it.
 *
 * The price is that writes are serialised; they are short (one request's batch), and reads never
 * take the lock.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DatabaseKind, Schema, Store } from './db';
import { notify } from './live-channel';

/** Any constant works; it only has to be the same for every server process on the database. */
const CHANGE_SEQ_LOCK = 0x54_6f_75_63;

export interface Writer {
  trx: Transaction<Schema>;
  kind: DatabaseKind;
  /** the timestamp of this transaction, ISO-8601 UTC */
  now: string;
  /** the next change sequence number; only call it for a row you are writing */
  nextSeq(): number;
}

/** Runs fn in a transaction that may write synced rows; see the module comment for why. */
export async function writeTransaction<T>(
  store: Store,
  fn: (writer: Writer) => Promise<T>,
): Promise<T> {
  let lastSeq = 0;
  let changed = false;
  const result = await store.db.transaction().execute(async (trx) => {
    if (store.kind === 'postgres') {
      await sql`select pg_advisory_xact_lock(${CHANGE_SEQ_LOCK})`.execute(trx);
    }
    // On SQLite this no-op update is the transaction's first statement on purpose: it takes the
    // write lock up front (waiting on busy_timeout), so a read-then-write upgrade can't fail
    // when the CLI and the server share the file.
    const counter = await trx
      .updateTable('counters')
      .set({ value: sql`value` })
      .where('name', '=', 'change_seq')
      .returning('value')
      .executeTakeFirstOrThrow();
    let seq = Number(counter.value);
    const writer: Writer = {
      trx,
      kind: store.kind,
      now: new Date().toISOString(),
      nextSeq: () => {
        changed = true;
        seq += 1;
        return seq;
      },
    };
    const value = await fn(writer);
    if (changed) {
      await trx
        .updateTable('counters')
        .set({ value: seq })
        .where('name', '=', 'change_seq')
        .execute();
      // delivered at commit to every API process on the database, whichever process wrote
      if (store.kind === 'postgres') await notify(trx, { kind: 'change', seq });
    }
    lastSeq = seq;
    return value;
  });
  if (changed) store.changes.emit('commit', lastSeq);
  return result;
}

/**
 * Runs fn on one consistent snapshot: PostgreSQL REPEATABLE READ (read only), a SQLite read
 * transaction. Pulls need it so the counter and the rows they read agree.
 */
export async function readSnapshot<T>(
  store: Store,
  fn: (trx: Transaction<Schema>) => Promise<T>,
): Promise<T> {
  const builder =
    store.kind === 'postgres'
      ? store.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
      : store.db.transaction();
  return builder.execute(fn);
}

export async function currentSeq(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'change_seq')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Records that a synced row was deleted, so pulls can tell clients to drop it. */
export async function tombstone(
  w: Writer,
  table: 'colleagues' | 'customers' | 'identities' | 'engagements',
  rowId: string,
): Promise<void> {
  const seq = w.nextSeq();
  await w.trx
    .insertInto('tombstones')
    .values({ table_name: table, row_id: rowId, seq })
    .onConflict((conflict) => conflict.columns(['table_name', 'row_id']).doUpdateSet({ seq }))
    .execute();
}
