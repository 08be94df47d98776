// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveCandidates } from '../../src/background/resolver';
import { TouchbaseDb } from '../../src/cache/db';
import { toCachedCustomer } from '../../src/cache/pull';
import type { Candidate } from '../../src/platform/messaging';
import type { Customer } from '../../src/protocol';

let db: TouchbaseDb;

function customer(id: string, name: string, extra: Partial<Customer> = {}): Customer {
  return { id, name, kind: 'person', updatedAt: '2026-11-01T00:00:00.000Z', ...extra };
}

async function seed(
  customers: Customer[],
  identities: Array<[customerId: string, kind: string, value: string]>,
) {
  await db.customers.bulkPut(customers.map(toCachedCustomer));
  await db.identities.bulkPut(
    identities.map(([customerId, kind, value], index) => ({
      id: `i${index}`,
      customerId,
      kind,
      value,
    })),
  );
}

const strong = (key: string, extra: Partial<Candidate> = {}): Candidate => ({
  key,
  strength: 'strong',
  ...extra,
});

beforeEach(async () => {
  db = new TouchbaseDb(`resolver-${crypto.randomUUID()}`);
  await seed(
    [
      customer('jane', 'Jane Doe', { company: 'Acme' }),
      customer('acme', 'Acme Corp', { kind: 'organization' }),
      customer('bob', 'Bob Stone'),
      customer('zoe', 'Zoë Quinn'),
    ],
    [
      ['jane', 'email', 'jane@acme.com'],
      ['jane', 'linkedin', 'jane-doe'],
      ['acme', 'domain', 'acme.com'],
      ['bob', 'email', 'bob@example.org'],
      ['bob', 'x', 'bobstone'],
    ],
  );
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('resolveCandidates', () => {
  it('matches exact identity keys and merges keys per customer', async () => {
    const { matches, unmatched } = await resolveCandidates(db, [
      strong('email:jane@acme.com'),
      strong('linkedin:jane-doe'),
      strong('x:bobstone'),
    ]);
    const jane = matches.find((match) => match.customerId === 'jane');
    expect(jane).toEqual({
      customerId: 'jane',
      keys: ['email:jane@acme.com', 'linkedin:jane-doe'],
      evidence: 'exact',
      focus: false,
    });
    expect(matches.map((match) => match.customerId)).toEqual(['jane', 'bob', 'acme']);
    expect(unmatched).toEqual([]);
  });

  it('puts the focus customer first, then exact before possible, then more keys', async () => {
    const { matches } = await resolveCandidates(db, [
      { key: 'name:jane doe', strength: 'weak' },
      strong('email:jane@acme.com'),
      strong('email:bob@example.org', { focus: true }),
      strong('linkedin:jane-doe'),
    ]);
    expect(matches.map((match) => [match.customerId, match.focus, match.evidence])).toEqual([
      ['bob', true, 'exact'],
      ['jane', false, 'exact'],
      ['acme', false, 'exact'],
    ]);
    // The name matched Jane too, but her exact keys come first.
    expect(matches[1]?.keys).toEqual(['email:jane@acme.com', 'linkedin:jane-doe', 'name:jane doe']);
  });

  it('finds the organisation through a company e-mail domain, ranked below the person', async () => {
    const { matches, unmatched } = await resolveCandidates(db, [
      strong('email:someone.new@acme.com', { focus: true }),
    ]);
    expect(matches).toEqual([
      { customerId: 'acme', keys: ['domain:acme.com'], evidence: 'exact', focus: true },
    ]);
    // The person herself is not in the ledger yet.
    expect(unmatched.map((candidate) => candidate.key)).toEqual(['email:someone.new@acme.com']);
  });

  it('never derives an organisation from a free-mail address', async () => {
    await seed(
      [customer('gmail', 'Gmail fans', { kind: 'organization' })],
      [['gmail', 'domain', 'gmail.com']],
    );
    const { matches } = await resolveCandidates(db, [strong('email:stranger@gmail.com')]);
    expect(matches).toEqual([]);
  });

  it('treats a bare name as a possible match, via name identities and customer names', async () => {
    await seed([customer('ann', 'Annabel Lee')], [['ann', 'name', 'annie lee']]);
    const { matches, unmatched } = await resolveCandidates(db, [
      { key: 'name:Zoe QUINN', strength: 'weak' },
      { key: 'name:annie lee', strength: 'weak' },
    ]);
    expect(matches).toEqual([
      { customerId: 'zoe', keys: ['name:zoe quinn'], evidence: 'possible', focus: false },
      { customerId: 'ann', keys: ['name:annie lee'], evidence: 'possible', focus: false },
    ]);
    expect(unmatched).toEqual([]);
  });

  it('ignores a single word and names that match too many customers', async () => {
    await seed(
      Array.from({ length: 12 }, (_, index) => customer(`smith${index}`, 'John Smith')),
      [],
    );
    const { matches } = await resolveCandidates(db, [
      { key: 'name:jane', strength: 'weak' },
      { key: 'name:john smith', strength: 'weak' },
    ]);
    expect(matches).toEqual([]);
  });

  it('lists strong candidates nobody owns as unmatched, once each', async () => {
    const { matches, unmatched } = await resolveCandidates(db, [
      strong('linkedin:nobody-here'),
      strong('linkedin:nobody-here', { focus: true }),
      { key: 'name:no one', strength: 'weak' },
    ]);
    expect(matches).toEqual([]);
    expect(unmatched).toEqual([strong('linkedin:nobody-here', { focus: true })]);
  });

  it('answers an empty page with nothing', async () => {
    expect(await resolveCandidates(db, [])).toEqual({ matches: [], unmatched: [] });
  });

  it('reads only the rows it needs with 100k customers cached (no table scans)', async () => {
    const many = 100_000;
    await db.transaction('rw', db.customers, db.identities, async () => {
      await db.customers.bulkPut(
        Array.from({ length: many }, (_, index) =>
          toCachedCustomer(customer(`c${index}`, `Person ${index} Example`)),
        ),
      );
      await db.identities.bulkPut(
        Array.from({ length: many }, (_, index) => ({
          id: `e${index}`,
          customerId: `c${index}`,
          kind: 'email',
          value: `person${index}@example.org`,
        })),
      );
    });
    const rowsRead = countRowsRead();
    const { matches } = await resolveCandidates(db, [
      strong('email:person77777@example.org', { focus: true }),
      strong('email:person5@example.org'),
      { key: 'name:person 99999 example', strength: 'weak' },
    ]);
    expect(matches.map((match) => match.customerId)).toEqual(['c77777', 'c5', 'c99999']);
    // A scan, or a count of the name's words, would walk 100k entries. These lookups read two
    // identities, one customer, and at most 51 customer keys for each word of the name.
    expect(rowsRead()).toBeLessThanOrEqual(3 + 3 * 51);
  }, 120_000);
});

/**
 * Counts the rows and index entries IndexedDB walks from now on: one per `get`, per cursor step
 * and per `getAll` or `getAllKeys` result, and as many as a `count` finds (spies on the
 * fake-indexeddb prototypes Dexie calls underneath).
 */
function countRowsRead(): () => number {
  let rows = 0;
  const countResults = <Result>(request: IDBRequest<Result[]>) => {
    request.addEventListener('success', () => {
      rows += request.result.length;
    });
    return request;
  };
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    const getAll = proto.getAll;
    vi.spyOn(proto, 'getAll').mockImplementation(function (this: IDBIndex, ...args) {
      return countResults(getAll.apply(this, args));
    });
    const getAllKeys = proto.getAllKeys;
    vi.spyOn(proto, 'getAllKeys').mockImplementation(function (this: IDBIndex, ...args) {
      return countResults(getAllKeys.apply(this, args));
    });
    const count = proto.count;
    vi.spyOn(proto, 'count').mockImplementation(function (this: IDBIndex, ...args) {
      const request = count.apply(this, args);
      request.addEventListener('success', () => {
        rows += request.result;
      });
      return request;
    });
    const get = proto.get;
    vi.spyOn(proto, 'get').mockImplementation(function (this: IDBIndex, ...args) {
      rows += 1;
      return get.apply(this, args);
    });
  }
  for (const step of ['continue', 'advance', 'continuePrimaryKey'] as const) {
    const original = IDBCursor.prototype[step] as (...args: unknown[]) => void;
    vi.spyOn(IDBCursor.prototype, step).mockImplementation(function (
      this: IDBCursor,
      ...args: unknown[]
    ) {
      rows += 1;
      original.apply(this, args);
    });
  }
  return () => rows;
}
