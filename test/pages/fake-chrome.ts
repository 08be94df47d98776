/**
 * The `chrome` APIs the pages touch, in memory: storage.local / storage.session with change
 * events, tabs.query/get/reload, runtime.openOptionsPage/getURL/getManifest, permissions (host
 * origins granted at runtime, with the prompt's answer and change events), and runtime ports (the
 * sidebar feed's real worker side runs in the test against the real cache). The worker's message
 * handlers are not under test here; messages are mocked per test file (vi.mock of messaging).
 */
import { vi } from 'vitest';

type Listener = (changes: Record<string, chrome.storage.StorageChange>, area: string) => void;
type PortListener = (port: chrome.runtime.Port) => void;
type PermissionsListener = (permissions: chrome.permissions.Permissions) => void;

/** The URL our own pages connect from; a content script's port carries the host page's URL. */
export const SIDEBAR_URL = 'chrome-extension://test/src/sidebar/index.html';

export interface FakeChrome {
  local: Map<string, unknown>;
  session: Map<string, unknown>;
  /** writes like the real API: stores, then tells every onChanged listener */
  set(area: 'local' | 'session', items: Record<string, unknown>): Promise<void>;
  activeTabId: number;
  /** the active tab's URL as the popup may read it (activeTab); undefined: a browser page */
  activeTabUrl: string | undefined;
  reloadTab: ReturnType<typeof vi.fn>;
  /** host origins granted at runtime (optional host permissions) */
  granted: Set<string>;
  /** the user's answer to the permission prompt (default: allow) */
  permissionPrompt: ReturnType<typeof vi.fn<(origins: string[]) => Promise<boolean>>>;
  openOptionsPage: ReturnType<typeof vi.fn>;
  /** the URL runtime.connect reports as the sender (default: the sidebar page) */
  connectFrom: string;
  /** the worker-side ends of open ports, to simulate the worker stopping */
  workerPorts: Set<chrome.runtime.Port>;
}

/**
 * Two connected port ends, like runtime.connect/onConnect: messages are structured-cloned and
 * delivered asynchronously; disconnecting one end fires onDisconnect on the other.
 */
function portPair(
  name: string,
  senderUrl: string,
  onClosed: () => void,
): [chrome.runtime.Port, chrome.runtime.Port] {
  interface End {
    sender?: chrome.runtime.MessageSender;
    messageListeners: Set<(message: unknown) => void>;
    disconnectListeners: Set<() => void>;
    connected: boolean;
    peer: End;
    port: chrome.runtime.Port;
  }
  const make = (sender?: chrome.runtime.MessageSender): End =>
    ({
      sender,
      messageListeners: new Set(),
      disconnectListeners: new Set(),
      connected: true,
    }) as End;
  const page = make();
  const worker = make({ url: senderUrl, id: 'test' });
  page.peer = worker;
  worker.peer = page;
  for (const end of [page, worker]) {
    end.port = {
      name,
      sender: end.sender,
      postMessage(message: unknown) {
        if (!end.connected) throw new Error('Attempting to use a disconnected port object');
        const copy = structuredClone(message);
        setTimeout(() => {
          if (end.peer.connected) for (const listener of end.peer.messageListeners) listener(copy);
        });
      },
      disconnect() {
        if (!end.connected) return;
        end.connected = false;
        end.peer.connected = false;
        onClosed();
        setTimeout(() => {
          for (const listener of end.peer.disconnectListeners) listener();
        });
      },
      onMessage: {
        addListener: (listener: (message: unknown) => void) => end.messageListeners.add(listener),
      },
      onDisconnect: {
        addListener: (listener: () => void) => end.disconnectListeners.add(listener),
      },
    } as unknown as chrome.runtime.Port;
  }
  return [page.port, worker.port];
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
    activeTabUrl: undefined,
    reloadTab: vi.fn(async () => undefined),
    granted: new Set(),
    permissionPrompt: vi.fn(async () => true),
    openOptionsPage: vi.fn(async () => undefined),
    connectFrom: SIDEBAR_URL,
    workerPorts: new Set(),
  };
  const connectListeners = new Set<PortListener>();
  const permissionEvents = () => {
    const listeners = new Set<PermissionsListener>();
    return {
      listeners,
      addListener: (listener: PermissionsListener) => listeners.add(listener),
      removeListener: (listener: PermissionsListener) => listeners.delete(listener),
      fire: (origins: string[]) => {
        for (const listener of listeners) listener({ origins });
      },
    };
  };
  const onAdded = permissionEvents();
  const onRemoved = permissionEvents();
  // Granted as asked, or through a grant of every host of the scheme ("on all sites").
  const covered = (origin: string) =>
    fake.granted.has(origin) || fake.granted.has(origin.replace(/^([a-z*]+:\/\/)[^/]+/, '$1*'));
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
    tabs: {
      query: async () => [{ id: fake.activeTabId, url: fake.activeTabUrl }],
      get: async (id: number) => ({
        id,
        url: id === fake.activeTabId ? fake.activeTabUrl : undefined,
      }),
      reload: fake.reloadTab,
    },
    windows: { create: vi.fn(async () => ({})) },
    runtime: {
      openOptionsPage: fake.openOptionsPage,
      getURL: (path: string) => `chrome-extension://test/${path}`,
      getManifest: () => ({}),
      connect({ name }: { name: string }) {
        const [page, worker] = portPair(name, fake.connectFrom, () =>
          fake.workerPorts.delete(worker),
        );
        fake.workerPorts.add(worker);
        setTimeout(() => {
          for (const listener of connectListeners) listener(worker);
        });
        return page;
      },
      onConnect: { addListener: (listener: PortListener) => connectListeners.add(listener) },
    },
    permissions: {
      async request({ origins = [] }: chrome.permissions.Permissions) {
        if (!(await fake.permissionPrompt(origins))) return false;
        for (const origin of origins) fake.granted.add(origin);
        onAdded.fire(origins);
        return true;
      },
      async remove({ origins = [] }: chrome.permissions.Permissions) {
        for (const origin of origins) fake.granted.delete(origin);
        onRemoved.fire(origins);
        return true;
      },
      contains: async ({ origins = [] }: chrome.permissions.Permissions) => origins.every(covered),
      getAll: async () => ({ permissions: [], origins: [...fake.granted] }),
      onAdded,
      onRemoved,
    },
  };
  return fake;
}
