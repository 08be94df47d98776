/**
 * The API server under load on SQLite and PostgreSQL (not a test; prints figures):
 *   npx tsx test/bench/api.ts   (or as part of `npm run bench`)
 * The server is the real one in its own process (startTestServer) on loopback; this process is
 * the load generator, and every load loop is bounded in time. After the demo company plus 20,000
 * engagements are loaded, per database:
 * - empty pulls per second against /v1/health per second of the same server (budget ≥ 0.4×),
 *   in alternating windows so that load from elsewhere on the machine hits both alike;
 * - an empty pull's round trip at p95, one request at a time (≤ 5 ms, a bound on server time);
 * - full pulls in pages of 500 rows against pages of 5,000;
 * - pushes of note batches from 8 clients, one batch in four sent twice at once (a retry that
 *   overtakes a slow answer), against the same pushes without replays; afterwards the ledger and
 *   the change counter must show every mutation applied exactly once.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { PullResponse, PushResponse } from '../../src/protocol';
import { pullLedger } from '../helpers/ledger';
import { postgresBinDir, startPostgres, type TestPostgres } from '../helpers/postgres';
import { startTestServer, type TestDatabase, type TestServer } from '../helpers/server';
import { type BenchRow, percentile, printTable } from './report';

const BIN = new URL('../../bin/touchbase.js', import.meta.url).pathname;
const CONCURRENCY = 8;
/** every REPLAY_EVERY-th batch of a client is sent twice */
const REPLAY_EVERY = 4;

async function json(url: string, token?: string, body?: unknown) {
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The demo company plus 20,000 engagements; returns the demo member's token. */
async function seed(server: TestServer): Promise<string> {
  const demo = await promisify(execFile)(
    process.execPath,
    [BIN, 'demo', ...(server.dbFile ? ['--db', server.dbFile] : [])],
    {
      env: { ...process.env, DATABASE_URL: server.databaseUrl ?? '' },
    },
  );
  const token = /Token \(shown only once\): (\S+)/.exec(demo.stdout)?.[1];
  if (!token) throw new Error(demo.stdout + demo.stderr);
  for (let batch = 0; batch < 20; batch++) {
    const engagements = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `bench-${batch}-${i}`,
      source: 'bench',
      customer: { externalId: `demo-person-${String((i % 180) + 1).padStart(3, '0')}` },
      colleagueEmail: 'sam.okafor@brightwave.io',
      channel: 'ticket',
      direction: 'inbound',
      occurredAt: new Date(Date.now() - i * 60_000).toISOString(),
      summary: `Bench ticket ${batch}/${i}: the export fails for files over 2 GB`,
      topic: 'Bench',
    }));
    await json(`${server.url}/v1/engagements`, server.adminToken, { engagements });
  }
  return token;
}

/** Pulls from `cursor` to the end in pages of `limit`: rows received, the last cursor, a customer. */
async function pullAll(server: TestServer, token: string, limit: number, cursor = '') {
  let rows = 0;
  let customerId: string | undefined;
  for (;;) {
    const page: PullResponse = await json(
      `${server.url}/v1/sync/pull?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    rows +=
      page.colleagues.length +
      page.customers.length +
      page.identities.length +
      page.engagements.length +
      page.deleted.length;
    customerId ??= page.customers[0]?.id;
    cursor = page.cursor;
    if (!page.hasMore) return { rows, cursor, customerId };
  }
}

/** The change counter a cursor stands for (`v1.<instance>.<seq>`, see src/server/sync.ts). */
function cursorSeq(cursor: string): number {
  return Number(Buffer.from(cursor, 'base64url').toString('utf8').split('.')[2]);
}

/**
 * Requests per second of a and of b, in `windows` alternating windows of `ms` each, from
 * CONCURRENCY loops; a window lasts until its last request is answered.
 */
async function alternatingRates(
  windows: number,
  ms: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  const totals = [
    { request: a, count: 0, seconds: 0 },
    { request: b, count: 0, seconds: 0 },
  ];
  for (let window = 0; window < windows; window++) {
    for (const total of totals) {
      const started = performance.now();
      const end = started + ms;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < end) {
            await total.request();
            total.count += 1;
          }
        }),
      );
      total.seconds += (performance.now() - started) / 1000;
    }
  }
  const [rateA, rateB] = totals.map((total) => total.count / total.seconds);
  return [rateA ?? NaN, rateB ?? NaN];
}

/** p95 round trips of a and of b in ms, one request at a time, alternating. */
async function alternatingP95(
  requests: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < requests; i++) {
    for (const [request, times] of [
      [a, timesA],
      [b, timesB],
    ] as const) {
      const started = performance.now();
      await request();
      times.push(performance.now() - started);
    }
  }
  return [percentile(timesA, 95), percentile(timesB, 95)];
}

/** A pushing client; it keeps its clientId and mutation ids from one window to the next. */
interface PushClient {
  clientId: string;
  lastMutationId: number;
  batches: number;
}

interface PushTally {
  /** distinct mutations acknowledged */
  mutations: number;
  /** time spent pushing, until the last answer of each window */
  seconds: number;
  batches: number;
  sentTwice: number;
  /** note id → the summary it must end with (deleted notes removed) */
  expected: Map<string, string>;
  /** answers that were not "every mutation ok, lastMutationId the batch's last" */
  problems: string[];
}

const newTally = (): PushTally => ({
  mutations: 0,
  seconds: 0,
  batches: 0,
  sentTwice: 0,
  expected: new Map(),
  problems: [],
});

/**
 * The clients push batches of notes for `ms`: each batch creates 8 notes and, after a client's
 * first, edits one and deletes one of its batch before. With `replays`, every REPLAY_EVERY-th
 * batch goes out twice at once (same clientId and mutation ids); both answers must be the same.
 */
async function pushFor(
  server: TestServer,
  token: string,
  customerId: string,
  clients: PushClient[],
  replays: boolean,
  ms: number,
  tally: PushTally,
): Promise<void> {
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    clients.map(async (client) => {
      const noteId = (batch: number, n: number) => `${client.clientId}.${batch}.${n}`;
      const body = (id: string) => `Bench note ${id}`;
      while (performance.now() < end) {
        const batch = client.batches;
        const mutations: { id: number; name: string; args: object }[] = [];
        for (let n = 0; n < 8; n++) {
          const id = noteId(batch, n);
          mutations.push({
            id: ++client.lastMutationId,
            name: 'note.create',
            args: {
              id,
              customerId,
              channel: 'note',
              body: body(id),
              visibility: 'team',
              occurredAt: '2026-11-23T09:30:00.000Z',
            },
          });
        }
        if (batch > 0) {
          const edited = noteId(batch - 1, 0);
          mutations.push({
            id: ++client.lastMutationId,
            name: 'note.update',
            args: { id: edited, body: `${body(edited)} (edited)` },
          });
          mutations.push({
            id: ++client.lastMutationId,
            name: 'note.delete',
            args: { id: noteId(batch - 1, 1) },
          });
        }
        const sendTwice = replays && batch % REPLAY_EVERY === REPLAY_EVERY - 1;
        const request = { clientId: client.clientId, mutations };
        const answers: PushResponse[] = await Promise.all(
          Array.from({ length: sendTwice ? 2 : 1 }, () =>
            json(`${server.url}/v1/sync/push`, token, request),
          ),
        );
        for (const answer of answers) {
          if (
            answer.lastMutationId !== client.lastMutationId ||
            answer.results.length !== mutations.length ||
            !answer.results.every((result) => result.ok)
          ) {
            tally.problems.push(`${client.clientId} batch ${batch}: ${JSON.stringify(answer)}`);
          }
        }
        client.batches += 1;
        tally.mutations += mutations.length;
        tally.batches += 1;
        if (sendTwice) tally.sentTwice += 1;
        for (let n = 0; n < 8; n++) tally.expected.set(noteId(batch, n), body(noteId(batch, n)));
        if (batch > 0) {
          const edited = noteId(batch - 1, 0);
          tally.expected.set(edited, `${body(edited)} (edited)`);
          tally.expected.delete(noteId(batch - 1, 1));
        }
      }
    }),
  );
  tally.seconds += (performance.now() - started) / 1000;
}

/**
 * Exactly once, checked on the server: every create, edit and delete takes one change number,
 * so the counter moved by exactly the number of mutations sent (a mutation applied twice would
 * take two), and a full pull holds exactly the expected notes with their final text.
 */
async function verifyExactlyOnce(
  server: TestServer,
  token: string,
  cursorBefore: string,
  tallies: PushTally[],
): Promise<string[]> {
  const problems = tallies.flatMap((tally) => tally.problems);
  const sent = tallies.reduce((sum, tally) => sum + tally.mutations, 0);
  const moved =
    cursorSeq((await pullAll(server, token, 5000, cursorBefore)).cursor) - cursorSeq(cursorBefore);
  if (moved !== sent) problems.push(`change counter moved ${moved} for ${sent} mutations`);
  const expected = new Map(tallies.flatMap((tally) => [...tally.expected]));
  const pushed = (await pullLedger(server.url, token)).engagements.filter((row) =>
    row.id.startsWith('bench-push-'),
  );
  if (pushed.length !== expected.size)
    problems.push(`${pushed.length} pushed notes on the server, ${expected.size} expected`);
  for (const row of pushed) {
    if (expected.get(row.id) !== row.summary)
      problems.push(`note ${row.id}: "${row.summary}", expected "${expected.get(row.id)}"`);
  }
  return problems;
}

async function bench(database: TestDatabase): Promise<BenchRow[]> {
  const server = await startTestServer({ database });
  try {
    const token = await seed(server);
    const { rows, cursor, customerId } = await pullAll(server, token, 5000); // also warms up
    if (!customerId) throw new Error('the demo company has no customers');

    // pages of 500 and of 5,000, alternately
    const pulled = { 500: { rows: 0, seconds: 0 }, 5000: { rows: 0, seconds: 0 } };
    for (let run = 0; run < 3; run++) {
      for (const limit of [500, 5000] as const) {
        const started = performance.now();
        pulled[limit].rows += (await pullAll(server, token, limit)).rows;
        pulled[limit].seconds += (performance.now() - started) / 1000;
      }
    }
    const pullRate = (limit: 500 | 5000) => pulled[limit].rows / pulled[limit].seconds;

    const health = () => json(`${server.url}/v1/health`);
    const emptyPull = () => json(`${server.url}/v1/sync/pull?cursor=${cursor}`, token);
    await alternatingRates(1, 300, health, emptyPull); // warm up
    const [healthRate, emptyRate] = await alternatingRates(12, 250, health, emptyPull);
    const [healthP95, emptyP95] = await alternatingP95(200, health, emptyPull);

    // two sets of clients pushing in alternating windows: one never replays, one does
    const tallies = { fresh: newTally(), replays: newTally() };
    const clients = {
      fresh: [] as PushClient[],
      replays: [] as PushClient[],
    };
    for (const mode of ['fresh', 'replays'] as const) {
      for (let i = 0; i < CONCURRENCY; i++)
        clients[mode].push({ clientId: `bench-push-${mode}-${i}`, lastMutationId: 0, batches: 0 });
    }
    for (let window = 0; window < 12; window++) {
      for (const mode of ['fresh', 'replays'] as const) {
        await pushFor(
          server,
          token,
          customerId,
          clients[mode],
          mode === 'replays',
          250,
          tallies[mode],
        );
      }
    }
    const both = [tallies.fresh, tallies.replays];
    const problems = await verifyExactlyOnce(server, token, cursor, both);
    const pushRate = (mode: 'fresh' | 'replays') => tallies[mode].mutations / tallies[mode].seconds;
    console.log(
      `push on ${database}: ${tallies.fresh.mutations + tallies.replays.mutations} mutations, ` +
        `${tallies.replays.sentTwice} of ${tallies.replays.batches} batches sent twice: ${
          problems.length === 0
            ? 'each applied exactly once (change counter and ledger agree)'
            : `NOT exactly once:\n  ${problems.slice(0, 10).join('\n  ')}`
        }`,
    );

    return [
      {
        name: `API ${database}: empty pull`,
        figure: emptyRate,
        unit: 'req/s',
        baseline: healthRate,
        baselineName: '/v1/health',
        ratio: emptyRate / healthRate,
        budget: '≥ 0.4× /v1/health',
        ok: emptyRate / healthRate >= 0.4,
      },
      {
        name: `API ${database}: empty pull round trip, p95`,
        figure: emptyP95,
        unit: 'ms',
        baseline: healthP95,
        baselineName: '/v1/health',
        ratio: emptyP95 / healthP95,
        budget: '≤ 5 ms (bounds server time)',
        ok: emptyP95 <= 5,
      },
      {
        name: `API ${database}: full pull (${rows} rows), pages of 500`,
        figure: pullRate(500),
        unit: 'rows/s',
        baseline: pullRate(5000),
        baselineName: 'pages of 5,000',
        ratio: pullRate(500) / pullRate(5000),
        budget: '≥ 10k rows/s (the sync budget)',
        ok: pullRate(500) >= 10_000,
      },
      {
        name: `API ${database}: push, 1 batch in ${REPLAY_EVERY} sent twice`,
        figure: pushRate('replays'),
        unit: 'mutations/s',
        baseline: pushRate('fresh'),
        baselineName: 'no replays',
        ratio: pushRate('replays') / pushRate('fresh'),
        budget: 'each applied exactly once',
        ok: problems.length === 0,
      },
    ];
  } finally {
    await server.stop();
  }
}

/** Both databases (PostgreSQL when installed: a throwaway cluster on loopback). */
export async function benchApi(): Promise<BenchRow[]> {
  const rows = await bench('sqlite');
  if (!postgresBinDir()) {
    console.log('postgres: skipped (PostgreSQL is not installed)');
    return rows;
  }
  const postgres: TestPostgres = await startPostgres();
  try {
    process.env.TOUCHBASE_TEST_PG_URL = postgres.url;
    return [...rows, ...(await bench('postgres'))];
  } finally {
    await postgres.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchApi());
}
