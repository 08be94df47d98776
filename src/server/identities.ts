/**
 * Identity keys as the server stores them, computed with the same src/identity code the
 * extension uses to read pages, so a key ingested from a CRM matches a key found on a page.
 */

import { emailKeys, type IdentityKey, keyString, normaliseIdentity } from '../identity/keys';
import type { IdentityInput } from '../protocol';

/**
 * Every key one input identity yields, or null when its value is not valid for its kind.
 * An e-mail yields itself and its +tag-stripped form, and never a `domain` key: jane@acme.com
 * must not claim all of acme.com. Domain keys come only from a customer's explicit `domain`
 * identities (an organisation's web domains); the extension derives a page's domain key itself.
 */
export function keysOf(identity: IdentityInput): IdentityKey[] | null {
  if (identity.kind === 'email') {
    const keys = emailKeys(identity.value);
    return keys.length > 0 ? keys : null;
  }
  const value = normaliseIdentity(identity.kind, identity.value);
  return value === null ? null : [{ kind: identity.kind, value }];
}

export function uniqueKeys(keys: IdentityKey[]): IdentityKey[] {
  const seen = new Map<string, IdentityKey>();
  for (const key of keys) seen.set(keyString(key), key);
  return [...seen.values()];
}
