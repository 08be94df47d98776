/**
 * Turns a page's candidates into the customers it shows. Indexed lookups only (one bulk query on
 * identities `[kind+value]`, a few on customers' `searchTokens` for names), so it stays fast with
 * 100k customers cached.
 *
 * Evidence: an identity key that matches exactly (email, handle, profile URL) is strong; an email's
 * company domain finds the organisation, ranked below the person; a bare name is weak and only ever
 * a "possible" match.
 */

import type { TouchbaseDb } from '../cache/db';
import { customersByIds } from '../cache/queries';
import { companyDomainKey } from '../identity/freemail';
import { normaliseName } from '../identity/keys';
import type { Candidate, TabMatch } from '../platform/messaging';

export interface Resolution {
  matches: TabMatch[];
  /** strong candidates no cached customer owns ("not in Touchbase yet") */
  unmatched: Candidate[];
}

/** How a key reached a customer, strongest first. */
const Tier = { Identity: 0, CompanyDomain: 1, Name: 2 } as const;
type Tier = (typeof Tier)[keyof typeof Tier];

interface Lookup {
  kind: string;
  value: string;
  /** the candidate's own key string (for a domain lookup: the email it came from) */
  from: string;
  tier: Tier;
  focus: boolean;
  order: number;
}

interface Merged {
  customerId: string;
  keys: Map<string, Tier>;
  best: Tier;
  focus: boolean;
  order: number;
}

/** Names with more candidates than this say nothing about who the page is about. */
const MAX_NAME_MATCHES = 10;
/** Customers read to check one name at most. */
const MAX_NAME_READS = 50;

export async function resolveCandidates(
  db: TouchbaseDb,
  candidates: readonly Candidate[],
): Promise<Resolution> {
  const unique = dedupe(candidates);
  const lookups: Lookup[] = [];
  const nameLookups: Lookup[] = [];
  unique.forEach((candidate, order) => {
    const colon = candidate.key.indexOf(':');
    if (colon <= 0) return;
    const kind = candidate.key.slice(0, colon);
    const raw = candidate.key.slice(colon + 1);
    const focus = candidate.focus === true;
    if (kind === 'name') {
      const value = normaliseName(raw);
      if (value)
        nameLookups.push({ kind, value, from: `name:${value}`, tier: Tier.Name, focus, order });
      return;
    }
    const tier = candidate.strength === 'weak' ? Tier.Name : Tier.Identity;
    lookups.push({ kind, value: raw, from: candidate.key, tier, focus, order });
    if (kind === 'email') {
      const domain = companyDomainKey(raw);
      if (domain) {
        lookups.push({ ...domain, from: candidate.key, tier: Tier.CompanyDomain, focus, order });
      }
    }
  });

  const merged = new Map<string, Merged>();
  const matchedKeys = new Set<string>();
  const add = (customerId: string, lookup: Lookup, key: string) => {
    let entry = merged.get(customerId);
    if (!entry) {
      entry = { customerId, keys: new Map(), best: lookup.tier, focus: false, order: lookup.order };
      merged.set(customerId, entry);
    }
    const known = entry.keys.get(key);
    if (known === undefined || lookup.tier < known) entry.keys.set(key, lookup.tier);
    if (lookup.tier < entry.best) entry.best = lookup.tier;
    entry.focus ||= lookup.focus;
    entry.order = Math.min(entry.order, lookup.order);
    if (lookup.tier !== Tier.CompanyDomain) matchedKeys.add(lookup.from);
  };

  const allLookups = [...lookups, ...nameLookups];
  if (allLookups.length > 0) {
    const byKey = new Map<string, Lookup[]>();
    for (const lookup of allLookups) {
      const key = `${lookup.kind}:${lookup.value}`;
      byKey.set(key, [...(byKey.get(key) ?? []), lookup]);
    }
    const identities = await db.identities
      .where('[kind+value]')
      .anyOf(allLookups.map((lookup) => [lookup.kind, lookup.value]))
      .toArray();
    for (const identity of identities) {
      const key = `${identity.kind}:${identity.value}`;
      for (const lookup of byKey.get(key) ?? []) add(identity.customerId, lookup, key);
    }
  }
  for (const lookup of nameLookups) {
    for (const customerId of await customersNamed(db, lookup.value)) {
      add(customerId, lookup, lookup.from);
    }
  }

  const matches = [...merged.values()]
    .sort(
      (a, b) =>
        Number(b.focus) - Number(a.focus) ||
        Number(a.best === Tier.Name) - Number(b.best === Tier.Name) ||
        a.best - b.best ||
        b.keys.size - a.keys.size ||
        a.order - b.order,
    )
    .map(
      (entry): TabMatch => ({
        customerId: entry.customerId,
        keys: [...entry.keys].sort((a, b) => a[1] - b[1]).map(([key]) => key),
        evidence: entry.best === Tier.Name ? 'possible' : 'exact',
        focus: entry.focus,
      }),
    );
  const unmatched = unique.filter(
    (candidate) => candidate.strength === 'strong' && !matchedKeys.has(candidate.key),
  );
  return { matches, unmatched };
}

/** One entry per key; a key seen as focus anywhere stays focus, strong wins over weak. */
function dedupe(candidates: readonly Candidate[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const seen = byKey.get(candidate.key);
    if (!seen) {
      byKey.set(candidate.key, { ...candidate });
      continue;
    }
    if (candidate.focus) seen.focus = true;
    if (candidate.strength === 'strong') seen.strength = 'strong';
  }
  return [...byKey.values()];
}

/**
 * Customers whose whole normalised name equals `name`. Reads each word's customer keys on the
 * `searchTokens` index, at most one more than MAX_NAME_READS (a count would walk every entry of
 * a common first name: thousands with 100k customers, on every page showing it), then the
 * customers under the rarest word only, and checks their full name. A single word, or a rarest
 * word shared by too many customers, says too little.
 */
async function customersNamed(db: TouchbaseDb, name: string): Promise<string[]> {
  const words = [...new Set(name.split(' '))];
  if (words.length < 2) return [];
  const keysByWord = await Promise.all(
    words.map((word) =>
      db.customers
        .where('searchTokens')
        .equals(word)
        .limit(MAX_NAME_READS + 1)
        .primaryKeys(),
    ),
  );
  const rarest = keysByWord.reduce((fewest, keys) => (keys.length < fewest.length ? keys : fewest));
  if (rarest.length === 0 || rarest.length > MAX_NAME_READS) return [];
  const customers = await customersByIds(db, rarest);
  const named = customers.filter((customer) => normaliseName(customer.name) === name);
  return named.length > MAX_NAME_MATCHES ? [] : named.map((customer) => customer.id);
}
