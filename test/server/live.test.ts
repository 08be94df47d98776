// @vitest-environment node
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LiveEvent } from '../../src/protocol';
import { LISTENER_APPLICATION_NAME } from '../../src/server/live-channel';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { file, touchbase } from './cli-run';
import { call, unique } from './http';
import { type LiveConnection, openLive } from './live-client';

type User = { token: string; colleagueId: string };

/** short, so expiry is testable; the server default is 30 s */
const TTL_MS = 1500;
const SERVER_ENV = {
  TOUCHBASE_PRESENCE_TTL_MS: String(TTL_MS),
  TOUCHBASE_LIVE_KEEPALIVE_MS: '500',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isPoke = (event: LiveEvent) => event.type === 'poke';
const presenceOf =
  (colleagueId: string, customerId: string, activity?: string) => (event: LiveEvent) =>
    event.type === 'presence' &&
    event.colleagueId === colleagueId &&
    event.customerId === customerId &&
    (activity === undefined || event.activity === activity);

async function addCustomer(server: TestServer, name: string): Promise<string> {
  const reply = await call(server.url, '/v1/customers', {
    token: server.adminToken,
    body: { customers: [{ externalId: unique('live-c'), name, kind: 'person' }] },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.results[0].id;
}

function ingestOne(server: TestServer, customerId: string, colleagueEmail: string) {
  return call(server.url, '/v1/engagements', {
    token: server.adminToken,
    body: {
      engagements: [
        {
          externalId: unique('live-e'),
          source: 'helpdesk',
          customer: { externalId: customerId },
          colleagueEmail,
          channel: 'ticket',
          direction: 'inbound',
          occurredAt: new Date().toISOString(),
          summary: 'Refund for order 1182',
          visibility: 'restricted',
        },
      ],
    },
  });
}

describe.each(DATABASES)('live coordination on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let ana: User;
  let ben: User;
  let integration: User;
  let customerId: string;
  let customerExternalId: string;
  const open: LiveConnection[] = [];

  const live = async (token: string, target = server) => {
    const connection = await openLive(target.url, token);
    open.push(connection);
    return connection;
  };
  const presence = (user: User, body: unknown, target = server) =>
    call(target.url, '/v1/presence', { token: user.token, body });

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database, env: SERVER_ENV });
    ana = await server.addUser({
      name: 'Ana Sales',
      email: 'ana@brightwave.test',
      department: 'Sales',
    });
    ben = await server.addUser({
      name: 'Ben Support',
      email: 'ben@brightwave.test',
      department: 'Support',
    });
    integration = await server.addUser({
      name: 'Helpdesk',
      email: 'helpdesk@brightwave.test',
      department: 'Systems',
      role: 'integration',
    });
    customerExternalId = unique('live-carla');
    const reply = await call(server.url, '/v1/customers', {
      token: server.adminToken,
      body: { customers: [{ externalId: customerExternalId, name: 'Carla', kind: 'person' }] },
    });
    customerId = reply.body.results[0].id;
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await server?.stop();
  });

  it.skipIf(skip)(
    'GET /v1/live is an SSE stream: a poke on connect, then keep-alive comments',
    async () => {
      const stream = await live(ana.token);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.headers.get('cache-control')).toBe('no-cache');
      await stream.waitFor(isPoke, { timeoutMs: 2000 });
      await sleep(1200);
      expect(stream.keepAlives).toBeGreaterThanOrEqual(1);
    },
  );

  it.skipIf(skip)(
    "presence reaches colleagues within 2 s, never the poster's own streams",
    async () => {
      const anaStream = await live(ana.token);
      const benStream = await live(ben.token);
      const started = performance.now();
      expect((await presence(ana, { customerId, activity: 'viewing' })).status).toBe(204);
      const seen = await benStream.waitFor(presenceOf(ana.colleagueId, customerId, 'viewing'), {
        timeoutMs: 2000,
      });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(seen).toEqual({
        type: 'presence',
        colleagueId: ana.colleagueId,
        customerId,
        activity: 'viewing',
        at: expect.any(String),
        expiresAt: expect.any(String),
      });
      if (seen.type !== 'presence' || !seen.expiresAt) throw new Error('unreachable');
      expect(Date.parse(seen.expiresAt) - Date.parse(seen.at)).toBe(TTL_MS);

      const composing = benStream.events.length;
      await presence(ana, { customerId, activity: 'composing' });
      await benStream.waitFor(presenceOf(ana.colleagueId, customerId, 'composing'), {
        from: composing,
        timeoutMs: 2000,
      });
      // both events went out; Ana's own stream got neither
      expect(anaStream.events.filter((event) => event.type === 'presence')).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'a client that connects gets the current presence of others, not its own',
    async () => {
      const other = await addCustomer(server, 'Dora');
      await presence(ana, { customerId: other, activity: 'composing' });
      const benStream = await live(ben.token);
      await benStream.waitFor(presenceOf(ana.colleagueId, other, 'composing'), {
        timeoutMs: 1000,
      });
      const anaStream = await live(ana.token);
      await anaStream.waitFor(isPoke);
      expect(anaStream.events.filter(presenceOf(ana.colleagueId, other))).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'presence lapses TTL after the last heartbeat; each heartbeat renews it',
    async () => {
      const other = await addCustomer(server, 'Emil');
      await presence(ben, { customerId: other, activity: 'viewing' });
      await sleep(TTL_MS * 0.6);
      await presence(ben, { customerId: other, activity: 'viewing' }); // renewed
      await sleep(TTL_MS * 0.6); // past the first heartbeat's expiry, not the second's
      const during = await live(ana.token);
      await during.waitFor(presenceOf(ben.colleagueId, other), { timeoutMs: 1000 });
      await sleep(TTL_MS * 0.6); // past the second's
      const after = await live(ana.token);
      await after.waitFor(isPoke);
      await sleep(200);
      expect(after.events.filter(presenceOf(ben.colleagueId, other))).toEqual([]);
    },
  );

  it.skipIf(skip)(
    '"left" ends a presence at once: an event with expiresAt = at, and gone from snapshots',
    async () => {
      const other = await addCustomer(server, 'Fynn');
      const anaStream = await live(ana.token);
      await presence(ben, { customerId: other, activity: 'viewing' });
      await anaStream.waitFor(presenceOf(ben.colleagueId, other));
      const from = anaStream.events.length;
      expect((await presence(ben, { customerId: other, activity: 'left' })).status).toBe(204);
      const ended = await anaStream.waitFor(presenceOf(ben.colleagueId, other, 'viewing'), {
        from,
      });
      if (ended.type !== 'presence') throw new Error('unreachable');
      expect(ended.expiresAt).toBe(ended.at);
      const later = await live(ana.token);
      await later.waitFor(isPoke);
      await sleep(200);
      expect(later.events.filter(presenceOf(ben.colleagueId, other))).toEqual([]);
      // ending what is not there (or no longer exists) is fine and says nothing
      expect(
        (await presence(ben, { customerId: 'no-such-customer', activity: 'left' })).status,
      ).toBe(204);
    },
  );

  it.skipIf(skip)(
    'an ingest and a pushed note poke every live client; the poke carries no data',
    async () => {
      const benStream = await live(ben.token);
      await benStream.waitFor(isPoke);
      await sleep(300); // past the connect poke's interval
      let from = benStream.events.length;
      const ingested = await ingestOne(server, customerExternalId, 'ana@brightwave.test');
      expect(ingested.body.results[0].ok).toBe(true);
      const poke = await benStream.waitFor(isPoke, { from, timeoutMs: 2000 });
      expect(poke).toEqual({ type: 'poke' });

      await sleep(300);
      from = benStream.events.length;
      const pushed = await call(server.url, '/v1/sync/push', {
        token: ana.token,
        body: {
          clientId: unique('live-client'),
          mutations: [
            {
              id: 1,
              name: 'note.create',
              args: {
                id: randomUUID(),
                customerId,
                channel: 'note',
                body: 'Called about the renewal',
                visibility: 'team',
                occurredAt: new Date().toISOString(),
              },
            },
          ],
        },
      });
      expect(pushed.body.results[0].ok).toBe(true);
      await benStream.waitFor(isPoke, { from, timeoutMs: 2000 });
    },
  );

  it.skipIf(skip)('pokes coalesce: at most one per 250 ms per client', async () => {
    const benStream = await live(ben.token);
    await benStream.waitFor(isPoke);
    const from = benStream.events.length;
    for (let i = 0; i < 8; i++) await ingestOne(server, customerExternalId, 'ana@brightwave.test');
    await sleep(600);
    const pokeTimes = benStream.arrivals.filter(
      (_, index) => index >= from && benStream.events[index]?.type === 'poke',
    );
    expect(pokeTimes.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < pokeTimes.length; i++) {
      expect((pokeTimes[i] ?? 0) - (pokeTimes[i - 1] ?? 0)).toBeGreaterThan(200);
    }
  });

  it.skipIf(skip)(
    'a CLI import (another process on the same database) pokes live clients',
    async () => {
      const benStream = await live(ben.token);
      await benStream.waitFor(isPoke);
      await sleep(300);
      const from = benStream.events.length;
      const line = JSON.stringify({
        externalId: unique('cli-e'),
        source: 'crm',
        customer: { externalId: customerExternalId },
        colleagueEmail: 'ana@brightwave.test',
        channel: 'email',
        direction: 'outbound',
        occurredAt: new Date().toISOString(),
      });
      const run = await touchbase(
        [
          'import',
          'engagements',
          file(`live-${database}.jsonl`, `${line}\n`),
          ...(server.dbFile ? ['--db', server.dbFile] : []),
        ],
        { DATABASE_URL: server.databaseUrl ?? '' },
      );
      expect(run.code, run.stderr).toBe(0);
      await benStream.waitFor(isPoke, { from, timeoutMs: 2500 });
    },
  );

  it.skipIf(skip)(
    '401 without or with a bad token; integration tokens get 403 on both endpoints',
    async () => {
      for (const path of ['/v1/live', '/v1/presence']) {
        const body = path === '/v1/presence' ? { customerId, activity: 'viewing' } : undefined;
        const missing = await call(server.url, path, { body });
        expect(missing.status, path).toBe(401);
        expect(missing.body.error.code).toBe('missing_token');
        const bad = await call(server.url, path, { body, token: `tb_${'B'.repeat(43)}` });
        expect(bad.status, path).toBe(401);
        expect(bad.body.error.code).toBe('bad_token');
        const forbidden = await call(server.url, path, { body, token: integration.token });
        expect(forbidden.status, path).toBe(403);
        expect(forbidden.body.error.code).toBe('forbidden');
      }
    },
  );

  it.skipIf(skip)("a revoked token's open stream ends at the next keep-alive", async () => {
    const email = `${unique('rev')}@brightwave.test`;
    const user = await server.addUser({ name: 'Rex Revoked', email, department: 'PR' });
    const stream = await live(user.token);
    await stream.waitFor(isPoke);
    const revoked = await touchbase(
      ['users', 'revoke', '--email', email, ...(server.dbFile ? ['--db', server.dbFile] : [])],
      { DATABASE_URL: server.databaseUrl ?? '' },
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    const ended = await Promise.race([stream.ended.then(() => 'ended'), sleep(3000)]);
    expect(ended).toBe('ended');
  });

  it.skipIf(skip)('bad presence bodies get 400s naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ activity: 'viewing' }, /^customerId: /],
      [{ customerId: 42, activity: 'viewing' }, /^customerId: /],
      [{ customerId: '', activity: 'viewing' }, /^customerId: /],
      [{ customerId }, /^activity: /],
      [{ customerId, activity: 'dancing' }, /^activity: /],
      [[], /^\(body\): /],
    ];
    for (const [body, message] of cases) {
      const reply = await presence(ana, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('invalid_request');
      expect(reply.body.error.message).toMatch(message);
    }
    const notJson = await call(server.url, '/v1/presence', {
      token: ana.token,
      method: 'POST',
      rawBody: '{"customerId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
    const unknown = await presence(ana, { customerId: 'no-such-customer', activity: 'viewing' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({
      code: 'unknown_customer',
      message: 'customerId: no customer no-such-customer',
    });
  });

  it.skipIf(skip)('both endpoints are in /v1/openapi.json', async () => {
    const { body } = await call(server.url, '/v1/openapi.json');
    expect(Object.keys(body.paths['/v1/presence'].post.responses)).toEqual(
      expect.arrayContaining(['204', '400', '401', '403', '404']),
    );
    expect(JSON.stringify(body.components.schemas.PresenceRequest)).toContain('"left"');
    expect(body.paths['/v1/live'].get.responses['200'].content).toHaveProperty('text/event-stream');
    expect(JSON.stringify(body.components.schemas.LiveEvent)).toContain('expiresAt');
  });

  it.skipIf(skip)('extension pages may call both endpoints (CORS)', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const preflight = await fetch(`${server.url}/v1/presence`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const stream = await openLive(server.url, ben.token, { origin });
    open.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('access-control-allow-origin')).toBe(origin);
    const posted = await call(server.url, '/v1/presence', {
      token: ben.token,
      body: { customerId, activity: 'viewing' },
      headers: { origin },
    });
    expect(posted.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('live coordination across two API processes on one PostgreSQL', () => {
  const skip = !inject('touchbasePgUrl');
  let first: TestServer;
  let second: TestServer;
  let ana: User;
  let ben: User;
  let customerExternalId: string;
  let customerId: string;
  const open: LiveConnection[] = [];

  const live = async (target: TestServer, token: string) => {
    const connection = await openLive(target.url, token);
    open.push(connection);
    await connection.waitFor(isPoke);
    return connection;
  };

  beforeAll(async () => {
    if (skip) return;
    first = await startTestServer({ database: 'postgres', env: SERVER_ENV });
    second = await startTestServer({ sameDatabaseAs: first, env: SERVER_ENV });
    ana = await first.addUser({ name: 'Ana Sales', email: 'ana@two.test', department: 'Sales' });
    ben = await first.addUser({
      name: 'Ben Support',
      email: 'ben@two.test',
      department: 'Support',
    });
    customerExternalId = unique('two-c');
    const reply = await call(first.url, '/v1/customers', {
      token: first.adminToken,
      body: { customers: [{ externalId: customerExternalId, name: 'Carla', kind: 'person' }] },
    });
    customerId = reply.body.results[0].id;
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await second?.stop();
    await first?.stop();
  });

  it.skipIf(skip)(
    "presence posted to process 1 reaches process 2's clients within 2 s, and its snapshots",
    async () => {
      const benOnSecond = await live(second, ben.token);
      const started = performance.now();
      const posted = await call(first.url, '/v1/presence', {
        token: ana.token,
        body: { customerId, activity: 'composing' },
      });
      expect(posted.status).toBe(204);
      await benOnSecond.waitFor(presenceOf(ana.colleagueId, customerId, 'composing'), {
        timeoutMs: 2000,
      });
      expect(performance.now() - started).toBeLessThan(2000);
      const lateOnSecond = await live(second, ben.token);
      expect(lateOnSecond.events.some(presenceOf(ana.colleagueId, customerId))).toBe(true);
    },
  );

  it.skipIf(skip)('an ingest on process 2 pokes a live client of process 1', async () => {
    const benOnFirst = await live(first, ben.token);
    await sleep(300);
    const from = benOnFirst.events.length;
    const ingested = await ingestOne(second, customerExternalId, 'ana@two.test');
    expect(ingested.body.results[0].ok).toBe(true);
    await benOnFirst.waitFor(isPoke, { from, timeoutMs: 2000 });
  });

  it.skipIf(skip)(
    'a dropped listening connection is re-opened: clients are poked, presence flows again',
    async () => {
      const benOnSecond = await live(second, ben.token);
      await sleep(300);
      const from = benOnSecond.events.length;
      const admin = new pg.Client({ connectionString: second.databaseUrl });
      await admin.connect();
      try {
        const killed = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
          [LISTENER_APPLICATION_NAME],
        );
        expect(killed.rowCount).toBe(2); // one listener per process
      } finally {
        await admin.end();
      }
      await benOnSecond.waitFor(isPoke, { from, timeoutMs: 5000 });
      const after = benOnSecond.events.length;
      await call(first.url, '/v1/presence', {
        token: ana.token,
        body: { customerId, activity: 'viewing' },
      });
      await benOnSecond.waitFor(presenceOf(ana.colleagueId, customerId, 'viewing'), {
        from: after,
        timeoutMs: 2000,
      });
    },
  );
});
