import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Facebook: the profile or page a URL names (`/<username>/…`, `/profile.php?id=<digits>`), and
 * the authors of the posts and comments in feeds, groups and posts. Facebook's class names are
 * generated, so this reads only ARIA roles, `data-ad-rendering-role` and link shapes. A profile
 * without a username is keyed `facebook:id<digits>` (the form normaliseIdentity accepts).
 */

const HOSTS = new Set(['www.facebook.com', 'web.facebook.com', 'm.facebook.com']);
/** `/groups/<segment>/` pages that are not a group's feed. */
const GROUP_DIRECTORY = new Set(['discover', 'joins', 'create', 'notifications']);
/** Post headers (a reshare has the original author's too) and comments, in page order. */
const AUTHOR_SCOPES =
  ':is([role="main"], [role="dialog"]) :is([data-ad-rendering-role="profile_name"], [role="article"])';
const POST_UNIT = '[aria-posinset], [role="article"]';
/** Sponsored posts carry a call-to-action rendering role that organic posts never have. */
const SPONSORED = '[data-ad-rendering-role^="cta"]';

const numericKey = (digits: string | null | undefined) =>
  digits && /^\d+$/.test(digits) ? normaliseIdentity('facebook', `id${digits}`) : null;

/**
 * The profile a Facebook URL is about. `exact`: only a link to the profile itself (an author
 * link), not to one of its posts, photos or tabs.
 */
function profileOf(url: URL, exact: boolean): string | null {
  if (!HOSTS.has(url.hostname)) return null;
  const segments = url.pathname.split('/').filter(Boolean);
  const [first, , third, fourth] = segments;
  if (first === 'profile.php') return numericKey(url.searchParams.get('id'));
  // `/people/<Name>/<digits>/`: a profile without a username, as shown to strangers.
  if (first === 'people') return segments.length === 3 ? numericKey(third) : null;
  // `/groups/<group>/user/<digits>/`: a member's posts in a group; its author links look so.
  if (first === 'groups' && third === 'user') return numericKey(fourth);
  if (!first || (exact && segments.length > 1)) return null;
  // normaliseIdentity rejects reserved first segments: groups, watch, photo, marketplace, …
  return normaliseIdentity('facebook', first);
}

/** The subject a URL names: a profile and its tabs or posts, or a post by a numeric profile. */
function subjectOf(url: URL): string | null {
  const path = url.pathname;
  if (HOSTS.has(url.hostname) && (path === '/permalink.php' || path === '/story.php')) {
    return numericKey(url.searchParams.get('id'));
  }
  return profileOf(url, false);
}

/** The home feed and group feeds (with their single posts). */
function isFeed(url: URL): boolean {
  if (!HOSTS.has(url.hostname)) return false;
  const [first, group] = url.pathname.split('/').filter(Boolean);
  if (first === undefined || first === 'home.php') return true;
  return first === 'groups' && group !== undefined && !GROUP_DIRECTORY.has(group);
}

/** `/groups/<g>/posts/<id>/` or `/groups/<g>/permalink/<id>/`: one post, its author in focus. */
function isGroupPost(url: URL): boolean {
  const [first, , kind, id] = url.pathname.split('/').filter(Boolean);
  return first === 'groups' && (kind === 'posts' || kind === 'permalink') && id !== undefined;
}

function linkTarget(link: Element, page: URL): URL | null {
  try {
    return new URL(link.getAttribute('href') ?? '', page);
  } catch {
    return null;
  }
}

function linkProfile(link: Element, page: URL): string | null {
  const target = linkTarget(link, page);
  return target && profileOf(target, true);
}

/** The first profile linked from an organic post's header: its author. */
function postAuthor(header: Element, page: URL): string | null {
  if (header.closest(POST_UNIT)?.querySelector(SPONSORED)) return null;
  for (const link of header.querySelectorAll('a[href]')) {
    const profile = linkProfile(link, page);
    if (profile) return profile;
  }
  return null;
}

/**
 * A comment's author: its first profile link (the avatar; mentions come later, and nested
 * replies are articles of their own). Only comment author links carry `comment_id`, which tells
 * comments from posts and suggestion cards.
 */
function commentAuthor(article: Element, page: URL): string | null {
  for (const link of article.querySelectorAll('a[href]')) {
    if (link.closest('[role="article"]') !== article) continue;
    const target = linkTarget(link, page);
    const profile = target && profileOf(target, true);
    if (profile) return target.searchParams.has('comment_id') ? profile : null;
  }
  return null;
}

/**
 * The signed-in user: outside the page's content, the top bar and the left navigation link to
 * profiles only for the user's own profile (and the pages they manage, which speak for them).
 */
function ownProfiles(doc: Document, page: URL): Set<string> {
  const own = new Set<string>();
  for (const link of doc.querySelectorAll('[role="banner"] a[href], [role="navigation"] a[href]')) {
    if (link.closest('[role="main"]')) continue;
    const profile = linkProfile(link, page);
    if (profile) own.add(profile);
  }
  return own;
}

function isProfilePage(url: URL): boolean {
  const segments = url.pathname.split('/').filter(Boolean);
  return segments[0] === 'profile.php' || segments[0] === 'people' || segments.length <= 2;
}

export const facebook: SiteAdapter = {
  id: 'facebook',
  exampleUrls: [
    { url: 'https://www.facebook.com/jane.doe.77', expect: 'match', focus: 'facebook:jane.doe.77' },
    {
      url: 'https://www.facebook.com/AcmeBakery/about',
      expect: 'match',
      focus: 'facebook:acmebakery',
    },
    {
      url: 'https://www.facebook.com/profile.php?id=100012345678901&sk=about',
      expect: 'match',
      focus: 'facebook:id100012345678901',
    },
    {
      url: 'https://www.facebook.com/people/Omar-Haddad/100089012345678/',
      expect: 'match',
      focus: 'facebook:id100089012345678',
    },
    {
      url: 'https://www.facebook.com/jane.doe.77/posts/pfbid02kXw3qZr8YhT1nQk7vLmA5s',
      expect: 'match',
      focus: 'facebook:jane.doe.77',
    },
    {
      url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0aBcD123&id=100012345678901',
      expect: 'match',
      focus: 'facebook:id100012345678901',
    },
    { url: 'https://m.facebook.com/jane.doe.77/', expect: 'match', focus: 'facebook:jane.doe.77' },
    {
      url: 'https://web.facebook.com/jane.doe.77',
      expect: 'match',
      focus: 'facebook:jane.doe.77',
    },
    { url: 'https://www.facebook.com/', expect: 'match' },
    { url: 'https://www.facebook.com/groups/saasbuyersclub/', expect: 'match' },
    {
      url: 'https://www.facebook.com/groups/812345678901234/posts/998877665544332/',
      expect: 'match',
    },
    { url: 'https://www.facebook.com/watch/?v=1234567890', expect: 'ignore' },
    { url: 'https://www.facebook.com/reel/1234567890123456', expect: 'ignore' },
    { url: 'https://www.facebook.com/photo/?fbid=1234567890&set=a.987654321', expect: 'ignore' },
    { url: 'https://www.facebook.com/marketplace/item/1234567890/', expect: 'ignore' },
    { url: 'https://www.facebook.com/settings/?tab=privacy', expect: 'ignore' },
    { url: 'https://www.facebook.com/search/top/?q=acme%20bakery', expect: 'ignore' },
    { url: 'https://www.facebook.com/notifications', expect: 'ignore' },
    { url: 'https://www.facebook.com/messages/t/100012345678901/', expect: 'ignore' },
    { url: 'https://www.facebook.com/events/1234567890/', expect: 'ignore' },
    { url: 'https://www.facebook.com/groups/discover/', expect: 'ignore' },
    { url: 'https://www.facebook.com/hashtag/renewals', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOSTS.has(hostname),
  mentionSelector: '[data-ad-rendering-role="story_message"], [role="article"] [lang]',
  detect: (url) => subjectOf(url) !== null || isFeed(url),
  extract(doc, url) {
    const subject = subjectOf(url);
    if (!subject && !isFeed(url)) return [];
    const own = ownProfiles(doc, url);
    const candidates: Candidate[] = [];
    if (subject && !own.has(subject)) {
      candidates.push({
        key: `facebook:${subject}`,
        strength: 'strong',
        focus: true,
        role: 'profile',
      });
      const heading = isProfilePage(url) ? doc.querySelector('[role="main"] h1') : null;
      const name = normaliseIdentity('name', heading?.textContent ?? '');
      if (name) candidates.push({ key: `name:${name}`, strength: 'weak', role: 'profile' });
    }
    // A single group post: its author in focus (the first author who is not the user, on the
    // user's own post, as Gmail focuses the latest sender other than the user).
    let focusOnFirstAuthor = isGroupPost(url);
    for (const scope of doc.querySelectorAll(AUTHOR_SCOPES)) {
      const author =
        scope.getAttribute('role') === 'article'
          ? commentAuthor(scope, url)
          : postAuthor(scope, url);
      if (!author || own.has(author)) continue;
      const candidate: Candidate = {
        key: `facebook:${author}`,
        strength: 'strong',
        role: 'author',
      };
      if (focusOnFirstAuthor) candidate.focus = true;
      candidates.push(candidate);
      focusOnFirstAuthor = false;
    }
    return mergeCandidates(candidates);
  },
};
