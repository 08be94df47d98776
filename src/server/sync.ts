/** GET /v1/sync/pull and POST /v1/sync/push. The ordering argument lives in ./changes.ts. */
import type { Transaction } from 'kysely';
import {
  type Colleague,
  type Customer,
  describeZodError,
  type Engagement,
  type Identity,
  type ItemError,
  MUTATION_ARGS,
  type MutationName,
  type NoteCreateArgs,
  type NoteDeleteArgs,
  type NoteUpdateArgs,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type Role,
  type SyncTable,
} from '../protocol';
import { currentSeq, readSnapshot, tombstone, type Writer, writeTransaction } from './changes';
import type { CustomerTable, EngagementTable, IdentityTable, Schema, Store } from './db';
import { NOTE_SOURCE } from './engagements';
import { ApiError } from './errors';
import { toColleague } from './users';
import { toUtc } from './util';

/** Who is asking: decides which restricted summaries they may read. */
export interface Viewer {
  colleagueId: string;
  role: Role;
}

// ---------------------------------------------------------------- cursor

/**
 * A cursor is base64url of `v1.<instance>.<seq>`: the version lets the format change, the
 * database's instance id makes a cursor from another (or a recreated) database fail loudly with
 * bad_cursor instead of skipping rows, and seq is the last change number delivered.
 */
export function encodeCursor(instance: string, seq: number): string {
  return Buffer.from(`v1.${instance}.${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string, instance: string): number {
  const bad = (why: string) =>
    new ApiError(400, 'bad_cursor', `cursor: ${why}; pull again without a cursor`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not a cursor this server issued');
  const match = /^v1\.([a-z0-9]+)\.(\d{1,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match?.[1] || !match[2]) throw bad('not a cursor this server issued');
  if (match[1] !== instance) throw bad('it belongs to another database');
  return Number(match[2]);
}

const instanceIds = new WeakMap<Store, Promise<string>>();

export function instanceId(store: Store): Promise<string> {
  let id = instanceIds.get(store);
  if (!id) {
    id = store.db
      .selectFrom('server_meta')
      .select('value')
      .where('key', '=', 'instance_id')
      .executeTakeFirstOrThrow()
      .then((row) => row.value);
    instanceIds.set(store, id);
  }
  return id;
}

// ---------------------------------------------------------------- rows as pulled

function toCustomer(row: CustomerTable): Customer {
  const customer: Customer = {
    id: row.id,
    name: row.name,
    kind: row.kind,
    updatedAt: row.updated_at,
  };
  if (row.company) customer.company = row.company;
  if (row.tier) customer.tier = row.tier;
  return customer;
}

function toIdentity(row: IdentityTable): Identity {
  return { id: row.id, customerId: row.customer_id, kind: row.kind, value: row.value };
}

/** A restricted engagement shows that it happened, who and when — its words only to its author and admins. */
export function toEngagement(row: EngagementTable, viewer: Viewer): Engagement {
  const hidden =
    row.visibility === 'restricted' &&
    viewer.role !== 'admin' &&
    row.colleague_id !== viewer.colleagueId;
  const engagement: Engagement = {
    id: row.id,
    customerId: row.customer_id,
    colleagueId: row.colleague_id,
    channel: row.channel,
    direction: row.direction,
    occurredAt: row.occurred_at,
    summary: hidden ? null : row.summary,
    source: row.source,
    visibility: row.visibility,
  };
  if (!hidden && row.topic) engagement.topic = row.topic;
  if (!hidden && row.url) engagement.url = row.url;
  return engagement;
}

// ---------------------------------------------------------------- pull

type Change =
  | { seq: number; table: 'colleagues'; row: Colleague }
  | { seq: number; table: 'customers'; row: Customer }
  | { seq: number; table: 'identities'; row: Identity }
  | { seq: number; table: 'engagements'; row: Engagement }
  | { seq: number; table: 'deleted'; row: { table: SyncTable; id: string } };

async function changesSince(
  trx: Transaction<Schema>,
  since: number,
  take: number,
  viewer: Viewer,
): Promise<Change[]> {
  const [colleagues, customers, identities, engagements, tombstones] = await Promise.all([
    trx
      .selectFrom('colleagues')
      .selectAll()
      .where('seq', '>', since)
      // integration tokens are systems, not people to show in a sidebar
      .where('role', '!=', 'integration')
      .orderBy('seq')
      .limit(take)
      .execute(),
    trx
      .selectFrom('customers')
      .selectAll()
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(take)
      .execute(),
    trx
      .selectFrom('identities')
      .selectAll()
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(take)
      .execute(),
    trx
      .selectFrom('engagements')
      .selectAll()
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(take)
      .execute(),
    trx
      .selectFrom('tombstones')
      .selectAll()
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(take)
      .execute(),
  ]);
  const changes: Change[] = [
    ...colleagues.map((row) => ({
      seq: Number(row.seq),
      table: 'colleagues' as const,
      row: toColleague(row),
    })),
    ...customers.map((row) => ({
      seq: Number(row.seq),
      table: 'customers' as const,
      row: toCustomer(row),
    })),
    ...identities.map((row) => ({
      seq: Number(row.seq),
      table: 'identities' as const,
      row: toIdentity(row),
    })),
    ...engagements.map((row) => ({
      seq: Number(row.seq),
      table: 'engagements' as const,
      row: toEngagement(row, viewer),
    })),
    ...tombstones.map((row) => ({
      seq: Number(row.seq),
      table: 'deleted' as const,
      row: { table: row.table_name, id: row.row_id },
    })),
  ];
  return changes.sort((a, b) => a.seq - b.seq);
}

/**
 * At most `limit` changes after the cursor, in change order. Each table is asked for limit + 1
 * rows; if the merged list is longer than limit there is more. When everything up to the
 * snapshot's counter was delivered, the cursor jumps to the counter itself (skipping numbers of
 * rows a viewer never sees), which also makes the next empty pull a single counter read.
 */
export async function pull(
  store: Store,
  viewer: Viewer,
  cursor: string | undefined,
  limit: number,
  /** the change counter as read moments ago, if the caller has it */
  knownHead?: number,
): Promise<PullResponse> {
  const instance = await instanceId(store);
  const since = cursor === undefined ? 0 : decodeCursor(cursor, instance);
  const nothingSince = (seq: number): PullResponse => ({
    cursor: encodeCursor(instance, seq),
    hasMore: false,
    colleagues: [],
    customers: [],
    identities: [],
    engagements: [],
    deleted: [],
  });
  // The common case, a client that is up to date, needs one counter read and no snapshot:
  // every committed row has a seq at most the committed counter.
  if (since > 0 && (knownHead ?? (await currentSeq(store.db))) === since) {
    return nothingSince(since);
  }
  return readSnapshot(store, async (trx) => {
    const head = await currentSeq(trx);
    if (since > head) {
      throw new ApiError(
        400,
        'bad_cursor',
        'cursor: ahead of this database; pull again without a cursor',
      );
    }
    const response = nothingSince(head);
    if (since === head) return response;
    const changes = await changesSince(trx, since, limit + 1, viewer);
    const page = changes.slice(0, limit);
    if (changes.length > limit) {
      response.hasMore = true;
      response.cursor = encodeCursor(instance, page[page.length - 1]?.seq ?? since);
    }
    for (const change of page) {
      if (change.table === 'deleted') response.deleted.push(change.row);
      else if (change.table === 'colleagues') response.colleagues.push(change.row);
      else if (change.table === 'customers') response.customers.push(change.row);
      else if (change.table === 'identities') response.identities.push(change.row);
      else response.engagements.push(change.row);
    }
    return response;
  });
}

// ---------------------------------------------------------------- push

/**
 * Applies a client's mutations exactly once. The client's last mutation id is stored in the same
 * transaction as the effects, so a retried push (the client never saw the answer) skips what
 * was applied; a mutation that was refused is refused again with the same error on replay.
 */
export async function push(
  store: Store,
  viewer: Viewer,
  request: PushRequest,
): Promise<PushResponse> {
  return writeTransaction(store, async (w) => {
    const client = await w.trx
      .selectFrom('clients')
      .selectAll()
      .where('client_id', '=', request.clientId)
      .executeTakeFirst();
    if (client && client.colleague_id !== viewer.colleagueId) {
      throw new ApiError(
        409,
        'client_conflict',
        'clientId: belongs to another colleague; use a new clientId',
      );
    }
    if (!client) {
      await w.trx
        .insertInto('clients')
        .values({
          client_id: request.clientId,
          colleague_id: viewer.colleagueId,
          last_mutation_id: 0,
          updated_at: w.now,
        })
        .execute();
    }
    let last = Number(client?.last_mutation_id ?? 0);
    const results: PushResponse['results'] = [];
    for (const mutation of request.mutations) {
      if (mutation.id <= last) {
        const rejected = await w.trx
          .selectFrom('rejected_mutations')
          .select(['code', 'message'])
          .where('client_id', '=', request.clientId)
          .where('mutation_id', '=', mutation.id)
          .executeTakeFirst();
        results.push(
          rejected
            ? { id: mutation.id, ok: false, error: rejected }
            : { id: mutation.id, ok: true },
        );
        continue;
      }
      const error = await applyMutation(w, viewer, mutation.name, mutation.args);
      if (error) {
        await w.trx
          .insertInto('rejected_mutations')
          .values({ client_id: request.clientId, mutation_id: mutation.id, ...error })
          .execute();
      }
      last = mutation.id;
      results.push(error ? { id: mutation.id, ok: false, error } : { id: mutation.id, ok: true });
    }
    await w.trx
      .updateTable('clients')
      .set({ last_mutation_id: last, updated_at: w.now })
      .where('client_id', '=', request.clientId)
      .execute();
    return { lastMutationId: last, results };
  });
}

/** Applies one mutation; returns why it cannot apply instead of throwing. */
async function applyMutation(
  w: Writer,
  viewer: Viewer,
  name: string,
  args: unknown,
): Promise<ItemError | null> {
  if (!Object.hasOwn(MUTATION_ARGS, name)) {
    return { code: 'unknown_mutation', message: `name: unknown mutation "${name}"` };
  }
  const parsed = MUTATION_ARGS[name as MutationName].safeParse(args);
  if (!parsed.success) {
    return { code: 'invalid_args', message: describeZodError(parsed.error, ['args']) };
  }
  switch (name as MutationName) {
    case 'note.create':
      return createNote(w, viewer, parsed.data as NoteCreateArgs);
    case 'note.update':
      return updateNote(w, viewer, parsed.data as NoteUpdateArgs);
    case 'note.delete':
      return deleteNote(w, viewer, parsed.data as NoteDeleteArgs);
  }
  return null;
}

async function isDeleted(w: Writer, id: string): Promise<boolean> {
  const row = await w.trx
    .selectFrom('tombstones')
    .select('row_id')
    .where('table_name', '=', 'engagements')
    .where('row_id', '=', id)
    .executeTakeFirst();
  return Boolean(row);
}

/** The viewer's own note, or the reason they cannot change it. */
async function ownNote(
  w: Writer,
  viewer: Viewer,
  id: string,
): Promise<EngagementTable | ItemError> {
  const row = await w.trx
    .selectFrom('engagements')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) {
    return (await isDeleted(w, id))
      ? { code: 'note_deleted', message: `args.id: note ${id} was deleted` }
      : { code: 'unknown_note', message: `args.id: no note ${id}` };
  }
  if (row.source !== NOTE_SOURCE || row.colleague_id !== viewer.colleagueId) {
    return { code: 'not_your_note', message: `args.id: ${id} is not a note of yours` };
  }
  return row;
}

async function createNote(
  w: Writer,
  viewer: Viewer,
  args: NoteCreateArgs,
): Promise<ItemError | null> {
  const customer = await w.trx
    .selectFrom('customers')
    .select('id')
    .where('id', '=', args.customerId)
    .executeTakeFirst();
  if (!customer)
    return { code: 'unknown_customer', message: `args.customerId: no customer ${args.customerId}` };
  const existing = await w.trx
    .selectFrom('engagements')
    .select(['source', 'colleague_id'])
    .where('id', '=', args.id)
    .executeTakeFirst();
  if (existing) {
    // The same note pushed again from another browser of the same colleague: already there.
    if (existing.source === NOTE_SOURCE && existing.colleague_id === viewer.colleagueId)
      return null;
    return { code: 'id_taken', message: `args.id: ${args.id} is already used` };
  }
  if (await isDeleted(w, args.id))
    return { code: 'note_deleted', message: `args.id: note ${args.id} was deleted` };
  await w.trx
    .insertInto('engagements')
    .values({
      id: args.id,
      customer_id: args.customerId,
      colleague_id: viewer.colleagueId,
      channel: args.channel,
      direction: 'internal',
      occurred_at: toUtc(args.occurredAt),
      summary: args.body,
      topic: args.topic || null,
      url: null,
      source: NOTE_SOURCE,
      external_id: null,
      visibility: args.visibility,
      created_at: w.now,
      updated_at: w.now,
      seq: w.nextSeq(),
    })
    .execute();
  return null;
}

async function updateNote(
  w: Writer,
  viewer: Viewer,
  args: NoteUpdateArgs,
): Promise<ItemError | null> {
  const note = await ownNote(w, viewer, args.id);
  if ('code' in note) return note;
  await w.trx
    .updateTable('engagements')
    .set({
      channel: args.channel ?? note.channel,
      summary: args.body ?? note.summary,
      topic: args.topic === undefined ? note.topic : args.topic || null,
      visibility: args.visibility ?? note.visibility,
      updated_at: w.now,
      seq: w.nextSeq(),
    })
    .where('id', '=', args.id)
    .execute();
  return null;
}

async function deleteNote(
  w: Writer,
  viewer: Viewer,
  args: NoteDeleteArgs,
): Promise<ItemError | null> {
  const note = await ownNote(w, viewer, args.id);
  if ('code' in note) return note.code === 'note_deleted' ? null : note;
  await w.trx.deleteFrom('engagements').where('id', '=', args.id).execute();
  await tombstone(w, 'engagements', args.id);
  return null;
}
