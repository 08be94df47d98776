// @vitest-environment node
/**
 * The worker's live connection: the SSE parser on its own, then the client against the real API
 * server (spawned CLI, temporary database) with the cache on fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  LiveConnection,
  type LiveOptions,
  PresenceCache,
  parseLiveEvent,
  presenceRow,
  SseParser,
  throttledKeepAlive,
} from '../../src/background/live';
import { SyncEngine } from '../../src/background/sync';
import { TouchbaseDb } from '../../src/cache/db';
import type { LiveEvent, PresenceEvent } from '../../src/protocol';
import { startTestServer, type TestServer } from '../helpers/server';

describe('SseParser', () => {
  test('messages end at a blank line; data lines join with LF; comments and unknown fields are skipped', () => {
    const parser = new SseParser();
    expect(
      parser.push(
        ': keep-alive\n\ndata: {"a":1}\n\nevent: presence\ndata: one\ndata:two\nid: 7\n\n',
      ),
    ).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'presence', data: 'one\ntwo' },
    ]);
  });

  test('a message split anywhere across chunks, CRLF halves included, arrives once', () => {
    const stream = 'data: {"type":"poke"}\r\n\r\ndata:  two spaces\r\rdata\n\n';
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new SseParser();
      const messages = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))];
      expect(messages, `cut at ${cut}`).toEqual([
        { event: 'message', data: '{"type":"poke"}' },
        { event: 'message', data: ' two spaces' },
        { event: 'message', data: '' },
      ]);
    }
  });

  test('a leading byte-order mark is dropped; a message without data, or unfinished, is not sent', () => {
    const parser = new SseParser();
    expect(parser.push('\uFEFFdata: a\n\nevent: x\n\ndata: unfinished')).toEqual([
      { event: 'message', data: 'a' },
    ]);
  });
});

describe('live events', () => {
  const presence: PresenceEvent = {
    type: 'presence',
    colleagueId: 'c1',
    customerId: 'cu1',
    activity: 'viewing',
    at: '2026-12-02T10:00:00.000Z',
    expiresAt: '2026-12-02T10:00:30.000Z',
  };

  test('poke and presence parse, unknown fields are ignored; unknown types and bad JSON are not events', () => {
    expect(parseLiveEvent('{"type":"poke","reason":"note"}')).toEqual({ type: 'poke' });
    expect(parseLiveEvent(JSON.stringify({ ...presence, department: 'Support' }))).toEqual(
      presence,
    );
    expect(parseLiveEvent('{"type":"typing"}')).toBeNull();
    expect(parseLiveEvent('{"type":"presence","activity":"dancing"}')).toBeNull();
    expect(parseLiveEvent('not json')).toBeNull();
  });

  test("a presence lasts the server's lifetime from when it arrived, whatever the clocks say", () => {
    const received = Date.parse('2026-12-02T09:00:00.000Z'); // this browser's clock is an hour behind
    expect(presenceRow(presence, received)).toEqual({
      colleagueId: 'c1',
      customerId: 'cu1',
      activity: 'viewing',
      at: presence.at,
      expiresAt: '2026-12-02T09:00:30.000Z',
    });
    const { expiresAt: _, ...withoutExpiry } = presence;
    expect(presenceRow(withoutExpiry, received)?.expiresAt).toBe('2026-12-02T09:00:30.000Z');
    expect(presenceRow({ ...presence, expiresAt: presence.at }, received)).toBeNull();
  });

  test('the keep-alive calls at most once per interval', () => {
    let now = 0;
    const call = vi.fn(async () => undefined);
    const keepAlive = throttledKeepAlive(call, 5_000, () => now);
    keepAlive();
    now = 4_999;
    keepAlive();
    now = 5_000;
    keepAlive();
    expect(call).toHaveBeenCalledTimes(2);
  });
});

describe('against the real server', () => {
  let server: TestServer;
  let priya: { token: string; colleagueId: string };
  let omar: { token: string; colleagueId: string };
  let customerId: string;
  const databases: TouchbaseDb[] = [];
  const connections: LiveConnection[] = [];
  const caches: PresenceCache[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    priya = await server.addUser({
      name: 'Priya',
      email: 'priya@northwind.io',
      department: 'Support',
    });
    omar = await server.addUser({ name: 'Omar', email: 'omar@northwind.io', department: 'Sales' });
    const response = await admin('/v1/customers', {
      customers: [{ externalId: 'acme-jane', name: 'Jane Doe', kind: 'person', identities: [] }],
    });
    customerId = (response as { results: Array<{ id: string }> }).results[0]?.id ?? '';
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.stop();
    for (const cache of caches.splice(0)) cache.stop();
    await new Promise((resolve) => setTimeout(resolve, 100)); // events still being applied
    for (const db of databases.splice(0)) await db.delete();
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function admin(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  async function postPresence(token: string, activity: string): Promise<void> {
    const response = await fetch(`${server.url}/v1/presence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId, activity }),
    });
    expect(response.status).toBe(204);
  }

  /** Omar's worker: its cache, and a live connection that applies events as the worker does. */
  function omarsWorker(options: Partial<LiveOptions> = {}) {
    const db = new TouchbaseDb(`live-${crypto.randomUUID()}`);
    databases.push(db);
    const cache = new PresenceCache(db);
    caches.push(cache);
    const engine = new SyncEngine({
      db,
      connection: async () => ({ serverUrl: server.url, token: omar.token }),
      fetch,
    });
    const opened = vi.fn();
    const events: LiveEvent[] = [];
    const live = new LiveConnection({
      connection: async () => ({ serverUrl: server.url, token: omar.token }),
      fetch,
      onEvent: (event) => {
        events.push(event);
        return event.type === 'poke' ? void engine.sync({ force: true }) : cache.apply(event);
      },
      onOpen: opened,
      backoffBaseMs: 50,
      ...options,
    });
    connections.push(live);
    return { db, live, opened, events };
  }

  test("a colleague's presence lands in the cache, and 'left' removes it", async () => {
    const { db, live } = omarsWorker();
    live.start();
    await vi.waitFor(() => expect(live.state).toBe('open'));
    await postPresence(priya.token, 'viewing');
    const row = await vi.waitFor(
      async () => {
        const found = await db.presence.get([priya.colleagueId, customerId]);
        if (!found) throw new Error('no presence yet');
        return found;
      },
      { timeout: 2_000 },
    );
    expect(row.activity).toBe('viewing');
    expect(Date.parse(row.expiresAt) - Date.now()).toBeGreaterThan(25_000);

    await postPresence(priya.token, 'composing');
    await vi.waitFor(
      async () =>
        expect((await db.presence.get([priya.colleagueId, customerId]))?.activity).toBe(
          'composing',
        ),
      { timeout: 2_000 },
    );
    await postPresence(priya.token, 'left');
    await vi.waitFor(async () => expect(await db.presence.count()).toBe(0), { timeout: 2_000 });
  });

  test('a poke makes the cache pull: a new engagement arrives within seconds', async () => {
    const { db, live, events } = omarsWorker();
    live.start();
    await vi.waitFor(() => expect(live.state).toBe('open'));
    await admin('/v1/engagements', {
      engagements: [
        {
          externalId: `ticket-${crypto.randomUUID()}`,
          source: 'helpdesk',
          customer: { externalId: 'acme-jane' },
          colleagueEmail: 'priya@northwind.io',
          channel: 'ticket',
          direction: 'inbound',
          occurredAt: new Date().toISOString(),
          summary: 'Refund for order 1182',
        },
      ],
    });
    await vi.waitFor(async () => expect(await db.engagements.count()).toBe(1), { timeout: 5_000 });
    expect(events.some((event) => event.type === 'poke')).toBe(true);
  });

  test('reconnects after the server restarts, and events flow again', async () => {
    const { db, live, opened } = omarsWorker();
    live.start();
    await vi.waitFor(() => expect(opened).toHaveBeenCalledTimes(1));
    await server.restart();
    // The stopping process may still answer a first retry: wait for the stream of the new one.
    await vi.waitFor(() => expect(live.state).toBe('open'), { timeout: 10_000 });
    expect(opened.mock.calls.length).toBeGreaterThanOrEqual(2);
    // Heartbeats repeat, as the extension's do, in case that was still the old process's stream.
    await vi.waitFor(
      async () => {
        await postPresence(priya.token, 'viewing');
        expect(await db.presence.count()).toBe(1);
      },
      { timeout: 10_000, interval: 500 },
    );
  });

  test('a refused token stops it (no retry storm) until reset', async () => {
    const requests = vi.fn(fetch);
    const { live } = omarsWorker({
      connection: async () => ({ serverUrl: server.url, token: 'tb_not-a-token' }),
      fetch: requests,
    });
    live.start();
    await vi.waitFor(() => expect(live.state).toBe('rejected'));
    live.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toHaveBeenCalledTimes(1);
    live.reset();
    expect(live.state).toBe('closed');
  });

  test('not connected yet: nothing is requested', async () => {
    const requests = vi.fn(fetch);
    const { live } = omarsWorker({
      connection: async () => ({ serverUrl: '', token: '' }),
      fetch: requests,
    });
    live.start();
    await vi.waitFor(() => expect(live.state).toBe('closed'));
    expect(requests).not.toHaveBeenCalled();
  });

  test('a lapsed presence is deleted when it lapses, without a further event', async () => {
    const db = new TouchbaseDb(`live-${crypto.randomUUID()}`);
    databases.push(db);
    const cache = new PresenceCache(db);
    caches.push(cache);
    const at = new Date().toISOString();
    await cache.apply({
      type: 'presence',
      colleagueId: priya.colleagueId,
      customerId,
      activity: 'viewing',
      at,
      expiresAt: new Date(Date.parse(at) + 200).toISOString(),
    });
    expect(await db.presence.count()).toBe(1);
    await vi.waitFor(async () => expect(await db.presence.count()).toBe(0), { timeout: 2_000 });
  });
});
