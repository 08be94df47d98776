/**
 * Writing pulled changes into the cache. One page — its rows, its tombstones, the cursor after it
 * and the progress line — commits in one transaction, so a worker killed at any point resumes
 * from a cursor that matches exactly the rows it holds.
 */
import Dexie from 'dexie';
import { normaliseName } from '../identity/keys';
import type { Customer, Engagement, PullResponse, SyncTable } from '../protocol';
import type { CachedCustomer, SyncProgress, TouchbaseDb } from './db';

/** Normalised words of the name and the company: the popup's type-ahead matches their prefixes. */
export function searchTokensFor(name: string, company?: string): string[] {
  const words = normaliseName(`${name} ${company ?? ''}`).split(' ');
  return [...new Set(words.filter(Boolean))];
}

export function toCachedCustomer(customer: Customer): CachedCustomer {
  return { ...customer, searchTokens: searchTokensFor(customer.name, customer.company) };
}

/** Rows and tombstones in a page: what progress counts. */
export function pageRowCount(page: PullResponse): number {
  return (
    page.colleagues.length +
    page.customers.length +
    page.identities.length +
    page.engagements.length +
    page.deleted.length
  );
}

/**
 * Most pulled engagements are new to the cache: they are added, which spares the tallies
 * (touches.ts) reading every row they might replace, 5,000 reads a page in an initial sync. The
 * few already cached (changed since) fail to add and are put instead.
 */
async function putEngagements(db: TouchbaseDb, engagements: Engagement[]): Promise<void> {
  try {
    await db.engagements.bulkAdd(engagements);
  } catch (error) {
    if (!(error instanceof Dexie.BulkError)) throw error;
    await db.engagements.bulkPut(engagements.filter((_, pos) => pos in error.failuresByPos));
  }
}

export async function applyPullPage(
  db: TouchbaseDb,
  page: PullResponse,
  progress: SyncProgress,
): Promise<void> {
  const tombstones: Record<SyncTable, string[]> = {
    colleagues: [],
    customers: [],
    identities: [],
    engagements: [],
  };
  for (const { table, id } of page.deleted) tombstones[table].push(id);

  await db.transaction(
    'rw',
    [db.colleagues, db.customers, db.identities, db.engagements, db.meta],
    async () => {
      // Deletes first: a page may delete a row and then bring its replacement.
      await Promise.all([
        db.colleagues.bulkDelete(tombstones.colleagues),
        db.customers.bulkDelete(tombstones.customers),
        db.identities.bulkDelete(tombstones.identities),
        db.engagements.bulkDelete(tombstones.engagements),
      ]);
      await Promise.all([
        db.colleagues.bulkPut(page.colleagues),
        db.customers.bulkPut(page.customers.map(toCachedCustomer)),
        db.identities.bulkPut(page.identities),
        putEngagements(db, page.engagements),
      ]);
      const me = await db.getMeta('me');
      const meNow = me && page.colleagues.find((colleague) => colleague.id === me.id);
      if (meNow) await db.setMeta('me', meNow);
      await db.setMeta('cursor', page.cursor);
      await db.setMeta('sync', progress);
    },
  );
}
