// @vitest-environment node
/**
 * Access control over every endpoint: no token, a malformed, unknown or revoked one, and the
 * wrong role each get the right 401/403 with the error shape; a member cannot read a colleague's
 * restricted summary through pull, push results or the live stream; the per-token rate limit
 * holds under a burst without touching other tokens.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorBody, type Role } from '../../src/protocol';
import { openStore } from '../../src/server/db';
import { revokeTokens } from '../../src/server/users';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, unique } from '../server/http';

type Who = Role | 'anyone';
interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  who: readonly Who[];
  /** a well-formed body, so a refusal is about the token and nothing else */
  body?: () => unknown;
}

const PEOPLE: readonly Who[] = ['member', 'admin'];
const INGESTERS: readonly Who[] = ['admin', 'integration'];

function endpoints(customerId: () => string): Endpoint[] {
  return [
    { method: 'GET', path: '/v1/health', who: ['anyone'] },
    { method: 'GET', path: '/v1/openapi.json', who: ['anyone'] },
    { method: 'GET', path: '/v1/me', who: PEOPLE },
    { method: 'GET', path: '/v1/config', who: ['member', 'admin', 'integration'] },
    { method: 'GET', path: '/v1/sync/pull?limit=1', who: PEOPLE },
    {
      method: 'POST',
      path: '/v1/sync/push',
      who: PEOPLE,
      body: () => ({ clientId: randomUUID(), mutations: [] }),
    },
    {
      method: 'POST',
      path: '/v1/customers',
      who: INGESTERS,
      body: () => ({ customers: [{ externalId: unique('acc'), name: 'Acc', kind: 'person' }] }),
    },
    {
      method: 'POST',
      path: '/v1/engagements',
      who: INGESTERS,
      body: () => ({
        engagements: [
          {
            externalId: unique('acc-e'),
            source: 'helpdesk',
            customer: { externalId: 'access-customer' },
            colleagueEmail: 'admin@touchbase.test',
            channel: 'ticket',
            direction: 'inbound',
            occurredAt: '2026-11-01T10:00:00Z',
          },
        ],
      }),
    },
    {
      method: 'POST',
      path: '/v1/presence',
      who: PEOPLE,
      body: () => ({ customerId: customerId(), activity: 'left' }),
    },
    { method: 'GET', path: '/v1/live', who: PEOPLE },
  ];
}

/** Reads a response body as raw text until `done(text)` or the time runs out, then aborts. */
async function readRaw(
  url: string,
  token: string,
  done: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  let text = '';
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      if (done(text)) break;
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { status: response.status, text };
}

describe.each(DATABASES)('access control on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  const tokens: Partial<Record<Role, string>> = {};
  let revoked: string;
  let customerId = '';
  const list = endpoints(() => customerId);

  const request = (endpoint: Endpoint, headers: Record<string, string>) =>
    call(server.url, endpoint.path, {
      method: endpoint.method,
      headers: { ...headers, ...(endpoint.body ? { 'content-type': 'application/json' } : {}) },
      rawBody: endpoint.body ? JSON.stringify(endpoint.body()) : undefined,
    });
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    tokens.admin = server.adminToken;
    tokens.member = (
      await server.addUser({ name: 'Mo Member', email: 'mo@acc.test', department: 'Sales' })
    ).token;
    tokens.integration = (
      await server.addUser({
        name: 'CRM',
        email: 'crm@acc.test',
        department: 'Systems',
        role: 'integration',
      })
    ).token;
    const gone = await server.addUser({
      name: 'Rae Gone',
      email: 'rae@acc.test',
      department: 'PR',
    });
    revoked = gone.token;
    const store = openStore({ databaseUrl: server.databaseUrl, sqliteFile: server.dbFile });
    await revokeTokens(store, 'rae@acc.test');
    await store.close();
    const upsert = await call(server.url, '/v1/customers', {
      token: server.adminToken,
      body: {
        customers: [{ externalId: 'access-customer', name: 'Acc Corp', kind: 'organization' }],
      },
    });
    customerId = upsert.body.results[0].id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(skip)('without a token, or with a malformed, unknown or revoked one', async () => {
    const badHeaders: [Record<string, string>, string][] = [
      [{}, 'missing_token'],
      [{ authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }, 'bad_token'],
      [{ authorization: 'Bearer' }, 'bad_token'],
      [{ authorization: 'Bearer not-a-touchbase-token' }, 'bad_token'],
      // right shape, never issued
      [{ authorization: `Bearer tb_${'A'.repeat(43)}` }, 'bad_token'],
      [{ authorization: `Bearer ${revoked}` }, 'token_revoked'],
    ];
    for (const endpoint of list) {
      for (const [headers, code] of badHeaders) {
        const reply = await request(endpoint, headers);
        const what = `${endpoint.method} ${endpoint.path} ${JSON.stringify(headers)}`;
        if (endpoint.who.includes('anyone')) {
          expect(reply.status, what).toBe(200);
        } else {
          expect(reply.status, what).toBe(401);
          expect(ErrorBody.parse(reply.body).error.code, what).toBe(code);
        }
      }
    }
  });

  it.skipIf(skip)('each role reaches exactly its endpoints; the others get 403', async () => {
    for (const endpoint of list) {
      for (const role of ['member', 'admin', 'integration'] as const) {
        const token = tokens[role] ?? '';
        const what = `${role} ${endpoint.method} ${endpoint.path}`;
        if (endpoint.path === '/v1/live') {
          // a granted stream never ends by itself: read its first bytes only
          const reply = await readRaw(`${server.url}${endpoint.path}`, token, (t) => t.length > 0);
          if (endpoint.who.includes(role)) expect(reply.status, what).toBe(200);
          else {
            expect(reply.status, what).toBe(403);
            expect(ErrorBody.parse(JSON.parse(reply.text)).error.code, what).toBe('forbidden');
          }
          continue;
        }
        const reply = await request(endpoint, { authorization: `Bearer ${token}` });
        if (endpoint.who.includes(role) || endpoint.who.includes('anyone')) {
          expect(reply.status, what).toBeLessThan(300);
        } else {
          expect(reply.status, what).toBe(403);
          expect(ErrorBody.parse(reply.body).error.code, what).toBe('forbidden');
        }
      }
    }
  });

  it.skipIf(skip)(
    "a member never reads a colleague's restricted summary: not by pull, push or the live stream",
    async () => {
      const author = await server.addUser({
        name: 'Ana Author',
        email: `${unique('ana')}@acc.test`,
        department: 'Finance',
      });
      const reader = await server.addUser({
        name: 'Ben Reader',
        email: `${unique('ben')}@acc.test`,
        department: 'Sales',
      });
      const secrets = {
        note: unique('NOTE-SECRET-'),
        topic: unique('TOPIC-SECRET-'),
        summary: unique('SUMMARY-SECRET-'),
        url: `https://erp.example.com/${unique('URL-SECRET-')}`,
      };
      const leaks = (text: string) =>
        Object.values(secrets).filter((secret) => text.includes(secret));

      // the reader's stream is open while the secrets are written, and read until a poke
      // that comes after all of them (the last write below)
      let writesDone = false;
      const stream = readRaw(
        `${server.url}/v1/live`,
        reader.token,
        (text) => writesDone && text.trimEnd().endsWith('data: {"type":"poke"}'),
        8000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));

      const noteId = randomUUID();
      const created = await call(server.url, '/v1/sync/push', {
        token: author.token,
        body: {
          clientId: randomUUID(),
          mutations: [
            {
              id: 1,
              name: 'note.create',
              args: {
                id: noteId,
                customerId,
                channel: 'call',
                body: secrets.note,
                topic: secrets.topic,
                visibility: 'restricted',
                occurredAt: '2026-11-02T09:00:00Z',
              },
            },
          ],
        },
      });
      expect(created.body.results).toEqual([{ id: 1, ok: true }]);
      const ingested = await call(server.url, '/v1/engagements', {
        token: tokens.integration,
        body: {
          engagements: [
            {
              externalId: unique('inv'),
              source: 'netsuite',
              customer: { externalId: 'access-customer' },
              colleagueEmail: (await call(server.url, '/v1/me', { token: author.token })).body
                .colleague.email,
              channel: 'email',
              direction: 'outbound',
              occurredAt: '2026-11-02T10:00:00Z',
              summary: secrets.summary,
              url: secrets.url,
              visibility: 'restricted',
            },
          ],
        },
      });
      expect(ingested.body.results[0].ok).toBe(true);

      // every push a reader could try on the note: take it over, re-publish it, delete it
      const attempts = await call(server.url, '/v1/sync/push', {
        token: reader.token,
        body: {
          clientId: randomUUID(),
          mutations: [
            { id: 1, name: 'note.update', args: { id: noteId, visibility: 'team' } },
            { id: 2, name: 'note.update', args: { id: noteId, body: 'overwritten' } },
            {
              id: 3,
              name: 'note.create',
              args: {
                id: noteId,
                customerId,
                channel: 'note',
                body: 'mine now',
                visibility: 'team',
                occurredAt: '2026-11-02T09:00:00Z',
              },
            },
            { id: 4, name: 'note.delete', args: { id: noteId } },
          ],
        },
      });
      expect(attempts.status).toBe(200);
      expect(attempts.body.results.map((r: { error?: { code: string } }) => r.error?.code)).toEqual(
        ['not_your_note', 'not_your_note', 'id_taken', 'not_your_note'],
      );
      expect(leaks(JSON.stringify(attempts.body))).toEqual([]);

      const pullAll = async (token: string) => {
        let text = '';
        let cursor: string | undefined;
        for (;;) {
          const reply = await call(
            server.url,
            `/v1/sync/pull?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
            { token },
          );
          expect(reply.status).toBe(200);
          text += JSON.stringify(reply.body);
          cursor = reply.body.cursor;
          if (!reply.body.hasMore) return text;
        }
      };
      const readerView = await pullAll(reader.token);
      expect(readerView).toContain(noteId); // the touch itself is visible: who and when
      expect(leaks(readerView)).toEqual([]);
      // controls: the secrets are really there for the author and an admin
      expect(leaks(await pullAll(author.token))).toHaveLength(4);
      expect(leaks(await pullAll(server.adminToken))).toHaveLength(4);

      writesDone = true;
      await call(server.url, '/v1/customers', {
        token: server.adminToken,
        body: { customers: [{ externalId: unique('poke'), name: 'Poke', kind: 'person' }] },
      });
      const raw = await stream;
      expect(raw.status).toBe(200);
      expect(raw.text).toMatch(/"type":"poke"/);
      expect(leaks(raw.text)).toEqual([]);
      expect(raw.text).not.toContain(noteId);
    },
  );
});

describe('rate limit under a burst', () => {
  let server: TestServer;
  const BURST = 5;

  beforeAll(async () => {
    // one request per second sustained, BURST at once: a burst of 30 must mostly be refused
    server = await startTestServer({
      env: { TOUCHBASE_RATE_LIMIT: '1', TOUCHBASE_RATE_BURST: String(BURST) },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 429 with Retry-After past the burst, per token; other tokens are unaffected', async () => {
    const noisy = await server.addUser({
      name: 'Noisy',
      email: 'noisy@acc.test',
      department: 'PR',
    });
    const quiet = await server.addUser({
      name: 'Quiet',
      email: 'quiet@acc.test',
      department: 'PR',
    });
    const paths = ['/v1/me', '/v1/sync/pull?limit=1', '/v1/config'];
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(server.url, paths[i % paths.length] ?? '/v1/me', { token: noisy.token }),
      ),
    );
    const ok = burst.filter((reply) => reply.status === 200);
    const limited = burst.filter((reply) => reply.status === 429);
    // the bucket may refill by one while the burst is in flight
    expect(ok.length).toBeGreaterThanOrEqual(BURST);
    expect(ok.length).toBeLessThanOrEqual(BURST + 1);
    expect(ok.length + limited.length).toBe(burst.length);
    for (const reply of limited) {
      expect(ErrorBody.parse(reply.body).error.code).toBe('rate_limited');
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const other = await Promise.all(
      Array.from({ length: BURST }, () => call(server.url, '/v1/me', { token: quiet.token })),
    );
    expect(other.map((reply) => reply.status)).toEqual(Array(BURST).fill(200));
  });
});
