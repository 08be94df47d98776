/**
 * The service worker. Every listener is registered synchronously at the top level: Chrome starts
 * a stopped worker for an event and only delivers it to listeners that exist after the first run
 * of this file. Nothing here holds state in memory that matters: the cache is in IndexedDB, tab
 * state in storage.session, settings in storage.local, the backoff in meta 'sync'.
 */
import { db } from '../cache/db';
import { generic } from '../content/sites/generic';
import { browser, type Runtime } from '../platform/browser';
import { MAX_CANDIDATES, onMessage, sendMessage } from '../platform/messaging';
import { getSettings, setSettings, watchSettings } from '../platform/settings';
import { serveSidebarFeeds } from '../sidebar/feed';
import { type AccountDeps, connect, signOut } from './account';
import { settingsConfigCache } from './config';
import { LiveConnection, PresenceCache, throttledKeepAlive } from './live';
import {
  composingCustomers,
  focusCustomers,
  PresenceReporter,
  sessionComposingStore,
} from './presence';
import { hasSiteAccess, startInOpenTabs, startInTab, syncSiteRegistration } from './sites';
import { SyncEngine } from './sync';
import {
  forgetAllTabs,
  forgetTab,
  refreshBadges,
  reResolveAllTabs,
  setBadge,
  tabState,
  updateTab,
} from './tabs';

const SYNC_ALARM = 'sync';

const engine = new SyncEngine({
  db: db(),
  connection: () => getSettings('serverUrl', 'token'),
  fetch: (input, init) => fetch(input, init),
  serverConfig: settingsConfigCache,
  onRowsArrived: () => reResolveAllTabs(db()),
});

const account: AccountDeps = {
  db: db(),
  engine,
  fetch: (input, init) => fetch(input, init),
  settings: () => getSettings('serverUrl', 'token'),
  saveSettings: setSettings,
};

// Colleagues on a customer now, and pokes to pull (live.ts): one stream while a sidebar is open.
const presenceCache = new PresenceCache(db());
const live = new LiveConnection({
  connection: () => getSettings('serverUrl', 'token'),
  fetch: (input, init) => fetch(input, init),
  onEvent: (event) =>
    event.type === 'poke' ? void engine.sync({ force: true }) : presenceCache.apply(event),
  onOpen: () => void engine.sync(),
  onActivity: throttledKeepAlive(() => browser.runtime.getPlatformInfo()),
});
/** Sidebar feeds open now; a restarted worker counts them again as they reconnect. */
let openFeeds = 0;
let liveLinger: ReturnType<typeof setTimeout> | undefined;
/** A reload closes the sidebar's port and opens a new one a moment later: keep the stream. */
const LIVE_LINGER_MS = 10_000;

function followOpenFeeds(open: number): void {
  openFeeds = open;
  clearTimeout(liveLinger);
  if (open > 0) live.start();
  else liveLinger = setTimeout(() => live.stop(), LIVE_LINGER_MS);
}

// Our own presence (presence.ts), driven by the pages' heartbeats.
const presence = new PresenceReporter({
  connection: () => getSettings('serverUrl', 'token'),
  fetch: (input, init) => fetch(input, init),
  sharing: async () => (await getSettings('sharePresence')).sharePresence,
  store: sessionComposingStore,
});

async function reportViewing(tabId: number, shown: boolean): Promise<void> {
  await presence.viewing(tabId, shown ? focusCustomers(await tabState(tabId)) : []);
}

/** Our own pages (popup, options, the sidebar iframe) — never a content script. */
function fromExtensionPage(sender: Runtime.MessageSender | chrome.runtime.MessageSender): boolean {
  return sender.url?.startsWith(browser.runtime.getURL('')) === true;
}

function refuse(what: string): never {
  throw new Error(`${what} is only answered for Touchbase's own pages`);
}

onMessage('reportCandidates', async ({ data, sender }) => {
  const tabId = sender.tab?.id;
  if (tabId === undefined || fromExtensionPage(sender)) return { customers: 0 };
  if (data.site === generic.id && !(await hasSiteAccess(sender.url ?? ''))) {
    await forgetTurnedOffTab(tabId);
    return { customers: 0 };
  }
  const candidates = Array.isArray(data.candidates) ? data.candidates.slice(0, MAX_CANDIDATES) : [];
  const state = await updateTab(db(), tabId, { ...data, candidates }, (resolved) =>
    sidebarFeeds.tabResolved(resolved),
  );
  if (Array.isArray(data.composing)) {
    const keys = data.composing.filter((key) => typeof key === 'string').slice(0, MAX_CANDIDATES);
    await presence.composing(tabId, await composingCustomers(db(), keys));
  }
  return { customers: state.matches.length };
});

onMessage('stillComposing', ({ sender }) => {
  const tabId = sender.tab?.id;
  if (tabId === undefined || fromExtensionPage(sender)) return;
  return presence.stillComposing(tabId);
});

onMessage('getTabState', ({ data, sender }) => {
  if (!fromExtensionPage(sender)) refuse('getTabState');
  const tabId = data?.tabId ?? sender.tab?.id;
  return tabId === undefined ? null : tabState(tabId);
});

onMessage('syncNow', async ({ sender }) => {
  if (!fromExtensionPage(sender)) refuse('syncNow');
  await engine.sync({ force: true });
});

onMessage('connect', ({ data, sender }) => {
  if (!fromExtensionPage(sender)) refuse('connect');
  return connect(account, data);
});

onMessage('signOut', async ({ sender }) => {
  if (!fromExtensionPage(sender)) refuse('signOut');
  live.reset();
  await presence.leaveAll(); // while the token still works
  await signOut(account);
  await forgetAllTabs();
});

onMessage('enableSite', async ({ data, sender }) => {
  if (!fromExtensionPage(sender)) refuse('enableSite');
  await syncSiteRegistration();
  await startInTab(data.tabId);
});

// The sidebar iframe may not open IndexedDB (third-party context): the worker serves its data.
const sidebarFeeds = serveSidebarFeeds({
  db: db(),
  isOwnPage: (sender) => sender !== undefined && fromExtensionPage(sender),
  onNoteSaved: () => void engine.sync({ force: true }),
  onOpenFeeds: followOpenFeeds,
  onSidebarShown: (tabId, shown) => void reportViewing(tabId, shown),
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== SYNC_ALARM) return;
  void engine.sync();
  if (openFeeds > 0) live.start(); // it stops when there is no connection to use yet
  void presenceCache.prune();
});

/** Alarms usually survive restarts, but not always (browser updates, Firefox): recreate if gone. */
async function ensureSyncAlarm(): Promise<void> {
  const existing = await browser.alarms.get(SYNC_ALARM);
  if (!existing) browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
}

browser.runtime.onInstalled.addListener(() => {
  void ensureSyncAlarm().then(() => engine.sync());
});
browser.runtime.onStartup.addListener(() => {
  void ensureSyncAlarm().then(() => engine.sync());
});

// Sites the user enabled (sites.ts): the registration follows the granted host permissions.
browser.runtime.onInstalled.addListener(() => void syncSiteRegistration());
browser.runtime.onStartup.addListener(() => void syncSiteRegistration());
browser.permissions.onAdded.addListener(({ origins = [] }) => {
  void syncSiteRegistration().then(() => startInOpenTabs(origins));
});
browser.permissions.onRemoved.addListener(() => {
  void syncSiteRegistration().then(forgetTurnedOffTabs);
});

/** A site turned off keeps its content script until the page reloads: its tabs show nothing. */
async function forgetTurnedOffTab(tabId: number): Promise<void> {
  await forgetTab(tabId);
  await setBadge(tabId, 0);
}

async function forgetTurnedOffTabs(): Promise<void> {
  for (const { id } of await browser.tabs.query({})) {
    const state = id === undefined ? null : await tabState(id);
    if (id !== undefined && state?.site === generic.id && !(await hasSiteAccess(state.url)))
      await forgetTurnedOffTab(id);
  }
}

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTab(tabId);
  void presence.forgetTab(tabId);
});

browser.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (!change.url && change.status === undefined) return;
  void (async () => {
    const state = await tabState(tabId);
    if (!state) return;
    // The URL is readable only on the supported sites (our host permissions). Same site: keep
    // the state until the content script reports the new page (Gmail's hash, LinkedIn's
    // pushState). Another site, or one we cannot read: nobody may ever report, so forget it.
    const url = change.url ?? tab.url;
    if (!url || hostOf(url) !== hostOf(state.url)) {
      await forgetTab(tabId);
      await setBadge(tabId, 0);
    } else if (change.status === 'complete') {
      // A new document resets the tab's badge; show what the tab state holds until it reports.
      await setBadge(tabId, state.matches.length);
    }
  })();
});

browser.commands.onCommand.addListener((command, tab) => {
  if (command !== 'toggle-sidebar') return;
  void (async () => {
    const tabId =
      tab?.id ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
    if (tabId === undefined) return;
    // A tab without our content script (a site we do not support) has nobody to answer.
    await sendMessage('toggleSidebar', undefined, tabId).catch(() => undefined);
  })();
});

watchSettings((changed) => {
  if ((changed.token || changed.serverUrl) && changed.token !== '') void engine.sync();
  if (changed.token !== undefined || changed.serverUrl !== undefined) {
    live.reset(); // another server or account: its own stream, a refused token forgotten
    if (openFeeds > 0) live.start();
  }
  if (changed.sharePresence === false) void presence.leaveAll();
  if (changed.coordinationWindowHours !== undefined) void refreshBadges(db()); // heads-up colours
});

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
