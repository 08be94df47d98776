/**
 * User settings in `storage.local`, typed and with defaults. Three readers (worker, options,
 * content script) and a handful of keys: a typed wrapper over the storage API is all it needs.
 */
export interface Settings {
  serverUrl: string;
  token: string;
  /** adapter id → enabled; a missing id means enabled */
  sites: Record<string, boolean>;
  /** adapter ids the server's admin turned off (GET /v1/config), cached by the worker */
  disabledAdapters: string[];
  /** the ETag of that answer, sent back as If-None-Match; written together with the list */
  serverConfigTag: string;
  sidebarCollapsed: boolean;
  sharePresence: boolean;
  /** hours within which another colleague's touch raises a heads-up */
  coordinationWindowHours: number;
  /** scan page text for customer names on sites only the generic adapter covers (off: noisy) */
  genericMentions: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: '',
  token: '',
  sites: {},
  disabledAdapters: [],
  serverConfigTag: '',
  sidebarCollapsed: false,
  sharePresence: true,
  coordinationWindowHours: 48,
  genericMentions: false,
};

type StorageArea = {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
};

function area(): StorageArea {
  return chrome.storage.local as unknown as StorageArea;
}

export async function getSettings<K extends keyof Settings>(
  ...keys: K[]
): Promise<Pick<Settings, K>> {
  const stored = await area().get(keys);
  const out = {} as Pick<Settings, K>;
  for (const key of keys) out[key] = (stored[key] ?? DEFAULT_SETTINGS[key]) as Settings[K];
  return out;
}

export async function setSettings(patch: Partial<Settings>): Promise<void> {
  await area().set(patch);
}

/** Calls back with the changed keys' new values; returns the unsubscribe function. */
export function watchSettings(callback: (changed: Partial<Settings>) => void): () => void {
  const listener = (changes: Record<string, chrome.storage.StorageChange>, areaName: string) => {
    if (areaName !== 'local') return;
    const changed: Partial<Settings> = {};
    for (const [key, change] of Object.entries(changes)) {
      if (key in DEFAULT_SETTINGS) {
        (changed as Record<string, unknown>)[key] =
          change.newValue ?? DEFAULT_SETTINGS[key as keyof Settings];
      }
    }
    if (Object.keys(changed).length) callback(changed);
  };
  chrome.storage.onChanged.addListener(listener);
  return () => chrome.storage.onChanged.removeListener(listener);
}
