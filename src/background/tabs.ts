/**
 * Per-tab state: what each tab's content script reported and which customers that resolved to.
 * Lives in `storage.session` (memory only, trusted extension contexts only — the default access
 * level, which keeps it away from content scripts), so it survives the worker being stopped.
 */
import type { TouchbaseDb } from '../cache/db';
import type { Mention } from '../identity/matcher';
import { browser } from '../platform/browser';
import {
  type Candidate,
  type CandidateReport,
  sendMessage,
  type TabState,
  tabStateKey,
} from '../platform/messaging';
import { mentionsIn, namesChanged, resolveMentions } from './mentions';
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

export function updateTab(
  db: TouchbaseDb,
  tabId: number,
  report: CandidateReport,
): Promise<TabState> {
  return inOrder(tabId, async () => {
    // No text: unchanged since the tab's last report, whose names still hold.
    const mentions =
      typeof report.mentionText === 'string'
        ? await mentionsIn(db, report.mentionText)
        : ((await storedReport(tabId))?.mentions ?? []);
    const stored: StoredReport = {
      site: report.site,
      url: report.url,
      candidates: report.candidates,
      mentions,
    };
    const state = await resolveTab(db, tabId, stored);
    await browser.storage.session.set({ [tabStateKey(tabId)]: state, [reportKey(tabId)]: stored });
    await setBadge(tabId, state.matches.length);
    return state;
  });
}

async function storedReport(tabId: number): Promise<StoredReport | undefined> {
  const key = reportKey(tabId);
  const stored = await browser.storage.session.get(key);
  return stored[key] as StoredReport | undefined;
}

/** Identified customers first, then the ones only mentioned in the page's text. */
async function resolveTab(db: TouchbaseDb, tabId: number, report: StoredReport): Promise<TabState> {
  const { matches, unmatched } = await resolveCandidates(db, report.candidates);
  const mentioned = await resolveMentions(db, report.mentions, matches);
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
  // Queued, so an update still resolving cannot bring the state back after the tab closed.
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
      await setBadge(tabId, state.matches.length);
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

/** The badge only changes for that tab; a closed tab's badge goes with it. */
export async function setBadge(tabId: number, customers: number): Promise<void> {
  try {
    await browser.action.setBadgeText({ tabId, text: customers > 0 ? String(customers) : '' });
  } catch {
    // The tab closed meanwhile.
  }
}
