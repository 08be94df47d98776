/**
 * "Enable Touchbase on this site": the content script on the origins the user granted from the
 * popup (optional host permissions), beyond the sites the manifest injects it into. One
 * dynamically registered script covers every enabled origin, and it is always recomputed from
 * the granted permissions, never from memory: it stays right when the worker or the browser
 * restarts, after an update, and when the user changes site access in the browser's settings.
 *
 * Uses the `chrome` API directly (no polyfill), so the popup and options pages can import the
 * same helpers.
 */

/** The one registered script; its matches are the enabled origins. */
export const ENABLED_SITES_SCRIPT_ID = 'touchbase-enabled-sites';

/** The pattern that enables one site: its scheme and host, any path (and any port). */
export function sitePattern(url: URL): string {
  return `${url.protocol}//${url.hostname}/*`;
}

/** The origins the user enabled: granted host permissions the manifest does not require. */
export async function enabledOrigins(): Promise<string[]> {
  const { origins = [] } = await chrome.permissions.getAll();
  const required = new Set(chrome.runtime.getManifest().host_permissions ?? []);
  return origins.filter((origin) => !required.has(origin)).sort();
}

/** Whether Touchbase may read the page at `url` (an enabled site, or one the manifest covers). */
export async function hasSiteAccess(url: string): Promise<boolean> {
  let pattern: string;
  try {
    pattern = sitePattern(new URL(url));
  } catch {
    return false;
  }
  return chrome.permissions.contains({ origins: [pattern] });
}

/** The generic adapter's bundle (vite.config.ts builds one content script per site). */
export const GENERIC_CONTENT_SCRIPT = 'content-generic.js';

/** The hosts the manifest's own content scripts cover, and when they run. */
function manifestContentScripts() {
  const scripts = chrome.runtime.getManifest().content_scripts ?? [];
  if (scripts.length === 0) throw new Error('the manifest declares no content script');
  return {
    matches: scripts.flatMap((script) => script.matches ?? []),
    runAt: scripts[0]?.run_at as chrome.extensionTypes.RunAt | undefined,
  };
}

async function applyRegistration(): Promise<void> {
  const origins = await enabledOrigins();
  const [registered] = await chrome.scripting.getRegisteredContentScripts({
    ids: [ENABLED_SITES_SCRIPT_ID],
  });
  if (origins.length === 0) {
    if (registered)
      await chrome.scripting.unregisterContentScripts({ ids: [ENABLED_SITES_SCRIPT_ID] });
    return;
  }
  const { matches, runAt } = manifestContentScripts();
  const script: chrome.scripting.RegisteredContentScript = {
    id: ENABLED_SITES_SCRIPT_ID,
    js: [GENERIC_CONTENT_SCRIPT],
    matches: origins,
    // A broad grant ("on all sites") must not inject it a second time where the manifest does.
    excludeMatches: matches,
    runAt,
    persistAcrossSessions: true,
  };
  if (registered) await chrome.scripting.updateContentScripts([script]);
  else await chrome.scripting.registerContentScripts([script]);
}

let registering: Promise<void> = Promise.resolve();

/**
 * Registers, updates or removes the script so it matches exactly the enabled origins. One run at
 * a time: a startup and a grant arriving together would both register the same id.
 */
export function syncSiteRegistration(): Promise<void> {
  const run = registering.then(applyRegistration, applyRegistration);
  registering = run.catch(() => undefined);
  return run;
}

/**
 * Runs in the tab, in the isolated world our content scripts share. True when our content
 * script already runs there: started by the registration (it listens for messages; Chromium
 * only) or injected before (the mark this leaves, so two grants in a row inject it once).
 */
function claimTab(): boolean {
  const world = globalThis as { touchbaseInjected?: boolean };
  const running =
    world.touchbaseInjected === true || chrome.runtime.onMessage.hasListeners?.() === true;
  world.touchbaseInjected = true;
  return running;
}

/**
 * Starts the content script in an open tab of a site just enabled (the registration only
 * covers pages loaded from now on). Rejects when the browser will not let it run there.
 */
export async function startInTab(tabId: number): Promise<void> {
  const [probe] = await chrome.scripting.executeScript({ target: { tabId }, func: claimTab });
  if (probe?.result) return;
  await chrome.scripting.executeScript({ target: { tabId }, files: [GENERIC_CONTENT_SCRIPT] });
}

/** After a grant: every open tab of those origins gets the content script. */
export async function startInOpenTabs(origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  const tabs = await chrome.tabs.query({ url: origins });
  await Promise.all(
    // A tab showing an error page, or discarded, cannot take a script: it gets it on reload.
    tabs.map((tab) => (tab.id === undefined ? undefined : startInTab(tab.id).catch(() => {}))),
  );
}
