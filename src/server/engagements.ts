/** POST /v1/engagements and `import engagements`: batch ingest, idempotent on (source, externalId). */
import { randomUUID } from 'node:crypto';
import { emailKeys, type IdentityKey, keyString, normaliseIdentity } from '../identity/keys';
import type { EngagementInput, EngagementsIngestResponse } from '../protocol';
import type { Writer } from './changes';
import { identitiesByKeys } from './customers';
import type { EngagementTable } from './db';
import { chunks, toUtc } from './util';

type EngagementResult = EngagementsIngestResponse['results'][number];

/** Notes written in the extension use this source; integrations may not impersonate them. */
export const NOTE_SOURCE = 'touchbase';

/** Keys to find a customer by: for an e-mail, the address itself first, then without its +tag. */
function refKeys(identity: { kind: IdentityKey['kind']; value: string }): IdentityKey[] {
  if (identity.kind === 'email') return emailKeys(identity.value);
  const value = normaliseIdentity(identity.kind, identity.value);
  return value === null ? [] : [{ kind: identity.kind, value }];
}

const sourceKey = (source: string, externalId: string) => `${source}\u0000${externalId}`;

/**
 * Ingests each item on its own: an item that cannot apply (unknown colleague or customer) gets
 * an error result and the others still apply. An item already ingested is reported as a
 * duplicate and left as it is.
 */
export async function ingestEngagements(
  w: Writer,
  items: EngagementInput[],
): Promise<EngagementResult[]> {
  const { trx } = w;
  const colleagueByEmail = new Map<string, string>();
  for (const part of chunks([...new Set(items.map((item) => item.colleagueEmail))], 500)) {
    const rows = await trx
      .selectFrom('colleagues')
      .select(['id', 'email'])
      .where('email', 'in', part)
      // an integration account is a system, not a colleague who can have touched a customer
      .where('role', '!=', 'integration')
      .execute();
    for (const row of rows) colleagueByEmail.set(row.email, row.id);
  }

  const customerByExternalId = new Map<string, string>();
  const externalRefs = items.flatMap((item) =>
    'externalId' in item.customer ? [item.customer.externalId] : [],
  );
  for (const part of chunks([...new Set(externalRefs)], 500)) {
    const rows = await trx
      .selectFrom('customers')
      .select(['id', 'external_id'])
      .where('external_id', 'in', part)
      .execute();
    for (const row of rows) customerByExternalId.set(row.external_id, row.id);
  }

  const customerByKey = new Map<string, string>();
  const identityRefs = items.flatMap((item) =>
    'identity' in item.customer ? refKeys(item.customer.identity) : [],
  );
  for (const row of await identitiesByKeys(w, identityRefs)) {
    customerByKey.set(`${row.kind}:${row.value}`, row.customer_id);
  }

  // Looked up by (source, external_id), the unique index's columns: by external_id alone each
  // batch would scan the whole table, and ingest would slow down as the ledger grows.
  const externalIdsBySource = new Map<string, Set<string>>();
  for (const item of items) {
    const externalIds = externalIdsBySource.get(item.source) ?? new Set<string>();
    externalIdsBySource.set(item.source, externalIds.add(item.externalId));
  }
  const ingested = new Map<string, string>();
  for (const [source, externalIds] of externalIdsBySource) {
    for (const part of chunks([...externalIds], 500)) {
      const rows = await trx
        .selectFrom('engagements')
        .select(['id', 'external_id'])
        .where('source', '=', source)
        .where('external_id', 'in', part)
        .execute();
      for (const row of rows)
        if (row.external_id) ingested.set(sourceKey(source, row.external_id), row.id);
    }
  }

  const results: EngagementResult[] = [];
  const rows: EngagementTable[] = [];
  for (const item of items) {
    const fail = (code: string, message: string) =>
      results.push({ externalId: item.externalId, ok: false, error: { code, message } });
    if (item.source === NOTE_SOURCE) {
      fail(
        'reserved_source',
        `source: "${NOTE_SOURCE}" is reserved for notes written in Touchbase`,
      );
      continue;
    }
    const already = ingested.get(sourceKey(item.source, item.externalId));
    if (already) {
      results.push({ externalId: item.externalId, ok: true, id: already, duplicate: true });
      continue;
    }
    const colleagueId = colleagueByEmail.get(item.colleagueEmail);
    if (!colleagueId) {
      fail('unknown_colleague', `colleagueEmail: no colleague with e-mail ${item.colleagueEmail}`);
      continue;
    }
    let customerId: string | undefined;
    if ('externalId' in item.customer) {
      customerId = customerByExternalId.get(item.customer.externalId);
      if (!customerId) {
        fail(
          'unknown_customer',
          `customer.externalId: no customer with externalId "${item.customer.externalId}"`,
        );
        continue;
      }
    } else {
      const keys = refKeys(item.customer.identity);
      if (keys.length === 0) {
        const { kind, value } = item.customer.identity;
        fail('invalid_identity', `customer.identity.value: "${value}" is not a valid ${kind}`);
        continue;
      }
      customerId = keys.map((key) => customerByKey.get(keyString(key))).find(Boolean);
      if (!customerId) {
        fail(
          'unknown_customer',
          `customer.identity: no customer with ${keys.map(keyString).join(' or ')}`,
        );
        continue;
      }
    }
    const id = randomUUID();
    rows.push({
      id,
      customer_id: customerId,
      colleague_id: colleagueId,
      channel: item.channel,
      direction: item.direction,
      occurred_at: toUtc(item.occurredAt),
      summary: item.summary ?? null,
      topic: item.topic || null,
      url: item.url ?? null,
      source: item.source,
      external_id: item.externalId,
      visibility: item.visibility,
      created_at: w.now,
      updated_at: w.now,
      seq: w.nextSeq(),
    });
    ingested.set(sourceKey(item.source, item.externalId), id);
    results.push({ externalId: item.externalId, ok: true, id });
  }
  for (const part of chunks(rows, 200)) await trx.insertInto('engagements').values(part).execute();
  return results;
}
