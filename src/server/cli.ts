/**
 * `touchbase <verb>` — run by bin/touchbase.js. Every verb takes --db FILE (the SQLite file,
 * default data/touchbase.sqlite) so the CLI and a running server can share one database; with
 * DATABASE_URL set, PostgreSQL is used instead.
 */
import { parseArgs } from 'node:util';
import { AdapterId, ROLES, type Role } from '../protocol';
import { disableAdapter, enableAdapter, readConfig } from './config';
import { DEFAULT_SQLITE_FILE, openStore, type Store } from './db';
import { loadDemo } from './demo';
import { ApiError } from './errors';
import { importCustomersFile, importEngagementsFile } from './import';
import { DEFAULT_LIVE_SETTINGS } from './live';
import { migrateToLatest } from './migrate';
import { startServer } from './server';
import { addUser, issueToken, listUsers, revokeTokens } from './users';

const USAGE = `Usage: touchbase <command> [options]

Commands:
  serve [--port N] [--host H]          start the API (default 127.0.0.1:8787; --port 0 = any free port)
  users add --name N --email E --department D [--title T] [--role member|admin|integration]
                                       add a colleague and print their access token (shown once)
  users token --email E                print a new access token for an existing colleague
  users list                           list colleagues, roles and active tokens
  users revoke --email E               revoke every token of a colleague, effective at once
  import customers FILE.csv            upsert customers (see the README for the columns)
  import engagements FILE.csv|.jsonl   ingest engagements, idempotent on (source, external id)
  demo                                 load a demo company (idempotent) and print a member token
  config show                          which site adapters are turned off for every extension
  config disable-adapter ID [--reason R]
                                       turn a site adapter off in every extension (kill switch),
                                       from each one's next sync on (about a minute)
  config enable-adapter ID             turn it back on

Every command takes --db FILE (SQLite file, default ${DEFAULT_SQLITE_FILE}).
Set DATABASE_URL=postgres://… to use PostgreSQL instead.
Imports are all-or-nothing: if any row is bad, every bad row is listed with its line number and
nothing is imported.
Adapter ids are the extension's (gmail, linkedin, …). The server does not know which adapters an
extension has, so it accepts any lower-case slug: check the spelling.`;

const OPTIONS = {
  db: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  department: { type: 'string' },
  title: { type: 'string' },
  role: { type: 'string' },
  reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;

/** Which options each command accepts besides --db and --help, and its one argument if any. */
const COMMANDS: Record<string, { argument?: string; options: OptionName[] }> = {
  serve: { options: ['port', 'host'] },
  'users add': { options: ['name', 'email', 'department', 'title', 'role'] },
  'users token': { options: ['email'] },
  'users list': { options: [] },
  'users revoke': { options: ['email'] },
  'import customers': { argument: 'a FILE', options: [] },
  'import engagements': { argument: 'a FILE', options: [] },
  demo: { options: [] },
  'config show': { options: [] },
  'config disable-adapter': { argument: 'an adapter ID', options: ['reason'] },
  'config enable-adapter': { argument: 'an adapter ID', options: [] },
};
const GROUPS = new Set(['users', 'import', 'config']);

class UsageError extends Error {}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number, not "${raw}"`);
  return value;
}

function required(values: Partial<Record<OptionName, string | boolean>>, name: OptionName): string {
  const value = values[name];
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`--${name} is required`);
  return value;
}

async function withStore<T>(
  dbFile: string | undefined,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl && dbFile) console.error('touchbase: DATABASE_URL is set, so --db is ignored');
  const store = openStore({ databaseUrl, sqliteFile: dbFile });
  try {
    await migrateToLatest(store.db);
    return await fn(store);
  } finally {
    await store.close();
  }
}

function parse(argv: string[]) {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, second] = positionals;
  const command = first && GROUPS.has(first) ? `${first} ${second ?? ''}`.trim() : (first ?? '');
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
  const args = positionals.slice(command.split(' ').length);
  if (args.length !== (spec.argument ? 1 : 0)) {
    throw new UsageError(
      spec.argument && args.length === 0
        ? `${command} needs ${spec.argument}`
        : `unexpected argument "${args.at(-1)}"`,
    );
  }
  for (const name of Object.keys(values) as OptionName[]) {
    if (name !== 'db' && name !== 'help' && !spec.options.includes(name)) {
      throw new UsageError(`--${name} does not apply to "${command}"`);
    }
  }
  return { command, values, args };
}

async function serveCommand(
  dbFile: string | undefined,
  values: Partial<Record<OptionName, string | boolean>>,
) {
  const portText = typeof values.port === 'string' ? values.port : (process.env.PORT ?? '8787');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be 0–65535, not "${portText}"`);
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const settings = {
    port,
    host,
    rateLimit: {
      perSecond: envNumber('TOUCHBASE_RATE_LIMIT', 20),
      burst: envNumber('TOUCHBASE_RATE_BURST', 100),
    },
    corsOrigins: (process.env.TOUCHBASE_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    log: process.env.LOG_LEVEL === 'silent' ? null : (line: string) => console.log(line),
    live: {
      presenceTtlMs: envNumber('TOUCHBASE_PRESENCE_TTL_MS', DEFAULT_LIVE_SETTINGS.presenceTtlMs),
      keepAliveMs: envNumber('TOUCHBASE_LIVE_KEEPALIVE_MS', DEFAULT_LIVE_SETTINGS.keepAliveMs),
    },
  };
  await withStore(dbFile, async (store) => {
    const server = await startServer(store, settings);
    console.log(`Touchbase API listening on ${server.url}`);
    console.log(`Database: ${store.kind} ${store.location}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.log(`${signal}: shutting down`);
        server.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });
}

/** Columns padded to their widest cell, two spaces apart. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

/** The adapter id argument; its shape is all the server can check (see USAGE). */
function adapterIdArgument(raw: string): string {
  if (!AdapterId.safeParse(raw).success) {
    throw new UsageError(
      `"${raw}" is not an adapter id: ids are lower-case slugs such as gmail or linkedin`,
    );
  }
  return raw;
}

async function configCommand(
  command: string,
  dbFile: string | undefined,
  values: Partial<Record<OptionName, string | boolean>>,
  args: string[],
): Promise<void> {
  if (command === 'config show') {
    const { config } = await withStore(dbFile, readConfig);
    const changed = config.updatedAt ? `, last changed ${config.updatedAt}` : '';
    if (config.disabled.length === 0) {
      console.log(`Config version ${config.version}${changed}: every adapter is on.`);
      return;
    }
    console.log(`Config version ${config.version}${changed}. Turned off for every extension:`);
    printTable(
      ['ADAPTER', 'OFF SINCE', 'REASON'],
      config.disabled.map((entry) => [entry.adapterId, entry.disabledAt, entry.reason ?? '']),
    );
    return;
  }
  const id = adapterIdArgument(args[0] as string);
  if (command === 'config disable-adapter') {
    const reason = typeof values.reason === 'string' ? values.reason : undefined;
    const outcome = await withStore(dbFile, (store) => disableAdapter(store, id, reason));
    console.log(
      outcome.changed
        ? `Turned off adapter "${id}" for every extension (config version ${outcome.version}); each stops running it at its next sync, within about a minute.`
        : `Adapter "${id}" was already off${reason ? '; its reason is updated' : ''}. Nothing else changed.`,
    );
    return;
  }
  const outcome = await withStore(dbFile, (store) => enableAdapter(store, id));
  console.log(
    outcome.changed
      ? `Turned adapter "${id}" back on (config version ${outcome.version}); extensions run it again from their next sync.`
      : `Adapter "${id}" was not turned off. Nothing changed.`,
  );
}

async function run(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    console.log(USAGE);
    return;
  }
  const { command, values, args } = parse(argv);
  const dbFile = typeof values.db === 'string' ? values.db : undefined;
  switch (command) {
    case 'serve':
      return serveCommand(dbFile, values);
    case 'users add': {
      const role = (typeof values.role === 'string' ? values.role : 'member') as Role;
      if (!ROLES.includes(role))
        throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${role}"`);
      const input = {
        name: required(values, 'name'),
        email: required(values, 'email'),
        department: required(values, 'department'),
        title: typeof values.title === 'string' ? values.title : undefined,
        role,
      };
      const added = await withStore(dbFile, (store) => addUser(store, input));
      console.log(
        `Added ${added.colleague.name} <${added.colleague.email}> as ${added.role} (${added.colleague.department})`,
      );
      console.log(`Token (shown only once): ${added.token}`);
      return;
    }
    case 'users token': {
      const email = required(values, 'email');
      const issued = await withStore(dbFile, (store) => issueToken(store, email));
      console.log(
        `New token for ${issued.colleague.name} <${issued.colleague.email}> (${issued.role})`,
      );
      console.log(`Token (shown only once): ${issued.token}`);
      return;
    }
    case 'users list': {
      const users = await withStore(dbFile, listUsers);
      if (users.length === 0) {
        console.log(
          'No colleagues yet. Add one with: touchbase users add --name … --email … --department …',
        );
        return;
      }
      const rows = users.map((user) => [
        user.email,
        user.name,
        user.department,
        user.role,
        String(user.activeTokens),
      ]);
      printTable(['EMAIL', 'NAME', 'DEPARTMENT', 'ROLE', 'TOKENS'], rows);
      return;
    }
    case 'users revoke': {
      const email = required(values, 'email');
      const { colleague, revoked } = await withStore(dbFile, (store) => revokeTokens(store, email));
      console.log(
        `Revoked ${revoked} token${revoked === 1 ? '' : 's'} of ${colleague.name} <${colleague.email}>`,
      );
      return;
    }
    case 'import customers': {
      const file = args[0] as string;
      const summary = await withStore(dbFile, (store) => importCustomersFile(store, file));
      console.log(
        `Imported ${summary.rows} customers from ${file}: ${summary.created} new, ${summary.rows - summary.created} updated or unchanged`,
      );
      return;
    }
    case 'import engagements': {
      const file = args[0] as string;
      const summary = await withStore(dbFile, (store) => importEngagementsFile(store, file));
      console.log(
        `Imported ${summary.rows} engagements from ${file}: ${summary.added} new, ${summary.rows - summary.added} already there`,
      );
      return;
    }
    case 'config show':
    case 'config disable-adapter':
    case 'config enable-adapter':
      return configCommand(command, dbFile, values, args);
    case 'demo': {
      const demo = await withStore(dbFile, (store) => loadDemo(store));
      console.log(
        `Demo company loaded: ${demo.colleagues} colleagues, ${demo.customers} customers, ${demo.engagements} engagements (${demo.newEngagements} new)`,
      );
      console.log(
        `Demo member: ${demo.member.name} <${demo.member.email}> (${demo.member.department})`,
      );
      console.log(`Token (shown only once): ${demo.token}`);
      return;
    }
  }
}

/** Runs one command; returns the process exit code (2 for usage errors). */
export async function main(argv: string[]): Promise<number> {
  try {
    await run(argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`touchbase: ${error.message}\nRun "touchbase --help" for usage.`);
      return 2;
    }
    if (error instanceof ApiError) {
      console.error(`touchbase: ${error.message}`);
      return 1;
    }
    console.error(`touchbase: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
