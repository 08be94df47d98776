import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { Profile } from './browser';

export const OPTIONS_PATH = 'src/options/index.html';
export const POPUP_PATH = 'src/popup/index.html';
export const SIDEBAR_PATH = 'src/sidebar/';

/** Polls `check` until it returns a value other than undefined/false, or fails with `what`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function openOptions(profile: Profile): Promise<Page> {
  const page = await profile.context.newPage();
  await page.goto(profile.extensionUrl(OPTIONS_PATH));
  return page;
}

/**
 * Connects the profile as a user would: fills the labelled fields of the options page, clicks
 * Connect and waits for "Connected as …". Returns the options page, left open for "Sync now".
 */
export async function openOptionsAndConnect(
  profile: Profile,
  serverUrl: string,
  token: string,
): Promise<Page> {
  const page = await openOptions(profile);
  await page.getByLabel('Server URL').fill(serverUrl);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(/Connected as /).waitFor({ timeout: 15_000 });
  return page;
}

/**
 * Clicks the options page's "Sync now", as a user who does not want to wait for the alarm, and
 * waits for that run to end (the button reads "Syncing…" meanwhile), whether it worked or not.
 */
export async function clickSyncNow(optionsPage: Page, timeoutMs = 20_000): Promise<void> {
  const button = optionsPage.getByRole('button', { name: 'Sync now', exact: true });
  await button.click();
  await button.waitFor({ timeout: timeoutMs });
}

/** "Sync now" on the options page, then the sync state that run left, which must be a success. */
export async function syncNow(optionsPage: Page): Promise<SyncSnapshot> {
  const since = new Date();
  await clickSyncNow(optionsPage);
  return waitForSync(optionsPage, since);
}

export interface SyncSnapshot {
  state: string | undefined;
  lastSyncedAt: string | undefined;
  lastError: string | undefined;
  cursor: string | undefined;
  outbox: number;
}

/**
 * Reads the sync metadata straight from the extension's IndexedDB, from one of its own pages
 * (the worker may be stopped between syncs; a page of the extension origin sees the same data).
 */
export async function readSyncState(extensionPage: Page): Promise<SyncSnapshot | null> {
  return extensionPage.evaluate(async () => {
    // Opening a database that does not exist would create it empty; only read an existing one.
    const names = (await indexedDB.databases()).map((info) => info.name);
    if (!names.includes('touchbase')) return null;
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
      const transaction = database.transaction(['meta', 'outbox'], 'readonly');
      const meta = transaction.objectStore('meta');
      const sync = (await read(meta.get('sync')))?.value;
      const cursor = (await read(meta.get('cursor')))?.value;
      const outbox = await read(transaction.objectStore('outbox').count());
      return {
        state: sync?.state,
        lastSyncedAt: sync?.lastSyncedAt,
        lastError: sync?.lastError,
        cursor,
        outbox,
      };
    } finally {
      database.close();
    }
  });
}

/**
 * Waits until a sync that finished after `since` left the profile idle with an empty outbox.
 * `extensionPage` is any open page of the extension (the options page will do).
 */
export async function waitForSync(
  extensionPage: Page,
  since: Date,
  timeoutMs = 20_000,
): Promise<SyncSnapshot> {
  let last: SyncSnapshot | null = null;
  try {
    return await waitUntil(
      'a finished sync',
      async () => {
        const state = await readSyncState(extensionPage);
        last = state;
        const done =
          state?.state === 'idle' &&
          state.outbox === 0 &&
          state.lastSyncedAt !== undefined &&
          Date.parse(state.lastSyncedAt) >= since.getTime();
        return done ? state : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last sync state: ${JSON.stringify(last)}`);
  }
}

/**
 * The sidebar iframe sits in a closed shadow root the page cannot reach, but Playwright sees
 * every frame of the page.
 */
export async function sidebarFrame(
  page: Page,
  profile: Profile,
  timeoutMs = 15_000,
): Promise<Frame> {
  const prefix = profile.extensionUrl(SIDEBAR_PATH);
  return waitUntil(
    'the sidebar iframe',
    () => page.frames().find((frame) => frame.url().startsWith(prefix)),
    timeoutMs,
  );
}

/** The host page's own DOM as the page itself sees it (main world). */
export function pageDomText(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.outerHTML);
}

/** Every engagement row in the profile's cache, read from one of the extension's pages. */
export async function cachedEngagements(extensionPage: Page): Promise<Record<string, unknown>[]> {
  return extensionPage.evaluate(async () => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('touchbase');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const request = database.transaction('engagements').objectStore('engagements').getAll();
      return await new Promise<Record<string, unknown>[]>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      database.close();
    }
  });
}

/** Rows in each of `tables` of the profile's cache, read from one of the extension's pages. */
export function cachedRowCounts<Table extends string>(
  extensionPage: Page,
  tables: readonly Table[],
): Promise<Record<Table, number>> {
  return extensionPage.evaluate(async (names) => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('touchbase');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const transaction = database.transaction(names);
      const counts: Record<string, number> = {};
      for (const name of names) {
        const request = transaction.objectStore(name).count();
        counts[name] = await new Promise<number>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      return counts as Record<Table, number>;
    } finally {
      database.close();
    }
  }, tables as Table[]);
}

/**
 * The tab id the extension knows `page` by. The extension may not read tab URLs (no "tabs"
 * permission), so bring the page to the front and ask the worker for the active tab.
 */
export async function tabIdOf(profile: Profile, page: Page): Promise<number> {
  await page.bringToFront();
  const worker = await profile.worker();
  const id = await worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.id;
  });
  if (id === undefined) throw new Error(`No active tab for ${page.url()}`);
  return id;
}

/** Opens the popup page in a new tab of the profile, aimed at the tab showing `page`. */
export async function openPopupFor(profile: Profile, page: Page): Promise<Page> {
  const tabId = await tabIdOf(profile, page);
  const popup = await profile.context.newPage();
  await popup.setViewportSize({ width: 400, height: 600 });
  await popup.goto(profile.extensionUrl(`${POPUP_PATH}?tab=${tabId}`));
  return popup;
}

/**
 * tsx (the benches' runner) compiles with esbuild's keepNames, which wraps named functions inside
 * page.evaluate callbacks in `__name(…)`: give the page that helper (as a string, so nothing
 * rewrites it). Vitest does not need it.
 */
export function allowKeptNames(page: Page): Promise<void> {
  return page.evaluate('globalThis.__name ??= (target) => target');
}

/** Saves a screenshot when TOUCHBASE_SCREENSHOTS names a folder; does nothing otherwise. */
export async function screenshot(target: Page, name: string): Promise<void> {
  const folder = process.env.TOUCHBASE_SCREENSHOTS;
  if (!folder) return;
  await mkdir(folder, { recursive: true });
  await target.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}

/**
 * Whether the extension's content script was injected into `page`: Chromium gives it an isolated
 * world whose origin is the extension's, which the DevTools protocol lists for the page.
 */
export async function hasContentScript(page: Page, profile: Profile): Promise<boolean> {
  const session = await page.context().newCDPSession(page);
  const origins: string[] = [];
  session.on('Runtime.executionContextCreated', ({ context }) => origins.push(context.origin));
  try {
    // Enabling the Runtime domain reports every existing execution context before it returns.
    await session.send('Runtime.enable');
    return origins.includes(`chrome-extension://${profile.extensionId}`);
  } finally {
    await session.detach();
  }
}

/**
 * Stops the extension's service worker, as Chrome does when it idles, and waits until a fresh
 * one runs (its globals are new). `page` is any page of the profile, used for the DevTools
 * session. With DevTools attached Chrome usually starts the worker again at once; `wake` is the
 * user action that would start it otherwise (a click that messages it), run right after the stop.
 * A stopped worker's old handle can hang instead of failing, so every probe is time-boxed.
 */
export async function stopServiceWorker(
  profile: Profile,
  page: Page,
  wake?: () => Promise<void>,
): Promise<void> {
  const marker = '__touchbaseE2eBeforeStop';
  await (await profile.worker()).evaluate((key) => Reflect.set(globalThis, key, true), marker);
  const session = await profile.context.newCDPSession(page);
  try {
    await session.send('ServiceWorker.enable');
    await session.send('ServiceWorker.stopAllWorkers');
  } finally {
    await session.detach();
  }
  await wake?.();
  await waitUntil(
    'a fresh service worker',
    async () => {
      const probe = (await profile.worker()).evaluate(
        (key) => Reflect.get(globalThis, key),
        marker,
      );
      const timedOut = Symbol('no answer');
      const answer = await Promise.race([
        probe,
        new Promise((resolve) => setTimeout(() => resolve(timedOut), 500)),
      ]);
      return answer === undefined;
    },
    30_000,
  );
}

/**
 * Navigates `page` the way a single-page app does: pushState to `url` (same origin), then the
 * fixture's title and body swapped in place. No document load, so only the content script's
 * page watcher can notice.
 */
export async function navigateInPlace(page: Page, url: string, fixtureHtml: string): Promise<void> {
  const title = /<title>([^<]*)<\/title>/i.exec(fixtureHtml)?.[1] ?? '';
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(fixtureHtml)?.[1] ?? '';
  await page.evaluate(
    ([nextUrl, nextTitle, nextBody]) => {
      history.pushState(null, '', nextUrl);
      document.title = nextTitle;
      document.body.innerHTML = nextBody;
    },
    [url, title, body] as const,
  );
}
