// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import {
  colleagueSummary,
  customersByIds,
  engagementsFor,
  identitiesFor,
  searchCustomers,
} from '../../src/cache/queries';
import {
  ago,
  cachedCustomer,
  engagement,
  JANE,
  JANET,
  NOW,
  resetDb,
  seedLedger,
  ZOE,
} from './seed';

const db = new TouchbaseDb('queries-test');

beforeEach(async () => {
  await resetDb(db);
  await seedLedger(db);
});
afterAll(() => db.delete());

const day = (daysAgo: number) => ago(daysAgo).slice(0, 10);

describe('colleagueSummary', () => {
  test('groups the last 90 days by department, most recent first, with counts', async () => {
    const summary = await colleagueSummary(db, JANE.id, 90, NOW);
    expect(
      summary.map((d) => ({
        department: d.department,
        colleagues: d.colleagues.map((c) => [c.colleague.name, c.count, c.lastTouch.slice(0, 10)]),
      })),
    ).toEqual([
      { department: 'Support', colleagues: [['Priya Patel', 2, day(2)]] },
      {
        department: 'Sales',
        colleagues: [
          ['Sam Sato', 1, day(5)],
          ['Sofia Silva', 1, day(30)],
        ],
      },
      // 89 days ago counts, 120 days ago does not
      { department: 'Finance', colleagues: [['Finn Fischer', 1, day(89)]] },
    ]);
  });

  test('the window is configurable and leaves out other customers', async () => {
    const summary = await colleagueSummary(db, JANE.id, 7, NOW);
    expect(summary.map((d) => d.department)).toEqual(['Support', 'Sales']);
    expect(summary.flatMap((d) => d.colleagues).every((c) => c.count === 1)).toBe(true);
    expect(await colleagueSummary(db, ZOE.id, 90, NOW)).toEqual([]);
  });

  test('skips engagements whose colleague is not cached', async () => {
    await db.engagements.put(engagement(ZOE.id, 'col-gone', 1));
    expect(await colleagueSummary(db, ZOE.id, 90, NOW)).toEqual([]);
  });
});

describe('engagementsFor', () => {
  test('returns the 20 latest, newest first, each with its colleague', async () => {
    const many = Array.from({ length: 25 }, (_, i) => engagement(ZOE.id, 'col-sam', i + 1));
    await db.engagements.bulkPut(many);
    const rows = await engagementsFor(db, ZOE.id);
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.id)).toEqual(many.slice(0, 20).map((e) => e.id));
    expect(rows[0]?.colleague?.name).toBe('Sam Sato');
  });

  test('keeps a restricted summary null and only this customer', async () => {
    const rows = await engagementsFor(db, JANE.id, 20);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.customerId === JANE.id)).toBe(true);
    const restricted = rows.find((r) => r.visibility === 'restricted');
    expect(restricted?.summary).toBeNull();
    expect(restricted?.colleague?.department).toBe('Sales');
  });
});

describe('searchCustomers', () => {
  test('finds by the prefix of any name or company word', async () => {
    expect((await searchCustomers(db, 'ja')).map((c) => c.id).sort()).toEqual([JANE.id, JANET.id]);
    expect((await searchCustomers(db, 'acm')).map((c) => c.id)).toEqual([JANE.id]);
  });

  test('every word must match, in any order', async () => {
    expect((await searchCustomers(db, 'jan do')).map((c) => c.id)).toEqual([JANE.id]);
    expect((await searchCustomers(db, 'doe jane')).map((c) => c.id)).toEqual([JANE.id]);
    expect(await searchCustomers(db, 'jane globex')).toEqual([]);
  });

  test('folds case and diacritics like the cache tokens', async () => {
    expect((await searchCustomers(db, 'ZOE ang')).map((c) => c.id)).toEqual([ZOE.id]);
  });

  test('returns each customer once and at most `limit`', async () => {
    await db.customers.bulkPut(
      Array.from({ length: 12 }, (_, i) =>
        cachedCustomer({ id: `cus-m${i}`, name: `Mara Marsh ${i}`, kind: 'person' }),
      ),
    );
    const found = await searchCustomers(db, 'mar', 5);
    expect(found).toHaveLength(5);
    expect(new Set(found.map((c) => c.id)).size).toBe(5);
  });

  test('an empty query finds nothing', async () => {
    expect(await searchCustomers(db, '   ')).toEqual([]);
  });
});

test('customersByIds keeps the asked order and skips unknown ids', async () => {
  const rows = await customersByIds(db, [ZOE.id, 'cus-unknown', JANE.id]);
  expect(rows.map((c) => c.id)).toEqual([ZOE.id, JANE.id]);
});

test('identitiesFor lists a customer’s identities', async () => {
  const rows = await identitiesFor(db, JANE.id);
  expect(rows.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
    'email:jane@acme.com',
    'linkedin:jane-doe',
  ]);
});
