/** Colleagues and their access tokens: used by the CLI, the demo and the test helpers. */
import { randomUUID } from 'node:crypto';
import { normaliseEmail } from '../identity/keys';
import type { Colleague, Role } from '../protocol';
import { writeTransaction } from './changes';
import type { ColleagueTable, Store } from './db';
import { ApiError } from './errors';
import { hashToken, newToken } from './tokens';

export interface NewColleague {
  name: string;
  email: string;
  department: string;
  title?: string;
  role?: Role;
}

export interface ColleagueSummary extends Colleague {
  role: Role;
  activeTokens: number;
}

export function toColleague(
  row: Pick<ColleagueTable, 'id' | 'name' | 'email' | 'department' | 'title'>,
): Colleague {
  const colleague: Colleague = {
    id: row.id,
    name: row.name,
    email: row.email,
    department: row.department,
  };
  if (row.title) colleague.title = row.title;
  return colleague;
}

function checkedColleague(
  input: NewColleague,
): Required<Omit<NewColleague, 'title'>> & { title: string | null } {
  const email = normaliseEmail(input.email);
  if (!email)
    throw new ApiError(400, 'invalid_email', `email: not an e-mail address: ${input.email}`);
  const name = input.name.trim();
  const department = input.department.trim();
  if (!name) throw new ApiError(400, 'invalid_name', 'name: must not be empty');
  if (!department) throw new ApiError(400, 'invalid_department', 'department: must not be empty');
  return {
    name,
    email,
    department,
    title: input.title?.trim() || null,
    role: input.role ?? 'member',
  };
}

async function insertToken(store: Store, colleagueId: string): Promise<string> {
  const token = newToken();
  await store.db
    .insertInto('tokens')
    .values({
      id: randomUUID(),
      colleague_id: colleagueId,
      token_hash: hashToken(token),
      created_at: new Date().toISOString(),
      revoked_at: null,
    })
    .execute();
  return token;
}

/**
 * Creates a colleague, or returns the existing one with that e-mail (created: false) without
 * changing it. Colleagues are synced rows, so a new one takes a change sequence number.
 */
export async function ensureColleague(
  store: Store,
  input: NewColleague,
): Promise<{ colleague: Colleague; role: Role; created: boolean }> {
  const fields = checkedColleague(input);
  return writeTransaction(store, async (w) => {
    const existing = await w.trx
      .selectFrom('colleagues')
      .selectAll()
      .where('email', '=', fields.email)
      .executeTakeFirst();
    if (existing) return { colleague: toColleague(existing), role: existing.role, created: false };
    const row: ColleagueTable = {
      id: randomUUID(),
      ...fields,
      created_at: w.now,
      seq: w.nextSeq(),
    };
    await w.trx.insertInto('colleagues').values(row).execute();
    return { colleague: toColleague(row), role: row.role, created: true };
  });
}

/** `users add`: a new colleague and their first token (shown once). */
export async function addUser(
  store: Store,
  input: NewColleague,
): Promise<{ colleague: Colleague; role: Role; token: string }> {
  const { colleague, role, created } = await ensureColleague(store, input);
  if (!created) {
    throw new ApiError(
      409,
      'colleague_exists',
      `a colleague with e-mail ${colleague.email} already exists (use "users token --email" for a new token)`,
    );
  }
  return { colleague, role, token: await insertToken(store, colleague.id) };
}

/** A new token for an existing colleague; older tokens keep working until revoked. */
export async function issueToken(
  store: Store,
  email: string,
): Promise<{ colleague: Colleague; role: Role; token: string }> {
  const row = await findColleague(store, email);
  return { colleague: toColleague(row), role: row.role, token: await insertToken(store, row.id) };
}

async function findColleague(store: Store, email: string): Promise<ColleagueTable> {
  const normalised = normaliseEmail(email) ?? email.trim().toLowerCase();
  const row = await store.db
    .selectFrom('colleagues')
    .selectAll()
    .where('email', '=', normalised)
    .executeTakeFirst();
  if (!row) throw new ApiError(404, 'unknown_colleague', `no colleague with e-mail ${email}`);
  return row;
}

/** Revokes every token of the colleague; takes effect on their next request. */
export async function revokeTokens(
  store: Store,
  email: string,
): Promise<{ colleague: Colleague; revoked: number }> {
  const row = await findColleague(store, email);
  const result = await store.db
    .updateTable('tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where('colleague_id', '=', row.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return { colleague: toColleague(row), revoked: Number(result.numUpdatedRows) };
}

export async function listUsers(store: Store): Promise<ColleagueSummary[]> {
  const rows = await store.db
    .selectFrom('colleagues')
    .leftJoin('tokens', (join) =>
      join.onRef('tokens.colleague_id', '=', 'colleagues.id').on('tokens.revoked_at', 'is', null),
    )
    .select(({ fn }) => [
      'colleagues.id',
      'colleagues.name',
      'colleagues.email',
      'colleagues.department',
      'colleagues.title',
      'colleagues.role',
      fn.count<number>('tokens.id').as('activeTokens'),
    ])
    .groupBy([
      'colleagues.id',
      'colleagues.name',
      'colleagues.email',
      'colleagues.department',
      'colleagues.title',
      'colleagues.role',
    ])
    .orderBy('colleagues.email')
    .execute();
  return rows.map((row) => ({
    ...toColleague(row),
    role: row.role,
    activeTokens: Number(row.activeTokens),
  }));
}
