// @vitest-environment node
/**
 * The sync engine against the real API server (spawned CLI, temporary database), with
 * fake-indexeddb on the client side.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { settingsConfigCache } from '../../src/background/config';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  SyncEngine,
  type SyncEngineOptions,
  TOKEN_REJECTED_MESSAGE,
} from '../../src/background/sync';
import { type SyncProgress, TouchbaseDb } from '../../src/cache/db';
import { saveNote } from '../../src/cache/notes';
import { getSettings } from '../../src/platform/settings';
import type { Colleague, CustomerInput, EngagementInput } from '../../src/protocol';
import { disableAdapter, enableAdapter } from '../../src/server/config';
import { openStore, type Store } from '../../src/server/db';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let support: { token: string; colleagueId: string };
let sales: { token: string; colleagueId: string };
const databases: TouchbaseDb[] = [];

async function api(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { results?: Array<{ ok: boolean }> };
  if (!response.ok || json.results?.some((result) => !result.ok)) {
    throw new Error(`${path} failed: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

async function seedCustomers(customers: CustomerInput[]): Promise<string[]> {
  const { results } = (await api('/v1/customers', { customers })) as {
    results: Array<{ id: string }>;
  };
  return results.map((result) => result.id);
}

async function seedEngagements(engagements: EngagementInput[]): Promise<void> {
  await api('/v1/engagements', { engagements });
}

function freshDb(): TouchbaseDb {
  const db = new TouchbaseDb(`sync-${crypto.randomUUID()}`);
  databases.push(db);
  return db;
}

interface Harness {
  db: TouchbaseDb;
  engine: SyncEngine;
  /** paths of the requests made so far, e.g. `/v1/sync/pull` */
  requests: string[];
}

/** An engine as the worker builds one; `options` swaps parts (a fetch that fails, the clock). */
function harness(
  token: string,
  options: Partial<SyncEngineOptions> & { db?: TouchbaseDb } = {},
): Harness {
  const requests: string[] = [];
  const db = options.db ?? freshDb();
  const underlying = options.fetch ?? fetch;
  const engine = new SyncEngine({
    connection: async () => ({ serverUrl: server.url, token }),
    pullLimit: 1000,
    ...options,
    db,
    fetch: (input, init) => {
      requests.push(new URL(String(input)).pathname);
      return underlying(input, init);
    },
  });
  return { db, engine, requests };
}

async function meOf(token: string): Promise<Colleague> {
  const response = await fetch(`${server.url}/v1/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { colleague: Colleague }).colleague;
}

const person = (externalId: string, name: string, email: string): CustomerInput => ({
  externalId,
  name,
  kind: 'person',
  identities: [{ kind: 'email', value: email }],
});

let janeId: string;

beforeAll(async () => {
  server = await startTestServer();
  support = await server.addUser({
    name: 'Sam Support',
    email: 'sam@ourco.example',
    department: 'Support',
  });
  sales = await server.addUser({
    name: 'Sara Sales',
    email: 'sara@ourco.example',
    department: 'Sales',
  });
  [janeId = ''] = await seedCustomers([
    {
      externalId: 'crm-jane',
      name: 'Jane Doe',
      kind: 'person',
      company: 'Acme Corp',
      tier: 'gold',
      identities: [
        { kind: 'email', value: 'jane@acme.example' },
        { kind: 'linkedin', value: 'jane-doe' },
      ],
    },
  ]);
  await seedEngagements([
    {
      externalId: 'ticket-1',
      source: 'helpdesk',
      customer: { externalId: 'crm-jane' },
      colleagueEmail: 'sam@ourco.example',
      channel: 'ticket',
      direction: 'inbound',
      occurredAt: '2026-11-01T09:00:00.000Z',
      summary: 'Login problem after the update',
      visibility: 'team',
    },
  ]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.delete()));
});

describe('sync engine against the real server', () => {
  it('pulls everything in pages on first sync, reporting progress as it goes', async () => {
    await seedCustomers(
      Array.from({ length: 24 }, (_, index) =>
        person(`bulk-${index}`, `Bulk Person ${index}`, `bulk${index}@example.org`),
      ),
    );
    const seen: SyncProgress[] = [];
    const db = freshDb();
    const { engine, requests } = harness(support.token, {
      db,
      pullLimit: 10,
      // Before each request: what the options page would see now.
      fetch: async (input, init) => {
        const current = await db.getMeta('sync');
        if (current) seen.push(current);
        return fetch(input, init);
      },
    });

    const final = await engine.sync();

    const pulls = requests.filter((path) => path === '/v1/sync/pull').length;
    expect(pulls).toBeGreaterThanOrEqual(6); // ≥ 2 colleagues + 25 customers + 26 identities + 1
    expect(final).toMatchObject({ state: 'idle', initial: false });
    expect(final.rowsSoFar).toBeGreaterThanOrEqual(54);
    expect(final.lastSyncedAt).toBeDefined();
    // Progress went up page by page while the first sync was running.
    const during = seen.filter((progress) => progress.state === 'syncing');
    expect(during.length).toBeGreaterThanOrEqual(pulls - 1);
    expect(during.every((progress) => progress.initial)).toBe(true);
    const counts = during.map((progress) => progress.rowsSoFar);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThan(0);

    expect(await db.customers.count()).toBe(25);
    expect(await db.colleagues.count()).toBeGreaterThanOrEqual(2);
    expect(await db.getMeta('cursor')).toBeTruthy();
    const jane = await db.customers.get(janeId);
    expect(jane).toMatchObject({ name: 'Jane Doe', company: 'Acme Corp', tier: 'gold' });
    expect(jane?.searchTokens.sort()).toEqual(['acme', 'corp', 'doe', 'jane']);
    const identity = await db.identities
      .where('[kind+value]')
      .equals(['email', 'jane@acme.example'])
      .first();
    expect(identity?.customerId).toBe(janeId);
    const engagements = await db.engagements.where('customerId').equals(janeId).toArray();
    expect(engagements.map((engagement) => engagement.summary)).toContain(
      'Login problem after the update',
    );
  });

  it('pulls only what changed on the next sync', async () => {
    const { db, engine, requests } = harness(support.token);
    const first = await engine.sync();
    requests.length = 0;
    const [newId] = await seedCustomers([person('late-1', 'Late Arrival', 'late@example.org')]);

    const second = await engine.sync();

    expect(requests).toEqual(['/v1/sync/pull']);
    expect(second.state).toBe('idle');
    expect(second.rowsSoFar).toBeGreaterThanOrEqual(2); // the customer and its identity
    expect(second.rowsSoFar).toBeLessThan(first.rowsSoFar);
    expect(await db.customers.get(newId ?? '')).toMatchObject({ name: 'Late Arrival' });
  });

  it('pushes a note, then pulls it back as the server’s engagement; colleagues see it', async () => {
    const sara = harness(sales.token);
    await sara.engine.sync();
    const note = await saveNote(sara.db, {
      customerId: janeId,
      channel: 'call',
      body: 'Discussed the upgrade to the enterprise plan',
      visibility: 'team',
      me: await meOf(sales.token),
    });

    const progress = await sara.engine.sync();

    expect(progress.state).toBe('idle');
    expect(sara.requests.slice(-2)).toEqual(['/v1/sync/push', '/v1/sync/pull']);
    expect(await sara.db.notes.get(note.id)).toMatchObject({ status: 'synced' });
    expect(await sara.db.outbox.count()).toBe(0);
    expect(await sara.db.engagements.get(note.id)).toMatchObject({
      source: 'touchbase',
      colleagueId: sales.colleagueId,
      summary: 'Discussed the upgrade to the enterprise plan',
      direction: 'internal',
    });

    const sam = harness(support.token);
    await sam.engine.sync();
    expect(await sam.db.engagements.get(note.id)).toMatchObject({
      colleagueId: sales.colleagueId,
      summary: 'Discussed the upgrade to the enterprise plan',
    });
  });

  it('replays a push whose answer was lost and the server applies it exactly once', async () => {
    const db = freshDb();
    const note = await saveNote(db, {
      customerId: janeId,
      channel: 'email',
      body: 'Sent the revised quote',
      visibility: 'team',
      me: await meOf(sales.token),
    });
    // The server applies the push, then the worker dies before it hears back.
    const crashing = harness(sales.token, {
      db,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith('/v1/sync/push')) throw new TypeError('worker terminated');
        return response;
      },
    });
    expect((await crashing.engine.sync()).state).toBe('offline');
    expect(await db.outbox.count()).toBe(1);
    expect(await db.notes.get(note.id)).toMatchObject({ status: 'pending' });

    const restarted = harness(sales.token, { db });
    expect((await restarted.engine.sync({ force: true })).state).toBe('idle');

    expect(await db.outbox.count()).toBe(0);
    // Applied a second time, the create would have been refused (its id is taken).
    expect(await db.notes.get(note.id)).toMatchObject({ status: 'synced' });
    const sam = harness(support.token);
    await sam.engine.sync();
    const copies = await sam.db.engagements
      .filter((engagement) => engagement.summary === 'Sent the revised quote')
      .count();
    expect(copies).toBe(1);
  });

  it('resumes a pull cut off between pages without losing or doubling rows', async () => {
    await seedCustomers(
      Array.from({ length: 8 }, (_, index) =>
        person(`cut-${index}`, `Cut Person ${index}`, `cut${index}@example.org`),
      ),
    );
    const db = freshDb();
    let pulls = 0;
    const cut = harness(support.token, {
      db,
      pullLimit: 5,
      fetch: async (input, init) => {
        if (String(input).includes('/v1/sync/pull') && ++pulls === 3) {
          throw new TypeError('worker terminated');
        }
        return fetch(input, init);
      },
    });
    await cut.engine.sync();
    const partial = await db.customers.count();
    expect(partial).toBeGreaterThan(0);

    const restarted = harness(support.token, { db, pullLimit: 5 });
    const resumed = await restarted.engine.sync({ force: true });

    const complete = harness(support.token);
    const everything = await complete.engine.sync();
    // The two committed pages of five rows were not fetched again.
    expect(resumed.rowsSoFar).toBe(everything.rowsSoFar - 10);
    expect(await db.customers.count()).toBe(await complete.db.customers.count());
    expect(await db.identities.count()).toBe(await complete.db.identities.count());
    expect(await db.engagements.count()).toBe(await complete.db.engagements.count());
    expect(partial).toBeLessThan(await db.customers.count());
  });

  it('marks a note the server refuses as rejected with its reason; the rest still go', async () => {
    const { db, engine } = harness(sales.token);
    const me = await meOf(sales.token);
    const orphan = await saveNote(db, {
      customerId: 'no-such-customer',
      channel: 'note',
      body: 'For a customer that does not exist',
      visibility: 'team',
      me,
    });
    const good = await saveNote(db, {
      customerId: janeId,
      channel: 'note',
      body: 'A good one behind it',
      visibility: 'team',
      me,
    });

    expect((await engine.sync()).state).toBe('idle');

    const rejected = await db.notes.get(orphan.id);
    expect(rejected?.status).toBe('rejected');
    expect(rejected?.error).toMatch(/customer/i);
    expect(await db.engagements.get(orphan.id)).toBeUndefined();
    expect(await db.notes.get(good.id)).toMatchObject({ status: 'synced' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('brings a restricted note to another colleague without its text', async () => {
    const sara = harness(sales.token);
    const note = await saveNote(sara.db, {
      customerId: janeId,
      channel: 'meeting',
      body: 'Confidential pricing discussion',
      topic: 'pricing',
      visibility: 'restricted',
      me: await meOf(sales.token),
    });
    await sara.engine.sync();
    expect(await sara.db.engagements.get(note.id)).toMatchObject({
      summary: 'Confidential pricing discussion',
      visibility: 'restricted',
    });

    const sam = harness(support.token);
    await sam.engine.sync();
    const seen = await sam.db.engagements.get(note.id);
    expect(seen).toMatchObject({ colleagueId: sales.colleagueId, visibility: 'restricted' });
    expect(seen?.summary).toBeNull();
    expect(JSON.stringify(seen)).not.toContain('Confidential');
  });

  it('deletes what the server deleted (tombstones)', async () => {
    const sara = harness(sales.token);
    const note = await saveNote(sara.db, {
      customerId: janeId,
      channel: 'note',
      body: 'Written by mistake',
      visibility: 'team',
      me: await meOf(sales.token),
    });
    await sara.engine.sync();
    const sam = harness(support.token);
    await sam.engine.sync();
    expect(await sam.db.engagements.get(note.id)).toBeDefined();

    await sara.db.outbox.add({
      name: 'note.delete',
      args: { id: note.id },
      createdAt: new Date().toISOString(),
    });
    await sara.engine.sync();
    await sam.engine.sync();

    expect(await sara.db.notes.get(note.id)).toBeUndefined();
    expect(await sara.db.engagements.get(note.id)).toBeUndefined();
    expect(await sam.db.engagements.get(note.id)).toBeUndefined();
  });

  it('starts over when the server no longer knows its cursor (database replaced)', async () => {
    const { db, engine } = harness(support.token);
    await engine.sync();
    const note = await saveNote(db, {
      customerId: janeId,
      channel: 'note',
      body: 'Kept across the reset',
      visibility: 'team',
      me: { id: support.colleagueId },
    });
    await db.outbox.clear(); // a note already pushed: only the local copy matters here
    await db.customers.put({
      id: 'gone-from-the-server',
      name: 'Ghost Customer',
      kind: 'person',
      updatedAt: '2026-01-01T00:00:00.000Z',
      searchTokens: ['ghost', 'customer'],
    });
    const fresh = harness(support.token);
    await fresh.engine.sync();
    const foreign = Buffer.from('v1.someotherdb.5').toString('base64url');
    await db.setMeta('cursor', foreign);

    const progress = await engine.sync();

    expect(progress.state).toBe('idle');
    expect(await db.customers.get('gone-from-the-server')).toBeUndefined();
    expect(await db.customers.count()).toBe(await fresh.db.customers.count());
    expect(await db.getMeta('cursor')).toBe(await fresh.db.getMeta('cursor'));
    expect(await db.notes.get(note.id)).toBeDefined();
  });

  it('stops on a rejected token without retrying on every alarm', async () => {
    const { db, engine, requests } = harness('tb_not-a-real-token-at-all-0000000000000000000');
    const progress = await engine.sync();
    expect(progress).toMatchObject({
      state: 'error',
      lastError: TOKEN_REJECTED_MESSAGE,
      authRejected: true,
    });
    expect(progress.nextRetryAt).toBeUndefined();
    const made = requests.length;

    await engine.sync();
    await engine.sync();
    expect(requests.length).toBe(made);
    expect(await db.getMeta('sync')).toMatchObject({ state: 'error', authRejected: true });
  });

  it('runs once for callers that ask while it runs (single flight)', async () => {
    const { engine, requests } = harness(support.token);
    const [a, b, c] = await Promise.all([engine.sync(), engine.sync(), engine.sync()]);
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    const solo = harness(support.token);
    await solo.engine.sync();
    expect(requests).toEqual(solo.requests);
  });

  it('goes offline with a growing, capped backoff while the server is down, then resumes', async () => {
    let now = Date.parse('2026-11-23T12:00:00.000Z');
    const { db, engine, requests } = harness(sales.token, { now: () => now, random: () => 1 });
    await engine.sync();

    await server.stop();
    let stopped = true;
    try {
      const note = await saveNote(db, {
        customerId: janeId,
        channel: 'chat',
        body: 'Written while the server was down',
        visibility: 'team',
        me: { id: sales.colleagueId },
      });
      const delays: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const progress = await engine.sync({ force: true });
        expect(progress.state).toBe('offline');
        expect(progress.lastError).toContain(server.url);
        delays.push(Date.parse(progress.nextRetryAt ?? '') - now);
      }
      expect(delays).toEqual([BACKOFF_BASE_MS, 2 * BACKOFF_BASE_MS, 4 * BACKOFF_BASE_MS]);

      // The alarm does nothing before the retry time.
      const made = requests.length;
      now += 19_000;
      await engine.sync();
      expect(requests.length).toBe(made);

      // Many failures later, the wait stops growing at the cap.
      const progress = (await db.getMeta('sync')) as SyncProgress;
      await db.setMeta('sync', { ...progress, failures: 30, nextRetryAt: undefined });
      const capped = await engine.sync();
      expect(Date.parse(capped.nextRetryAt ?? '') - now).toBe(BACKOFF_CAP_MS);
      expect(await db.notes.get(note.id)).toMatchObject({ status: 'pending' });

      await server.restart();
      stopped = false;
      now += BACKOFF_CAP_MS + 1;
      const resumed = await engine.sync();
      expect(resumed.state).toBe('idle');
      expect(resumed.nextRetryAt).toBeUndefined();
      expect(resumed.failures).toBeUndefined();
      expect(await db.notes.get(note.id)).toMatchObject({ status: 'synced' });
    } finally {
      if (stopped) await server.restart();
    }
  });

  it('runs again after the running sync when a note is saved during its pull', async () => {
    let releasePull: () => void = () => undefined;
    const pullGate = new Promise<void>((resolve) => {
      releasePull = resolve;
    });
    let pulls = 0;
    const { db, engine } = harness(sales.token, {
      fetch: async (input, init) => {
        if (String(input).includes('/v1/sync/pull') && ++pulls === 1) await pullGate;
        return fetch(input, init);
      },
    });
    const first = engine.sync();
    await expect.poll(() => pulls).toBe(1); // the first run has pushed and is pulling now
    const note = await saveNote(db, {
      customerId: janeId,
      channel: 'note',
      body: 'Saved while a sync was pulling',
      visibility: 'team',
      me: { id: sales.colleagueId },
    });
    const forced = engine.sync({ force: true });
    releasePull();

    await first;
    expect((await forced).state).toBe('idle');
    expect(await db.notes.get(note.id)).toMatchObject({ status: 'synced' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('writes nothing while paused (sign out clears the cache meanwhile), then runs again', async () => {
    const { db, engine, requests } = harness(support.token);
    const running = engine.sync();
    const resume = await engine.pause();
    await running;
    await db.clearAll();
    await engine.sync({ force: true });
    expect(await db.customers.count()).toBe(0);
    expect(await db.getMeta('cursor')).toBeUndefined();
    const made = requests.length;

    resume();
    expect((await engine.sync()).state).toBe('idle');
    expect(requests.length).toBeGreaterThan(made);
    expect(await db.customers.count()).toBeGreaterThan(0);
  });

  it('reports offline without a request when the browser says it is offline', async () => {
    const { engine, requests } = harness(support.token, { isOnline: () => false });
    const progress = await engine.sync({ force: true });
    expect(progress.state).toBe('offline');
    expect(requests).toEqual([]);
  });
});

describe('the server’s configuration (adapter kill switch)', () => {
  /** storage.local, where the worker caches it for the content script and the options page */
  const local = new Map<string, unknown>();
  let admin: Store;

  beforeAll(() => {
    vi.stubGlobal('chrome', {
      storage: {
        local: {
          get: async (keys: string[]) =>
            Object.fromEntries(keys.filter((key) => local.has(key)).map((k) => [k, local.get(k)])),
          set: async (items: Record<string, unknown>) => {
            for (const [key, value] of Object.entries(items)) local.set(key, value);
          },
        },
      },
    });
    admin = openStore({ sqliteFile: server.dbFile });
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await admin?.close();
  });

  /** An engine as the worker builds one, recording each /v1/config answer's status. */
  function configHarness(fetchConfig?: typeof fetch) {
    const statuses: number[] = [];
    const built = harness(support.token, {
      serverConfig: settingsConfigCache,
      fetch: async (input, init) => {
        if (!String(input).endsWith('/v1/config')) return fetch(input, init);
        const response = await (fetchConfig ?? fetch)(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    return { ...built, statuses };
  }
  const cached = () => getSettings('disabledAdapters', 'serverConfigTag');

  it('reaches storage on the next sync, then costs a 304 while nothing changes', async () => {
    await disableAdapter(admin, 'linkedin', 'Profile markup changed');
    const { engine, requests, statuses } = configHarness();

    expect((await engine.sync()).state).toBe('idle');
    expect(requests[0]).toBe('/v1/config'); // before the pull: containing a broken site can't wait
    expect(await cached()).toEqual({
      disabledAdapters: ['linkedin'],
      serverConfigTag: expect.stringMatching(/^".+"$/),
    });

    await engine.sync();
    expect(statuses).toEqual([200, 304]);
    expect((await cached()).disabledAdapters).toEqual(['linkedin']);

    await enableAdapter(admin, 'linkedin');
    await engine.sync();
    expect(statuses).toEqual([200, 304, 200]);
    expect((await cached()).disabledAdapters).toEqual([]);
  });

  it('keeps the cached list when the server fails it or cannot be reached', async () => {
    await disableAdapter(admin, 'gmail');
    const working = configHarness();
    await working.engine.sync();
    expect((await cached()).disabledAdapters).toEqual(['gmail']);

    // An older server without the endpoint, or one failing it: the rest of the sync still runs.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const status of [404, 503]) {
      const failing = configHarness(async () =>
        Response.json({ error: { code: 'x', message: 'no' } }, { status }),
      );
      expect((await failing.engine.sync()).state).toBe('idle');
      expect(failing.requests).toContain('/v1/sync/pull');
      expect((await cached()).disabledAdapters).toEqual(['gmail']);
    }
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    const unreachable = configHarness(async () => {
      throw new TypeError('fetch failed');
    });
    expect((await unreachable.engine.sync()).state).toBe('offline');
    expect((await cached()).disabledAdapters).toEqual(['gmail']);
    await enableAdapter(admin, 'gmail');
  });
});
