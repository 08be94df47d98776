// @vitest-environment node
/**
 * The per-customer tallies (src/cache/touches.ts) against the rows they stand for: after every
 * kind of write the cache makes, what the sidebar reads from the tallies equals what counting
 * the engagements themselves gives.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { isTwoWay } from '../../src/cache/coordination';
import { type CachedEngagement, TouchbaseDb } from '../../src/cache/db';
import { applyPullPage } from '../../src/cache/pull';
import { touchesWithin } from '../../src/cache/queries';
import type { Channel, Direction, PullResponse } from '../../src/protocol';
import { COLLEAGUES, resetDb } from './seed';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date();
const PERIODS = [30, 90];
const CUSTOMERS = ['cus-a', 'cus-b', 'cus-c'];
const CHANNELS: Channel[] = ['email', 'call', 'meeting', 'ticket', 'note'];
const DIRECTIONS: Direction[] = ['outbound', 'inbound', 'internal'];

const db = new TouchbaseDb('touches-test');
beforeEach(async () => {
  await resetDb(db);
  await db.colleagues.bulkPut(COLLEAGUES);
});
afterAll(() => db.delete());

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomEngagement(next: () => number, id: string): CachedEngagement {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  // Up to 120 days back and a day ahead, to cross both periods' first days and the tally's end.
  const at = NOW.getTime() - next() * 121 * DAY + DAY;
  return {
    id,
    customerId: pick(CUSTOMERS),
    colleagueId: pick(COLLEAGUES).id,
    channel: pick(CHANNELS),
    direction: pick(DIRECTIONS),
    occurredAt: new Date(at).toISOString(),
    summary: `engagement ${id}`,
    source: 'crm',
    visibility: 'team',
  };
}

/** What touchesWithin must return for a customer, counted from its rows. */
async function expectedTouches(customerId: string) {
  const rows = (await db.engagements.toArray()).filter((row) => row.customerId === customerId);
  const longestSince = new Date(NOW.getTime() - 90 * DAY).toISOString();
  const byColleague = new Map<string, CachedEngagement[]>();
  for (const row of rows)
    byColleague.set(row.colleagueId, [...(byColleague.get(row.colleagueId) ?? []), row]);
  const expected = [];
  for (const [colleagueId, own] of byColleague) {
    const counts = Object.fromEntries(
      PERIODS.map((days) => [
        days,
        own.filter((row) => Date.parse(row.occurredAt) >= NOW.getTime() - days * DAY).length,
      ]),
    );
    if (counts[90] === 0) continue;
    const newest = (candidates: CachedEngagement[]) =>
      candidates.reduce<CachedEngagement | undefined>(
        (best, row) => (!best || row.occurredAt > best.occurredAt ? row : best),
        undefined,
      );
    const latest = newest(own) as CachedEngagement;
    const twoWay = newest(own.filter(isTwoWay));
    expected.push({
      colleagueId,
      counts,
      lastTouch: latest.occurredAt,
      latest: latest.occurredAt,
      latestTwoWay: twoWay && twoWay.occurredAt >= longestSince ? twoWay.occurredAt : undefined,
    });
  }
  return expected.sort((a, b) => a.colleagueId.localeCompare(b.colleagueId));
}

async function actualTouches(customerId: string) {
  const touches = await touchesWithin(db, customerId, PERIODS, NOW);
  return touches
    .map((touch) => ({
      colleagueId: touch.colleague.id,
      counts: touch.counts,
      lastTouch: touch.lastTouch,
      latest: touch.latest.occurredAt,
      latestTwoWay: touch.latestTwoWay?.occurredAt,
    }))
    .sort((a, b) => a.colleagueId.localeCompare(b.colleagueId));
}

async function expectTalliesMatchRows() {
  for (const customerId of CUSTOMERS) {
    expect(await actualTouches(customerId), customerId).toEqual(await expectedTouches(customerId));
  }
}

function pullPage(engagements: CachedEngagement[], deleted: string[]): PullResponse {
  return {
    cursor: `c-${Math.random()}`,
    hasMore: false,
    colleagues: [],
    customers: [],
    identities: [],
    engagements,
    deleted: deleted.map((id) => ({ table: 'engagements' as const, id })),
  };
}

describe('customer tallies follow every write of engagements', () => {
  test.each([1, 2, 3])('pulled rows, updates, moves and tombstones (seed %i)', async (seed) => {
    const next = random(seed);
    let made = 0;
    const ids: string[] = [];
    for (let round = 0; round < 12; round++) {
      const fresh = Array.from({ length: 40 }, () => randomEngagement(next, `e${made++}`));
      // Some known rows come again: re-dated, moved to another customer or colleague, re-typed.
      const changed = ids.filter(() => next() < 0.15).map((id) => randomEngagement(next, id));
      const deleted = ids.filter(() => next() < 0.1);
      await applyPullPage(db, pullPage([...fresh, ...changed], deleted), {
        state: 'syncing',
        rowsSoFar: 0,
        initial: false,
      });
      ids.push(...fresh.map((row) => row.id));
      // Rows cached before are replaced by what was pulled (new ones are added).
      expect(await db.engagements.bulkGet(changed.map((row) => row.id))).toEqual(changed);
      await expectTalliesMatchRows();
    }
  });

  test('single puts and deletes outside a pull, as notes and rejected notes write them', async () => {
    const next = random(7);
    for (let i = 0; i < 30; i++) await db.engagements.put(randomEngagement(next, `n${i}`));
    await expectTalliesMatchRows();
    for (let i = 0; i < 30; i += 3) await db.engagements.delete(`n${i}`);
    await expectTalliesMatchRows();
  });

  test('a clear forgets every tally', async () => {
    const next = random(9);
    await db.engagements.bulkPut(
      Array.from({ length: 20 }, (_, i) => randomEngagement(next, `c${i}`)),
    );
    expect(await db.customerTouches.count()).toBeGreaterThan(0);
    await db.engagements.clear();
    expect(await db.customerTouches.count()).toBe(0);
  });

  test("a period includes its first instant and nothing before it, on the day's edge too", async () => {
    const [priya, sam] = COLLEAGUES as [(typeof COLLEAGUES)[0], (typeof COLLEAGUES)[0]];
    const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
    const row = (id: string, colleagueId: string, ms: number): CachedEngagement => ({
      id,
      customerId: 'cus-a',
      colleagueId,
      channel: 'email',
      direction: 'outbound',
      occurredAt: at(ms),
      summary: null,
      source: 'crm',
      visibility: 'team',
    });
    await db.engagements.bulkPut([
      row('first-instant', priya.id, 30 * DAY),
      row('just-before', sam.id, 30 * DAY + 1),
      row('old', sam.id, 91 * DAY),
    ]);
    const touches = await touchesWithin(db, 'cus-a', PERIODS, NOW);
    const counts = Object.fromEntries(touches.map((touch) => [touch.colleague.id, touch.counts]));
    expect(counts).toEqual({ [priya.id]: { 30: 1, 90: 1 }, [sam.id]: { 30: 0, 90: 1 } });
  });

  test('colleagues the cache does not know are left out', async () => {
    await db.engagements.put({ ...randomEngagement(random(3), 'ghost'), colleagueId: 'col-gone' });
    const customerId = (await db.engagements.get('ghost'))?.customerId ?? '';
    expect(await touchesWithin(db, customerId, PERIODS, NOW)).toEqual([]);
  });
});

test('upgrading a version 2 cache tallies the engagements it holds', async () => {
  const name = 'touches-upgrade-test';
  // The schema as released in versions 1 and 2, frozen as users' caches have it.
  const old = new Dexie(name);
  old.version(1).stores({
    colleagues: 'id, email',
    customers: 'id, *searchTokens',
    identities: 'id, customerId, [kind+value]',
    engagements: 'id, [customerId+occurredAt], colleagueId',
    notes: 'id, customerId, createdAt, status',
    outbox: '++id',
    meta: 'key',
  });
  old.version(2).stores({ presence: '[colleagueId+customerId], customerId, expiresAt' });
  const next = random(11);
  const rows = Array.from({ length: 200 }, (_, i) => randomEngagement(next, `u${i}`));
  await old.table('engagements').bulkPut(rows);
  await old.table('colleagues').bulkPut(COLLEAGUES);
  old.close();

  const upgraded = new TouchbaseDb(name);
  try {
    const touches = await touchesWithin(upgraded, 'cus-a', PERIODS, NOW);
    const inPeriod = rows.filter(
      (row) => row.customerId === 'cus-a' && Date.parse(row.occurredAt) >= NOW.getTime() - 90 * DAY,
    );
    expect(touches.reduce((sum, touch) => sum + (touch.counts[90] ?? 0), 0)).toBe(inPeriod.length);
    expect(inPeriod.length).toBeGreaterThan(0);
  } finally {
    await upgraded.delete();
  }
});
