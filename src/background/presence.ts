/**
 * Our own presence, reported with `POST /v1/presence { customerId, activity }` and nothing else
 * (no page text, no URL). 'viewing': the focus customers of a tab whose sidebar is shown, renewed
 * by the sidebar's heartbeat (src/sidebar/feed-client.ts). 'composing': the customers the tab's
 * content script sees the user writing to, renewed by its `stillComposing` heartbeat. Both
 * heartbeats come from pages, so no timer of this worker (which Chrome may stop) keeps anything
 * going: when the pages fall silent, the server lets the presence lapse.
 */
import type { TouchbaseDb } from '../cache/db';
import { browser } from '../platform/browser';
import type { TabState } from '../platform/messaging';
import { type Activity, PRESENCE } from '../protocol';
import { resolveCandidates } from './resolver';
import type { SyncConnection } from './sync';

type Posted = Activity | 'left';

export interface PresenceOptions {
  connection: () => Promise<SyncConnection>;
  fetch: typeof fetch;
  /** settings.sharePresence */
  sharing: () => Promise<boolean>;
  /** where each tab's composing customers outlive a stopped worker (storage.session) */
  store?: ComposingStore;
  now?: () => number;
}

/** A renewal goes out at most this often per customer, however many tabs ping for it. */
export const RENEW_AFTER_MS = PRESENCE.heartbeatMs - 2_000;
/** A tab that has not pinged for this long no longer counts (hidden, closed, worker restarted). */
export const QUIET_AFTER_MS = PRESENCE.heartbeatMs + 5_000;
const REQUEST_TIMEOUT_MS = 10_000;

interface TabPresence {
  viewing: string[];
  viewingAt: number;
  composing: string[];
  composingAt: number;
}

/**
 * The customers a tab shows as what its page is about (the open thread's sender, the profile):
 * exact focus matches only, never a list's rows, a timeline's authors or a name-only match.
 */
export function focusCustomers(state: TabState | null): string[] {
  return (state?.matches ?? [])
    .filter((match) => match.focus && match.evidence === 'exact')
    .map((match) => match.customerId);
}

/** The customers behind identity keys the user writes to (a person, and their company). */
export async function composingCustomers(db: TouchbaseDb, keys: string[]): Promise<string[]> {
  const { matches } = await resolveCandidates(
    db,
    keys.map((key) => ({ key, strength: 'strong' as const })),
  );
  return matches.filter((match) => match.evidence === 'exact').map((match) => match.customerId);
}

/**
 * Decides what to post per customer from every tab's latest pings: 'composing' wins over
 * 'viewing' (one presence per colleague and customer); a customer no tab holds any more gets
 * 'left', so colleagues see it end at once rather than at the expiry.
 */
export class PresenceReporter {
  private readonly tabs = new Map<number, TabPresence>();
  /** what was last posted per customer, and when; 'left' ones are dropped */
  private readonly posted = new Map<string, { activity: Activity; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A tab's sidebar is shown with these focus customers (its heartbeat); [] when hidden. */
  viewing(tabId: number, customerIds: string[]): Promise<void> {
    const tab = this.tab(tabId);
    const before = tab.viewing;
    tab.viewing = customerIds;
    tab.viewingAt = this.now();
    return this.settle(tabId, [...before, ...customerIds]);
  }

  /** A tab's content script reported whom the user writes to ([] when they stopped). */
  async composing(tabId: number, customerIds: string[]): Promise<void> {
    await this.options.store?.save(tabId, customerIds);
    return this.writing(tabId, customerIds);
  }

  /** The content script's heartbeat while the user writes: renew (from storage if forgotten). */
  async stillComposing(tabId: number): Promise<void> {
    const known = this.tabs.get(tabId)?.composing ?? [];
    const customerIds = known.length > 0 ? known : ((await this.options.store?.load(tabId)) ?? []);
    return this.writing(tabId, customerIds);
  }

  /** The tab closed. */
  async forgetTab(tabId: number): Promise<void> {
    const tab = this.tabs.get(tabId);
    this.tabs.delete(tabId);
    await this.options.store?.save(tabId, []);
    if (tab) await this.settle(tabId, [...tab.viewing, ...tab.composing]);
  }

  /** Sharing turned off, or signing out: end every presence we hold now, and forget the tabs. */
  async leaveAll(): Promise<void> {
    const customerIds = [...this.posted.keys()];
    this.tabs.clear();
    await this.options.store?.clear();
    await Promise.all(customerIds.map((customerId) => this.post(customerId, 'left')));
    this.posted.clear();
  }

  private writing(tabId: number, customerIds: string[]): Promise<void> {
    const tab = this.tab(tabId);
    const before = tab.composing;
    tab.composing = customerIds;
    tab.composingAt = this.now();
    return this.settle(tabId, [...before, ...customerIds]);
  }

  private tab(tabId: number): TabPresence {
    let tab = this.tabs.get(tabId);
    if (!tab) {
      tab = { viewing: [], viewingAt: 0, composing: [], composingAt: 0 };
      this.tabs.set(tabId, tab);
    }
    return tab;
  }

  private wanted(customerId: string, now: number): Posted {
    let viewing = false;
    for (const tab of this.tabs.values()) {
      if (now - tab.composingAt < QUIET_AFTER_MS && tab.composing.includes(customerId))
        return 'composing';
      if (now - tab.viewingAt < QUIET_AFTER_MS && tab.viewing.includes(customerId)) viewing = true;
    }
    return viewing ? 'viewing' : 'left';
  }

  private async settle(tabId: number, customerIds: string[]): Promise<void> {
    const tab = this.tabs.get(tabId);
    if (tab && tab.viewing.length === 0 && tab.composing.length === 0) this.tabs.delete(tabId);
    if (!(await this.options.sharing())) return;
    const now = this.now();
    const posts: Promise<void>[] = [];
    for (const customerId of new Set(customerIds)) {
      const activity = this.wanted(customerId, now);
      const last = this.posted.get(customerId);
      if (activity === 'left') {
        if (!last) continue;
        this.posted.delete(customerId);
      } else {
        if (last?.activity === activity && now - last.at < RENEW_AFTER_MS) continue;
        // Recorded before the request, so pings arriving meanwhile do not post it again.
        this.posted.set(customerId, { activity, at: now });
      }
      posts.push(this.post(customerId, activity));
    }
    await Promise.all(posts);
  }

  /** Best effort: a lost heartbeat is made up by the next one, and presence is never queued. */
  private async post(customerId: string, activity: Posted): Promise<void> {
    const { serverUrl, token } = await this.options.connection();
    if (!serverUrl || !token) return;
    try {
      const response = await this.options.fetch(`${serverUrl}/v1/presence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, activity }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok && response.status !== 401) {
        console.warn(
          `Touchbase: presence not accepted (${response.status})`,
          await response.text(),
        );
      }
    } catch {
      // offline or the server is restarting
    }
  }
}

/** Each tab's composing customers, so a restarted worker can still renew them. */
export interface ComposingStore {
  load(tabId: number): Promise<string[]>;
  /** [] forgets the tab */
  save(tabId: number, customerIds: string[]): Promise<void>;
  clear(): Promise<void>;
}

const COMPOSING_PREFIX = 'composing:';

/** storage.session, like the tab state: memory only, trusted extension contexts only. */
export const sessionComposingStore: ComposingStore = {
  async load(tabId) {
    const key = `${COMPOSING_PREFIX}${tabId}`;
    const stored = await browser.storage.session.get(key);
    const value = stored[key];
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  },
  async save(tabId, customerIds) {
    const key = `${COMPOSING_PREFIX}${tabId}`;
    if (customerIds.length > 0) await browser.storage.session.set({ [key]: customerIds });
    else await browser.storage.session.remove(key);
  },
  async clear() {
    const stored = await browser.storage.session.get(null);
    const keys = Object.keys(stored).filter((key) => key.startsWith(COMPOSING_PREFIX));
    if (keys.length > 0) await browser.storage.session.remove(keys);
  },
};
