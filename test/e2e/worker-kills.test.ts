/**
 * Issue 7, item 2: the service worker stopped at random points (CDP ServiceWorker.stopAllWorkers,
 * as Chrome does when it idles) during a large initial sync and during pushes of many notes
 * written in the popup, in a real Chromium against the real API on SQLite. After the faults the
 * cache must equal a full pull from the server, and every note must be on the server once.
 *
 * The extension talks to the server through a loopback proxy that holds each initial-sync page
 * until the test lets it through, so every kill lands inside the initial sync at a point the
 * seeded PRNG picks: a page on the wire, a page being written (a random delay after it was let
 * through), or between pages (once its cursor is stored). Always on: ~10k ledger rows, 6 kills in the initial sync, 60 notes.
 * TOUCHBASE_TORTURE=1: ~50k rows, 24 kills, 500 notes. TOUCHBASE_TORTURE_SEED replays a run.
 */
import type { IncomingMessage } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CustomerInput, EngagementInput } from '../../src/protocol';
import { type Ledger, ledgerDigest, pullLedger } from '../helpers/ledger';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  type FaultProxy,
  seededRandom,
  startFaultProxy,
  type Upstream,
} from '../reliability/fault-proxy';
import {
  type Harness,
  openOptionsAndConnect,
  POPUP_PATH,
  type Profile,
  startHarness,
  stopServiceWorker,
  syncNow,
  waitUntil,
} from './harness';
import { apiClient } from './harness/api';

const HEAVY = process.env.TOUCHBASE_TORTURE === '1';
const SEED = Number(process.env.TOUCHBASE_TORTURE_SEED ?? 20261202);
/** customers (one identity each) and engagements per customer: ~10k / ~50k rows in total */
const CUSTOMERS = HEAVY ? 10_000 : 2_000;
const ENGAGEMENTS_PER_CUSTOMER = 3;
const INITIAL_SYNC_KILLS = HEAVY ? 24 : 6;
const NOTES = HEAVY ? 500 : 60;
const NOTE_CHUNK = HEAVY ? 20 : 10;
const BATCH = 1000;
/** how long after letting a page through a kill may come: writing 5,000 rows takes about this */
const WRITE_WINDOW_MS = 800;

const MEMBER = { name: 'Kai Brandt', email: 'kai.brandt@northwind.io', department: 'Sales' };

const random = seededRandom(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomDelay = (maxMs: number) => sleep(Math.floor(random() * maxMs));

let server: TestServer;
let proxy: FaultProxy;
let harness: Harness;
let profile: Profile;
let optionsPage: Page;
let memberToken: string;
const gate = pullGate();
const figures = {
  rows: 0,
  killsWithPageOnWire: 0,
  killsWhileWritingPage: 0,
  killsBetweenPages: 0,
  pagesWrittenBetweenKills: 0,
  pushKills: 0,
  notesOnServer: 0,
  notesLost: 0,
  notesDuplicated: 0,
};
const startedAt = Date.now();

/** The same three tables as the profile's IndexedDB holds them, read from an extension page. */
function cachedLedger(page: Page): Promise<Record<keyof Ledger, Record<string, unknown>[]>> {
  return page.evaluate(async () => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('touchbase');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const all = (table: string) =>
        new Promise<Record<string, unknown>[]>((resolve, reject) => {
          const request = database.transaction(table).objectStore(table).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      return {
        // searchTokens is the cache's own index for the type-ahead, not ledger data
        customers: (await all('customers')).map(({ searchTokens: _, ...customer }) => customer),
        identities: await all('identities'),
        engagements: await all('engagements'),
      };
    } finally {
      database.close();
    }
  });
}

interface LocalState {
  state?: string;
  initial?: boolean;
  cursor?: string;
  outbox: number;
  notes: Record<string, number>;
}

/** The sync progress and cursor, outbox size and notes by status, straight from IndexedDB. */
function localState(page: Page): Promise<LocalState> {
  return page.evaluate(async () => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('touchbase');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const read = <T>(request: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const transaction = database.transaction(['meta', 'outbox', 'notes']);
      const sync = (await read(transaction.objectStore('meta').get('sync')))?.value;
      const cursor = (await read(transaction.objectStore('meta').get('cursor')))?.value;
      const outbox = await read(transaction.objectStore('outbox').count());
      const notes: Record<string, number> = {};
      for (const note of await read(transaction.objectStore('notes').getAll())) {
        notes[note.status] = (notes[note.status] ?? 0) + 1;
      }
      return { state: sync?.state, initial: sync?.initial, cursor, outbox, notes };
    } finally {
      database.close();
    }
  });
}

interface HeldPull {
  last: boolean;
  release: () => void;
  /** the client's connection is gone: its worker was stopped */
  gone: () => boolean;
}

/**
 * Holds the server's answers to the initial sync's pulls until the test lets them through, so
 * the test chooses where each kill lands: while a page is on the wire, or while it is being
 * written. The last page waits until `openAll`, so the sync cannot finish before the kills are
 * over. A held answer whose client died (its worker was stopped) is dropped from the count.
 */
function pullGate() {
  let open = false;
  const held = new Set<HeldPull>();
  const letGo = (pull: HeldPull) => {
    held.delete(pull);
    pull.release();
  };
  return {
    beforeReply: async (request: IncomingMessage, upstream: Upstream) => {
      if (open || request.method !== 'GET' || !request.url?.startsWith('/v1/sync/pull')) return;
      const last = upstream.status === 200 && JSON.parse(String(upstream.body)).hasMore === false;
      await new Promise<void>((release) => {
        const pull = { last, release, gone: () => request.socket.destroyed };
        held.add(pull);
        request.socket.once('close', () => letGo(pull));
      });
    },
    /** live pulls waiting for an answer now */
    get waiting() {
      return [...held].filter((pull) => !pull.gone()).length;
    },
    /** Lets the live waiting pages through, except the last one; returns how many went. */
    letThrough(): number {
      const pages = [...held].filter((pull) => !pull.last && !pull.gone());
      for (const pull of pages) letGo(pull);
      return pages.length;
    },
    openAll() {
      open = true;
      for (const pull of [...held]) letGo(pull);
    },
  };
}

/** Writes a note in the popup as a user would: type it, Ctrl+Enter, wait for the form to clear. */
async function writeNote(popup: Page, body: string): Promise<void> {
  const field = popup.getByLabel('Note', { exact: true });
  await field.fill(body);
  await field.press('Control+Enter');
  await waitUntil('the note form to clear', async () => (await field.inputValue()) === '');
}

/** Opens the popup on its own (no customer on that tab) and picks `name` from its search. */
async function popupForCustomer(name: string): Promise<Page> {
  const popup = await profile.context.newPage();
  await popup.goto(profile.extensionUrl(POPUP_PATH));
  await popup.getByLabel('Find a customer').fill(name);
  await popup
    .getByRole('option', { name: new RegExp(`^${name}\\b`) })
    .first()
    .dispatchEvent('mousedown');
  await popup.getByRole('radio', { name: new RegExp(`^${name}\\b`) }).check();
  return popup;
}

/**
 * Stops the worker (CDP, as Chrome does when it idles); the user's next "Sync now" is what
 * starts it again.
 */
const killWorker = () => stopServiceWorker(profile, optionsPage, startSync);

/** "Sync now" as a user would, without waiting: the run is what the next kill interrupts. */
async function startSync(): Promise<void> {
  await optionsPage
    .getByRole('button', { name: 'Sync now', exact: true })
    .click({ timeout: 20_000 });
}

async function seedLedger(): Promise<void> {
  const admin = apiClient(server.url, server.adminToken);
  for (let start = 0; start < CUSTOMERS; start += BATCH) {
    const customers: CustomerInput[] = [];
    const engagements: EngagementInput[] = [];
    for (let i = start; i < Math.min(start + BATCH, CUSTOMERS); i++) {
      customers.push({
        externalId: `crm-${i}`,
        name: `Customer ${i}`,
        kind: 'person',
        company: `Company ${i % 97}`,
        identities: [{ kind: 'email', value: `customer-${i}@kills.test` }],
      });
      for (let j = 0; j < ENGAGEMENTS_PER_CUSTOMER; j++) {
        engagements.push({
          externalId: `eng-${i}-${j}`,
          source: 'crm',
          customer: { externalId: `crm-${i}` },
          colleagueEmail: MEMBER.email,
          channel: 'email',
          direction: 'inbound',
          occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + j * 1000).toISOString(),
          summary: `Thread ${j} with customer ${i}`,
          // some restricted rows: the cache must hold what this member may see, nothing more
          visibility: j === 2 ? 'restricted' : 'team',
        });
      }
    }
    const upserted = await admin.upsertCustomers({ customers });
    expect(upserted.results.every((result) => result.ok)).toBe(true);
    for (let offset = 0; offset < engagements.length; offset += BATCH) {
      const ingested = await admin.ingestEngagements({
        engagements: engagements.slice(offset, offset + BATCH),
      });
      expect(ingested.results.every((result) => result.ok)).toBe(true);
    }
  }
}

describe(`the service worker killed at random points (seed ${SEED}${HEAVY ? ', heavy' : ''})`, () => {
  beforeAll(async () => {
    server = await startTestServer({ env: { TOUCHBASE_RATE_LIMIT: '1000' } });
    memberToken = (await server.addUser(MEMBER)).token;
    await seedLedger();
    proxy = await startFaultProxy({
      target: server.url,
      seed: SEED,
      faultRate: 0,
      beforeReply: gate.beforeReply,
    });
    harness = await startHarness();
    profile = await harness.launch('kills');
  }, 180_000);

  afterAll(async () => {
    gate.openAll();
    await harness?.close();
    await proxy?.close();
    await server?.stop();
    console.info(
      `worker kills: ${JSON.stringify({ seed: SEED, heavy: HEAVY, ...figures, seconds: Math.round((Date.now() - startedAt) / 1000) })}`,
    );
  });

  test('the initial sync survives the kills and the cache equals the server', async () => {
    const server_ = await pullLedger(server.url, memberToken);
    figures.rows =
      server_.customers.length + server_.identities.length + server_.engagements.length;
    expect(figures.rows).toBeGreaterThanOrEqual(CUSTOMERS * (2 + ENGAGEMENTS_PER_CUSTOMER));

    // Connecting starts the initial sync; kill it, resume it, kill it again.
    optionsPage = await openOptionsAndConnect(profile, proxy.url, memberToken);
    let cursor = (await localState(optionsPage)).cursor;
    for (let kill = 0; kill < INITIAL_SYNC_KILLS; kill++) {
      await waitUntil('the sync asking for its next page', () => gate.waiting > 0, 30_000);
      const where = random();
      if (where < 0.3 || gate.letThrough() === 0) {
        await randomDelay(100);
        figures.killsWithPageOnWire += 1;
      } else if (where < 0.65) {
        await randomDelay(WRITE_WINDOW_MS);
        figures.killsWhileWritingPage += 1;
      } else {
        // the page is written and the next one asked for (or only the last page is left, held):
        // the kill lands between pages
        await waitUntil(
          'the page written',
          async () =>
            (await localState(optionsPage)).cursor !== cursor ||
            (gate.waiting > 0 && gate.letThrough() === 0),
          60_000,
        );
        await randomDelay(100);
        figures.killsBetweenPages += 1;
      }
      const before = await localState(optionsPage);
      expect(before.initial, 'the kill lands inside the initial sync').not.toBe(false);
      if (before.cursor !== cursor) figures.pagesWrittenBetweenKills += 1;
      cursor = before.cursor;
      await killWorker();
    }
    gate.openAll();
    await syncNow(optionsPage);

    expect(ledgerDigest(await cachedLedger(optionsPage))).toEqual(ledgerDigest(server_));
  }, 600_000);

  test('notes written in the popup and pushed under kills arrive exactly once', async () => {
    const popup = await popupForCustomer(`Customer ${CUSTOMERS - 1}`);
    const bodies = Array.from({ length: NOTES }, (_, i) => `Kill-test note ${i} (seed ${SEED})`);
    for (let offset = 0; offset < NOTES; offset += NOTE_CHUNK) {
      // each save asks the worker to push, so the kill below lands among those pushes
      for (const body of bodies.slice(offset, offset + NOTE_CHUNK)) await writeNote(popup, body);
      await randomDelay(200);
      await killWorker();
      figures.pushKills += 1;
    }
    await syncNow(optionsPage);
    await syncNow(optionsPage);

    const local = await localState(optionsPage);
    expect(local.outbox).toBe(0);
    expect(local.notes).toEqual({ synced: NOTES });

    const ledger = await pullLedger(server.url, memberToken);
    const onServer = ledger.engagements.filter((row) => row.source === 'touchbase');
    const copies = new Map<string, number>();
    for (const row of onServer)
      copies.set(String(row.summary), (copies.get(String(row.summary)) ?? 0) + 1);
    figures.notesOnServer = onServer.length;
    figures.notesLost = bodies.filter((body) => !copies.has(body)).length;
    figures.notesDuplicated = bodies.filter((body) => (copies.get(body) ?? 0) > 1).length;
    expect(figures.notesLost).toBe(0);
    expect(figures.notesDuplicated).toBe(0);
    expect(onServer).toHaveLength(NOTES);

    expect(ledgerDigest(await cachedLedger(optionsPage))).toEqual(ledgerDigest(ledger));
  }, 600_000);
});
