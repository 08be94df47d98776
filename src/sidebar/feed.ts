/**
 * The sidebar's data, served by the service worker over a runtime port.
 *
 * The sidebar iframe lives inside the host site (mail.google.com, …), a third-party context:
 * Chromium refuses it IndexedDB when third-party storage is blocked (and would partition it
 * otherwise), so the sidebar cannot open the extension's Dexie cache itself. The worker runs the
 * sidebar's queries with liveQuery and posts a fresh snapshot whenever the rows behind it change
 * (its own sync, or a note saved in the popup), and saves the sidebar's notes. This module is the
 * worker side; src/sidebar/feed-client.ts is the page side. No Preact here: the worker imports it.
 */
import { liveQuery } from 'dexie';
import {
  type DepartmentStrip,
  departmentStrip,
  headsUp,
  STRIP_DAYS,
  type Suggestion,
  suggestColleague,
  WINDOW_HOURS,
} from '../cache/coordination';
import type { CachedCustomer, SyncProgress, TouchbaseDb } from '../cache/db';
import { saveNote } from '../cache/notes';
import {
  byDepartment,
  customersByIds,
  type DepartmentTouches,
  type EngagementRow,
  engagementsFor,
  type PresenceView,
  presenceWithColleagues,
  touchesWithin,
} from '../cache/queries';
import { orderedMatches, type TabState } from '../platform/messaging';
import type { Colleague } from '../protocol';
import type { NoteDraft } from '../ui/notes';

export const SIDEBAR_FEED_PORT = 'touchbase-sidebar-feed';
export const SUMMARY_DAYS = 90;
export const LATEST_ENGAGEMENTS = 20;
/** the periods the feed counts touches in: the strip's and the summary's */
const PERIODS = [...new Set([...STRIP_DAYS, SUMMARY_DAYS])];

export interface CustomerView {
  customer: CachedCustomer;
  /** colleagues who engaged in the last SUMMARY_DAYS days, by department */
  departments: DepartmentTouches[];
  /** the LATEST_ENGAGEMENTS newest engagements */
  engagements: EngagementRow[];
  /** which departments touched the customer in the last 30 and 90 days */
  strip: DepartmentStrip[];
  /** whom to ask first: the most recent two-way engagement by another colleague */
  suggestion: Suggestion | null;
  /**
   * The newest engagement by another colleague within the longest coordination window the
   * options allow; the sidebar applies the user's window to it (the heads-up). Computed here so
   * a busy customer's 90 days of rows never cross the port, only what the sidebar shows.
   */
  latestByOthers: EngagementRow | null;
}

export interface SidebarSnapshot {
  me: Colleague | null;
  sync: SyncProgress | null;
  /** in the order asked; ids not in the cache are left out */
  customers: CustomerView[];
  /** other colleagues on these customers now (not expired when read; the sidebar re-checks) */
  presence: PresenceView[];
}

/** sidebar → worker */
export type FeedRequest =
  | { type: 'watch'; customerIds: string[] }
  | { type: 'saveNote'; requestId: number; draft: NoteDraft }
  /**
   * Every PRESENCE.heartbeatMs while the sidebar is shown (its tab visible, not collapsed), and at
   * once when that changes (`shown: false` when hidden): the worker reports 'viewing' for the
   * tab's focus customers on each, so no worker timer keeps presence alive.
   */
  | { type: 'heartbeat'; shown: boolean };

/** worker → sidebar */
export type FeedMessage =
  | { type: 'snapshot'; snapshot: SidebarSnapshot }
  | { type: 'noteSaved'; requestId: number; error?: string };

/**
 * Everything the sidebar shows for these customers: each one's tally and latest engagements, not
 * its 90 days of rows, so a busy customer costs what a quiet one does.
 */
export function sidebarSnapshot(
  db: TouchbaseDb,
  customerIds: string[],
  now: Date = new Date(),
): Promise<SidebarSnapshot> {
  // One read-only transaction for all of them: on its own, each of the ~10 reads per customer
  // would open and commit a transaction of its own, a round trip to the browser's IndexedDB.
  return db.transaction(
    'r',
    [db.meta, db.customers, db.presence, db.customerTouches, db.engagements, db.colleagues],
    () => readSnapshot(db, customerIds, now),
  );
}

async function readSnapshot(
  db: TouchbaseDb,
  customerIds: string[],
  now: Date,
): Promise<SidebarSnapshot> {
  // All reads at once: a customer's touches do not wait for the customer's row.
  const [me, sync, customers, presence, touches, latest] = await Promise.all([
    db.getMeta('me'),
    db.getMeta('sync'),
    customersByIds(db, customerIds),
    db.presence.where('customerId').anyOf(customerIds).toArray(),
    Promise.all(customerIds.map((id) => touchesWithin(db, id, PERIODS, now))),
    Promise.all(customerIds.map((id) => engagementsFor(db, id, LATEST_ENGAGEMENTS))),
  ]);
  const indexOf = new Map(customerIds.map((id, index) => [id, index]));
  const current = presence.filter(
    (row) => row.colleagueId !== me?.id && Date.parse(row.expiresAt) > now.getTime(),
  );
  const views = customers.map((customer): CustomerView => {
    const index = indexOf.get(customer.id) ?? -1;
    const recent = touches[index] ?? [];
    const twoWay = recent.flatMap((touch) => (touch.latestTwoWay ? [touch.latestTwoWay] : []));
    return {
      customer,
      departments: byDepartment(recent, SUMMARY_DAYS),
      engagements: latest[index] ?? [],
      strip: departmentStrip(recent),
      suggestion: suggestColleague(twoWay, customer.name, me ?? null),
      latestByOthers:
        headsUp(
          recent.map((touch) => touch.latest),
          me ?? null,
          WINDOW_HOURS.max,
          now,
        )?.engagement ?? null,
    };
  });
  return {
    me: me ?? null,
    sync: sync ?? null,
    customers: views,
    presence: await presenceWithColleagues(db, current),
  };
}

export interface FeedDeps {
  db: TouchbaseDb;
  /** the sender is one of our own pages (never a content script: customer data stays inside) */
  isOwnPage: (sender: chrome.runtime.MessageSender | undefined) => boolean;
  /** a note was saved: push it soon */
  onNoteSaved: () => void;
  /** a feed opened or closed: how many are open now (the worker holds the live stream while any is) */
  onOpenFeeds?: (open: number) => void;
  /** a sidebar's heartbeat, or `shown: false` when it went away; tabId is the sidebar's tab */
  onSidebarShown?: (tabId: number, shown: boolean) => void;
}

/** The worker's side of every open sidebar. */
export interface SidebarFeeds {
  /**
   * A tab's customers were just resolved: its sidebar's snapshot is started now rather than when
   * the sidebar has read the new state from storage and asked for it (one round trip sooner).
   */
  tabResolved(state: TabState): void;
}

/** Registers the worker's side of the feed. Call at the worker's top level. */
export function serveSidebarFeeds(deps: FeedDeps): SidebarFeeds {
  const open = new Set<chrome.runtime.Port>();
  const byTab = new Map<number, Set<Feed>>();
  chrome.runtime.onConnect.addListener((port) => {
    if (port.name !== SIDEBAR_FEED_PORT) return;
    if (!deps.isOwnPage(port.sender)) {
      port.disconnect();
      return;
    }
    open.add(port);
    const feed = serveFeed(port, deps);
    const tabId = port.sender?.tab?.id;
    const tabFeeds = tabId === undefined ? undefined : (byTab.get(tabId) ?? new Set<Feed>());
    if (tabId !== undefined && tabFeeds) byTab.set(tabId, tabFeeds.add(feed));
    port.onDisconnect.addListener(() => {
      open.delete(port);
      tabFeeds?.delete(feed);
      if (tabId !== undefined && tabFeeds?.size === 0) byTab.delete(tabId);
      deps.onOpenFeeds?.(open.size);
    });
    deps.onOpenFeeds?.(open.size);
  });
  return {
    tabResolved(state) {
      const ids = orderedMatches(state).map((match) => match.customerId);
      for (const feed of byTab.get(state.tabId) ?? []) feed.watch(ids);
    },
  };
}

/** One sidebar's feed. */
export interface Feed {
  /** from now on, snapshots of these customers (no-op when they are the ones watched) */
  watch(customerIds: string[]): void;
}

/** One sidebar's feed: re-sends the snapshot whenever the rows it read change. */
export function serveFeed(port: chrome.runtime.Port, deps: FeedDeps): Feed {
  let subscription: { unsubscribe(): void } | undefined;
  let watched: string | undefined;
  let open = true;
  const close = () => {
    open = false;
    subscription?.unsubscribe();
  };
  const post = (message: FeedMessage) => {
    if (!open) return;
    try {
      port.postMessage(message);
    } catch {
      close(); // the sidebar went away before its disconnect event reached us
    }
  };
  const watch = (customerIds: string[]) => {
    const ids = customerIds.filter((id) => typeof id === 'string').slice(0, 50);
    const signature = JSON.stringify(ids);
    // The worker may have started it already (tabResolved): the sidebar's own ask changes nothing.
    if (!open || signature === watched) return;
    watched = signature;
    subscription?.unsubscribe();
    subscription = liveQuery(() => sidebarSnapshot(deps.db, ids)).subscribe({
      next: (snapshot) => post({ type: 'snapshot', snapshot }),
      error: (error) => console.error('Touchbase: sidebar query failed', error),
    });
  };

  const tabId = port.sender?.tab?.id;
  port.onMessage.addListener((request: FeedRequest) => {
    if (request.type === 'heartbeat') {
      if (tabId !== undefined) deps.onSidebarShown?.(tabId, request.shown === true);
    } else if (request.type === 'watch') {
      if (Array.isArray(request.customerIds)) watch(request.customerIds);
    } else if (request.type === 'saveNote') {
      void saveDraft(deps, request.draft).then(
        () => post({ type: 'noteSaved', requestId: request.requestId }),
        (error: unknown) =>
          post({
            type: 'noteSaved',
            requestId: request.requestId,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    }
  });
  port.onDisconnect.addListener(() => {
    close();
    if (tabId !== undefined) deps.onSidebarShown?.(tabId, false);
  });
  return { watch };
}

async function saveDraft(deps: FeedDeps, draft: NoteDraft): Promise<void> {
  const me = await deps.db.getMeta('me');
  if (!me) throw new Error('connect Touchbase in options before writing notes');
  await saveNote(deps.db, { ...draft, me });
  deps.onNoteSaved();
}
