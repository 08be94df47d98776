/**
 * Issue 7, item 1: a hostile page. A Gmail thread whose own script (see the fixture) patches the
 * prototypes our sidebar host uses, forges @webext-core/messaging messages and DOM events, reaches
 * for the sidebar host and its frames, and floods the DOM, from before the content script starts
 * until after the sidebar shows. The real API (SQLite) sits behind a counting proxy, so every
 * request the extension makes while the page runs is seen. Steps run in order.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  type Harness,
  openOptionsAndConnect,
  type Profile,
  pageDomText,
  readSyncState,
  type SyncSnapshot,
  sidebarFrame,
  startHarness,
  syncNow,
  waitUntil,
} from './harness';
import { apiClient } from './harness/api';

const FIXTURE = 'gmail/2026-12-02-hostile-thread.html';
const CUSTOMER = {
  externalId: 'crm-7001',
  // The page shows the name and address; the rest is known only to the ledger.
  name: 'Tomasz Brenner',
  email: 'tomasz.brenner@kestrel-freight.eu',
  company: 'Kestrel Freight Consolidated',
  tier: 'Platinum Corridor',
};
const USER = { name: 'Ravi Okonkwo', email: 'ravi.okonkwo@northwind.io', department: 'Sales' };
const COLLEAGUE = {
  name: 'Ingrid Vasquez-Holm',
  email: 'ingrid.vasquez-holm@northwind.io',
  department: 'Support',
};
const TEAM_SUMMARY = 'Customs paperwork for the Gdansk lane resolved, reefer surcharge waived';
const RESTRICTED_SUMMARY = 'Penalty clause disputed: legal holds 120k EUR in reserve';

/** Strings only the ledger knows; none may reach the page in any form. */
const LEDGER_ONLY = [
  CUSTOMER.company,
  CUSTOMER.tier,
  USER.name,
  COLLEAGUE.name,
  TEAM_SUMMARY,
  RESTRICTED_SUMMARY,
];

/**
 * What opening a sidebar costs at the API: the user's "viewing" presence, the live stream, and
 * the syncs its opening starts (one on open, one for the server's poke on connect). A push, a
 * connect (/v1/me, /v1/health) or any other request would be the page driving the extension.
 */
const OPENING_COST = new Set([
  'POST /v1/presence',
  'GET /v1/live',
  'GET /v1/config',
  'GET /v1/sync/pull',
]);
/** Once the sidebar has settled, only presence renewals may follow while the page attacks. */
const SETTLED_COST = new Set(['POST /v1/presence']);

/** Where the page's forged `connect` points (a route of the fixture server that serves nothing). */
const FORGED_SERVER_PATH = '/hostile-api';

/** The fixture script's findings (window.__hostile). */
interface HostileReport {
  patched: string[];
  captured: string[];
  capturedDropped: number;
  forgedMessages: number;
  forgedEvents: number;
  mutations: number;
  shadowRoots: number;
  hostsFound: number;
  hostShadowRoots: number;
  iframesFound: number;
  framesReached: number;
  windowLength: number;
  frameDocumentsRead: number;
  ticks: number;
  maxGapMs: number;
  longTasks: number[];
  done: boolean;
}

interface CountingProxy {
  url: string;
  /** `METHOD /path` of every request but CORS preflights, in order */
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of the API that writes down every request it forwards. */
async function startCountingProxy(target: () => string): Promise<CountingProxy> {
  const requests: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', target());
    if (incoming.method !== 'OPTIONS') requests.push(`${incoming.method} ${url.pathname}`);
    const upstream = httpRequest(
      url,
      { method: incoming.method, headers: { ...incoming.headers, host: url.host } },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function sidebarText(frame: Frame): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, on purpose
  return frame.locator('body').innerText();
}

/** Everything the page's origin stores: web storage, cookies, every IndexedDB record, caches. */
function pageOriginStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const indexedDb: unknown[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const database = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of database.objectStoreNames) {
        const request = database.transaction(store).objectStore(store).getAll();
        indexedDb.push(
          await new Promise((resolve, reject) => {
            request.onsuccess = () => resolve({ name, store, rows: request.result });
            request.onerror = () => reject(request.error);
          }),
        );
      }
      database.close();
    }
    return JSON.stringify({
      localStorage: { ...localStorage },
      sessionStorage: { ...sessionStorage },
      cookies: document.cookie,
      indexedDb,
      caches: await caches.keys(),
    });
  });
}

function readSettings(profile: Profile): Promise<Record<string, unknown>> {
  return profile.worker().then((worker) => worker.evaluate(() => chrome.storage.local.get(null)));
}

let server: TestServer;
let harness: Harness;
let proxy: CountingProxy;
let profile: Profile;
let options: Page;
let page: Page;
let hostile: HostileReport;
let settingsBefore: Record<string, unknown>;
let syncBefore: SyncSnapshot | null;
let requestsBefore: number;
let requestsSettled: number;
let forgedWhenSettled: number;

function hostileReport(target: Page): Promise<HostileReport> {
  return target.evaluate(() => (window as unknown as { __hostile: HostileReport }).__hostile);
}

/** Waits until the proxy has seen no request for `quietMs`; a page driving syncs never lets it. */
async function apiQuiet(quietMs: number, timeoutMs: number): Promise<void> {
  let count = -1;
  let since = Date.now();
  await waitUntil(
    'the API to go quiet',
    () => {
      if (proxy.requests.length !== count) {
        count = proxy.requests.length;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  [server, harness] = await Promise.all([startTestServer(), startHarness()]);
  proxy = await startCountingProxy(() => server.url);
  const user = await server.addUser(USER);
  await server.addUser(COLLEAGUE);

  // Seed through the API's endpoints, as a CRM and a helpdesk would.
  const admin = apiClient(server.url, server.adminToken);
  const customers = await admin.upsertCustomers({
    customers: [
      {
        externalId: CUSTOMER.externalId,
        name: CUSTOMER.name,
        kind: 'person',
        company: CUSTOMER.company,
        tier: CUSTOMER.tier,
        identities: [{ kind: 'email', value: CUSTOMER.email }],
      },
    ],
  });
  expect(customers.results.map((r) => r.ok)).toEqual([true]);
  const occurredAt = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const engagements = await admin.ingestEngagements({
    engagements: [
      {
        externalId: 'zd-7001',
        source: 'helpdesk',
        customer: { externalId: CUSTOMER.externalId },
        colleagueEmail: COLLEAGUE.email,
        channel: 'ticket',
        direction: 'inbound',
        occurredAt: occurredAt(2),
        summary: TEAM_SUMMARY,
        visibility: 'team',
      },
      {
        externalId: 'zd-7002',
        source: 'helpdesk',
        customer: { externalId: CUSTOMER.externalId },
        colleagueEmail: COLLEAGUE.email,
        channel: 'ticket',
        direction: 'inbound',
        occurredAt: occurredAt(1),
        summary: RESTRICTED_SUMMARY,
        visibility: 'restricted',
      },
    ],
  });
  expect(engagements.results.map((r) => r.ok)).toEqual([true, true]);

  profile = await harness.launch('hostile');
  options = await openOptionsAndConnect(profile, proxy.url, user.token);
  await syncNow(options);
});

afterAll(async () => {
  await harness?.close();
  await proxy?.close();
  await server?.stop();
});

describe('a hostile Gmail page', () => {
  test('the sidebar still shows the customer while the page attacks', async () => {
    // Only a forged message could start a sync while the page runs: stop the periodic one (this
    // profile is not used after this file).
    const worker = await profile.worker();
    expect(await worker.evaluate(() => chrome.alarms.clear('sync'))).toBe(true);
    settingsBefore = await readSettings(profile);
    syncBefore = await readSyncState(options);
    requestsBefore = proxy.requests.length;

    const url = await harness.sites.serveFixture(FIXTURE);
    page = await profile.context.newPage();
    await page.goto(url);
    await page.bringToFront();
    const frame = await sidebarFrame(page, profile);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(TEAM_SUMMARY);
    const text = await sidebarText(frame);
    expect(text).toContain(CUSTOMER.company);
    expect(text).toContain(COLLEAGUE.name);
    expect(text).toContain('Details restricted');
    expect(text).not.toContain(RESTRICTED_SUMMARY);
    // The sidebar's opening cost has reached the API; the page keeps attacking from here.
    await apiQuiet(1_000, 4_000);
    requestsSettled = proxy.requests.length;
    forgedWhenSettled = (await hostileReport(page)).forgedMessages;

    hostile = await waitUntil(
      'the page to finish its attack',
      async () => {
        const report = await hostileReport(page);
        return report.done ? report : undefined;
      },
      30_000,
    );
    // The attack really happened, and really reached the sidebar host and its frame.
    expect(hostile.patched).toHaveLength(9);
    expect(hostile.forgedMessages).toBeGreaterThan(1000);
    expect(hostile.mutations).toBeGreaterThan(100_000);
    expect(hostile.forgedMessages).toBeGreaterThan(forgedWhenSettled);
    expect(hostile.hostsFound).toBe(1);
    expect(hostile.capturedDropped).toBe(0);
    console.info(
      `hostile page: ${hostile.patched.length} functions patched, ${hostile.forgedMessages} ` +
        `messages forged, ${hostile.forgedEvents} events forged, ${hostile.mutations} nodes ` +
        `added or removed, heartbeat ${hostile.ticks} ticks with a longest gap of ` +
        `${Math.round(hostile.maxGapMs)} ms, long tasks (ms): [${hostile.longTasks.join(', ')}]`,
    );
    // Still there after the flood.
    expect(await sidebarText(frame)).toContain(CUSTOMER.company);
  });

  test('the page got no privileged action', async () => {
    // Let anything a forged message could have started reach the API first.
    await page.waitForTimeout(1_000);
    const visit = proxy.requests.slice(requestsBefore);
    expect(visit.filter((request) => !OPENING_COST.has(request))).toEqual([]);
    expect(visit.filter((request) => request === 'GET /v1/sync/pull').length).toBeLessThanOrEqual(
      2,
    );
    const settled = proxy.requests.slice(requestsSettled);
    expect(settled.filter((request) => !SETTLED_COST.has(request))).toEqual([]);
    // No sync but the opening's, nothing waits to be pushed, no setting moved (server, token, sites, sidebar).
    const sync = await readSyncState(options);
    expect({ ...sync, lastSyncedAt: undefined }).toEqual({
      ...syncBefore,
      lastSyncedAt: undefined,
    });
    expect(await readSettings(profile)).toEqual(settingsBefore);
    const engagements = await apiClient(server.url, server.adminToken).allEngagements();
    expect(engagements.filter((e) => e.source === 'touchbase')).toEqual([]);
    // The forged `connect` never reached the server it named.
    const forged = harness.sites.requests.filter((r) => r.path.startsWith(FORGED_SERVER_PATH));
    expect(forged).toEqual([]);
  });

  test('no ledger text reached the page', async () => {
    const dom = await pageDomText(page);
    const captured = hostile.captured.join('\n');
    const storage = await pageOriginStorage(page);
    for (const text of LEDGER_ONLY) {
      expect(dom, `page DOM contains "${text}"`).not.toContain(text);
      expect(captured, `the page's patched functions saw "${text}"`).not.toContain(text);
      expect(storage, `the page origin's storage holds "${text}"`).not.toContain(text);
    }
    // The host's closed root and the sidebar's frame stayed out of reach: the page's
    // attachShadow never saw ours, and a frame inside a shadow tree is not in window.frames.
    expect(hostile.shadowRoots).toBe(0);
    expect(hostile.hostShadowRoots).toBe(0);
    expect(hostile.iframesFound).toBe(0);
    expect(hostile.windowLength).toBe(0);
    expect(hostile.framesReached).toBe(0);
    expect(hostile.frameDocumentsRead).toBe(0);
  });

  test('the page stayed responsive', () => {
    expect(hostile.ticks).toBeGreaterThan(100);
    expect(hostile.maxGapMs).toBeLessThan(500);
  });

  test('no page of the profile reported an error', () => {
    expect(profile.errors).toEqual([]);
  });
});
