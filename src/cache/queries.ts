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
  TouchbaseDb,
} from './db';

const DAY_MS = 24 * 60 * 60 * 1000;

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
  const colleagues = await colleaguesById(db, engagements);
  return engagements.map((engagement) => ({
    ...engagement,
    colleague: colleagues.get(engagement.colleagueId),
  }));
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
  const since = new Date(now.getTime() - sinceDays * DAY_MS).toISOString();
  const engagements = await db.engagements
    .where('[customerId+occurredAt]')
    .between([customerId, since], [customerId, Dexie.maxKey], true, true)
    .toArray();
  const colleagues = await colleaguesById(db, engagements);

  const touches = new Map<string, ColleagueTouch>();
  for (const engagement of engagements) {
    const colleague = colleagues.get(engagement.colleagueId);
    if (!colleague) continue;
    const touch = touches.get(colleague.id);
    if (!touch) {
      touches.set(colleague.id, { colleague, lastTouch: engagement.occurredAt, count: 1 });
      continue;
    }
    touch.count += 1;
    if (engagement.occurredAt > touch.lastTouch) touch.lastTouch = engagement.occurredAt;
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

async function colleaguesById(
  db: TouchbaseDb,
  engagements: CachedEngagement[],
): Promise<Map<string, CachedColleague>> {
  const ids = [...new Set(engagements.map((engagement) => engagement.colleagueId))];
  const rows = await db.colleagues.bulkGet(ids);
  return new Map(
    rows.filter((row): row is CachedColleague => row !== undefined).map((row) => [row.id, row]),
  );
}
