/**
 * Per-tab state: what each tab's content script reported and which customers that resolved to.
 * Lives in `storage.session` (memory only, trusted extension contexts only — the default access
 * level, which keeps it away from content scripts), so it survives the worker being stopped.
 */
import type { TouchbaseDb } from '../cache/db';
import { browser } from '../platform/browser';
import { type CandidateReport, type TabState, tabStateKey } from '../platform/messaging';
import { resolveCandidates } from './resolver';

/** The report behind a tab's state, kept so new rows can re-resolve it. */
const reportKey = (tabId: number) => `report:${tabId}`;
const REPORT_PREFIX = 'report:';

export async function updateTab(
  db: TouchbaseDb,
  tabId: number,
  report: CandidateReport,
): Promise<TabState> {
  const state = await resolveTab(db, tabId, report);
  await browser.storage.session.set({ [tabStateKey(tabId)]: state, [reportKey(tabId)]: report });
  await setBadge(tabId, state.matches.length);
  return state;
}

async function resolveTab(
  db: TouchbaseDb,
  tabId: number,
  report: CandidateReport,
): Promise<TabState> {
  const { matches, unmatched } = await resolveCandidates(db, report.candidates);
  return {
    tabId,
    site: report.site,
    url: report.url,
    matches,
    unmatched,
    updatedAt: new Date().toISOString(),
  };
}

export async function tabState(tabId: number): Promise<TabState | null> {
  const key = tabStateKey(tabId);
  const stored = await browser.storage.session.get(key);
  return (stored[key] as TabState | undefined) ?? null;
}

export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove([tabStateKey(tabId), reportKey(tabId)]);
}

/** After a sync brought rows: a tab that said "not in Touchbase yet" may now show the customer. */
export async function reResolveAllTabs(db: TouchbaseDb): Promise<void> {
  const stored = await browser.storage.session.get(null);
  for (const [key, report] of Object.entries(stored)) {
    if (!key.startsWith(REPORT_PREFIX)) continue;
    const tabId = Number(key.slice(REPORT_PREFIX.length));
    const state = await resolveTab(db, tabId, report as CandidateReport);
    // The tab may have reported something newer while this resolved; that one wins.
    const current = await browser.storage.session.get(key);
    if (JSON.stringify(current[key]) !== JSON.stringify(report)) continue;
    await browser.storage.session.set({ [tabStateKey(tabId)]: state });
    await setBadge(tabId, state.matches.length);
  }
}

/** Sign out: no tab shows customers any more. */
export async function forgetAllTabs(): Promise<void> {
  const stored = await browser.storage.session.get(null);
  const tabIds = Object.keys(stored)
    .filter((key) => key.startsWith(REPORT_PREFIX))
    .map((key) => Number(key.slice(REPORT_PREFIX.length)));
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
