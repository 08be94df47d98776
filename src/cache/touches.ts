/**
 * Per-customer tallies of who engaged and when, kept beside the engagements so the sidebar reads
 * one row for a customer instead of 90 days of engagements: a busy customer's 1,500 rows take
 * 30–100 ms to read from a large cache, its tally a millisecond.
 *
 * A Dexie middleware keeps them: every write to `engagements` (a pull, a note, a rejected note
 * dropped, a clear) updates `customerTouches` in the same transaction, whichever code wrote it,
 * so the tallies cannot drift from the rows. This is how dexie-cloud adds its own tables to its
 * users' transactions.
 */
import type {
  DBCore,
  DBCoreMutateRequest,
  DBCoreMutateResponse,
  DBCoreTable,
  DBCoreTransaction,
  Middleware,
} from 'dexie';
import { isTwoWay } from './coordination';
import type { CachedEngagement } from './db';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days a tally counts: the sidebar's longest period (90 days), with room for clock skew. */
export const TALLY_DAYS = 100;

export interface ColleagueTally {
  /** engagements per UTC day, keyed by days since the epoch; days past TALLY_DAYS are dropped */
  days: Record<number, number>;
  /** the colleague's newest engagement with the customer */
  latest: CachedEngagement;
  /** their newest two-way one (see isTwoWay), if any */
  latestTwoWay?: CachedEngagement;
}

export interface CustomerTouches {
  customerId: string;
  colleagues: Record<string, ColleagueTally>;
}

export const TOUCHES_TABLE = 'customerTouches';
const ENGAGEMENTS_TABLE = 'engagements';

/** The UTC day an instant falls on, as days since the epoch. */
export const dayOf = (time: number) => Math.floor(time / DAY_MS);
/** Where a day begins. */
export const dayStart = (day: number) => day * DAY_MS;

/** Counts an engagement in its customer's tally (written on `today`, a dayOf). */
export function addTouch(touches: CustomerTouches, row: CachedEngagement, today: number): void {
  let tally = touches.colleagues[row.colleagueId];
  if (!tally) {
    tally = { days: {}, latest: row };
    touches.colleagues[row.colleagueId] = tally;
  } else if (row.occurredAt >= tally.latest.occurredAt) {
    tally.latest = row;
  }
  if (isTwoWay(row) && row.occurredAt >= (tally.latestTwoWay?.occurredAt ?? '')) {
    tally.latestTwoWay = row;
  }
  const day = dayOf(Date.parse(row.occurredAt));
  if (day >= today - TALLY_DAYS) tally.days[day] = (tally.days[day] ?? 0) + 1;
}

/**
 * Takes an engagement back out of its customer's tally. Returns true when it was the colleague's
 * latest or latest two-way row: the next newest must then be looked up in the engagements.
 */
export function removeTouch(touches: CustomerTouches, row: CachedEngagement): boolean {
  const tally = touches.colleagues[row.colleagueId];
  if (!tally) return false;
  const day = dayOf(Date.parse(row.occurredAt));
  const count = tally.days[day] ?? 0;
  if (count > 1) tally.days[day] = count - 1;
  else delete tally.days[day];
  return tally.latest.id === row.id || tally.latestTwoWay?.id === row.id;
}

/** Counts an engagement into tallies being built from nothing (a schema upgrade, a bench's seed). */
export function tallyInto(
  byCustomer: Map<string, CustomerTouches>,
  row: CachedEngagement,
  today: number,
): void {
  let touches = byCustomer.get(row.customerId);
  if (!touches) {
    touches = { customerId: row.customerId, colleagues: {} };
    byCustomer.set(row.customerId, touches);
  }
  addTouch(touches, row, today);
}

function pruneDays(touches: CustomerTouches, today: number): void {
  for (const tally of Object.values(touches.colleagues)) {
    for (const day of Object.keys(tally.days)) {
      if (Number(day) < today - TALLY_DAYS) delete tally.days[Number(day)];
    }
  }
}

/**
 * Keeps `customerTouches` in step with every write to `engagements`: read-write transactions on
 * engagements get the tallies' store too, and each mutation of engagements updates the tallies
 * of the customers it touched, one mutation after another within a transaction.
 */
export const touchesMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'CustomerTouches',
  create(down: DBCore): Partial<DBCore> {
    // An upgrade from a version without tallies runs on the old schema: nothing to keep then.
    if (!down.schema.tables.some((table) => table.name === TOUCHES_TABLE)) return {};
    const queues = new WeakMap<DBCoreTransaction, Promise<unknown>>();
    return {
      transaction(stores, mode, options) {
        const withTouches =
          mode === 'readwrite' &&
          stores.includes(ENGAGEMENTS_TABLE) &&
          !stores.includes(TOUCHES_TABLE);
        return down.transaction(withTouches ? [...stores, TOUCHES_TABLE] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== ENGAGEMENTS_TABLE) return table;
        const touches = down.table(TOUCHES_TABLE);
        return {
          ...table,
          mutate(request) {
            const previous = queues.get(request.trans) ?? Promise.resolve();
            const next = previous
              .catch(() => undefined)
              .then(() => mutateWithTouches(table, touches, request));
            queues.set(request.trans, next);
            return next;
          },
        };
      },
    };
  },
};

async function mutateWithTouches(
  engagements: DBCoreTable,
  touches: DBCoreTable,
  request: DBCoreMutateRequest,
): Promise<DBCoreMutateResponse> {
  const { trans } = request;
  if (request.type === 'deleteRange') {
    // Only clear() deletes a range of engagements, and a clear forgets every tally with them.
    await touches.mutate({ type: 'deleteRange', trans, range: ANY_RANGE });
    return engagements.mutate(request);
  }
  const ids: string[] =
    request.type === 'delete'
      ? request.keys
      : (request.keys ?? request.values.map((row: CachedEngagement) => row.id));
  // An add replaces nothing (a row already there fails instead): no read of what was there.
  const before: (CachedEngagement | undefined)[] =
    request.type === 'add' ? [] : await engagements.getMany({ trans, keys: ids });
  const response = await engagements.mutate(request);
  const written: CachedEngagement[] =
    request.type === 'delete'
      ? []
      : request.values.filter((_row, index) => !(index in response.failures));
  const removed = before.filter(
    (row, index): row is CachedEngagement => row !== undefined && !(index in response.failures),
  );
  if (removed.length === 0 && written.length === 0) return response;

  const customerIds = [...new Set([...removed, ...written].map((row) => row.customerId))];
  const stored: (CustomerTouches | undefined)[] = await touches.getMany({
    trans,
    keys: customerIds,
  });
  const byCustomer = new Map(
    customerIds.map((customerId, index) => [
      customerId,
      stored[index] ?? { customerId, colleagues: {} },
    ]),
  );
  const today = dayOf(Date.now());
  const stale = new Map<string, Set<string>>();
  for (const row of removed) {
    const customer = byCustomer.get(row.customerId) as CustomerTouches;
    if (removeTouch(customer, row)) {
      delete customer.colleagues[row.colleagueId]; // rebuilt from the rows below
      stale.set(row.customerId, (stale.get(row.customerId) ?? new Set()).add(row.colleagueId));
    }
  }
  for (const row of written) {
    // A rebuilt colleague's tally reads this row back from the table.
    if (stale.get(row.customerId)?.has(row.colleagueId)) continue;
    addTouch(byCustomer.get(row.customerId) as CustomerTouches, row, today);
  }
  for (const [customerId, colleagueIds] of stale) {
    await retally(engagements, trans, byCustomer.get(customerId) as CustomerTouches, colleagueIds);
  }

  const kept: CustomerTouches[] = [];
  const emptied: string[] = [];
  for (const customer of byCustomer.values()) {
    pruneDays(customer, today);
    if (Object.keys(customer.colleagues).length > 0) kept.push(customer);
    else emptied.push(customer.customerId);
  }
  if (kept.length > 0) await touches.mutate({ type: 'put', trans, values: kept });
  if (emptied.length > 0) await touches.mutate({ type: 'delete', trans, keys: emptied });
  return response;
}

/** DBCoreRangeType is a const enum, which isolated modules cannot read: its values. */
const RANGE = { Range: 2, Any: 3 } as const;
const ANY_RANGE = {
  type: RANGE.Any,
  lower: undefined,
  upper: undefined,
} as const;

/**
 * Rebuilds the tallies of colleagues whose latest row went away, from the customer's rows as
 * they are now (newest first on the customer's index). Rare: a deleted or re-dated engagement.
 */
async function retally(
  engagements: DBCoreTable,
  trans: DBCoreTransaction,
  customer: CustomerTouches,
  colleagueIds: Set<string>,
): Promise<void> {
  const index = engagements.schema.getIndexByKeyPath(['customerId', 'occurredAt']);
  if (!index) throw new Error('engagements lost their [customerId+occurredAt] index');
  const { result } = await engagements.query({
    trans,
    values: true,
    query: {
      index,
      range: {
        type: RANGE.Range,
        lower: [customer.customerId, -Infinity],
        upper: [customer.customerId, []],
      },
    },
  });
  const today = dayOf(Date.now());
  for (const row of result as CachedEngagement[]) {
    if (colleagueIds.has(row.colleagueId)) addTouch(customer, row, today);
  }
}
