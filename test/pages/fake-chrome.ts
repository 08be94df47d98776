/**
 * The `chrome` APIs the pages touch, in memory: storage.local / storage.session with change
 * events, tabs.query, runtime.openOptionsPage/getURL/getManifest. The worker is not under test
 * here; messages to it are mocked per test file (see vi.mock of platform/messaging).
 */
import { vi } from 'vitest';

type Listener = (changes: Record<string, chrome.storage.StorageChange>, area: string) => void;

export interface FakeChrome {
  local: Map<string, unknown>;
  session: Map<string, unknown>;
  /** writes like the real API: stores, then tells every onChanged listener */
  set(area: 'local' | 'session', items: Record<string, unknown>): Promise<void>;
  activeTabId: number;
  openOptionsPage: ReturnType<typeof vi.fn>;
}

export function installFakeChrome(): FakeChrome {
  const listeners = new Set<Listener>();
  const stores = { local: new Map<string, unknown>(), session: new Map<string, unknown>() };
  const fake: FakeChrome = {
    local: stores.local,
    session: stores.session,
    async set(area, items) {
      const changes: Record<string, chrome.storage.StorageChange> = {};
      for (const [key, value] of Object.entries(items)) {
        changes[key] = { oldValue: stores[area].get(key), newValue: value };
        stores[area].set(key, value);
      }
      for (const listener of listeners) listener(changes, area);
    },
    activeTabId: 7,
    openOptionsPage: vi.fn(async () => undefined),
  };
  const areaApi = (area: 'local' | 'session') => ({
    async get(keys: string[]) {
      const out: Record<string, unknown> = {};
      for (const key of keys) if (stores[area].has(key)) out[key] = stores[area].get(key);
      return out;
    },
    set: (items: Record<string, unknown>) => fake.set(area, items),
  });
  (globalThis as unknown as { chrome: unknown }).chrome = {
    storage: {
      local: areaApi('local'),
      session: areaApi('session'),
      onChanged: {
        addListener: (listener: Listener) => listeners.add(listener),
        removeListener: (listener: Listener) => listeners.delete(listener),
      },
    },
    tabs: { query: async () => [{ id: fake.activeTabId }] },
    windows: { create: vi.fn(async () => ({})) },
    runtime: {
      openOptionsPage: fake.openOptionsPage,
      getURL: (path: string) => `chrome-extension://test/${path}`,
      getManifest: () => ({}),
    },
    permissions: { request: vi.fn(async () => true) },
  };
  return fake;
}
