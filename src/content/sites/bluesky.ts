import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Bluesky (bsky.app): profiles, post threads and feeds. The web app renders React Native test
 * ids as `data-testid`; every post carries its author's handle in one (`feedItem-by-<handle>` in
 * feeds, `postThreadItem-by-<handle>` in threads), and routes name the profile
 * (`/profile/<handle-or-did>`). Its class names are generated.
 */

/** Home (Following, Discover and pinned feeds), search results and hashtag feeds. */
const FEED_PATH = /^\/(?:search|hashtag\/[^/]+)?\/?$/;
/** A profile, one of its posts (the thread around it) or one of its custom feeds. */
const PROFILE_PATH = /^\/profile\/([^/]+)(?:\/(post|feed)\/[^/]+)?\/?$/;
const POST_AUTHORS = '[data-testid^="feedItem-by-"], [data-testid^="postThreadItem-by-"]';

interface Route {
  /** who the page is about: the profile, or the author of the opened post */
  subject: string | null;
  tab?: string;
}

function routeOf(url: URL): Route | null {
  if (url.hostname !== 'bsky.app') return null;
  if (FEED_PATH.test(url.pathname)) return { subject: null };
  const [, who = '', tab] = PROFILE_PATH.exec(url.pathname) ?? [];
  const handle = normaliseIdentity('bluesky', who);
  if (!handle) return null;
  // A custom feed lists other people's posts; its creator is not who the page is about.
  return { subject: tab === 'feed' ? null : handle, tab };
}

export const bluesky: SiteAdapter = {
  id: 'bluesky',
  exampleUrls: [
    {
      url: 'https://bsky.app/profile/jane-acme.bsky.social',
      expect: 'match',
      focus: 'bluesky:jane-acme.bsky.social',
    },
    { url: 'https://bsky.app/profile/Acme.com', expect: 'match', focus: 'bluesky:acme.com' },
    {
      url: 'https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      expect: 'match',
      focus: 'bluesky:did:plc:ewvi7nxzyoun6zhxrhs64oiz',
    },
    {
      url: 'https://bsky.app/profile/jane-acme.bsky.social/post/3lcxq7nw2ks2v',
      expect: 'match',
      focus: 'bluesky:jane-acme.bsky.social',
    },
    { url: 'https://bsky.app/', expect: 'match' },
    {
      url: 'https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/feed/whats-hot',
      expect: 'match',
    },
    { url: 'https://bsky.app/search?q=acme%20robotics', expect: 'match' },
    { url: 'https://bsky.app/hashtag/warehouse', expect: 'match' },
    { url: 'https://bsky.app/settings', expect: 'ignore' },
    { url: 'https://bsky.app/settings/account', expect: 'ignore' },
    { url: 'https://bsky.app/notifications', expect: 'ignore' },
    { url: 'https://bsky.app/messages/3lb5kzq2mvs2y', expect: 'ignore' },
    { url: 'https://bsky.app/feeds', expect: 'ignore' },
    { url: 'https://bsky.app/profile/jane-acme.bsky.social/followers', expect: 'ignore' },
    {
      url: 'https://bsky.app/profile/jane-acme.bsky.social/post/3lcxq7nw2ks2v/liked-by',
      expect: 'ignore',
    },
  ],
  runsOn: (hostname) => hostname === 'bsky.app',
  // Thread posts render their text without the `postText` test id, so the whole item is read.
  mentionSelector: '[data-testid="postText"], [data-testid^="postThreadItem-by-"]',
  detect: (url) => routeOf(url) !== null,
  extract(doc, url) {
    const route = routeOf(url);
    if (!route) return [];
    const found: Candidate[] = [];
    if (route.subject) {
      const role = route.tab ? 'author' : 'profile';
      found.push({ key: `bluesky:${route.subject}`, strength: 'strong', focus: true, role });
      // Without a display name the profile header shows the handle, which is no name (and a
      // DID-addressed profile's handle differs from its route).
      const header = route.tab
        ? null
        : doc.querySelector('[data-testid="profileHeaderDisplayName"]');
      const name = normaliseIdentity('name', header?.textContent ?? '');
      if (name && !normaliseIdentity('bluesky', name))
        found.push({ key: `name:${name}`, strength: 'weak', role: 'profile' });
    }
    for (const post of doc.querySelectorAll(POST_AUTHORS)) {
      const testId = post.getAttribute('data-testid') ?? '';
      const handle = normaliseIdentity('bluesky', testId.slice(testId.indexOf('-by-') + 4));
      if (handle) found.push({ key: `bluesky:${handle}`, strength: 'strong', role: 'author' });
    }
    return mergeCandidates(found);
  },
};
