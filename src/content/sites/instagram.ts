import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Instagram: profiles (`/<handle>/` and their tabs), a post or reel (`/p/<code>/`,
 * `/reel/<code>/`, also under `/<handle>/`) with its author and commenters, and the home feed's
 * post authors. Class names are generated, so this reads only `main`, `article`,
 * `[role="dialog"]`, link shapes (`/<handle>/`) and the window title.
 */

const HOST = /^(?:www\.)?instagram\.com$/;
const PROFILE_TABS = new Set(['tagged', 'reels', 'saved', 'followers', 'following', 'featured']);
const POST_KINDS = new Set(['p', 'reel', 'tv']);

type Page =
  | { kind: 'profile'; handle: string }
  | { kind: 'post'; handle: string | null }
  | { kind: 'feed' };

function pageOf(url: URL): Page | null {
  if (!HOST.test(url.hostname)) return null;
  const [first, second, third, ...rest] = url.pathname.split('/').filter(Boolean);
  if (first === undefined) return { kind: 'feed' };
  if (POST_KINDS.has(first)) return second && !third ? { kind: 'post', handle: null } : null;
  // Reserved first segments (explore, accounts, direct, stories, …) are never handles.
  const handle = normaliseIdentity('instagram', first);
  if (!handle) return null;
  if (second === undefined || (PROFILE_TABS.has(second) && third === undefined)) {
    return { kind: 'profile', handle };
  }
  return POST_KINDS.has(second) && third && rest.length === 0 ? { kind: 'post', handle } : null;
}

/** The handle a link points to when it is a profile link (`/<handle>/`), else null. */
function linkHandle(link: Element, page: URL): string | null {
  try {
    const target = new URL(link.getAttribute('href') ?? '', page);
    const segments = target.pathname.split('/').filter(Boolean);
    if (!HOST.test(target.hostname) || segments.length !== 1) return null;
    return normaliseIdentity('instagram', segments[0] ?? '');
  } catch {
    return null;
  }
}

/**
 * The signed-in user: outside the page's content and any open post, the only profile link is the
 * navigation's link to the user's own profile.
 */
function ownHandles(doc: Document, page: URL): Set<string> {
  const own = new Set<string>();
  for (const link of doc.querySelectorAll('a[href]')) {
    if (link.closest('main, [role="dialog"]')) continue;
    const handle = linkHandle(link, page);
    if (handle) own.add(handle);
  }
  return own;
}

/**
 * The display name in the title, "Jane Doe (@janedoe) • Instagram …" in every language (with an
 * unread count "(2) " in front at times). Instagram retitles on navigation, and the handle must
 * match, so a lingering title of the previous profile is never read.
 */
function titleName(doc: Document, handle: string): string | null {
  const found = /^(?:\(\d+\)\s*)?(.+?)\s*\(@([^)\s]+)\)/.exec(doc.title);
  if (!found?.[1] || normaliseIdentity('instagram', found[2] ?? '') !== handle) return null;
  return normaliseIdentity('name', found[1]);
}

/**
 * A post's author and commenters: the first profile link is the author's (post header); after
 * it, every comment starts with its author's avatar, a profile link holding an image, while
 * mentions in captions and comments are bare text links.
 */
function postPeople(post: Element, page: URL): { author: string | null; commenters: string[] } {
  let author: string | null = null;
  const commenters: string[] = [];
  for (const link of post.querySelectorAll('a[href]')) {
    const handle = linkHandle(link, page);
    if (!handle) continue;
    if (author === null) author = handle;
    else if (link.querySelector('img')) commenters.push(handle);
  }
  return { author, commenters };
}

export const instagram: SiteAdapter = {
  id: 'instagram',
  exampleUrls: [
    { url: 'https://www.instagram.com/janedoe/', expect: 'match', focus: 'instagram:janedoe' },
    {
      url: 'https://www.instagram.com/Acme.Bakery/tagged/',
      expect: 'match',
      focus: 'instagram:acme.bakery',
    },
    {
      url: 'https://www.instagram.com/acme.bakery/reels/',
      expect: 'match',
      focus: 'instagram:acme.bakery',
    },
    {
      url: 'https://www.instagram.com/omar_haddad?hl=en',
      expect: 'match',
      focus: 'instagram:omar_haddad',
    },
    { url: 'https://www.instagram.com/p/DCx7Qm2tRk9/', expect: 'match' },
    { url: 'https://www.instagram.com/reel/DBz3LpVs1aQ/?igsh=MWd2eXQ', expect: 'match' },
    {
      url: 'https://www.instagram.com/acme.bakery/p/DCx7Qm2tRk9/',
      expect: 'match',
      focus: 'instagram:acme.bakery',
    },
    { url: 'https://www.instagram.com/', expect: 'match' },
    { url: 'https://www.instagram.com/explore/', expect: 'ignore' },
    { url: 'https://www.instagram.com/explore/tags/sourdough/', expect: 'ignore' },
    { url: 'https://www.instagram.com/explore/search/keyword/?q=acme', expect: 'ignore' },
    { url: 'https://www.instagram.com/accounts/edit/', expect: 'ignore' },
    { url: 'https://www.instagram.com/direct/inbox/', expect: 'ignore' },
    { url: 'https://www.instagram.com/stories/janedoe/3512345678901234567/', expect: 'ignore' },
    { url: 'https://www.instagram.com/reels/', expect: 'ignore' },
    { url: 'https://www.instagram.com/p/', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOST.test(hostname),
  mentionSelector: 'main article, [role="dialog"] article',
  detect: (url) => pageOf(url) !== null,
  extract(doc, url) {
    const page = pageOf(url);
    if (!page) return [];
    const own = ownHandles(doc, url);
    const candidates: Candidate[] = [];
    const add = (handle: string | null, role: string, focus = false) => {
      if (!handle || own.has(handle)) return;
      const candidate: Candidate = { key: `instagram:${handle}`, strength: 'strong', role };
      if (focus) candidate.focus = true;
      candidates.push(candidate);
    };
    if (page.kind === 'profile') {
      add(page.handle, 'profile', true);
      const name = own.has(page.handle) ? null : titleName(doc, page.handle);
      if (name) candidates.push({ key: `name:${name}`, strength: 'weak', role: 'profile' });
    } else if (page.kind === 'post') {
      // Opened from a grid, the post shows in a dialog over the page it was opened from.
      const post =
        doc.querySelector('[role="dialog"] article') ??
        doc.querySelector('main article') ??
        doc.querySelector('main');
      const { author, commenters } = post
        ? postPeople(post, url)
        : { author: null, commenters: [] };
      add(page.handle ?? author, 'author', true);
      add(author, 'author');
      for (const commenter of commenters) add(commenter, 'author');
    } else {
      for (const post of doc.querySelectorAll('main article'))
        add(postPeople(post, url).author, 'author');
    }
    return mergeCandidates(candidates);
  },
};
