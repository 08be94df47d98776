// @vitest-environment happy-dom
// @vitest-environment-options {"url":"https://www.linkedin.com/in/jane-doe-4a1b2c3/"}
import { expect, test, vi } from 'vitest';
import { MAX_CHURN_WAIT_MS } from '../../src/content/page-watcher';
import type { CandidateReport } from '../../src/platform/messaging';

/**
 * The content script's wiring, with the extension APIs it touches stubbed: what it reports as
 * the page changes, the site switch and the administrator's kill switch, the keyboard toggle,
 * and leaving the page when the extension context goes away.
 */
type Listener = (...args: never[]) => unknown;
const storage: Record<string, unknown> = {};
const storageListeners = new Set<Listener>();
const messageListeners = new Set<Listener>();
const reports: CandidateReport[] = [];
const runtime = {
  id: 'touchbase-test' as string | undefined,
  getURL: (path: string) => `about:blank#${path}`,
  lastError: undefined,
  sendMessage(message: { type: string; data: CandidateReport }, callback: (r: unknown) => void) {
    if (message.type === 'reportCandidates') reports.push(message.data);
    callback({ res: { customers: 0 } });
  },
  onMessage: {
    addListener: (listener: Listener) => messageListeners.add(listener),
    removeListener: (listener: Listener) => messageListeners.delete(listener),
  },
};
vi.stubGlobal('chrome', {
  runtime,
  storage: {
    local: {
      get: async (keys: string[]) => Object.fromEntries(keys.map((key) => [key, storage[key]])),
      async set(items: Record<string, unknown>) {
        Object.assign(storage, items);
        const changes = Object.fromEntries(
          Object.entries(items).map(([key, newValue]) => [key, { newValue }]),
        );
        for (const listener of storageListeners)
          (listener as (...a: unknown[]) => void)(changes, 'local');
      },
    },
    onChanged: {
      addListener: (listener: Listener) => storageListeners.add(listener),
      removeListener: (listener: Listener) => storageListeners.delete(listener),
    },
  },
});

const frames = () => new Promise((resolve) => setTimeout(resolve, 60));
const keys = () => reports.map((report) => report.candidates.map((candidate) => candidate.key));
const hosts = () =>
  [...document.documentElement.children].filter((element) => element.localName.startsWith('x-'));
const sendToTab = (type: string) =>
  [...messageListeners].map((listener) =>
    (listener as (...a: unknown[]) => unknown)(
      { id: 1, type, timestamp: Date.now() },
      {},
      () => {},
    ),
  );

test('reports candidates as the page changes, follows the settings and leaves when orphaned', async () => {
  document.body.innerHTML = '<main><section><h1>Jane Doe</h1></section></main>';
  const { startContentScript } = await import('../../src/content/index');
  const { linkedin } = await import('../../src/content/sites/linkedin');
  startContentScript(linkedin);
  await frames();
  expect(keys()).toEqual([['linkedin:jane-doe-4a1b2c3', 'name:jane doe']]);
  expect(hosts()).toHaveLength(1);

  // The keyboard command toggles the remembered collapsed state while the sidebar shows.
  sendToTab('toggleSidebar');
  expect(storage.sidebarCollapsed).toBe(true);

  // The site switched off in the options: the tab is cleared; on again: reported again.
  await chrome.storage.local.set({ sites: { linkedin: false } });
  await frames();
  await chrome.storage.local.set({ sites: {} });
  await frames();
  expect(keys().slice(1)).toEqual([[], ['linkedin:jane-doe-4a1b2c3', 'name:jane doe']]);

  // An admin turned the adapter off (the worker caches GET /v1/config): exactly like the site
  // switch, live, whatever the user's own switch says; turned on again: reported again.
  await chrome.storage.local.set({ disabledAdapters: ['gmail', 'linkedin'] });
  await frames();
  expect(keys().at(-1)).toEqual([]);
  await chrome.storage.local.set({ sites: { linkedin: true } });
  document.body.append(document.createElement('div'));
  await frames();
  expect(keys().slice(3)).toEqual([[]]);
  await chrome.storage.local.set({ disabledAdapters: ['gmail'] });
  await frames();
  expect(keys().slice(3)).toEqual([[], ['linkedin:jane-doe-4a1b2c3', 'name:jane doe']]);

  // SPA navigation to the feed: the previous customer is never left showing.
  history.pushState(null, '', '/feed/');
  document.body.innerHTML = '<main><h1>Main Feed</h1></main>';
  await frames();
  expect(keys().at(-1)).toEqual([]);
  sendToTab('toggleSidebar');
  expect(storage.sidebarCollapsed).toBe(true);

  // The extension was reloaded: the host goes, nothing is reported any more (on a page that
  // keeps changing, within MAX_CHURN_WAIT_MS).
  const reported = reports.length;
  runtime.id = undefined;
  history.pushState(null, '', '/in/omar-haddad/');
  document.body.append(document.createElement('div'));
  await vi.waitFor(() => expect(hosts()).toHaveLength(0), { timeout: 2 * MAX_CHURN_WAIT_MS });
  document.body.append(document.createElement('div'));
  await frames();
  expect(reports).toHaveLength(reported);
  expect(storageListeners.size).toBe(0);
  expect(messageListeners.size).toBe(0);
});
