import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Reddit: user pages (`/user/<name>/`, `/u/<name>`), posts (`/r/<sub>/comments/<id>/…`) with
 * their author and commenters, and listings (home, subreddits) with their post authors. The
 * current site's custom elements carry the author as an attribute (`shreddit-post[author]`,
 * `shreddit-comment[author]`); old Reddit puts it in `data-author` on each `.thing`. Both are
 * read, never the visible text. `[deleted]` and `[removed]` are not accounts (normaliseIdentity
 * rejects them); AutoModerator and other bots are real accounts and reported like anyone.
 */

const HOSTS = new Set(['www.reddit.com', 'old.reddit.com', 'new.reddit.com', 'sh.reddit.com']);
const SORTS = new Set(['best', 'hot', 'new', 'top', 'rising', 'controversial']);
const POST_ID = /^[a-z0-9]{1,12}$/;
const AUTHORS =
  'shreddit-post[author], shreddit-comment[author], .thing[data-author]:not([data-promoted="true"])';

type Page = { kind: 'user'; name: string } | { kind: 'post'; id: string } | { kind: 'listing' };

function pageOf(url: URL): Page | null {
  if (!HOSTS.has(url.hostname)) return null;
  const [first, second, third, fourth] = url.pathname.split('/').filter(Boolean);
  const post = (id: string | undefined): Page | null =>
    id && POST_ID.test(id) ? { kind: 'post', id } : null;
  if (first === undefined || (SORTS.has(first) && second === undefined)) return { kind: 'listing' };
  if (first === 'comments') return post(second);
  if (first === 'r' && second) {
    if (third === 'comments') return post(fourth);
    return third === undefined || (SORTS.has(third) && fourth === undefined)
      ? { kind: 'listing' }
      : null;
  }
  if (first === 'user' || first === 'u') {
    const name = normaliseIdentity('reddit', second ?? '');
    if (!name) return null;
    // `/user/<name>/comments/<id>/…` is a post on the user's own profile.
    if (third === 'comments' && fourth) return post(fourth);
    return { kind: 'user', name };
  }
  return null;
}

/**
 * The signed-in user. The current site renders components for the signed-in user only that
 * carry their name (`after-login-toast-dispatcher[username]`, `achievements-entrypoint`); old
 * Reddit links the user's page from the header's `.user`.
 */
function ownNames(doc: Document): Set<string> {
  const raw: string[] = [];
  for (const element of doc.querySelectorAll(
    'after-login-toast-dispatcher[username], achievements-entrypoint[username]',
  )) {
    raw.push(element.getAttribute('username') ?? '');
  }
  const headerLink = doc.querySelector('#header-bottom-right .user a[href]');
  const linked = /\/user\/([^/?#]+)/.exec(headerLink?.getAttribute('href') ?? '');
  if (linked?.[1]) raw.push(linked[1]);
  const own = new Set<string>();
  for (const name of raw) {
    const normalised = normaliseIdentity('reddit', name);
    if (normalised) own.add(normalised);
  }
  return own;
}

const authorOf = (element: Element) =>
  element.getAttribute('author') ?? element.getAttribute('data-author') ?? '';

export const reddit: SiteAdapter = {
  id: 'reddit',
  exampleUrls: [
    { url: 'https://www.reddit.com/user/Jane_Doe/', expect: 'match', focus: 'reddit:jane_doe' },
    { url: 'https://www.reddit.com/u/jane_doe', expect: 'match', focus: 'reddit:jane_doe' },
    {
      url: 'https://old.reddit.com/user/jane_doe/submitted/',
      expect: 'match',
      focus: 'reddit:jane_doe',
    },
    {
      url: 'https://sh.reddit.com/user/jane_doe/comments/',
      expect: 'match',
      focus: 'reddit:jane_doe',
    },
    {
      url: 'https://www.reddit.com/r/sales/comments/1h4qk2z/how_do_you_handle_renewal_pushback/',
      expect: 'match',
    },
    { url: 'https://old.reddit.com/r/sales/comments/1h4qk2z/', expect: 'match' },
    { url: 'https://new.reddit.com/r/sales/comments/1h4qk2z/x/m0c7f1a/', expect: 'match' },
    { url: 'https://www.reddit.com/user/jane_doe/comments/1h5xy9a/our_stack/', expect: 'match' },
    { url: 'https://www.reddit.com/', expect: 'match' },
    { url: 'https://www.reddit.com/r/sales/', expect: 'match' },
    { url: 'https://old.reddit.com/r/sales/top/?t=week', expect: 'match' },
    { url: 'https://www.reddit.com/r/popular/', expect: 'match' },
    { url: 'https://www.reddit.com/settings/account', expect: 'ignore' },
    { url: 'https://www.reddit.com/search/?q=acme+bakery', expect: 'ignore' },
    { url: 'https://www.reddit.com/r/sales/search/?q=renewal', expect: 'ignore' },
    { url: 'https://www.reddit.com/r/sales/wiki/index/', expect: 'ignore' },
    { url: 'https://www.reddit.com/r/sales/about/rules/', expect: 'ignore' },
    { url: 'https://www.reddit.com/submit', expect: 'ignore' },
    { url: 'https://old.reddit.com/message/inbox/', expect: 'ignore' },
    { url: 'https://old.reddit.com/prefs/', expect: 'ignore' },
    { url: 'https://www.reddit.com/user/%5Bdeleted%5D/', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOSTS.has(hostname),
  mentionSelector: [
    'shreddit-post [slot="title"]',
    'shreddit-post [slot="text-body"]',
    'shreddit-comment [slot="comment"]',
    '.thing a.title',
    '.thing .usertext-body',
  ].join(', '),
  detect: (url) => pageOf(url) !== null,
  extract(doc, url) {
    const page = pageOf(url);
    if (!page) return [];
    const own = ownNames(doc);
    const candidates: Candidate[] = [];
    if (page.kind === 'user' && !own.has(page.name)) {
      candidates.push({
        key: `reddit:${page.name}`,
        strength: 'strong',
        focus: true,
        role: 'profile',
      });
    }
    // A post page's subject is the post the URL names, not the "more posts" below it.
    const opened =
      page.kind === 'post'
        ? doc.querySelector(
            `shreddit-post[id="t3_${page.id}"], .thing[data-fullname="t3_${page.id}"]`,
          )
        : null;
    for (const element of doc.querySelectorAll(AUTHORS)) {
      const name = normaliseIdentity('reddit', authorOf(element));
      if (!name || own.has(name)) continue;
      const candidate: Candidate = { key: `reddit:${name}`, strength: 'strong', role: 'author' };
      if (element === opened) candidate.focus = true;
      candidates.push(candidate);
    }
    return mergeCandidates(candidates);
  },
};
