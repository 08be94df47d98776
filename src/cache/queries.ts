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
import { dayOf, dayStart } from './touches';

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

/** A colleague's engagements with one customer, from its tally (src/cache/touches.ts). */
export interface ColleagueTouches {
  colleague: CachedColleague;
  /** occurredAt of the colleague's newest engagement with the customer */
  lastTouch: string;
  /** how many engagements fall in each period asked for, keyed by the period's length in days */
  counts: Record<number, number>;
  latest: EngagementRow;
  /** their newest two-way engagement within the longest period, if any */
  latestTwoWay?: EngagementRow;
}

/**
 * The colleagues who engaged with a customer in the longest of `periods` (days before `now`,
 * each including its first instant), with their counts in each. The tally counts whole days;
 * the day a period starts on is partly inside it, so that day's few rows are read. Colleagues
 * whose row is not cached are left out (there is nobody to name).
 */
export async function touchesWithin(
  db: TouchbaseDb,
  customerId: string,
  periods: readonly number[],
  now: Date = new Date(),
): Promise<ColleagueTouches[]> {
  const starts = periods.map((days) => daysBefore(now, days));
  const [tally, ...firstDays] = await Promise.all([
    db.customerTouches.get(customerId),
    ...starts.map((since) =>
      db.engagements
        .where('[customerId+occurredAt]')
        .between(
          [customerId, since.toISOString()],
          [customerId, new Date(dayStart(dayOf(since.getTime()) + 1)).toISOString()],
          true,
          false,
        )
        .toArray(),
    ),
  ]);
  if (!tally) return [];
  const longest = Math.max(...periods);
  const longestSince = daysBefore(now, longest).toISOString();
  const found: Omit<ColleagueTouches, 'colleague'>[] = [];
  const colleagueIds: string[] = [];
  for (const [colleagueId, { days, latest, latestTwoWay }] of Object.entries(tally.colleagues)) {
    const counts: Record<number, number> = {};
    periods.forEach((period, index) => {
      const firstWholeDay = dayOf((starts[index] as Date).getTime()) + 1;
      let count = (firstDays[index] ?? []).filter((row) => row.colleagueId === colleagueId).length;
      for (const [day, dayCount] of Object.entries(days)) {
        if (Number(day) >= firstWholeDay) count += dayCount;
      }
      counts[period] = count;
    });
    if ((counts[longest] ?? 0) === 0) continue;
    colleagueIds.push(colleagueId);
    found.push({
      lastTouch: latest.occurredAt,
      counts,
      latest,
      ...(latestTwoWay && latestTwoWay.occurredAt >= longestSince ? { latestTwoWay } : {}),
    });
  }
  const colleagues = await colleaguesById(db, colleagueIds);
  return found.flatMap((touches, index) => {
    const colleague = colleagues.get(colleagueIds[index] ?? '');
    if (!colleague) return [];
    const { latestTwoWay } = touches;
    return [
      {
        ...touches,
        colleague,
        latest: { ...touches.latest, colleague },
        ...(latestTwoWay ? { latestTwoWay: { ...latestTwoWay, colleague } } : {}),
      },
    ];
  });
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
 * and the colleagues in each ordered by most recent touch first.
 */
export async function colleagueSummary(
  db: TouchbaseDb,
  customerId: string,
  sinceDays = 90,
  now: Date = new Date(),
): Promise<DepartmentTouches[]> {
  return byDepartment(await touchesWithin(db, customerId, [sinceDays], now), sinceDays);
}

/** colleagueSummary over touches already read (the sidebar feed reads them once for several uses). */
export function byDepartment(touches: ColleagueTouches[], days: number): DepartmentTouches[] {
  const departments = new Map<string, DepartmentTouches>();
  for (const { colleague, lastTouch, counts } of touches) {
    const count = counts[days] ?? 0;
    if (count === 0) continue;
    const touch: ColleagueTouch = { colleague, lastTouch, count };
    const department = departments.get(colleague.department);
    if (!department) {
      departments.set(colleague.department, {
        department: colleague.department,
        colleagues: [touch],
        lastTouch,
      });
      continue;
    }
    department.colleagues.push(touch);
    if (lastTouch > department.lastTouch) department.lastTouch = lastTouch;
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
  ids: string[],
): Promise<Map<string, CachedColleague>> {
  const found = await db.colleagues.bulkGet(ids);
  return new Map(
    found.filter((row): row is CachedColleague => row !== undefined).map((row) => [row.id, row]),
  );
}

/** Each row with its colleague (one bulk read for all of them). */
async function withColleagues<Row extends { colleagueId: string }>(
  db: TouchbaseDb,
  rows: Row[],
): Promise<(Row & { colleague?: CachedColleague })[]> {
  const colleagues = await colleaguesById(db, [...new Set(rows.map((row) => row.colleagueId))]);
  return rows.map((row) => ({ ...row, colleague: colleagues.get(row.colleagueId) }));
}
