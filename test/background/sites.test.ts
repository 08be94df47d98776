// @vitest-environment node
/**
 * The registration of the content script on the sites the user enabled, over an in-memory
 * stand-in for chrome.permissions, chrome.scripting and chrome.tabs that behaves like Chromium's
 * where it matters: a duplicate script id is refused, registrations outlive the worker.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };

/** The built manifest: crxjs's output with each site's content script rewritten to its bundle. */
const BUILT_MANIFEST = {
  ...manifest,
  content_scripts: manifest.content_scripts.map((script) => ({
    ...script,
    js: [script.js[0]?.replace(/^src\/content\/sites\/(.+)\.ts$/, 'content-$1.js')],
  })),
};
const MANIFEST_HOSTS = manifest.content_scripts.flatMap((script) => script.matches);

const granted = new Set<string>();
const registered = new Map<string, chrome.scripting.RegisteredContentScript>();
interface FakeTab {
  url: string;
  /** the isolated world our content scripts share in the tab */
  world: Record<string, unknown>;
  /** how many copies of the content script run in the tab */
  started: number;
  /** an error page: the browser scripts nothing there */
  errorPage?: boolean;
}
const tabs = new Map<number, FakeTab>();
const tab = (url: string, started = 0, errorPage = false): FakeTab => ({
  url,
  world: {},
  started,
  errorPage,
});

vi.stubGlobal('chrome', {
  runtime: { getManifest: () => BUILT_MANIFEST },
  permissions: {
    getAll: async () => ({ permissions: ['storage'], origins: [...granted] }),
    contains: async ({ origins = [] }: chrome.permissions.Permissions) =>
      origins.every((origin) => granted.has(origin)),
  },
  scripting: {
    async getRegisteredContentScripts({ ids }: { ids?: string[] } = {}) {
      return [...registered.values()].filter((script) => !ids || ids.includes(script.id));
    },
    async registerContentScripts(scripts: chrome.scripting.RegisteredContentScript[]) {
      // Give the event loop a turn, as the real API does: overlapping calls interleave.
      await new Promise((resolve) => setTimeout(resolve));
      for (const script of scripts) {
        if (registered.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
        registered.set(script.id, structuredClone(script));
      }
    },
    async updateContentScripts(scripts: chrome.scripting.RegisteredContentScript[]) {
      for (const script of scripts) {
        const current = registered.get(script.id);
        if (!current) throw new Error(`No script with ID '${script.id}'`);
        registered.set(script.id, { ...current, ...structuredClone(script) });
      }
    },
    async unregisterContentScripts({ ids = [] }: { ids?: string[] }) {
      for (const id of ids) registered.delete(id);
    },
    async executeScript({
      target,
      func,
      files,
    }: {
      target: { tabId: number };
      func?: () => unknown;
      files?: string[];
    }) {
      const tab = tabs.get(target.tabId);
      if (!tab) throw new Error(`No tab with id: ${target.tabId}`);
      if (tab.errorPage) throw new Error('Frame with ID 0 is showing error page');
      if (func) {
        // The probe runs in the tab's isolated world: its globalThis and its `chrome`.
        const listening = tab.started > 0;
        const world = Object.assign(tab.world, {
          chrome: { runtime: { onMessage: { hasListeners: () => listening } } },
        });
        const result = new Function('globalThis', 'chrome', `return (${func.toString()})()`)(
          world,
          world.chrome,
        );
        return [{ frameId: 0, result }];
      }
      if (files?.join() === 'content-generic.js') tab.started++;
      return [{ frameId: 0 }];
    },
  },
  tabs: {
    query: async ({ url = [] }: { url?: string[] }) =>
      [...tabs]
        .filter(([, tab]) =>
          (url as string[]).some((pattern) => tab.url.startsWith(pattern.slice(0, -1))),
        )
        .map(([id, tab]) => ({ id, url: tab.url })),
  },
});

const {
  ENABLED_SITES_SCRIPT_ID,
  enabledOrigins,
  startInOpenTabs,
  startInTab,
  syncSiteRegistration,
} = await import('../../src/background/sites');

const ACME = 'https://www.acme.example/*';
const INTRANET = 'http://crm.intranet.example/*';

beforeEach(() => {
  granted.clear();
  registered.clear();
  tabs.clear();
  // What the manifest requires is granted at install; it is not an "enabled" site.
  for (const origin of manifest.host_permissions) granted.add(origin);
});

describe('the registration follows the granted sites', () => {
  test('nothing enabled: nothing registered', async () => {
    await syncSiteRegistration();
    expect(await enabledOrigins()).toEqual([]);
    expect(registered.size).toBe(0);
  });

  test("one script for every enabled site, with the manifest's file and timing", async () => {
    granted.add(ACME);
    granted.add(INTRANET);
    await syncSiteRegistration();
    expect([...registered.values()]).toEqual([
      {
        id: ENABLED_SITES_SCRIPT_ID,
        js: ['content-generic.js'],
        matches: [INTRANET, ACME],
        excludeMatches: MANIFEST_HOSTS,
        runAt: 'document_idle',
        persistAcrossSessions: true,
      },
    ]);
  });

  test('a grant updates it, removing the last site unregisters it', async () => {
    granted.add(ACME);
    await syncSiteRegistration();
    granted.add(INTRANET);
    await syncSiteRegistration();
    expect(registered.get(ENABLED_SITES_SCRIPT_ID)?.matches).toEqual([INTRANET, ACME]);
    granted.delete(INTRANET);
    await syncSiteRegistration();
    expect(registered.get(ENABLED_SITES_SCRIPT_ID)?.matches).toEqual([ACME]);
    granted.delete(ACME);
    await syncSiteRegistration();
    expect(registered.size).toBe(0);
  });

  test('a restarted worker (no memory) finds the stale registration and corrects it', async () => {
    registered.set(ENABLED_SITES_SCRIPT_ID, {
      id: ENABLED_SITES_SCRIPT_ID,
      js: ['content-generic.js'],
      matches: [ACME],
    });
    granted.add(INTRANET);
    await syncSiteRegistration();
    expect(registered.get(ENABLED_SITES_SCRIPT_ID)?.matches).toEqual([INTRANET]);
  });

  test('startup and a grant arriving together register once, without a duplicate id', async () => {
    granted.add(ACME);
    await expect(
      Promise.all([syncSiteRegistration(), syncSiteRegistration(), syncSiteRegistration()]),
    ).resolves.toBeDefined();
    expect(registered.size).toBe(1);
  });

  test('a failed run does not block the next one', async () => {
    granted.add(ACME);
    vi.spyOn(chrome.scripting, 'registerContentScripts').mockRejectedValueOnce(new Error('busy'));
    await expect(syncSiteRegistration()).rejects.toThrow('busy');
    await syncSiteRegistration();
    expect(registered.size).toBe(1);
    vi.restoreAllMocks();
  });
});

describe('starting the content script in open tabs', () => {
  test('a tab of the site just enabled gets it once, however often it is asked', async () => {
    tabs.set(1, tab('https://www.acme.example/contact'));
    await Promise.all([startInTab(1), startInTab(1)]);
    await startInTab(1);
    expect(tabs.get(1)?.started).toBe(1);
  });

  test('a tab where the registration already started it is left alone', async () => {
    tabs.set(1, tab('https://www.acme.example/contact', 1));
    await startInTab(1);
    expect(tabs.get(1)?.started).toBe(1);
  });

  test('a page the browser will not script rejects, with its reason', async () => {
    tabs.set(1, tab('https://www.acme.example/down', 0, true));
    await expect(startInTab(1)).rejects.toThrow('showing error page');
  });

  test("after a grant: every open tab of the origins it can script, no other site's", async () => {
    tabs.set(1, tab('https://www.acme.example/contact'));
    tabs.set(2, tab('https://www.acme.example/team', 0, true));
    tabs.set(3, tab('https://www.other.example/'));
    tabs.set(4, tab('https://www.acme.example/team'));
    await startInOpenTabs([ACME]);
    expect([...tabs.values()].map(({ started }) => started)).toEqual([1, 0, 0, 1]);
  });
});
