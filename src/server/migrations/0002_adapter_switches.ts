/**
 * FROZEN once committed: never edit it; add 0003_… for any change.
 *
 * The adapter kill switch (GET /v1/config): one row per adapter an admin ever turned off.
 * Turning it back on keeps the row with `disabled_at` null, so `changed_at` still says when the
 * list last changed. `counters.config_version` counts every change of the list; with the
 * database's instance id it makes the endpoint's ETag.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('adapter_switches')
    .addColumn('adapter_id', 'text', (c) => c.primaryKey())
    // null while the adapter is on
    .addColumn('disabled_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('counters').values({ name: 'config_version', value: 0 }).execute();
}
