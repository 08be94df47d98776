import type { TabMatch } from '../platform/messaging';
import type { Channel, Visibility } from '../protocol';

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'Email',
  call: 'Call',
  meeting: 'Meeting',
  ticket: 'Ticket',
  social: 'Social',
  chat: 'Chat',
  note: 'Note',
};

export const VISIBILITY_LABELS: Record<Visibility, string> = {
  team: 'Team — everyone sees the text',
  restricted: 'Restricted — others see only that it happened',
};

const KIND_LABELS: Record<string, string> = {
  email: 'email',
  domain: 'company domain',
  phone: 'phone',
  x: 'X handle',
  linkedin: 'LinkedIn profile',
  'linkedin-company': 'LinkedIn company page',
  facebook: 'Facebook',
  instagram: 'Instagram',
  reddit: 'Reddit',
  youtube: 'YouTube',
  bluesky: 'Bluesky',
  github: 'GitHub',
  name: 'name',
};

/** `email:jane@acme.com` → "email jane@acme.com". */
export function describeKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const kind = key.slice(0, colon);
  return `${KIND_LABELS[kind] ?? kind} ${key.slice(colon + 1)}`;
}

/** How the resolver matched a customer: "matched by email jane@acme.com" or "possible match by name". */
export function describeMatch(match: TabMatch): string {
  if (match.evidence === 'possible') return 'possible match by name';
  const [strongest] = match.keys;
  return strongest ? `matched by ${describeKey(strongest)}` : 'matched';
}
