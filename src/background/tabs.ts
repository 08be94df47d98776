/**
 * Per-tab state: what each tab's content script reported and which customers that resolved to.
 * Lives in `storage.session` (memory only, trusted extension contexts only — the default access
 * level, which keeps it away from content scripts), so it survives the worker being stopped.
 */
import { type HeadsUp, headsUp } from '../cache/coordination';
import type { TouchbaseDb } from '../cache/db';
import { touchesWithin } from '../cache/queries';
import type { Mention } from '../identity/matcher';
import { browser } from '../platform/browser';
import {
  type Candidate,
  type CandidateReport,
  sendMessage,
  type TabState,
  tabStateKey,
} from '../platform/messaging';
import { getSettings } from '../platform/settings';
import { matcherReady, mentionsIn, namesChanged, resolveMentions } from './mentions';
import { resolveCandidates } from './resolver';

/**
 * The report behind a tab's state, kept so new rows can re-resolve it. The page's text is not
 * kept (quota, privacy): only the names found in it.
 */
interface StoredReport {
  site: string;
  url: string;
  candidates: Candidate[];
  mentions: Mention[];
}

const reportKey = (tabId: number) => `report:${tabId}`;
const REPORT_PREFIX = 'report:';

/**
 * One tab's updates in the order they came: a report still matching its text must not finish
 * after, and overwrite, the next one.
 */
const queues = new Map<number, Promise<unknown>>();

function inOrder<T>(tabId: number, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(tabId) ?? Promise.resolve()).catch(() => undefined).then(task);
  queues.set(tabId, run);
  void run
    .finally(() => {
      if (queues.get(tabId) === run) queues.delete(tabId);
    })
    .catch(() => undefined);
  return run;
}

/**
 * Each report's number, newest per tab: a report overtaken while it waited for the name matcher
 * is not published (the newer one is, or is about to be).
 */
let lastReport = 0;
const newestReport = new Map<number, number>();
/** the names found in each tab's newest page text, resolved or still being matched */
const textMentions = new Map<number, Promise<Mention[]>>();

/**
 * `onResolved` hears the new state before it is stored, so the tab's sidebar can be served
 * without waiting for storage to tell it.
 */
export async function updateTab(
  db: TouchbaseDb,
  tabId: number,
  report: CandidateReport,
  onResolved: (state: TabState) => void = () => undefined,
): Promise<TabState> {
  const number = ++lastReport;
  newestReport.set(tabId, number);
  const newest = () => newestReport.get(tabId) === number;
  const { site, url, candidates, mentionText } = report;
  let mentions: Promise<Mention[]>;
  if (typeof mentionText === 'string') {
    // The customers the page identifies do not wait for the name matcher to be rebuilt, nor
    // share the cache with its reading of every customer: they are published first.
    const identifiedFirst =
      mentionText.trim() !== '' && !matcherReady(db)
        ? inOrder(tabId, async () => {
            if (newest())
              await publishTab(db, tabId, { site, url, candidates, mentions: [] }, onResolved);
          })
        : Promise.resolve();
    mentions = identifiedFirst.then(() => mentionsIn(db, mentionText));
    textMentions.set(tabId, mentions);
  } else {
    // No text: unchanged since the tab's last report, whose names still hold.
    mentions =
      textMentions.get(tabId) ?? storedReport(tabId).then((stored) => stored?.mentions ?? []);
  }
  // Matched outside the tab's queue, so a newer report never waits for this one's matcher.
  const found = await mentions;
  return inOrder(tabId, () => {
    const stored = { site, url, candidates, mentions: found };
    return newest() ? publishTab(db, tabId, stored, onResolved) : resolveTab(db, tabId, stored);
  });
}

async function publishTab(
  db: TouchbaseDb,
  tabId: number,
  stored: StoredReport,
  onResolved: (state: TabState) => void,
): Promise<TabState> {
  const state = await resolveTab(db, tabId, stored);
  onResolved(state);
  await browser.storage.session.set({ [tabStateKey(tabId)]: state, [reportKey(tabId)]: stored });
  await badgeTab(db, state);
  return state;
}

async function storedReport(tabId: number): Promise<StoredReport | undefined> {
  const key = reportKey(tabId);
  const stored = await browser.storage.session.get(key);
  return stored[key] as StoredReport | undefined;
}

/**
 * Identified customers first, then the ones only mentioned in the page's text. One read-only
 * transaction for all the lookups (a few per name on the page): on their own, each would open
 * and commit one, a round trip to the browser's IndexedDB.
 */
async function resolveTab(db: TouchbaseDb, tabId: number, report: StoredReport): Promise<TabState> {
  const { matches, unmatched, mentioned } = await db.transaction(
    'r',
    db.identities,
    db.customers,
    async () => {
      const resolution = await resolveCandidates(db, report.candidates);
      return {
        ...resolution,
        mentioned: await resolveMentions(db, report.mentions, resolution.matches),
      };
    },
  );
  return {
    tabId,
    site: report.site,
    url: report.url,
    matches: [...matches, ...mentioned],
    unmatched,
    updatedAt: new Date().toISOString(),
  };
}

export async function tabState(tabId: number): Promise<TabState | null> {
  const key = tabStateKey(tabId);
  const stored = await browser.storage.session.get(key);
  return (stored[key] as TabState | undefined) ?? null;
}

export function forgetTab(tabId: number): Promise<void> {
  // No report of the closed tab is the newest any more: one still matching is never published.
  newestReport.delete(tabId);
  textMentions.delete(tabId);
  return inOrder(tabId, () =>
    browser.storage.session.remove([tabStateKey(tabId), reportKey(tabId)]),
  );
}

/**
 * After a sync brought rows: a tab that said "not in Touchbase yet" may now show the customer.
 * When customer names changed, the names kept from each page's text may be out of date, and
 * the text is not kept: the tab is asked to report again, text included (a background tab does
 * so when it is next shown, as its content script scans on animation frames).
 */
export async function reResolveAllTabs(db: TouchbaseDb): Promise<void> {
  const askAgain = namesChanged(db);
  for (const tabId of await reportedTabs()) {
    // Queued behind the tab's own updates, so it re-resolves the newest report.
    await inOrder(tabId, async () => {
      const report = await storedReport(tabId);
      if (!report) return;
      const state = await resolveTab(db, tabId, report);
      await browser.storage.session.set({ [tabStateKey(tabId)]: state });
      await badgeTab(db, state);
    });
    // A tab without our content script any more has nobody to answer.
    if (askAgain) void sendMessage('reportAgain', undefined, tabId).catch(() => undefined);
  }
}

async function reportedTabs(): Promise<number[]> {
  const stored = await browser.storage.session.get(null);
  return Object.keys(stored)
    .filter((key) => key.startsWith(REPORT_PREFIX))
    .map((key) => Number(key.slice(REPORT_PREFIX.length)));
}

/** Sign out: no tab shows customers any more. */
export async function forgetAllTabs(): Promise<void> {
  const tabIds = await reportedTabs();
  await Promise.all(tabIds.map((tabId) => forgetTab(tabId)));
  await Promise.all(tabIds.map((tabId) => setBadge(tabId, 0)));
}

/**
 * Badge colours: blue normally, amber when another colleague touched one of the tab's customers
 * within the coordination window. The page cannot see the toolbar, so the heads-up can show there
 * before the sidebar is opened (the sidebar host itself is decided from page data only).
 */
export const BADGE_COLOURS = { normal: '#2f5fd0', headsUp: '#b45309' } as const;

/** A heads-up on one of the tab's customers, for the badge's colour and title. */
export interface TabHeadsUp {
  customerName: string;
  windowHours: number;
  headsUp: HeadsUp;
}

/** The badge only changes for that tab; a closed tab's badge goes with it. */
export async function setBadge(
  tabId: number,
  customers: number,
  tabHeadsUp: TabHeadsUp | null = null,
): Promise<void> {
  try {
    await browser.action.setBadgeText({ tabId, text: customers > 0 ? String(customers) : '' });
    await browser.action.setBadgeBackgroundColor({
      tabId,
      color: tabHeadsUp ? BADGE_COLOURS.headsUp : BADGE_COLOURS.normal,
    });
    await browser.action.setTitle({ tabId, title: badgeTitle(tabHeadsUp) });
  } catch {
    // The tab closed meanwhile.
  }
}

function badgeTitle(tabHeadsUp: TabHeadsUp | null): string {
  if (!tabHeadsUp) return browser.runtime.getManifest().action?.default_title ?? 'Touchbase';
  const { customerName, windowHours, headsUp } = tabHeadsUp;
  const { name, department } = headsUp.colleague;
  // No summary here: the title shows on hover, to whoever looks at the screen.
  return `Touchbase — heads-up on ${customerName}: ${name} (${department}) ${headsUp.verb} in the last ${windowHours} hours`;
}

/** Counts the tab's customers, coloured by whether an identified one has a heads-up. */
async function badgeTab(db: TouchbaseDb, state: TabState): Promise<void> {
  await setBadge(state.tabId, state.matches.length, await tabHeadsUp(db, state));
}

/**
 * The most recent heads-up among the tab's identified customers (a customer only mentioned in
 * the text is weaker evidence; the sidebar folds those too), from each customer's tally.
 */
async function tabHeadsUp(db: TouchbaseDb, state: TabState): Promise<TabHeadsUp | null> {
  const identified = state.matches.filter((match) => match.evidence !== 'mentioned');
  if (identified.length === 0) return null;
  const [{ coordinationWindowHours: windowHours }, me] = await Promise.all([
    getSettings('coordinationWindowHours'),
    db.getMeta('me'),
  ]);
  const now = new Date();
  let found: { customerId: string; headsUp: HeadsUp } | undefined;
  for (const { customerId } of identified) {
    // Each colleague's newest touch is all a heads-up needs.
    const touches = await touchesWithin(db, customerId, [windowHours / 24], now);
    const candidate = headsUp(
      touches.map((touch) => touch.latest),
      me ?? null,
      windowHours,
      now,
    );
    if (
      candidate &&
      candidate.engagement.occurredAt > (found?.headsUp.engagement.occurredAt ?? '')
    ) {
      found = { customerId, headsUp: candidate };
    }
  }
  if (!found) return null;
  const customer = await db.customers.get(found.customerId);
  return { customerName: customer?.name ?? 'a customer', windowHours, headsUp: found.headsUp };
}

/** The coordination window changed: every reported tab's badge colour may change with it. */
export async function refreshBadges(db: TouchbaseDb): Promise<void> {
  for (const tabId of await reportedTabs()) {
    await inOrder(tabId, async () => {
      const state = await tabState(tabId);
      if (state) await badgeTab(db, state);
    });
  }
}
