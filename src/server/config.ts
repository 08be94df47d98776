/**
 * Server-wide configuration clients follow: today the adapter kill switch. An admin turns a
 * site adapter off with the CLI when the site's markup changed under it; every extension learns
 * it on its next sync (GET /v1/config) and stops running that adapter, without a release.
 *
 * Nothing is cached in memory, so several API processes on one PostgreSQL database agree at once.
 */
import { sql, type Transaction } from 'kysely';
import { AdapterId, type ConfigResponse } from '../protocol';
import { readSnapshot } from './changes';
import type { Db, Schema, Store } from './db';
import { ApiError } from './errors';

const REASON_MAX = 500;

export interface AdapterSwitch {
  adapterId: string;
  disabledAt: string;
  reason: string | null;
}

export interface ConfigSummary extends ConfigResponse {
  /** the adapters turned off, with when and why (the why stays on the server) */
  disabled: AdapterSwitch[];
}

/**
 * The configuration's version and ETag: the database instance (a replaced database counts from
 * 0 again) plus the change counter. One query, so a client with nothing new costs little.
 */
export async function configHead(db: Db): Promise<{ version: number; tag: string }> {
  const row = await db
    .selectFrom('counters')
    .select([
      'value',
      (eb) =>
        eb
          .selectFrom('server_meta')
          .select('value')
          .where('key', '=', 'instance_id')
          .as('instance'),
    ])
    .where('name', '=', 'config_version')
    .executeTakeFirstOrThrow();
  const version = Number(row.value);
  return { version, tag: `"${row.instance}.${version}"` };
}

/** The configuration and its ETag, read from one snapshot so they agree. */
export function readConfig(store: Store): Promise<{ tag: string; config: ConfigSummary }> {
  return readSnapshot(store, async (trx) => {
    const { version, tag } = await configHead(trx);
    const rows = await trx.selectFrom('adapter_switches').selectAll().execute();
    // sorted here, not by the database: PostgreSQL's collation may order "-" differently
    rows.sort((a, b) => (a.adapter_id < b.adapter_id ? -1 : 1));
    const disabled = rows.flatMap((row): AdapterSwitch[] =>
      row.disabled_at
        ? [{ adapterId: row.adapter_id, disabledAt: row.disabled_at, reason: row.reason }]
        : [],
    );
    const lastChange = rows
      .map((row) => row.changed_at)
      .sort()
      .at(-1);
    return {
      tag,
      config: {
        version,
        updatedAt: lastChange ?? null,
        disabledAdapters: disabled.map((entry) => entry.adapterId),
        disabled,
      },
    };
  });
}

/** The wire form: which adapters, not why (a reason is an admin's note). */
export function toConfigResponse(config: ConfigSummary): ConfigResponse {
  const { version, updatedAt, disabledAdapters } = config;
  return { version, updatedAt, disabledAdapters };
}

/** True when the request's If-None-Match names this tag (or `*`); weak tags compare too. */
export function matchesTag(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === tag);
}

function checkedAdapterId(raw: string): string {
  const parsed = AdapterId.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError(
      400,
      'invalid_adapter_id',
      `adapter id "${raw}": must be ${parsed.error.issues[0]?.message ?? 'a lower-case slug'}`,
    );
  }
  return parsed.data;
}

export interface SwitchOutcome {
  /** false when the adapter already was in the asked state */
  changed: boolean;
  /** the configuration's version afterwards */
  version: number;
}

/**
 * Turns an adapter off. One already off keeps when it was turned off and only takes the new
 * reason (if given); clients never see reasons, so the version stays.
 */
export async function disableAdapter(
  store: Store,
  rawId: string,
  reason?: string,
): Promise<SwitchOutcome> {
  const adapterId = checkedAdapterId(rawId);
  const note = reason?.trim() || null;
  if (note && note.length > REASON_MAX)
    throw new ApiError(400, 'invalid_reason', `reason: at most ${REASON_MAX} characters`);
  return changeSwitch(store, async (trx, now) => {
    const existing = await switchOf(trx, adapterId);
    if (existing?.disabled_at) {
      if (note) {
        await trx
          .updateTable('adapter_switches')
          .set({ reason: note })
          .where('adapter_id', '=', adapterId)
          .execute();
      }
      return false;
    }
    const turnedOff = { disabled_at: now, reason: note, changed_at: now };
    await trx
      .insertInto('adapter_switches')
      .values({ adapter_id: adapterId, ...turnedOff })
      .onConflict((conflict) => conflict.column('adapter_id').doUpdateSet(turnedOff))
      .execute();
    return true;
  });
}

/** Turns an adapter back on; one that is not off is left as it is. */
export async function enableAdapter(store: Store, rawId: string): Promise<SwitchOutcome> {
  const adapterId = checkedAdapterId(rawId);
  return changeSwitch(store, async (trx, now) => {
    const existing = await switchOf(trx, adapterId);
    if (!existing?.disabled_at) return false;
    await trx
      .updateTable('adapter_switches')
      .set({ disabled_at: null, reason: null, changed_at: now })
      .where('adapter_id', '=', adapterId)
      .execute();
    return true;
  });
}

function switchOf(trx: Transaction<Schema>, adapterId: string) {
  return trx
    .selectFrom('adapter_switches')
    .selectAll()
    .where('adapter_id', '=', adapterId)
    .executeTakeFirst();
}

/**
 * Runs one change of the switches; `fn` says whether the list clients see changed. The first
 * statement locks the config_version row (a no-op update), so concurrent admins apply one after
 * the other, and on SQLite the write lock is taken up front instead of failing a read-then-write
 * upgrade when a running server shares the file.
 */
function changeSwitch(
  store: Store,
  fn: (trx: Transaction<Schema>, now: string) => Promise<boolean>,
): Promise<SwitchOutcome> {
  return store.db.transaction().execute(async (trx) => {
    const bump = (by: number) =>
      trx
        .updateTable('counters')
        .set({ value: sql`value + ${by}` })
        .where('name', '=', 'config_version')
        .returning('value')
        .executeTakeFirstOrThrow();
    const before = await bump(0);
    const changed = await fn(trx, new Date().toISOString());
    const after = changed ? await bump(1) : before;
    return { changed, version: Number(after.value) };
  });
}
