/**
 * Customers named in a page's text ("mentioned on this page"). The content script sends the
 * text of the adapter's mention elements; the worker matches it against the cached customer
 * names and keeps only the result (ids and phrases) with the tab's report, never the text.
 *
 * The matcher is built lazily from Dexie on the first text that needs it and kept in memory.
 * Dexie's `storagemutated` event (fired for every committed write, in this context or another)
 * drops it when customers or identities change, and marks the names as changed so the worker can
 * ask open tabs to report their text again (see tabs.ts `reResolveAllTabs`). A restarted worker
 * simply builds it again on the next text.
 */
import Dexie from 'dexie';
import type { TouchbaseDb } from '../cache/db';
import { type Matcher, type MatcherEntry, type Mention, matcherBuilder } from '../identity/matcher';
import { MAX_MENTION_TEXT, type TabMatch } from '../platform/messaging';

/** Raw matches kept per tab, in order of first occurrence: more than any page needs. */
const MAX_HITS = 100;
/** Mentioned customers listed per tab at most. */
export const MAX_MENTIONED = 20;
/** A name more customers share than this says nothing about which one the page means. */
export const MAX_SHARED_NAME = 3;

interface Directory {
  matcher?: Promise<Matcher>;
  /** the matcher above, once built */
  built?: Matcher;
  /** names changed since the last namesChanged() call */
  changed: boolean;
}

/** By database name (the worker has one; tests open many). */
const directories = new Map<string, Directory>();

function directory(name: string): Directory {
  let found = directories.get(name);
  if (!found) {
    found = { changed: false };
    directories.set(name, found);
  }
  return found;
}

// Parts are named `idb://<database>/<table>/<index>`.
const NAME_PARTS = /^idb:\/\/(.+)\/(?:customers|identities)\//;
Dexie.on('storagemutated', (parts) => {
  for (const part of Object.keys(parts)) {
    const name = NAME_PARTS.exec(part)?.[1];
    if (name === undefined) continue;
    const entry = directory(name);
    entry.matcher = undefined;
    entry.built = undefined;
    entry.changed = true;
  }
});

/** Whether customer names may have changed since the last call (and resets that). */
export function namesChanged(db: TouchbaseDb): boolean {
  const entry = directory(db.name);
  const changed = entry.changed;
  entry.changed = false;
  return changed;
}

/** customers read per transaction while building the matcher */
const DIRECTORY_PAGE = 500;
/**
 * The pause between two pages: a frame, in which the tab lookups and sidebar snapshots that
 * arrived meanwhile run their reads without a page read in the way.
 */
const PAGE_GAP_MS = 16;

/**
 * The matcher of every customer's name, and of every `name` identity (a known alias) of a
 * cached customer. A person's `company` is not a phrase of its own: it names an organisation
 * only when that organisation is a customer, and then its own name is in the list.
 *
 * Customers are read a page per transaction and each page is indexed as it arrives: reading
 * and indexing 100k at once holds the worker for over a second, with every tab's lookups and
 * sidebar feeds waiting behind it; pages of 2,000 back to back still made the threads opened
 * meanwhile show their colleagues 3–6× slower. A write between pages drops this build (see
 * `storagemutated` above), so mixing pages of before and after is never kept.
 */
async function buildDirectoryMatcher(db: TouchbaseDb): Promise<Matcher> {
  const builder = matcherBuilder();
  const kinds = new Map<string, MatcherEntry['kind']>();
  for (let after: string | undefined, full = true; full; ) {
    const page = await (after === undefined
      ? db.customers.orderBy('id')
      : db.customers.where('id').above(after)
    )
      .limit(DIRECTORY_PAGE)
      .toArray();
    builder.add(page.map(({ id, name, kind }) => ({ id, phrase: name, kind })));
    for (const { id, kind } of page) kinds.set(id, kind);
    after = page.at(-1)?.id;
    full = page.length === DIRECTORY_PAGE;
    if (full) await new Promise((resolve) => setTimeout(resolve, PAGE_GAP_MS));
  }
  const aliases = await db.identities
    .where('[kind+value]')
    .between(['name', Dexie.minKey], ['name', Dexie.maxKey])
    .toArray();
  builder.add(
    aliases.flatMap(({ customerId, value }) => {
      const kind = kinds.get(customerId);
      return kind ? [{ id: customerId, phrase: value, kind }] : [];
    }),
  );
  return builder.matcher();
}

function matcherFor(db: TouchbaseDb): Promise<Matcher> {
  const entry = directory(db.name);
  if (!entry.matcher) {
    const building = buildDirectoryMatcher(db);
    building.then(
      (matcher) => {
        if (entry.matcher === building) entry.built = matcher;
      },
      // A failed read must not stick: the next text tries again.
      () => {
        if (entry.matcher === building) entry.matcher = undefined;
      },
    );
    entry.matcher = building;
  }
  return entry.matcher;
}

/**
 * Whether mentionsIn answers at once. After a worker restart, or once a sync changed names, the
 * matcher is built again from every cached customer first: 100k of them are 200 pages, a frame
 * apart, so a few seconds.
 */
export function matcherReady(db: TouchbaseDb): boolean {
  return directory(db.name).built !== undefined;
}

/** The customer names in a page's text, in order of first occurrence. */
export async function mentionsIn(db: TouchbaseDb, text: string): Promise<Mention[]> {
  if (!text.trim()) return [];
  const matcher = await matcherFor(db);
  return matcher.match(text.slice(0, MAX_MENTION_TEXT)).slice(0, MAX_HITS);
}

/**
 * The mentioned customers to list after the identified ones (`identified`, the resolver's
 * matches). Never a customer already identified; never another owner of a name an identified
 * customer carries (the page already says which one it is); names shared by more than
 * MAX_SHARED_NAME customers are left out, shared ones are kept with `sharedBy` so the sidebar
 * can say so. Customers no longer cached are dropped. Unique names first, then the most
 * mentioned, then page order.
 */
export async function resolveMentions(
  db: TouchbaseDb,
  hits: readonly Mention[],
  identified: readonly TabMatch[],
): Promise<TabMatch[]> {
  const identifiedIds = new Set(identified.map((match) => match.customerId));
  const claimed = new Set(hits.filter((hit) => identifiedIds.has(hit.id)).map((hit) => hit.key));
  const best = new Map<string, Mention>();
  for (const hit of hits) {
    if (identifiedIds.has(hit.id) || claimed.has(hit.key) || hit.sharedBy > MAX_SHARED_NAME) {
      continue;
    }
    const seen = best.get(hit.id);
    if (!seen) {
      best.set(hit.id, { ...hit });
      continue;
    }
    // One customer under two names (its own and an alias): the clearer name speaks for both.
    const count = seen.count + hit.count;
    if (hit.sharedBy < seen.sharedBy) best.set(hit.id, { ...hit, count });
    else seen.count = count;
  }
  const ids = [...best.keys()];
  const cached = await db.customers.bulkGet(ids);
  return ids
    .filter((_, index) => cached[index] !== undefined)
    .map((id) => best.get(id) as Mention)
    .sort((a, b) => Number(a.sharedBy > 1) - Number(b.sharedBy > 1) || b.count - a.count)
    .slice(0, MAX_MENTIONED)
    .map(
      ({ id, phrase, key, count, sharedBy }): TabMatch => ({
        customerId: id,
        keys: [`name:${key}`],
        evidence: 'mentioned',
        focus: false,
        mention: { phrase, count, sharedBy },
      }),
    );
}
