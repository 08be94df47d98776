/**
 * A small ledger in a real (fake-indexeddb) TouchbaseDb, dated relative to the moment the tests
 * start: the pages under test compare against the real clock (90-day window, "2 days ago").
 */

import type { CachedCustomer, CachedEngagement, TouchbaseDb } from '../../src/cache/db';
import { normaliseName } from '../../src/identity/keys';
import type { Channel, Colleague, Customer } from '../../src/protocol';

export const NOW = new Date();
const DAY = 24 * 60 * 60 * 1000;

export const ago = (days: number, from: Date = NOW) =>
  new Date(from.getTime() - days * DAY).toISOString();

export const COLLEAGUES: Colleague[] = [
  { id: 'col-priya', name: 'Priya Patel', email: 'priya@ours.test', department: 'Support' },
  { id: 'col-sam', name: 'Sam Sato', email: 'sam@ours.test', department: 'Sales', title: 'AE' },
  { id: 'col-sofia', name: 'Sofia Silva', email: 'sofia@ours.test', department: 'Sales' },
  { id: 'col-finn', name: 'Finn Fischer', email: 'finn@ours.test', department: 'Finance' },
];

export function cachedCustomer(customer: Omit<Customer, 'updatedAt'>): CachedCustomer {
  const tokens = normaliseName(`${customer.name} ${customer.company ?? ''}`).split(' ');
  return {
    ...customer,
    updatedAt: NOW.toISOString(),
    searchTokens: [...new Set(tokens.filter(Boolean))],
  };
}

export const JANE = cachedCustomer({
  id: 'cus-jane',
  name: 'Jane Doe',
  kind: 'person',
  company: 'Acme',
  tier: 'Enterprise',
});
export const JANET = cachedCustomer({ id: 'cus-janet', name: 'Janet Smith', kind: 'person' });
export const ZOE = cachedCustomer({
  id: 'cus-zoe',
  name: 'Zoë Ångström',
  kind: 'person',
  company: 'Globex',
});

let sequence = 0;
export function engagement(
  customerId: string,
  colleagueId: string,
  daysAgo: number,
  extra: Partial<CachedEngagement> = {},
): CachedEngagement {
  sequence += 1;
  return {
    id: `eng-${sequence}`,
    customerId,
    colleagueId,
    channel: 'email' as Channel,
    direction: 'outbound',
    occurredAt: ago(daysAgo),
    summary: `Summary ${sequence}`,
    source: 'crm',
    visibility: 'team',
    ...extra,
  };
}

export async function resetDb(db: TouchbaseDb): Promise<void> {
  await db.open();
  await Promise.all(db.tables.map((table) => table.clear()));
}

/** Jane has touches from Support, Sales and Finance; Janet and Zoë have none. */
export async function seedLedger(db: TouchbaseDb): Promise<CachedEngagement[]> {
  const engagements = [
    engagement(JANE.id, 'col-priya', 2, {
      channel: 'ticket',
      summary: 'Refund for order 1182',
      topic: 'Refund',
      url: 'https://help.example.com/t/1182',
      source: 'helpdesk',
    }),
    engagement(JANE.id, 'col-priya', 10, { channel: 'ticket' }),
    engagement(JANE.id, 'col-sam', 5, { channel: 'call', summary: null, visibility: 'restricted' }),
    engagement(JANE.id, 'col-sofia', 30, { channel: 'meeting' }),
    engagement(JANE.id, 'col-finn', 89, { channel: 'email' }),
    engagement(JANE.id, 'col-finn', 120, { channel: 'email', summary: 'Old invoice' }),
    engagement(JANET.id, 'col-sam', 1, { summary: 'Janet only' }),
  ];
  await db.transaction('rw', [db.colleagues, db.customers, db.identities, db.engagements], () =>
    Promise.all([
      db.colleagues.bulkPut(COLLEAGUES),
      db.customers.bulkPut([JANE, JANET, ZOE]),
      db.identities.bulkPut([
        { id: 'idn-1', customerId: JANE.id, kind: 'email', value: 'jane@acme.com' },
        { id: 'idn-2', customerId: JANE.id, kind: 'linkedin', value: 'jane-doe' },
        { id: 'idn-3', customerId: JANET.id, kind: 'email', value: 'janet@example.org' },
      ]),
      db.engagements.bulkPut(engagements),
    ]),
  );
  return engagements;
}
