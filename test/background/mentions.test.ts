// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_MENTIONED,
  MAX_SHARED_NAME,
  mentionsIn,
  namesChanged,
  resolveMentions,
} from '../../src/background/mentions';
import { TouchbaseDb } from '../../src/cache/db';
import { toCachedCustomer } from '../../src/cache/pull';
import type { Mention } from '../../src/identity/matcher';
import type { TabMatch } from '../../src/platform/messaging';
import type { Customer } from '../../src/protocol';

let db: TouchbaseDb;

function customer(id: string, name: string, extra: Partial<Customer> = {}): Customer {
  return { id, name, kind: 'person', updatedAt: '2026-11-01T00:00:00.000Z', ...extra };
}

async function addCustomers(...customers: Customer[]) {
  await db.customers.bulkPut(customers.map(toCachedCustomer));
}

const exact = (customerId: string): TabMatch => ({
  customerId,
  keys: [`email:${customerId}@example.org`],
  evidence: 'exact',
  focus: true,
});

const hit = (id: string, key: string, extra: Partial<Mention> = {}): Mention => ({
  id,
  phrase: key,
  key,
  count: 1,
  sharedBy: 1,
  ...extra,
});

beforeEach(async () => {
  db = new TouchbaseDb(`mentions-${crypto.randomUUID()}`);
  await addCustomers(
    customer('jane', 'Jane Doe', { company: 'Acme Robotics' }),
    customer('acme', 'Acme Robotics', { kind: 'organization' }),
    customer('zoe', 'Zoë Ångström'),
  );
  await db.identities.bulkPut([
    { id: 'i1', customerId: 'zoe', kind: 'name', value: 'zoe a' },
    { id: 'i2', customerId: 'jane', kind: 'email', value: 'jane@acme.example' },
    { id: 'i3', customerId: 'gone', kind: 'name', value: 'ghost writer' },
  ]);
  namesChanged(db);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('mentionsIn', () => {
  it("finds customers' names and name aliases in the text, in page order", async () => {
    const found = await mentionsIn(
      db,
      'Zoe A. met the ACME ROBOTICS team; Jane Doe (Acme Robotics) and a ghost writer.',
    );
    expect(found.map(({ id, phrase, count }) => [id, phrase, count])).toEqual([
      ['zoe', 'zoe a', 1],
      ['acme', 'Acme Robotics', 2],
      ['jane', 'Jane Doe', 1],
    ]);
  });

  it('builds the matcher once and keeps it until customer names change', async () => {
    // Each build reads the customers from their first page.
    const reads = vi.spyOn(db.customers, 'orderBy');
    await mentionsIn(db, 'Jane Doe');
    await mentionsIn(db, 'Acme Robotics');
    expect(reads).toHaveBeenCalledTimes(1);

    // Engagements and notes do not change names.
    await db.engagements.put({
      id: 'e1',
      customerId: 'jane',
      colleagueId: 'c1',
      channel: 'email',
      direction: 'inbound',
      occurredAt: '2026-11-02T00:00:00.000Z',
      summary: null,
      source: 'crm',
      visibility: 'team',
    });
    expect(namesChanged(db)).toBe(false);
    await mentionsIn(db, 'Jane Doe');
    expect(reads).toHaveBeenCalledTimes(1);

    // A customer arriving does: the next text rebuilds it and finds her.
    expect((await mentionsIn(db, 'Omar Haddad says hi')).map((m) => m.id)).toEqual([]);
    await addCustomers(customer('omar', 'Omar Haddad'));
    expect(namesChanged(db)).toBe(true);
    expect(namesChanged(db)).toBe(false);
    expect((await mentionsIn(db, 'Omar Haddad says hi')).map((m) => m.id)).toEqual(['omar']);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('finds names on every page of a directory read a page at a time', async () => {
    const many = Array.from({ length: 4_500 }, (_, i) =>
      customer(`bulk-${String(i).padStart(5, '0')}`, `Person Number${i}`),
    );
    await addCustomers(...many);
    const found = await mentionsIn(db, 'Person Number0, Person Number2222 and Person Number4499');
    expect(found.map((mention) => mention.id)).toEqual(['bulk-00000', 'bulk-02222', 'bulk-04499']);
  });

  it('forgets every name when the cache is cleared (sign out)', async () => {
    expect(await mentionsIn(db, 'Jane Doe')).toHaveLength(1);
    await db.clearAll();
    expect(namesChanged(db)).toBe(true);
    expect(await mentionsIn(db, 'Jane Doe')).toEqual([]);
  });

  it('answers empty text without reading the cache', async () => {
    // Each build reads the customers from their first page.
    const reads = vi.spyOn(db.customers, 'orderBy');
    expect(await mentionsIn(db, ' \n ')).toEqual([]);
    expect(reads).not.toHaveBeenCalled();
  });
});

describe('resolveMentions', () => {
  it('lists mentioned customers as "mentioned", never one already identified', async () => {
    const matches = await resolveMentions(
      db,
      [hit('jane', 'jane doe'), hit('acme', 'acme robotics', { phrase: 'Acme Robotics' })],
      [exact('jane')],
    );
    expect(matches).toEqual([
      {
        customerId: 'acme',
        keys: ['name:acme robotics'],
        evidence: 'mentioned',
        focus: false,
        mention: { phrase: 'Acme Robotics', count: 1, sharedBy: 1 },
      },
    ]);
  });

  it('keeps a shared name visible as shared, and drops names shared by too many', async () => {
    await addCustomers(
      customer('smith-1', 'John Smith'),
      customer('smith-2', 'John Smith'),
      ...Array.from({ length: MAX_SHARED_NAME + 1 }, (_, index) =>
        customer(`lee-${index}`, 'Ann Lee'),
      ),
    );
    const matches = await resolveMentions(
      db,
      [
        hit('smith-1', 'john smith', { sharedBy: 2, count: 5 }),
        hit('smith-2', 'john smith', { sharedBy: 2, count: 5 }),
        ...Array.from({ length: MAX_SHARED_NAME + 1 }, (_, index) =>
          hit(`lee-${index}`, 'ann lee', { sharedBy: MAX_SHARED_NAME + 1 }),
        ),
        hit('zoe', 'zoe angstrom'),
      ],
      [],
    );
    // The unique name first, however often the shared one occurs.
    expect(matches.map((match) => [match.customerId, match.mention?.sharedBy])).toEqual([
      ['zoe', 1],
      ['smith-1', 2],
      ['smith-2', 2],
    ]);
  });

  it('drops the other owners of a name an identified customer carries', async () => {
    await addCustomers(customer('jane-2', 'Jane Doe'));
    const matches = await resolveMentions(
      db,
      [hit('jane', 'jane doe', { sharedBy: 2 }), hit('jane-2', 'jane doe', { sharedBy: 2 })],
      [exact('jane')],
    );
    expect(matches).toEqual([]);
  });

  it('merges a customer found under two names, keeping the clearer one', async () => {
    const [zoe] = await resolveMentions(
      db,
      [
        hit('zoe', 'zoe a', { sharedBy: 2, count: 2 }),
        hit('zoe', 'zoe angstrom', { phrase: 'Zoë Ångström', count: 1 }),
      ],
      [],
    );
    expect(zoe?.mention).toEqual({ phrase: 'Zoë Ångström', count: 3, sharedBy: 1 });
  });

  it('drops customers no longer cached, orders by count, and lists at most MAX_MENTIONED', async () => {
    const many = Array.from({ length: MAX_MENTIONED + 5 }, (_, index) =>
      customer(`c${index}`, `Person ${index} Example`),
    );
    await addCustomers(...many);
    const matches = await resolveMentions(
      db,
      [
        hit('deleted', 'no longer here', { count: 9 }),
        ...many.map((c, index) => hit(c.id, c.name.toLowerCase(), { count: index === 7 ? 4 : 1 })),
      ],
      [],
    );
    expect(matches).toHaveLength(MAX_MENTIONED);
    expect(matches.map((match) => match.customerId).slice(0, 3)).toEqual(['c7', 'c0', 'c1']);
  });
});
