// @vitest-environment node
/**
 * Reporting our own presence against the real API server: what is posted when, what a
 * colleague's live stream then shows, and nothing at all when sharing is off. Only
 * storage.session is replaced (in memory); the cache is a real Dexie on fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { LiveConnection, PresenceCache } from '../../src/background/live';
import { TouchbaseDb } from '../../src/cache/db';
import { toCachedCustomer } from '../../src/cache/pull';
import type { TabMatch, TabState } from '../../src/platform/messaging';
import { startTestServer, type TestServer } from '../helpers/server';

const session = new Map<string, unknown>();
vi.mock('../../src/platform/browser', () => ({
  browser: {
    storage: {
      session: {
        get: async (keys: string | null) =>
          Object.fromEntries([...session].filter(([key]) => keys === null || key === keys)),
        set: async (items: Record<string, unknown>) => {
          for (const [key, value] of Object.entries(items))
            session.set(key, structuredClone(value));
        },
        remove: async (keys: string | string[]) => {
          for (const key of [keys].flat()) session.delete(key);
        },
      },
    },
  },
}));

const {
  composingCustomers,
  focusCustomers,
  PresenceReporter,
  RENEW_AFTER_MS,
  QUIET_AFTER_MS,
  sessionComposingStore,
} = await import('../../src/background/presence');

const match = (customerId: string, extra: Partial<TabMatch> = {}): TabMatch => ({
  customerId,
  keys: [],
  evidence: 'exact',
  focus: false,
  ...extra,
});

test("a tab's focus customers: exact focus matches only, never a list's rows or a name", () => {
  const state: TabState = {
    tabId: 1,
    site: 'gmail',
    url: 'https://mail.google.com/mail/u/0/#inbox/x',
    matches: [
      match('jane', { focus: true }),
      match('acme', { focus: true }),
      match('omar'),
      match('maybe-jane', { focus: true, evidence: 'possible' }),
      match('named', { evidence: 'mentioned' }),
    ],
    unmatched: [],
    updatedAt: '',
  };
  expect(focusCustomers(state)).toEqual(['jane', 'acme']);
  expect(focusCustomers(null)).toEqual([]);
});

describe('against the real server', () => {
  let server: TestServer;
  let priya: { token: string; colleagueId: string };
  let omar: { token: string; colleagueId: string };
  let jane: string;
  let acme: string;
  const databases: TouchbaseDb[] = [];
  const streams: LiveConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    priya = await server.addUser({
      name: 'Priya',
      email: 'priya@northwind.io',
      department: 'Support',
    });
    omar = await server.addUser({ name: 'Omar', email: 'omar@northwind.io', department: 'Sales' });
    const response = await fetch(`${server.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customers: [
          { externalId: 'jane', name: 'Jane Doe', kind: 'person', identities: [] },
          { externalId: 'acme', name: 'Acme', kind: 'organization', identities: [] },
        ],
      }),
    });
    const { results } = (await response.json()) as { results: Array<{ id: string }> };
    [jane, acme] = results.map((result) => result.id) as [string, string];
  });

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.stop();
    for (const db of databases.splice(0)) await db.delete();
    session.clear();
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Priya's reporter on a controlled clock; `posts` records what reached the server. */
  function priyasReporter(options: { sharing?: boolean } = {}) {
    const clock = { now: 1_000_000 };
    const posts: Array<{ customerId: string; activity: string; status: number }> = [];
    const reporter = new PresenceReporter({
      connection: async () => ({ serverUrl: server.url, token: priya.token }),
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        posts.push({ ...JSON.parse(String(init?.body)), status: response.status });
        return response;
      },
      sharing: async () => options.sharing ?? true,
      store: sessionComposingStore,
      now: () => clock.now,
    });
    const sent = () => posts.map(({ customerId, activity }) => `${activity} ${customerId}`);
    return { reporter, clock, posts, sent };
  }

  /** What Omar's sidebar would show: his live stream into his cache. */
  function omarsCache() {
    const db = new TouchbaseDb(`presence-${crypto.randomUUID()}`);
    databases.push(db);
    const cache = new PresenceCache(db);
    const live = new LiveConnection({
      connection: async () => ({ serverUrl: server.url, token: omar.token }),
      fetch,
      onEvent: (event) => (event.type === 'presence' ? cache.apply(event) : undefined),
    });
    streams.push(live);
    live.start();
    return { db, live };
  }

  test("viewing reaches a colleague's cache; heartbeats renew at most once per interval", async () => {
    const omars = omarsCache();
    await vi.waitFor(() => expect(omars.live.state).toBe('open'));
    const { reporter, clock, posts, sent } = priyasReporter();
    await reporter.viewing(1, [jane]);
    await vi.waitFor(
      async () =>
        expect((await omars.db.presence.get([priya.colleagueId, jane]))?.activity).toBe('viewing'),
      { timeout: 2_000 },
    );
    // A second tab on the same customer, and the next ping soon after: nothing new to say.
    await reporter.viewing(2, [jane]);
    clock.now += 3_000;
    await reporter.viewing(1, [jane]);
    clock.now += RENEW_AFTER_MS;
    await reporter.viewing(1, [jane]);
    expect(sent()).toEqual([`viewing ${jane}`, `viewing ${jane}`]);
    expect(posts.every((post) => post.status === 204)).toBe(true);
  });

  test('composing wins over viewing; when it stops, viewing again; a closed tab leaves', async () => {
    const omars = omarsCache();
    await vi.waitFor(() => expect(omars.live.state).toBe('open'));
    const { reporter, clock, sent } = priyasReporter();
    await reporter.viewing(1, [jane]);
    await reporter.composing(1, [jane, acme]);
    await vi.waitFor(
      async () =>
        expect((await omars.db.presence.get([priya.colleagueId, jane]))?.activity).toBe(
          'composing',
        ),
      { timeout: 2_000 },
    );
    clock.now += 1_000;
    await reporter.viewing(1, [jane]); // the sidebar's heartbeat does not turn it back
    await reporter.composing(1, []);
    await reporter.forgetTab(1);
    expect(sent()).toEqual([
      `viewing ${jane}`,
      `composing ${jane}`,
      `composing ${acme}`,
      `viewing ${jane}`,
      `left ${acme}`,
      `left ${jane}`,
    ]);
    await vi.waitFor(async () => expect(await omars.db.presence.count()).toBe(0), {
      timeout: 2_000,
    });
  });

  test("a sidebar gone quiet no longer holds its customer when another tab's writing ends", async () => {
    const { reporter, clock, sent } = priyasReporter();
    await reporter.viewing(1, [jane]);
    await reporter.composing(2, [jane]);
    clock.now += QUIET_AFTER_MS;
    await reporter.composing(2, []);
    expect(sent()).toEqual([`viewing ${jane}`, `composing ${jane}`, `left ${jane}`]);
  });

  test("a restarted worker renews composing from the tab's stored customers", async () => {
    const first = priyasReporter();
    await first.reporter.composing(5, [jane]);
    const restarted = priyasReporter();
    await restarted.reporter.stillComposing(5);
    expect(restarted.sent()).toEqual([`composing ${jane}`]);
    await restarted.reporter.forgetTab(5);
    expect(await sessionComposingStore.load(5)).toEqual([]);
  });

  test('sharing off: nothing is posted at all', async () => {
    const { reporter, posts } = priyasReporter({ sharing: false });
    await reporter.viewing(1, [jane]);
    await reporter.composing(1, [jane]);
    await reporter.stillComposing(1);
    await reporter.forgetTab(1);
    expect(posts).toEqual([]);
  });

  test('leaveAll ends every presence held (sharing turned off, signing out)', async () => {
    const { reporter, sent } = priyasReporter();
    await reporter.viewing(1, [jane]);
    await reporter.composing(2, [acme]);
    await reporter.leaveAll();
    expect(sent().slice(2).sort()).toEqual([`left ${acme}`, `left ${jane}`].sort());
    expect(session.size).toBe(0);
  });

  test('composing keys resolve to the cached customers: the person and their company', async () => {
    const db = new TouchbaseDb(`presence-${crypto.randomUUID()}`);
    databases.push(db);
    const updatedAt = new Date().toISOString();
    await db.customers.bulkPut([
      toCachedCustomer({ id: jane, name: 'Jane Doe', kind: 'person', updatedAt }),
      toCachedCustomer({ id: acme, name: 'Acme', kind: 'organization', updatedAt }),
    ]);
    await db.identities.bulkPut([
      { id: 'i1', customerId: jane, kind: 'email', value: 'jane.doe@acme.com' },
      { id: 'i2', customerId: acme, kind: 'domain', value: 'acme.com' },
    ]);
    expect(await composingCustomers(db, ['email:jane.doe@acme.com'])).toEqual([jane, acme]);
    expect(await composingCustomers(db, ['email:someone@else.org', 'x:nobody'])).toEqual([]);
  });
});
