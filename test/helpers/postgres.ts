/**
 * A throwaway PostgreSQL for tests and benches: initdb into a temp folder, start it on a free
 * loopback port, stop and delete it afterwards. initdb refuses to run as root, so as root the
 * server runs as `nobody` in a folder it owns.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin folder, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TestPostgres {
  /** the cluster's base URL (database `postgres`); make a database per test server with createDatabase */
  url: string;
  stop(): Promise<void>;
}

const NOBODY_UID = 65534;
const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as `nobody` when we are root. */
function runPg(bin: string, args: string[]) {
  return isRoot() ? run('runuser', ['-u', 'nobody', '--', bin, ...args]) : run(bin, args);
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
  const dir = mkdtempSync(join(tmpdir(), 'touchbase-pg-'));
  if (isRoot()) chownSync(dir, NOBODY_UID, NOBODY_UID);
  const data = join(dir, 'data');
  await runPg(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    // a throwaway database: durability buys nothing here
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  await runPg(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-o',
    settings,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let databaseCounter = 0;

/** A fresh, empty database in the cluster at baseUrl; returns its URL. */
export async function createDatabase(baseUrl: string): Promise<string> {
  databaseCounter += 1;
  const name = `tb_${process.pid}_${Date.now().toString(36)}_${databaseCounter}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
