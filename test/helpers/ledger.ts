/**
 * The ledger as one colleague sees it, for convergence checks: a full pull from the real server
 * (tombstones applied), and an order-independent digest to compare it with a client's cache.
 */
import { createHash } from 'node:crypto';
import type { PullResponse } from '../../src/protocol';

type Table = 'customers' | 'identities' | 'engagements';

export type Ledger = Pick<PullResponse, Table>;

/** Every customer, identity and engagement `token` sees, pulled from the start to the end. */
export async function pullLedger(baseUrl: string, token: string): Promise<Ledger> {
  const tables = {
    customers: new Map<string, Ledger['customers'][number]>(),
    identities: new Map<string, Ledger['identities'][number]>(),
    engagements: new Map<string, Ledger['engagements'][number]>(),
  };
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '5000' });
    if (cursor) query.set('cursor', cursor);
    const response = await fetch(new URL(`/v1/sync/pull?${query}`, baseUrl), {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`pull → ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as PullResponse;
    for (const row of page.customers) tables.customers.set(row.id, row);
    for (const row of page.identities) tables.identities.set(row.id, row);
    for (const row of page.engagements) tables.engagements.set(row.id, row);
    for (const gone of page.deleted)
      if (gone.table !== 'colleagues') tables[gone.table].delete(gone.id);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return {
    customers: [...tables.customers.values()],
    identities: [...tables.identities.values()],
    engagements: [...tables.engagements.values()],
  };
}

/** Key order, row order and undefined fields do not matter: sort both, then compare. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, field]) => [key, canonical(field)]),
    );
  }
  return value;
}

/**
 * Row count and sha256 of a table's rows on the wire protocol's fields: the cache's own
 * `searchTokens` (the type-ahead index) is not ledger data.
 */
export function tableDigest(rows: Iterable<object>): {
  rows: number;
  sha256: string;
} {
  const lines = [...rows].map((row) => {
    const { searchTokens: _tokens, ...wire } = row as Record<string, unknown>;
    return JSON.stringify(canonical(wire));
  });
  lines.sort();
  return {
    rows: lines.length,
    sha256: createHash('sha256').update(lines.join('\n')).digest('hex'),
  };
}

/** The digest of each table (of a pull, or of a cache read the same way). */
export function ledgerDigest(
  ledger: Record<Table, Iterable<object>>,
): Record<Table, ReturnType<typeof tableDigest>> {
  return {
    customers: tableDigest(ledger.customers),
    identities: tableDigest(ledger.identities),
    engagements: tableDigest(ledger.engagements),
  };
}
