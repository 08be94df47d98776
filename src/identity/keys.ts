/**
 * Identity keys: `kind:value` with the value normalised so the same person found on a page, in a
 * CSV import or in a CRM push always yields the same key. Pure functions, no dependencies: the
 * content script, the service worker and the server all import this file.
 */

export type IdentityKind =
  | 'email'
  | 'domain'
  | 'phone'
  | 'x'
  | 'linkedin'
  | 'linkedin-company'
  | 'facebook'
  | 'instagram'
  | 'reddit'
  | 'youtube'
  | 'bluesky'
  | 'github'
  | 'name';

export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

/** `email:jane@acme.com` — the string form used in indexes and messages. */
export function keyString(key: IdentityKey): string {
  return `${key.kind}:${key.value}`;
}

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const HANDLE_PATTERNS: Partial<Record<IdentityKind, RegExp>> = {
  x: /^[a-z0-9_]{1,15}$/,
  instagram: /^[a-z0-9._]{1,30}$/,
  github: /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/,
  reddit: /^[a-z0-9_-]{3,20}$/,
  facebook: /^(?:[a-z0-9.]{5,50}|id\d{5,20})$/,
  linkedin: /^[\p{L}\p{N}_%-]{2,100}$/u,
  'linkedin-company': /^[\p{L}\p{N}_%-]{2,100}$/u,
};

/**
 * First path segments of each site that are pages, not people: `x.com/home` is never the handle
 * `home`. Lower-case, compared after normalisation.
 */
const RESERVED_HANDLES: Partial<Record<IdentityKind, ReadonlySet<string>>> = {
  x: new Set(
    'about account bookmarks communities compose connect_people download explore hashtag help home i intent jobs lists login logout messages notifications personalization premium privacy search settings share signup tos topics who_to_follow x twitter'.split(
      ' ',
    ),
  ),
  instagram: new Set(
    'about accounts api challenge developer direct emails explore graphql legal oauth p press reel reels session stories tv web'.split(
      ' ',
    ),
  ),
  github: new Set(
    'about account advisories apps codespaces collections contact copilot customer-stories dashboard discussions education enterprise enterprises events explore features home issues join login logout marketplace mobile models new nonprofit notifications organizations orgs pricing pulls readme resources search security sessions settings signup site solutions sponsors stars team topics trending users watching'.split(
      ' ',
    ),
  ),
  facebook: new Set(
    'bookmarks business checkpoint dialog events friends fundraisers gaming groups hashtag help home.php l.php legal login login.php marketplace media memories messages notifications onthisday pages people permalink.php photo photo.php photos plugins policies privacy profile.php recover reels saved search settings share sharer sharer.php stories story.php video videos watch'.split(
      ' ',
    ),
  ),
};

/** Normalises an e-mail address; null if it is not one. */
export function normaliseEmail(raw: string): string | null {
  const value = raw
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/\?.*$/, '')
    .toLowerCase();
  return EMAIL.test(value) && value.length <= 320 ? value : null;
}

/**
 * Every key an e-mail address yields: the address itself and, for `jane+news@acme.com`, the
 * address without its `+tag` too. The domain key is added elsewhere (it needs the free-mail list,
 * which the content script must not carry).
 */
export function emailKeys(raw: string): IdentityKey[] {
  const email = normaliseEmail(raw);
  if (!email) return [];
  const keys: IdentityKey[] = [{ kind: 'email', value: email }];
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  if (plus > 0 && plus < at) {
    keys.push({ kind: 'email', value: email.slice(0, plus) + email.slice(at) });
  }
  return keys;
}

/** NFKD-folded, diacritics stripped, lower-cased, whitespace collapsed. */
export function normaliseName(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function stripUrl(raw: string, hosts: RegExp, prefix: RegExp): string {
  const match = /^(?:https?:\/\/)?([^/?#]+)(\/[^?#]*)?/i.exec(raw);
  if (!match?.[1] || !hosts.test(match[1].toLowerCase())) return raw;
  const path = (match[2] ?? '').replace(prefix, '');
  return path.split('/').filter(Boolean)[0] ?? '';
}

/**
 * Normalises a value of the given kind. Accepts the forms people paste: `@JaneDoe`, profile
 * URLs, `u/jane`, `mailto:` links. Returns null when the value is not a valid identity of that
 * kind, so callers can report the field instead of storing a key nothing will ever match.
 */
export function normaliseIdentity(kind: IdentityKind, raw: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  switch (kind) {
    case 'email':
      return normaliseEmail(trimmed);
    case 'domain': {
      const host = trimmed
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/[/?#].*$/, '')
        .replace(/^www\./, '')
        .replace(/\.$/, '');
      return HOSTNAME.test(host) ? host : null;
    }
    case 'phone': {
      const digits = trimmed.replace(/[\s().-]/g, '');
      return /^\+?\d{7,15}$/.test(digits) ? digits : null;
    }
    case 'name': {
      const name = normaliseName(trimmed);
      return name.length > 0 && name.length <= 200 ? name : null;
    }
    case 'youtube': {
      const path = /youtube\.com/i.test(trimmed)
        ? trimmed
            .replace(/^(?:https?:\/\/)?(?:www\.|m\.)?youtube\.com\/?/i, '')
            .replace(/[?#].*$/, '')
        : trimmed;
      const parts = path.split('/').filter(Boolean);
      const channelId = parts[0] === 'channel' ? parts[1] : parts[0];
      if (channelId && /^UC[\w-]{22}$/.test(channelId)) return channelId;
      const handle = safeDecode(parts[0] ?? '').toLowerCase();
      return /^@[\p{L}\p{N}._-]{3,30}$/u.test(handle) ? handle : null;
    }
    case 'bluesky': {
      const value = stripUrl(trimmed, /^bsky\.app$/, /^\/profile/)
        .replace(/^@/, '')
        .toLowerCase();
      // `handle.invalid` is what Bluesky shows for any account whose handle no longer verifies.
      const handle = HOSTNAME.test(value) && value !== 'handle.invalid';
      return handle || /^did:plc:[a-z2-7]{24}$/.test(value) ? value : null;
    }
    default: {
      const hosts: Record<string, [RegExp, RegExp]> = {
        x: [/^(?:www\.|mobile\.)?(?:x|twitter)\.com$/, /^$/],
        instagram: [/^(?:www\.)?instagram\.com$/, /^$/],
        github: [/^(?:www\.)?github\.com$/, /^$/],
        reddit: [/^(?:www\.|old\.|new\.|sh\.)?reddit\.com$/, /^\/(?:u|user)(?=\/)/],
        facebook: [/^(?:www\.|m\.|web\.)?facebook\.com$/, /^$/],
        linkedin: [/^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/, /^\/in(?=\/)/],
        'linkedin-company': [/^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/, /^\/company(?=\/)/],
      };
      const rule = hosts[kind];
      if (!rule) return null;
      // A Facebook profile without a username: `profile.php?id=<digits>` is `id<digits>`.
      const facebookId =
        kind === 'facebook' &&
        /^(?:https?:\/\/)?(?:www\.|m\.|web\.)?facebook\.com\/profile\.php\?(?:[^#]*&)?id=(\d{5,20})(?:[&#]|$)/i.exec(
          trimmed,
        );
      if (facebookId) return `id${facebookId[1]}`;
      let value = stripUrl(trimmed, rule[0], rule[1]);
      if (kind === 'reddit') value = value.replace(/^\/?u(?:ser)?\//i, '');
      value = safeDecode(value.replace(/^@/, '')).normalize('NFC').toLowerCase();
      const pattern = HANDLE_PATTERNS[kind];
      if (!pattern?.test(value) || RESERVED_HANDLES[kind]?.has(value)) return null;
      return value;
    }
  }
}

/** A normalised key, or null when the raw value is not valid for its kind. */
export function identityKey(kind: IdentityKind, raw: string): IdentityKey | null {
  const value = normaliseIdentity(kind, raw);
  return value === null ? null : { kind, value };
}
