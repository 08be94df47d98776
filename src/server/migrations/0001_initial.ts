/**
 * FROZEN: this migration has shipped. Never edit it; add 0002_… for any change.
 *
 * Every synced table carries `seq`, the global change sequence number of the row's last change
 * (see ../sync.ts). Deleted rows leave a tombstone with the seq of the deletion.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('colleagues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('colleagues_seq').on('colleagues').column('seq').execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('colleague_id', 'text', (c) => c.notNull().references('colleagues.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('tokens_colleague').on('tokens').column('colleague_id').execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('company', 'text')
    .addColumn('tier', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_seq').on('customers').column('seq').execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('identities_key', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('identities_seq').on('identities').column('seq').execute();
  await db.schema
    .createIndex('identities_customer')
    .on('identities')
    .column('customer_id')
    .execute();

  await db.schema
    .createTable('engagements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('colleague_id', 'text', (c) => c.notNull().references('colleagues.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('topic', 'text')
    .addColumn('url', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('engagements_source_external', ['source', 'external_id'])
    .execute();
  await db.schema.createIndex('engagements_seq').on('engagements').column('seq').execute();
  await db.schema
    .createIndex('engagements_customer')
    .on('engagements')
    .columns(['customer_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('tombstones')
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('row_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tombstones_pk', ['table_name', 'row_id'])
    .execute();
  await db.schema.createIndex('tombstones_seq').on('tombstones').column('seq').execute();

  await db.schema
    .createTable('clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('colleague_id', 'text', (c) => c.notNull().references('colleagues.id'))
    .addColumn('last_mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rejected_mutations')
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.client_id'))
    .addColumn('mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rejected_mutations_pk', ['client_id', 'mutation_id'])
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('counters').values({ name: 'change_seq', value: 0 }).execute();

  await db.schema
    .createTable('server_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // Cursors name the database they came from, so a cursor from another (or a reset) database is
  // refused instead of silently skipping rows.
  await db
    .insertInto('server_meta')
    .values({ key: 'instance_id', value: randomUUID().replaceAll('-', '').slice(0, 12) })
    .execute();
}
