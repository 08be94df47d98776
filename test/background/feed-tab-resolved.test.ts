// @vitest-environment happy-dom
/**
 * The worker starts a sidebar's snapshot as soon as its tab's customers are resolved
 * (SidebarFeeds.tabResolved), before the sidebar has read the new tab state and asked; the
 * sidebar's own ask for the same customers then changes nothing. Browser APIs in memory
 * (test/pages/fake-chrome), the feed and the cache for real over fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import type { TabState } from '../../src/platform/messaging';
import { type SidebarFeeds, type SidebarSnapshot, serveSidebarFeeds } from '../../src/sidebar/feed';
import { FeedClient } from '../../src/sidebar/feed-client';
import { installFakeChrome } from '../pages/fake-chrome';
import { JANE, JANET } from '../pages/seed';

const TAB_ID = 7;
let db: TouchbaseDb;
let feeds: SidebarFeeds;
let client: FeedClient | undefined;
let snapshots: SidebarSnapshot[];

function tabState(tabId: number, customerIds: string[]): TabState {
  return {
    tabId,
    site: 'gmail',
    url: 'https://mail.google.com/mail/u/0/#inbox/abc',
    // The second is the page's focus: the sidebar lists (and watches) it first.
    matches: customerIds.map((customerId, index) => ({
      customerId,
      keys: [`email:${customerId}@acme.example`],
      evidence: 'exact',
      focus: index === 1,
    })),
    unmatched: [],
    updatedAt: new Date().toISOString(),
  };
}

const shownIds = (snapshot: SidebarSnapshot | undefined) =>
  snapshot?.customers.map((view) => view.customer.id);

beforeEach(async () => {
  installFakeChrome();
  db = new TouchbaseDb(`feed-${crypto.randomUUID()}`);
  await db.customers.bulkPut([JANE, JANET]);
  snapshots = [];
  const addListener = chrome.runtime.onConnect.addListener;
  chrome.runtime.onConnect.addListener = (listener) =>
    addListener((port) => {
      (port.sender as chrome.runtime.MessageSender).tab = { id: TAB_ID } as chrome.tabs.Tab;
      listener(port);
    });
  feeds = serveSidebarFeeds({ db, isOwnPage: () => true, onNoteSaved: () => {} });
  client = new FeedClient((snapshot) => snapshots.push(snapshot));
  client.watch([]);
  await expect.poll(() => snapshots.length).toBe(1);
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await db.delete();
});

test("the tab's new customers reach its sidebar without the sidebar asking", async () => {
  feeds.tabResolved(tabState(TAB_ID, [JANE.id, JANET.id]));
  await expect.poll(() => shownIds(snapshots.at(-1))).toEqual([JANET.id, JANE.id]);

  // The sidebar, having read the same state, asks for what it already has: no new query.
  const served = snapshots.length;
  client?.watch([JANET.id, JANE.id]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(snapshots.length).toBe(served);

  // It asks for something else: it gets that.
  client?.watch([JANE.id]);
  await expect.poll(() => shownIds(snapshots.at(-1))).toEqual([JANE.id]);
});

test("another tab's customers never reach this sidebar", async () => {
  feeds.tabResolved(tabState(TAB_ID + 1, [JANE.id, JANET.id]));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(snapshots.map(shownIds)).toEqual([[]]);
});
