/**
 * startTestServer(): the real API as a child process (`node bin/touchbase.js serve --port 0`) on a
 * fresh temporary SQLite file, or on a fresh PostgreSQL database of the run's throwaway cluster
 * (see pg-global-setup.ts). Users are added straight into its database, which is fast and is
 * exactly what `touchbase users add` does. `sameDatabaseAs` starts another API process on an
 * existing server's database, as several API nodes behind a load balancer share one PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/protocol';
import { openStore, type Store } from '../../src/server/db';
import { migrateToLatest } from '../../src/server/migrate';
import { addUser } from '../../src/server/users';
import { createDatabase } from './postgres';

export type TestDatabase = 'sqlite' | 'postgres';
export const DATABASES: readonly TestDatabase[] = ['sqlite', 'postgres'];

export interface TestServer {
  url: string;
  database: TestDatabase;
  /** token of an admin created with the server ("Test Admin", admin@touchbase.test) */
  adminToken: string;
  /** the SQLite file, or the PostgreSQL URL: for running the CLI against the same data */
  dbFile?: string;
  databaseUrl?: string;
  addUser(user: {
    name: string;
    email: string;
    department: string;
    role?: Role;
  }): Promise<{ token: string; colleagueId: string }>;
  /** SIGTERM and wait for a graceful exit; the data stays for restart() */
  stop(): Promise<void>;
  /** stop if running, then start again on the same port and data */
  restart(): Promise<void>;
  /** SIGKILL, like a crash */
  kill(): void;
}

export interface TestServerOptions {
  database?: TestDatabase;
  /** extra environment for the server process (e.g. TOUCHBASE_RATE_LIMIT) */
  env?: Record<string, string>;
  /** another process on this server's database (and its admin); `database` is ignored */
  sameDatabaseAs?: TestServer;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'touchbase.js');

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The run's PostgreSQL cluster URL, or '' when there is none. */
export async function postgresUrl(): Promise<string> {
  if (process.env.TOUCHBASE_TEST_PG_URL) return process.env.TOUCHBASE_TEST_PG_URL;
  try {
    const { inject } = await import('vitest');
    return inject('touchbasePgUrl') ?? '';
  } catch {
    return '';
  }
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const shared = options.sameDatabaseAs;
  const database = shared?.database ?? options.database ?? 'sqlite';
  let dbFile: string | undefined;
  let databaseUrl: string | undefined;
  if (shared) {
    dbFile = shared.dbFile;
    databaseUrl = shared.databaseUrl;
  } else if (database === 'postgres') {
    const base = await postgresUrl();
    if (!base)
      throw new Error(
        'PostgreSQL is not available for this test run (see test/helpers/pg-global-setup.ts)',
      );
    databaseUrl = await createDatabase(base);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'touchbase-server-'));
    tempDirs.add(dir);
    dbFile = join(dir, 'touchbase.sqlite');
  }

  let store: Store | undefined;
  const openedStore = async () => {
    if (!store) {
      store = openStore({ databaseUrl, sqliteFile: dbFile });
      await migrateToLatest(store.db);
    }
    return store;
  };
  const adminToken =
    shared?.adminToken ??
    (
      await addUser(await openedStore(), {
        name: 'Test Admin',
        email: 'admin@touchbase.test',
        department: 'Operations',
        role: 'admin',
      })
    ).token;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let port = 0;
  let url = '';

  const launch = async () => {
    const args = [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'];
    if (dbFile) args.push('--db', dbFile);
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl ?? '',
        LOG_LEVEL: 'silent',
        // tests make many quick requests; the rate limit has its own test with real limits
        TOUCHBASE_RATE_LIMIT: '100000',
        TOUCHBASE_RATE_BURST: '100000',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    children.add(proc);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => children.delete(proc));
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start in 60 s:\n${output}`)),
        60_000,
      );
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${signal ?? code}) before listening:\n${output}`));
      });
    });
    // keep draining output so the child never blocks on a full pipe
    proc.stdout?.resume();
    port = Number(new URL(url).port);
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      await exited;
    } else {
      proc.kill('SIGTERM');
      const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    await store?.close();
    store = undefined;
  };

  await launch();
  const server: TestServer = {
    get url() {
      return url;
    },
    database,
    adminToken,
    dbFile,
    databaseUrl,
    async addUser(user) {
      const added = await addUser(await openedStore(), user);
      return { token: added.token, colleagueId: added.colleague.id };
    },
    stop,
    async restart() {
      await stop();
      await launch();
    },
    kill() {
      child?.kill('SIGKILL');
    },
  };
  return server;
}
