// @vitest-environment node
/**
 * GET /v1/config, the adapter kill switch, on both databases: who may read it, that an admin's
 * change shows on the next request, and the ETag / If-None-Match path every client takes each
 * minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigResponse, ErrorBody } from '../../src/protocol';
import { disableAdapter, enableAdapter, readConfig } from '../../src/server/config';
import { openStore, type Store } from '../../src/server/db';
import { migrateToLatest } from '../../src/server/migrate';
import * as initial from '../../src/server/migrations/0001_initial';
import { createDatabase } from '../helpers/postgres';
import { DATABASES, postgresUrl, startTestServer, type TestServer } from '../helpers/server';
import { call } from './http';

describe.each(DATABASES)('a database from before the kill switch on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');

  it.skipIf(skip)('upgrades in place, with every adapter on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchbase-upgrade-'));
    const store = openStore(
      database === 'postgres'
        ? { databaseUrl: await createDatabase(await postgresUrl()) }
        : { sqliteFile: join(dir, 'old.sqlite') },
    );
    try {
      const onlyInitial = new Migrator({
        db: store.db,
        provider: { getMigrations: async () => ({ '0001_initial': initial }) },
      });
      expect((await onlyInitial.migrateToLatest()).error).toBeUndefined();
      await migrateToLatest(store.db);
      expect((await readConfig(store)).config).toMatchObject({ version: 0, disabledAdapters: [] });
      expect(await disableAdapter(store, 'linkedin')).toEqual({ changed: true, version: 1 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DATABASES)('GET /v1/config on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  /** the server's database, opened beside it as the CLI does */
  let admin: Store;
  let member: { token: string };
  let integration: { token: string };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    admin = openStore({ databaseUrl: server.databaseUrl, sqliteFile: server.dbFile });
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
    await admin?.close();
    await server?.stop();
  });

  const config = (token: string, ifNoneMatch?: string) =>
    call<ConfigResponse>(server.url, '/v1/config', {
      token,
      headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
    });

  it.skipIf(skip)(
    'every role may read it; nothing is turned off on a new server; no token is 401',
    async () => {
      const reply = await config(member.token);
      expect(reply.status).toBe(200);
      expect(ConfigResponse.parse(reply.body)).toEqual({
        version: 0,
        updatedAt: null,
        disabledAdapters: [],
      });
      expect(reply.headers.get('etag')).toMatch(/^"[a-z0-9]+\.0"$/);
      expect(reply.headers.get('cache-control')).toBe('private, no-cache');
      expect((await config(server.adminToken)).status).toBe(200);
      expect((await config(integration.token)).status).toBe(200);

      const anonymous = await call(server.url, '/v1/config');
      expect(anonymous.status).toBe(401);
      expect(ErrorBody.parse(anonymous.body).error.code).toBe('missing_token');
    },
  );

  it.skipIf(skip)(
    'an admin’s change shows on the next request; the ETag answers 304 until then',
    async () => {
      const before = await config(member.token);
      const tag = before.headers.get('etag') ?? '';
      const unchanged = await config(member.token, tag);
      expect(unchanged.status).toBe(304);
      expect(unchanged.body).toBeUndefined();
      expect(unchanged.headers.get('etag')).toBe(tag);
      // a weak validator or a list naming it matches too; another tag does not
      expect((await config(member.token, `"other", W/${tag}`)).status).toBe(304);
      expect((await config(member.token, '"not-this-one"')).status).toBe(200);

      const turnedOff = await disableAdapter(admin, 'linkedin', 'Profile markup changed');
      expect(turnedOff).toEqual({ changed: true, version: before.body.version + 1 });
      await disableAdapter(admin, 'gmail');

      const after = await config(member.token, tag);
      expect(after.status).toBe(200);
      expect(after.body).toEqual({
        version: before.body.version + 2,
        updatedAt: expect.any(String),
        disabledAdapters: ['gmail', 'linkedin'],
      });
      // the admin's reason is for admins (the CLI shows it); clients only learn which
      expect(JSON.stringify(after.body)).not.toContain('markup');
      const newTag = after.headers.get('etag') ?? '';
      expect(newTag).not.toBe(tag);
      expect((await config(member.token, newTag)).status).toBe(304);

      // Turning off what is already off changes nothing a client sees: still 304.
      expect(await disableAdapter(admin, 'gmail', 'still broken')).toEqual({
        changed: false,
        version: after.body.version,
      });
      expect((await config(member.token, newTag)).status).toBe(304);

      expect((await enableAdapter(admin, 'linkedin')).changed).toBe(true);
      expect((await enableAdapter(admin, 'linkedin')).changed).toBe(false);
      const enabled = await config(member.token, newTag);
      expect(enabled.status).toBe(200);
      expect(enabled.body.disabledAdapters).toEqual(['gmail']);
      expect(enabled.body.version).toBe(after.body.version + 1);
      expect(Date.parse(enabled.body.updatedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(after.body.updatedAt ?? ''),
      );
      await enableAdapter(admin, 'gmail');
    },
  );

  it.skipIf(skip)('admins changing it at the same moment each count once', async () => {
    const { body: before } = await config(member.token);
    const ids = ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];
    const outcomes = await Promise.all(ids.map((id) => disableAdapter(admin, id)));
    expect(outcomes.map((outcome) => outcome.version).sort()).toEqual(
      ids.map((_, index) => before.version + index + 1),
    );
    expect((await config(member.token)).body.disabledAdapters).toEqual(ids);
    await Promise.all(ids.map((id) => enableAdapter(admin, id)));
    expect((await config(member.token)).body).toMatchObject({
      version: before.version + 2 * ids.length,
      disabledAdapters: [],
    });
  });

  it.skipIf(skip)('adapter ids must be lower-case slugs', async () => {
    for (const id of ['LinkedIn', 'linked in', '-x', 'x--y', '', 'a'.repeat(41)]) {
      await expect(disableAdapter(admin, id), id).rejects.toMatchObject({
        code: 'invalid_adapter_id',
      });
    }
    await expect(disableAdapter(admin, 'x', 'r'.repeat(501))).rejects.toMatchObject({
      code: 'invalid_reason',
    });
    expect((await config(member.token)).body.disabledAdapters).toEqual([]);
  });

  it.skipIf(skip)('extension pages may send If-None-Match and read the ETag (CORS)', async () => {
    const origin = 'chrome-extension://abcdefghijklmnop';
    const preflight = await call(server.url, '/v1/config', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,if-none-match',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'if-none-match',
    );
    const reply = await call(server.url, '/v1/config', {
      token: member.token,
      headers: { origin },
    });
    expect(reply.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('etag');
  });

  it.skipIf(skip)('is documented in /v1/openapi.json with its 304', async () => {
    const reply = await call(server.url, '/v1/openapi.json');
    const operation = reply.body.paths['/v1/config'].get;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '304', '401']));
    expect(operation.parameters[0]).toMatchObject({ name: 'If-None-Match', in: 'header' });
    expect(Object.keys(reply.body.components.schemas.ConfigResponse.properties)).toEqual([
      'version',
      'updatedAt',
      'disabledAdapters',
    ]);
  });
});
