/** POST /v1/customers and `import customers`: batch upsert by externalId. */
import { randomUUID } from 'node:crypto';
import { type IdentityKey, keyString } from '../identity/keys';
import type { CustomerInput, CustomerKind, CustomersUpsertResponse } from '../protocol';
import { tombstone, type Writer } from './changes';
import type { IdentityTable } from './db';
import { ApiError } from './errors';
import { keysOf, uniqueKeys } from './identities';
import { chunks } from './util';

export interface PreparedCustomer {
  externalId: string;
  name: string;
  kind: CustomerKind;
  company: string | null;
  tier: string | null;
  keys: IdentityKey[];
}

type CustomerResult = CustomersUpsertResponse['results'][number];

/**
 * Normalises a batch before anything is written; an identity value that is not valid for its
 * kind rejects the whole batch with a 400 naming the field (`customers[2].identities[0].value`).
 */
export function prepareCustomers(
  customers: CustomerInput[],
  field = 'customers',
): PreparedCustomer[] {
  const seen = new Map<string, number>();
  return customers.map((customer, index) => {
    const earlier = seen.get(customer.externalId);
    if (earlier !== undefined) {
      throw new ApiError(
        400,
        'invalid_request',
        `${field}[${index}].externalId: "${customer.externalId}" appears twice in this batch (also ${field}[${earlier}])`,
      );
    }
    seen.set(customer.externalId, index);
    const keys: IdentityKey[] = [];
    customer.identities.forEach((identity, position) => {
      const found = keysOf(identity);
      if (!found) {
        throw new ApiError(
          400,
          'invalid_identity',
          `${field}[${index}].identities[${position}].value: "${identity.value}" is not a valid ${identity.kind}`,
        );
      }
      keys.push(...found);
    });
    return {
      externalId: customer.externalId,
      name: customer.name,
      kind: customer.kind,
      company: customer.company || null,
      tier: customer.tier || null,
      keys: uniqueKeys(keys),
    };
  });
}

/**
 * Upserts each customer and makes its identity keys exactly the given set: keys it no longer
 * lists are deleted (tombstoned). A key already owned by another customer MOVES to this one —
 * the latest upsert is taken as the truth (e.g. an address that changed hands in the CRM) — and
 * the moved row keeps its id with a new seq, so clients simply overwrite it.
 * Rows that did not change keep their seq, so re-running an import syncs nothing new.
 */
export async function upsertCustomers(
  w: Writer,
  customers: PreparedCustomer[],
): Promise<CustomerResult[]> {
  const { trx } = w;
  const existing = new Map<
    string,
    { id: string; name: string; kind: string; company: string | null; tier: string | null }
  >();
  for (const part of chunks(
    customers.map((c) => c.externalId),
    500,
  )) {
    const rows = await trx
      .selectFrom('customers')
      .select(['id', 'external_id', 'name', 'kind', 'company', 'tier'])
      .where('external_id', 'in', part)
      .execute();
    for (const row of rows) existing.set(row.external_id, row);
  }

  // Who owns each key that matters to this batch: the keys asked for and the keys held now.
  const ownerByKey = new Map<string, { id: string; customerId: string }>();
  const keysByCustomer = new Map<string, Set<string>>();
  const remember = (row: { id: string; customer_id: string; kind: string; value: string }) => {
    const key = `${row.kind}:${row.value}`;
    ownerByKey.set(key, { id: row.id, customerId: row.customer_id });
    const held = keysByCustomer.get(row.customer_id) ?? new Set<string>();
    keysByCustomer.set(row.customer_id, held);
    held.add(key);
  };
  for (const part of chunks(
    [...existing.values()].map((c) => c.id),
    500,
  )) {
    const rows = await trx
      .selectFrom('identities')
      .selectAll()
      .where('customer_id', 'in', part)
      .execute();
    rows.forEach(remember);
  }
  for (const row of await identitiesByKeys(
    w,
    customers.flatMap((c) => c.keys),
  ))
    remember(row);

  const results: CustomerResult[] = [];
  for (const customer of customers) {
    const current = existing.get(customer.externalId);
    const id = current?.id ?? randomUUID();
    if (!current) {
      await trx
        .insertInto('customers')
        .values({
          id,
          external_id: customer.externalId,
          name: customer.name,
          kind: customer.kind,
          company: customer.company,
          tier: customer.tier,
          updated_at: w.now,
          seq: w.nextSeq(),
        })
        .execute();
    } else if (
      current.name !== customer.name ||
      current.kind !== customer.kind ||
      current.company !== customer.company ||
      current.tier !== customer.tier
    ) {
      await trx
        .updateTable('customers')
        .set({
          name: customer.name,
          kind: customer.kind,
          company: customer.company,
          tier: customer.tier,
          updated_at: w.now,
          seq: w.nextSeq(),
        })
        .where('id', '=', id)
        .execute();
    }

    const held = keysByCustomer.get(id) ?? new Set<string>();
    keysByCustomer.set(id, held);
    const wantedHere = new Set(customer.keys.map(keyString));
    for (const key of customer.keys) {
      const name = keyString(key);
      if (held.has(name)) continue;
      const owner = ownerByKey.get(name);
      if (owner) {
        await trx
          .updateTable('identities')
          .set({ customer_id: id, seq: w.nextSeq() })
          .where('id', '=', owner.id)
          .execute();
        keysByCustomer.get(owner.customerId)?.delete(name);
        owner.customerId = id;
      } else {
        const identityId = randomUUID();
        await trx
          .insertInto('identities')
          .values({
            id: identityId,
            customer_id: id,
            kind: key.kind,
            value: key.value,
            seq: w.nextSeq(),
          })
          .execute();
        ownerByKey.set(name, { id: identityId, customerId: id });
      }
      held.add(name);
    }
    for (const name of [...held]) {
      if (wantedHere.has(name)) continue;
      const owner = ownerByKey.get(name);
      if (!owner) continue;
      await trx.deleteFrom('identities').where('id', '=', owner.id).execute();
      await tombstone(w, 'identities', owner.id);
      ownerByKey.delete(name);
      held.delete(name);
    }
    results.push({ externalId: customer.externalId, ok: true, id, created: !current });
  }
  return results;
}

/** The stored identity rows with these keys (one indexed query per kind and chunk). */
export async function identitiesByKeys(
  w: Pick<Writer, 'trx'>,
  keys: IdentityKey[],
): Promise<IdentityTable[]> {
  const valuesByKind = new Map<IdentityKey['kind'], Set<string>>();
  for (const key of keys) {
    const values = valuesByKind.get(key.kind) ?? new Set<string>();
    valuesByKind.set(key.kind, values);
    values.add(key.value);
  }
  const rows: IdentityTable[] = [];
  for (const [kind, values] of valuesByKind) {
    for (const part of chunks([...values], 500)) {
      rows.push(
        ...(await w.trx
          .selectFrom('identities')
          .selectAll()
          .where('kind', '=', kind)
          .where('value', 'in', part)
          .execute()),
      );
    }
  }
  return rows;
}
