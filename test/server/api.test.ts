// @vitest-environment node
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorBody, HealthResponse, LIMITS, MeResponse } from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, unique } from './http';

describe.each(DATABASES)('API basics on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let member: { token: string; colleagueId: string };
  let integration: { token: string; colleagueId: string };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    member = await server.addUser({
      name: 'Mia Member',
      email: 'mia@brightwave.test',
      department: 'Sales',
    });
    integration = await server.addUser({
      name: 'Helpdesk',
      email: 'helpdesk@brightwave.test',
      department: 'Systems',
      role: 'integration',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(skip)('GET /v1/health says which database it runs on, without a token', async () => {
    const reply = await call(server.url, '/v1/health');
    expect(reply.status).toBe(200);
    expect(HealthResponse.parse(reply.body)).toEqual({
      ok: true,
      version: expect.any(String),
      database,
    });
  });

  it.skipIf(skip)('GET /v1/me returns the colleague and role behind the token', async () => {
    const reply = await call(server.url, '/v1/me', { token: member.token });
    expect(reply.status).toBe(200);
    const me = MeResponse.parse(reply.body);
    expect(me).toEqual({
      colleague: {
        id: member.colleagueId,
        name: 'Mia Member',
        email: 'mia@brightwave.test',
        department: 'Sales',
      },
      role: 'member',
    });
    const admin = await call(server.url, '/v1/me', { token: server.adminToken });
    expect(admin.body.role).toBe('admin');
  });

  it.skipIf(skip)(
    '401 without a token, with a malformed one, and with an unknown one',
    async () => {
      const missing = await call(server.url, '/v1/me');
      expect(missing.status).toBe(401);
      expect(ErrorBody.parse(missing.body).error.code).toBe('missing_token');

      const malformed = await call(server.url, '/v1/sync/pull', {
        headers: { authorization: 'Basic abc' },
      });
      expect(malformed.status).toBe(401);
      expect(malformed.body.error.code).toBe('bad_token');

      const unknown = await call(server.url, '/v1/me', { token: `tb_${'A'.repeat(43)}` });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('bad_token');
    },
  );

  it.skipIf(skip)(
    '403 for the wrong role: members cannot ingest, integrations cannot pull, push or read me',
    async () => {
      const ingest = await call(server.url, '/v1/customers', {
        token: member.token,
        body: { customers: [{ externalId: 'x', name: 'X', kind: 'person' }] },
      });
      expect(ingest.status).toBe(403);
      expect(ingest.body.error.code).toBe('forbidden');
      for (const [path, body] of [
        ['/v1/me', undefined],
        ['/v1/sync/pull', undefined],
        ['/v1/sync/push', { clientId: 'integration-client', mutations: [] }],
      ] as const) {
        const reply = await call(server.url, path, { token: integration.token, body });
        expect(reply.status, path).toBe(403);
      }
      const allowed = await call(server.url, '/v1/engagements', {
        token: integration.token,
        body: { engagements: [] },
      });
      expect(allowed.status).toBe(400); // past auth: an empty batch is invalid
    },
  );

  it.skipIf(skip)('a revoked token stops working at once, even while the server runs', async () => {
    const email = `${unique('rev')}@brightwave.test`;
    const user = await server.addUser({ name: 'Rex Revoked', email, department: 'PR' });
    expect((await call(server.url, '/v1/me', { token: user.token })).status).toBe(200);
    const cli = await promisify(execFile)(
      process.execPath,
      [
        'bin/touchbase.js',
        'users',
        'revoke',
        '--email',
        email,
        ...(server.dbFile ? ['--db', server.dbFile] : []),
      ],
      { env: { ...process.env, DATABASE_URL: server.databaseUrl ?? '' }, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/Revoked 1 token/);
    const after = await call(server.url, '/v1/me', { token: user.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('token_revoked');
  });

  it.skipIf(skip)('CORS answers extension origins and refuses others', async () => {
    for (const origin of [
      'chrome-extension://abcdefghijklmnop',
      'moz-extension://0c1e5a3e-8d1b-4b57-9bd0-6c39a8a8d2b1',
    ]) {
      const preflight = await call(server.url, '/v1/sync/push', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
        'authorization',
      );
    }
    // errors carry CORS headers too, so the extension can read why (401 is not "offline")
    const unauthorised = await call(server.url, '/v1/me', {
      headers: { origin: 'chrome-extension://abcdefghijklmnop' },
    });
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://abcdefghijklmnop',
    );
    const evil = await call(server.url, '/v1/me', {
      token: member.token,
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.skipIf(skip)(
    'errors have one shape: unknown routes, invalid JSON, oversize bodies',
    async () => {
      const missing = await call(server.url, '/v1/nope', { token: member.token });
      expect(missing.status).toBe(404);
      expect(ErrorBody.parse(missing.body).error.code).toBe('not_found');

      const badJson = await call(server.url, '/v1/sync/push', {
        token: member.token,
        rawBody: '{"clientId":',
        headers: { 'content-type': 'application/json' },
      });
      expect(badJson.status).toBe(400);
      expect(badJson.body.error.code).toBe('invalid_json');

      const huge = await call(server.url, '/v1/customers', {
        token: server.adminToken,
        rawBody: JSON.stringify({
          customers: [{ externalId: 'big', name: 'x'.repeat(LIMITS.bodyBytes), kind: 'person' }],
        }),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
      expect(ErrorBody.parse(huge.body).error.code).toBe('body_too_large');
    },
  );

  it.skipIf(skip)(
    'GET /v1/openapi.json documents every endpoint from the shared schemas',
    async () => {
      const reply = await call(server.url, '/v1/openapi.json');
      expect(reply.status).toBe(200);
      expect(reply.body.openapi).toMatch(/^3\./);
      expect(Object.keys(reply.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/health',
          '/v1/me',
          '/v1/sync/pull',
          '/v1/sync/push',
          '/v1/customers',
          '/v1/engagements',
          '/v1/presence',
          '/v1/live',
        ]),
      );
      const engagement = reply.body.components.schemas.EngagementsIngestRequest;
      expect(JSON.stringify(engagement)).toContain('colleagueEmail');
      expect(JSON.stringify(reply.body.components.schemas.PullResponse)).toContain('"restricted"');
    },
  );
});

describe('settings from the environment', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        TOUCHBASE_RATE_LIMIT: '1',
        TOUCHBASE_RATE_BURST: '3',
        TOUCHBASE_CORS_ORIGINS: 'https://crm.example.com, https://helpdesk.example.com',
      },
    });
  });

  it('TOUCHBASE_CORS_ORIGINS adds allowed origins', async () => {
    for (const origin of ['https://helpdesk.example.com', 'https://other.example.com']) {
      const reply = await call(server.url, '/v1/health', { headers: { origin } });
      const allowed = reply.headers.get('access-control-allow-origin');
      expect(allowed).toBe(origin === 'https://other.example.com' ? null : origin);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 429 with Retry-After once the bucket is empty, per token', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const reply = await call(server.url, '/v1/me', { token: server.adminToken });
      statuses.push(reply.status);
      if (reply.status === 429) {
        retryAfter = reply.headers.get('retry-after');
        expect(reply.body.error.code).toBe('rate_limited');
      }
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await server.addUser({
      name: 'Other',
      email: 'other@brightwave.test',
      department: 'Sales',
    });
    expect((await call(server.url, '/v1/me', { token: other.token })).status).toBe(200);
  });
});
