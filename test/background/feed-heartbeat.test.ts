// @vitest-environment happy-dom
/**
 * The sidebar feed's presence side: the sidebar page's heartbeats (FeedClient) reaching the
 * worker's feed (serveSidebarFeeds) as "shown" / "hidden" for the sidebar's tab, and the count of
 * open feeds the worker holds the live stream for. Browser APIs in memory (test/pages/fake-chrome).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import { PRESENCE } from '../../src/protocol';
import { serveSidebarFeeds } from '../../src/sidebar/feed';
import { FeedClient } from '../../src/sidebar/feed-client';
import { type FakeChrome, installFakeChrome } from '../pages/fake-chrome';

const TAB_ID = 7;
let fake: FakeChrome;
let db: TouchbaseDb;
let client: FeedClient | undefined;
const shown = vi.fn<(tabId: number, shown: boolean) => void>();
const openFeeds = vi.fn<(open: number) => void>();

function setVisibility(value: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { value, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  fake = installFakeChrome();
  db = new TouchbaseDb(`feed-${crypto.randomUUID()}`);
  shown.mockReset();
  openFeeds.mockReset();
  // The sidebar iframe's port names its tab, as Chrome's does.
  const addListener = chrome.runtime.onConnect.addListener;
  chrome.runtime.onConnect.addListener = (listener) =>
    addListener((port) => {
      (port.sender as chrome.runtime.MessageSender).tab = { id: TAB_ID } as chrome.tabs.Tab;
      listener(port);
    });
  serveSidebarFeeds({
    db,
    isOwnPage: () => true,
    onNoteSaved: () => {},
    onOpenFeeds: openFeeds,
    onSidebarShown: shown,
  });
});

afterEach(async () => {
  client?.close();
  client = undefined;
  vi.useRealTimers();
  setVisibility('visible');
  await db.delete();
});

test('a shown sidebar beats at once and every heartbeat interval; hidden, it says so once', async () => {
  vi.useFakeTimers({ toFake: ['setInterval'] });
  client = new FeedClient(() => {});
  client.watch(['jane']);
  await vi.waitFor(() => expect(shown).toHaveBeenLastCalledWith(TAB_ID, true));
  expect(openFeeds).toHaveBeenLastCalledWith(1);
  const before = shown.mock.calls.length;
  vi.advanceTimersByTime(PRESENCE.heartbeatMs);
  await vi.waitFor(() => expect(shown.mock.calls.length).toBe(before + 1));

  setVisibility('hidden');
  await vi.waitFor(() => expect(shown).toHaveBeenLastCalledWith(TAB_ID, false));
  const hidden = shown.mock.calls.length;
  vi.advanceTimersByTime(PRESENCE.heartbeatMs * 3);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(shown.mock.calls.length).toBe(hidden); // no heartbeat while hidden
});

test('a collapsed sidebar is not shown; expanding it beats at once', async () => {
  await fake.set('local', { sidebarCollapsed: true });
  client = new FeedClient(() => {});
  client.watch(['jane']);
  await vi.waitFor(() => expect(shown).toHaveBeenCalled());
  expect(shown).not.toHaveBeenCalledWith(TAB_ID, true);
  await fake.set('local', { sidebarCollapsed: false });
  await vi.waitFor(() => expect(shown).toHaveBeenLastCalledWith(TAB_ID, true));
});

test('a closed sidebar is hidden for its tab, and the open feeds count down', async () => {
  client = new FeedClient(() => {});
  await vi.waitFor(() => expect(openFeeds).toHaveBeenLastCalledWith(1));
  client.close();
  client = undefined;
  await vi.waitFor(() => expect(openFeeds).toHaveBeenLastCalledWith(0));
  expect(shown).toHaveBeenLastCalledWith(TAB_ID, false);
});
