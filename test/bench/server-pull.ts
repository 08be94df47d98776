/**
 * Pull throughput of the real server on both databases (not a test; prints figures):
 *   npx tsx test/bench/server-pull.ts   (or as part of `npm run bench`)
 * Loads the demo company plus 20,000 more engagements, then times full pulls in pages of 5,000,
 * and compares empty pulls per second with /v1/health per second (budget: ≥ 40 %).
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { postgresBinDir, startPostgres, type TestPostgres } from '../helpers/postgres';
import { startTestServer, type TestDatabase, type TestServer } from '../helpers/server';
import { type BenchRow, printTable } from './report';

const BIN = new URL('../../bin/touchbase.js', import.meta.url).pathname;

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

async function fullPull(server: TestServer, token: string): Promise<number> {
  let rows = 0;
  let cursor = '';
  for (;;) {
    const page = await json(
      `${server.url}/v1/sync/pull?limit=5000${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    rows +=
      page.colleagues.length +
      page.customers.length +
      page.identities.length +
      page.engagements.length +
      page.deleted.length;
    cursor = page.cursor;
    if (!page.hasMore) return rows;
  }
}

/** Requests per second from `concurrency` loops over `ms`. */
async function rate(
  url: string,
  token: string | undefined,
  ms = 3000,
  concurrency = 8,
): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await json(url, token);
        count += 1;
      }
    }),
  );
  return count / (ms / 1000);
}

async function bench(database: TestDatabase): Promise<BenchRow[]> {
  const server = await startTestServer({ database });
  try {
    const token = await seed(server);
    await fullPull(server, token); // warm up
    const runs = 3;
    const started = performance.now();
    let rows = 0;
    for (let i = 0; i < runs; i++) rows += await fullPull(server, token);
    const seconds = (performance.now() - started) / 1000;
    const { cursor } = await json(`${server.url}/v1/sync/pull?limit=5000`, token).then(
      async function last(page): Promise<{ cursor: string }> {
        return page.hasMore
          ? last(await json(`${server.url}/v1/sync/pull?limit=5000&cursor=${page.cursor}`, token))
          : page;
      },
    );
    const health = await rate(`${server.url}/v1/health`, undefined);
    const empty = await rate(`${server.url}/v1/sync/pull?cursor=${cursor}`, token);
    return [
      {
        name: `API ${database}: full pull (${Math.round(rows / runs)} rows, pages of 5,000)`,
        figure: rows / seconds,
        unit: 'rows/s',
        baseline: null,
        baselineName: null,
        ratio: null,
        budget: '',
        ok: null,
      },
      {
        name: `API ${database}: empty pull`,
        figure: empty,
        unit: 'req/s',
        baseline: health,
        baselineName: '/v1/health',
        ratio: empty / health,
        budget: '≥ 0.4× /v1/health',
        ok: empty / health >= 0.4,
      },
    ];
  } finally {
    await server.stop();
  }
}

/** Both databases (PostgreSQL when installed: a throwaway cluster on loopback). */
export async function benchServerPull(): Promise<BenchRow[]> {
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
  printTable(await benchServerPull());
}
