/**
 * The server's storage: one Kysely query layer over better-sqlite3 (the embedded default) or
 * PostgreSQL (when DATABASE_URL is set). Timestamps are stored as ISO-8601 UTC text on both, so
 * they sort and compare the same way everywhere.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteStatement,
} from 'kysely';
import pg from 'pg';
import type { Channel, CustomerKind, Direction, IdentityKind, Role, Visibility } from '../protocol';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface ColleagueTable {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string | null;
  role: Role;
  created_at: string;
  seq: number;
}

export interface TokenTable {
  id: string;
  colleague_id: string;
  /** sha256 of the token, hex: the token itself is shown once and never stored */
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CustomerTable {
  id: string;
  external_id: string;
  name: string;
  kind: CustomerKind;
  company: string | null;
  tier: string | null;
  updated_at: string;
  seq: number;
}

export interface IdentityTable {
  id: string;
  customer_id: string;
  kind: IdentityKind;
  value: string;
  seq: number;
}

export interface EngagementTable {
  id: string;
  customer_id: string;
  colleague_id: string;
  channel: Channel;
  direction: Direction;
  occurred_at: string;
  summary: string | null;
  topic: string | null;
  url: string | null;
  source: string;
  /** null for notes written in the extension; unique per source otherwise */
  external_id: string | null;
  visibility: Visibility;
  created_at: string;
  updated_at: string;
  seq: number;
}

export interface TombstoneTable {
  table_name: 'colleagues' | 'customers' | 'identities' | 'engagements';
  row_id: string;
  seq: number;
}

export interface ClientTable {
  client_id: string;
  colleague_id: string;
  last_mutation_id: number;
  updated_at: string;
}

/** A mutation that was acknowledged with an error, so a replay reports the same error. */
export interface RejectedMutationTable {
  client_id: string;
  mutation_id: number;
  code: string;
  message: string;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface ServerMetaTable {
  key: string;
  value: string;
}

/** The kill switch: an adapter the extension must not run (see config.ts). */
export interface AdapterSwitchTable {
  adapter_id: string;
  /** null while the adapter is on */
  disabled_at: string | null;
  reason: string | null;
  changed_at: string;
}

export interface Schema {
  colleagues: ColleagueTable;
  tokens: TokenTable;
  customers: CustomerTable;
  identities: IdentityTable;
  engagements: EngagementTable;
  tombstones: TombstoneTable;
  clients: ClientTable;
  rejected_mutations: RejectedMutationTable;
  counters: CounterTable;
  server_meta: ServerMetaTable;
  adapter_switches: AdapterSwitchTable;
}

export type Db = Kysely<Schema>;

/** Fired after a transaction that changed synced rows commits (live.ts turns it into pokes). */
export interface ChangeEvents {
  commit: [lastSeq: number];
}

export interface Store {
  db: Db;
  kind: DatabaseKind;
  changes: EventEmitter<ChangeEvents>;
  /** where the data lives, for messages: the SQLite file or the PostgreSQL database name */
  location: string;
  /** PostgreSQL's connection string (the live channel opens its own listening connection) */
  databaseUrl: string | null;
  /**
   * Runs a query that nearly every request makes, compiled once, with this call's parameters, as
   * a prepared statement. On PostgreSQL it is a named statement, parsed and planned once per
   * connection instead of on every call (for the token lookup that saves about two thirds of the
   * database's CPU). `name` must always come with the same SQL text. SQLite caches every
   * statement already (cachingSqlite).
   */
  runPrepared<R>(name: string, query: CompiledQuery<R>, parameters: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_FILE = 'data/touchbase.sqlite';

// int8 (COUNT, bigint seq columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * better-sqlite3 behind Kysely prepares every query anew; caching the prepared statements by SQL
 * text makes small queries such as the token lookup of every request several times cheaper
 * (about 18 µs → 3 µs for that one).
 */
function cachingSqlite(database: Database.Database) {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (statements.size > 500) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

export function openStore(options: { databaseUrl?: string; sqliteFile?: string } = {}): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection dropped by the database must not crash the process; the pool reconnects.
    pool.on('error', (error) => console.error(`PostgreSQL connection error: ${error.message}`));
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    const location = new URL(options.databaseUrl).pathname.replace(/^\//, '') || 'postgres';
    return {
      db,
      kind: 'postgres',
      location,
      databaseUrl: options.databaseUrl,
      changes: new EventEmitter(),
      runPrepared: async <R>(name: string, query: CompiledQuery<R>, parameters: unknown[]) => {
        const result = await pool.query({ name, text: query.sql, values: parameters });
        return result.rows as R[];
      },
      close: () => db.destroy(),
    };
  }
  const file = resolve(options.sqliteFile ?? DEFAULT_SQLITE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // The CLI and a running server may share the file: wait for the other writer, don't fail.
  database.pragma('busy_timeout = 10000');
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: cachingSqlite(database) }),
  });
  return {
    db,
    kind: 'sqlite',
    location: file,
    databaseUrl: null,
    changes: new EventEmitter(),
    runPrepared: async <R>(_name: string, query: CompiledQuery<R>, parameters: unknown[]) =>
      (await db.executeQuery<R>({ ...query, parameters })).rows,
    close: () => db.destroy(),
  };
}
