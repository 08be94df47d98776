/**
 * The extension pages' read queries. Each one walks an index (the cache holds ~100k customers and
 * ~1M engagements), never a whole table, so the sidebar can show a customer within its budget.
 */
import Dexie from 'dexie';
import { normaliseName } from '../identity/keys';
import type {
  CachedColleague,
  CachedCustomer,
  CachedEngagement,
  CachedIdentity,
  PresenceRow,
  TouchbaseDb,
} from './db';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant `days` days before `now`: where a "last N days" range starts. */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** Customers in the order of `ids`; ids missing from the cache are skipped. */
export async function customersByIds(db: TouchbaseDb, ids: string[]): Promise<CachedCustomer[]> {
  const rows = await db.customers.bulkGet(ids);
  return rows.filter((row): row is CachedCustomer => row !== undefined);
}

export interface EngagementRow extends CachedEngagement {
  /** undefined when the colleague row has not arrived (yet) */
  colleague?: CachedColleague;
}

/** The latest engagements with a customer, newest first, each with its colleague. */
export async function engagementsFor(
  db: TouchbaseDb,
  customerId: string,
  limit = 20,
): Promise<EngagementRow[]> {
  const engagements = await db.engagements
    .where('[customerId+occurredAt]')
    .between([customerId, Dexie.minKey], [customerId, Dexie.maxKey])
    .reverse()
    .limit(limit)
    .toArray();
  return withColleagues(db, engagements);
}

/** Every engagement with a customer from `since` on (inclusive), newest first, with colleagues. */
export async function engagementsSince(
  db: TouchbaseDb,
  customerId: string,
  since: Date,
): Promise<EngagementRow[]> {
  const engagements = await db.engagements
    .where('[customerId+occurredAt]')
    .between([customerId, since.toISOString()], [customerId, Dexie.maxKey], true, true)
    .reverse()
    .toArray();
  return withColleagues(db, engagements);
}

export interface PresenceView extends PresenceRow {
  /** undefined when the colleague row has not arrived (yet) */
  colleague?: CachedColleague;
}

/** Presence rows with the colleague each names, for the sidebar's "… is viewing" lines. */
export function presenceWithColleagues(
  db: TouchbaseDb,
  rows: PresenceRow[],
): Promise<PresenceView[]> {
  return withColleagues(db, rows);
}

export interface ColleagueTouch {
  colleague: CachedColleague;
  /** occurredAt of this colleague's latest engagement in the window */
  lastTouch: string;
  count: number;
}

export interface DepartmentTouches {
  department: string;
  /** most recent first */
  colleagues: ColleagueTouch[];
  /** the department's most recent touch */
  lastTouch: string;
}

/**
 * Who engaged with a customer in the last `sinceDays` days, grouped by department: departments
 * and the colleagues in each ordered by most recent touch first. Engagements whose colleague row
 * is missing are left out (there is nobody to name).
 */
export async function colleagueSummary(
  db: TouchbaseDb,
  customerId: string,
  sinceDays = 90,
  now: Date = new Date(),
): Promise<DepartmentTouches[]> {
  return byDepartment(await engagementsSince(db, customerId, daysBefore(now, sinceDays)));
}

/** colleagueSummary over rows already read (the sidebar feed reads them once for several uses). */
export function byDepartment(engagements: EngagementRow[]): DepartmentTouches[] {
  const touches = new Map<string, ColleagueTouch>();
  for (const { colleague, occurredAt } of engagements) {
    if (!colleague) continue;
    const touch = touches.get(colleague.id);
    if (!touch) {
      touches.set(colleague.id, { colleague, lastTouch: occurredAt, count: 1 });
      continue;
    }
    touch.count += 1;
    if (occurredAt > touch.lastTouch) touch.lastTouch = occurredAt;
  }

  const departments = new Map<string, DepartmentTouches>();
  for (const touch of touches.values()) {
    const name = touch.colleague.department;
    const department = departments.get(name);
    if (!department) {
      departments.set(name, { department: name, colleagues: [touch], lastTouch: touch.lastTouch });
      continue;
    }
    department.colleagues.push(touch);
    if (touch.lastTouch > department.lastTouch) department.lastTouch = touch.lastTouch;
  }
  const newestFirst = (a: { lastTouch: string }, b: { lastTouch: string }) =>
    b.lastTouch.localeCompare(a.lastTouch);
  for (const department of departments.values()) department.colleagues.sort(newestFirst);
  return [...departments.values()].sort(newestFirst);
}

/**
 * Type-ahead over the cached directory: customers with a name token starting with every word of
 * `query` ("jan do" finds "Jane Doe"). The index answers for the longest word (the most
 * selective, in token order); the other words filter that short list.
 */
export function searchCustomers(
  db: TouchbaseDb,
  query: string,
  limit = 8,
): Promise<CachedCustomer[]> {
  const words = normaliseName(query).split(' ').filter(Boolean);
  if (words.length === 0) return Promise.resolve([]);
  const [longest = '', ...others] = [...words].sort((a, b) => b.length - a.length);
  return db.customers
    .where('searchTokens')
    .startsWith(longest)
    .distinct()
    .filter((customer) =>
      others.every((word) => customer.searchTokens.some((token) => token.startsWith(word))),
    )
    .limit(limit)
    .toArray();
}

/** Every identity the ledger knows for a customer. */
export function identitiesFor(db: TouchbaseDb, customerId: string): Promise<CachedIdentity[]> {
  return db.identities.where('customerId').equals(customerId).toArray();
}

/** Each row with its colleague (one bulk read for all of them). */
async function withColleagues<Row extends { colleagueId: string }>(
  db: TouchbaseDb,
  rows: Row[],
): Promise<(Row & { colleague?: CachedColleague })[]> {
  const ids = [...new Set(rows.map((row) => row.colleagueId))];
  const found = await db.colleagues.bulkGet(ids);
  const colleagues = new Map(
    found.filter((row): row is CachedColleague => row !== undefined).map((row) => [row.id, row]),
  );
  return rows.map((row) => ({ ...row, colleague: colleagues.get(row.colleagueId) }));
}
