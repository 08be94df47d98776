// @vitest-environment node
/** Connect and sign out against the real API server, with fake-indexeddb on the client side. */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountDeps,
  connect,
  normaliseServerUrl,
  signOut,
} from '../../src/background/account';
import { SyncEngine } from '../../src/background/sync';
import { TouchbaseDb } from '../../src/cache/db';
import { saveNote } from '../../src/cache/notes';
import { DEFAULT_SETTINGS, type Settings } from '../../src/platform/settings';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let member: { token: string; colleagueId: string };
let integration: { token: string; colleagueId: string };
/** Some other web server: answers, but is not Touchbase. */
let stranger: Server;
let strangerUrl: string;
const databases: TouchbaseDb[] = [];

beforeAll(async () => {
  server = await startTestServer();
  member = await server.addUser({
    name: 'Sam Support',
    email: 'sam@ourco.example',
    department: 'Support',
  });
  integration = await server.addUser({
    name: 'Helpdesk',
    email: 'helpdesk@ourco.example',
    department: 'Support',
    role: 'integration',
  });
  stranger = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true, hello: 'world' }));
  });
  await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  strangerUrl = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => stranger?.close(resolve));
});

afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.delete()));
});

function account(): AccountDeps & { stored: Settings; engine: SyncEngine } {
  const db = new TouchbaseDb(`account-${crypto.randomUUID()}`);
  databases.push(db);
  const stored: Settings = { ...DEFAULT_SETTINGS };
  const settings = async () => ({ serverUrl: stored.serverUrl, token: stored.token });
  const engine = new SyncEngine({ db, connection: settings, fetch });
  return {
    db,
    engine,
    fetch,
    stored,
    settings,
    saveSettings: async (patch) => {
      Object.assign(stored, patch);
    },
  };
}

describe('normaliseServerUrl', () => {
  it('keeps http(s) origins and paths, drops trailing slashes, refuses the rest', () => {
    expect(normaliseServerUrl(' https://tb.example.com/ ')).toBe('https://tb.example.com');
    expect(normaliseServerUrl('http://127.0.0.1:8787/touchbase//')).toBe(
      'http://127.0.0.1:8787/touchbase',
    );
    expect(normaliseServerUrl('ftp://tb.example.com')).toBeNull();
    expect(normaliseServerUrl('javascript:alert(1)')).toBeNull();
    expect(normaliseServerUrl('tb.example.com')).toBeNull();
  });
});

describe('connect', () => {
  it('refuses an address that is not http(s)', async () => {
    const deps = account();
    const result = await connect(deps, { serverUrl: 'file:///etc/passwd', token: member.token });
    expect(result).toMatchObject({ ok: false, code: 'bad_url' });
    expect(deps.stored.token).toBe('');
  });

  it('names the address it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const result = await connect(account(), { serverUrl: url, token: member.token });
    expect(result).toMatchObject({ ok: false, code: 'unreachable' });
    expect(result.ok ? '' : result.message).toContain(url);
  });

  it('tells a server that is not Touchbase apart', async () => {
    const result = await connect(account(), { serverUrl: strangerUrl, token: member.token });
    expect(result).toMatchObject({ ok: false, code: 'not_touchbase' });
  });

  it('refuses a bad token and an integration token', async () => {
    const deps = account();
    expect(await connect(deps, { serverUrl: server.url, token: 'tb_wrong' })).toMatchObject({
      ok: false,
      code: 'bad_token',
    });
    expect(await connect(deps, { serverUrl: server.url, token: integration.token })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(deps.stored.token).toBe('');
  });

  it('stores the connection, remembers who I am and starts the first sync', async () => {
    const deps = account();
    const result = await connect(deps, { serverUrl: `${server.url}/`, token: ` ${member.token} ` });

    expect(result).toEqual({ ok: true, colleagueName: 'Sam Support' });
    expect(deps.stored).toMatchObject({ serverUrl: server.url, token: member.token });
    expect(await deps.db.getMeta('me')).toMatchObject({
      id: member.colleagueId,
      department: 'Support',
    });
    // The reply does not wait for the sync; the sync it started still completes.
    const progress = await deps.engine.sync();
    expect(progress).toMatchObject({ state: 'idle', initial: false });
    expect(await deps.db.colleagues.get(member.colleagueId)).toBeDefined();
  });

  it('lifts a "token revoked" stop when a good token is entered', async () => {
    const deps = account();
    deps.stored.serverUrl = server.url;
    deps.stored.token = 'tb_revoked';
    expect(await deps.engine.sync()).toMatchObject({ state: 'error', authRejected: true });

    await connect(deps, { serverUrl: server.url, token: member.token });
    await deps.engine.sync();
    expect(await deps.db.getMeta('sync')).toMatchObject({ state: 'idle', initial: false });
    expect((await deps.db.getMeta('sync'))?.authRejected).toBeUndefined();
  });
});

describe('signOut', () => {
  it('forgets the token and the cache, and pushes under a new client id afterwards', async () => {
    const deps = account();
    await connect(deps, { serverUrl: server.url, token: member.token });
    await deps.engine.sync();
    await saveNote(deps.db, {
      customerId: 'unsynced',
      channel: 'note',
      body: 'never pushed',
      visibility: 'team',
      me: { id: member.colleagueId },
    });
    const clientId = await deps.db.getMeta('clientId');
    expect(clientId).toBeTruthy();

    await signOut(deps);

    expect(deps.stored.token).toBe('');
    expect(deps.stored.serverUrl).toBe(server.url);
    for (const table of [
      deps.db.colleagues,
      deps.db.customers,
      deps.db.identities,
      deps.db.engagements,
      deps.db.notes,
      deps.db.outbox,
    ]) {
      expect(await table.count()).toBe(0);
    }
    expect(await deps.db.getMeta('me')).toBeUndefined();
    expect(await deps.db.getMeta('cursor')).toBeUndefined();
    const newClientId = await deps.db.getMeta('clientId');
    expect(newClientId).toBeTruthy();
    expect(newClientId).not.toBe(clientId);
  });
});
