import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import { hasFocus, hasText } from '../compose';
import type { SiteAdapter } from './types';

/**
 * X (x.com, twitter.com): the authors of every post on the page, read from X's `data-testid`
 * attributes and profile hrefs, never from its generated class names or UI text.
 * - `/<handle>` and its tabs: the handle is the focus, the profile header's name a weak candidate;
 * - `/<handle>/status/<id>`: the URL names the focal post's author, the focus;
 * - timelines (`/home`, `/search`, `/explore`, `/notifications`, lists, bookmarks, communities,
 *   hashtags) and the pages above: every post's author, its reposter and its quoted author.
 * Settings, login flows, the composer and messages show no posts and are ignored: any route
 * whose first segment is reserved (normaliseIdentity rejects it as a handle) and not a timeline.
 */

const HOST = /^(?:mobile\.)?(?:x|twitter)\.com$/;
const TIMELINE_PATH =
  /^\/(?:home|explore|search|notifications|hashtag\/[^/]+|i\/(?:lists\/\d+|bookmarks|communities\/\d+))(?:\/|$)/;
const STATUS_PATH = /^\/[^/]+\/status\/\d+/;

const POST = 'article[data-testid="tweet"]';
/**
 * Inside a post, what names its people: the author's `User-Name` links; the avatar, whose test id
 * ends in the handle (a quoted post renders no links, only that); the reposter's link around the
 * `socialContext` line (a pinned post's line links nowhere).
 */
const POST_PEOPLE =
  '[data-testid="User-Name"] a[href], [data-testid^="UserAvatar-Container-"], [data-testid="socialContext"]';
const AVATAR_PREFIX = 'UserAvatar-Container-';

type Page = { kind: 'profile' | 'status'; handle: string } | { kind: 'timeline' };

function pageOf(url: URL): Page | null {
  if (!HOST.test(url.hostname)) return null;
  if (TIMELINE_PATH.test(url.pathname)) return { kind: 'timeline' };
  const handle = normaliseIdentity('x', url.pathname.split('/')[1] ?? '');
  if (!handle) return null;
  return { kind: STATUS_PATH.test(url.pathname) ? 'status' : 'profile', handle };
}

/** The handle a profile link (`/jane`, `https://x.com/jane/status/1`) points to. */
function linkedHandle(link: Element | null, base: URL): string | null {
  const href = link?.getAttribute('href');
  if (!href) return null;
  try {
    return normaliseIdentity('x', new URL(href, base).href);
  } catch {
    return null;
  }
}

function handleOf(element: Element, base: URL): string | null {
  const testId = element.getAttribute('data-testid') ?? '';
  if (testId.startsWith(AVATAR_PREFIX)) {
    return normaliseIdentity('x', testId.slice(AVATAR_PREFIX.length));
  }
  return linkedHandle(element.closest('a[href]'), base);
}

/** The signed-in account: the nav's profile link, or the account switcher's avatar. */
function signedInHandle(doc: Document, base: URL): string | null {
  const switcherAvatar = doc.querySelector(
    `[data-testid="SideNav_AccountSwitcher_Button"] [data-testid^="${AVATAR_PREFIX}"]`,
  );
  return (
    linkedHandle(doc.querySelector('a[data-testid="AppTabBar_Profile_Link"]'), base) ??
    (switcherAvatar ? handleOf(switcherAvatar, base) : null)
  );
}

function postAuthors(doc: Document, base: URL): Candidate[] {
  const authors: Candidate[] = [];
  for (const post of doc.querySelectorAll(POST)) {
    // Promoted posts are wrapped in X's ad placement tracker: advertisers, not people met.
    if (post.closest('[data-testid="placementTracking"]')) continue;
    for (const element of post.querySelectorAll(POST_PEOPLE)) {
      const handle = handleOf(element, base);
      if (handle) authors.push({ key: `x:${handle}`, strength: 'strong', role: 'author' });
    }
  }
  return authors;
}

/** The profile header's display name (its first line; the second is the @handle). */
function profileName(doc: Document): Candidate[] {
  const line = doc.querySelector('[data-testid="UserName"] [dir]');
  const name = normaliseIdentity('name', line?.textContent ?? '');
  return name ? [{ key: `name:${name}`, strength: 'weak', role: 'profile' }] : [];
}

export const x: SiteAdapter = {
  id: 'x',
  exampleUrls: [
    { url: 'https://x.com/JaneDoe', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/janedoe/with_replies', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/janedoe/media', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/janedoe/likes', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/janedoe/highlights', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/janedoe/articles', expect: 'match', focus: 'x:janedoe' },
    {
      url: 'https://x.com/janedoe/status/1863612345678901234',
      expect: 'match',
      focus: 'x:janedoe',
    },
    {
      url: 'https://x.com/janedoe/status/1863612345678901234/photo/1',
      expect: 'match',
      focus: 'x:janedoe',
    },
    { url: 'https://twitter.com/jane_doe', expect: 'match', focus: 'x:jane_doe' },
    {
      url: 'https://mobile.twitter.com/janedoe/status/1863612345678901234',
      expect: 'match',
      focus: 'x:janedoe',
    },
    { url: 'https://mobile.x.com/janedoe', expect: 'match', focus: 'x:janedoe' },
    { url: 'https://x.com/home', expect: 'match' },
    { url: 'https://x.com/search?q=acme%20renewal&src=typed_query&f=live', expect: 'match' },
    { url: 'https://x.com/i/lists/1598765432109876543', expect: 'match' },
    { url: 'https://x.com/i/bookmarks', expect: 'match' },
    { url: 'https://x.com/notifications/mentions', expect: 'match' },
    { url: 'https://x.com/hashtag/CustomerSuccess', expect: 'match' },
    { url: 'https://x.com/settings/account', expect: 'ignore' },
    { url: 'https://x.com/i/flow/login', expect: 'ignore' },
    { url: 'https://x.com/compose/post', expect: 'ignore' },
    { url: 'https://x.com/messages', expect: 'ignore' },
    { url: 'https://x.com/', expect: 'ignore' },
    { url: 'https://twitter.com/tos', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOST.test(hostname),
  mentionSelector: '[data-testid="tweetText"]',
  /**
   * On a profile or a post, the post box (`tweetTextarea_0`: the reply box under the post) with
   * the focus in it or text in it: the user writes to the page's person. A timeline's box posts
   * to everyone, and the composer opened from anywhere has its own route (ignored).
   */
  composingTo(doc, url) {
    const page = pageOf(url);
    if (!page || page.kind === 'timeline' || page.handle === signedInHandle(doc, url)) return [];
    for (const box of doc.querySelectorAll('[data-testid="tweetTextarea_0"]')) {
      if (hasText(box) || hasFocus(doc, box)) return [`x:${page.handle}`];
    }
    return [];
  },
  detect: (url) => pageOf(url) !== null,
  extract(doc, url) {
    const page = pageOf(url);
    if (!page) return [];
    const own = signedInHandle(doc, url);
    const candidates: Candidate[] = [];
    if (page.kind === 'profile' && page.handle !== own) {
      candidates.push(
        { key: `x:${page.handle}`, strength: 'strong', focus: true, role: 'profile' },
        ...profileName(doc),
      );
    }
    if (page.kind === 'status' && page.handle !== own) {
      candidates.push({ key: `x:${page.handle}`, strength: 'strong', focus: true, role: 'author' });
    }
    candidates.push(...postAuthors(doc, url));
    return mergeCandidates(own ? candidates.filter((c) => c.key !== `x:${own}`) : candidates);
  },
};
