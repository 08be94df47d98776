/**
 * The `domain` key of an e-mail address, unless the address is at a free-mail provider
 * (gmail.com says nothing about which company someone works for). The provider list is the
 * maintained `email-providers` package; it is ~100 KB, so only the service worker and the server
 * import this file — never the content script.
 */
import freeMailDomains from 'email-providers/all.json' with { type: 'json' };
import { type IdentityKey, normaliseEmail } from './keys';

const FREE_MAIL = new Set<string>(freeMailDomains);

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.toLowerCase());
}

/** `domain:acme.com` for jane@acme.com; null for jane@gmail.com or a non-address. */
export function companyDomainKey(rawEmail: string): IdentityKey | null {
  const email = normaliseEmail(rawEmail);
  if (!email) return null;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return isFreeMailDomain(domain) ? null : { kind: 'domain', value: domain };
}
