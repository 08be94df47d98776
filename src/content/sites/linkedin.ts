import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import { hasText } from '../compose';
import type { SiteAdapter } from './types';

/**
 * LinkedIn. Every person and company is read from the links to them (`/in/<slug>`,
 * `/company/<slug>`), never from names (class names only tell the classic markup's texts apart):
 * - person profiles `/in/<slug>/…`: the slug is the focus, the top card's `h1` a weak name;
 * - company pages `/company/<slug>/…`: the slug is the focus, the page's `h1` a weak name, plus the
 *   authors of the posts it shows;
 * - the feed: the authors of every update (actors, reposters, commenters, repliers);
 * - a single post (`/posts/…`, `/feed/update/urn:li:activity:…`): the same, its author the focus;
 * - a messaging thread: the participants; in a one-to-one thread the other one is the focus.
 * The signed-in member is whoever the global nav (its "Me" menu) links to, and is left out.
 */

const HOST = /^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/;
const PROFILE_PATH = /^\/in\/([^/]+)/;
const COMPANY_PATH = /^\/company\/([^/]+)/;
const FEED_PATH = /^\/feed\/?$/;
const POST_PATH = /^\/(?:posts\/[^/]+|feed\/update\/urn:li:(?:activity|share|ugcPost):\d+)/;
const THREAD_PATH = /^\/messaging\/thread\/[^/]+/;

/**
 * A feed update. The current markup names it by `data-view-name` and keeps its comments beside
 * it in the same list item; the classic markup carries the activity URN and nests the comments.
 */
const UPDATE =
  '[data-view-name="feed-full-update"], [data-urn^="urn:li:activity:"], [data-id^="urn:li:activity:"]';

/**
 * Post, comment and message texts. A profile link inside one is a mention, not an author. The
 * current markup marks texts by attribute; the classic feed and messaging only by their BEM class
 * names (semantic, stable for years, not hashed).
 */
const TEXT = [
  '[data-view-name="feed-commentary"]',
  '[data-testid="expandable-text-box"]',
  '.update-components-text',
  '.feed-shared-update-v2__description',
  '.comments-comment-item__main-content',
  '.msg-s-event-listitem__body',
].join(', ');

/** A chat overlay (a conversation opened over any page). */
const OVERLAY = '.msg-overlay-conversation-bubble';

/** Links in LinkedIn's own chrome: the global nav and its "Me" menu (outside the page's `main`). */
const CHROME_LINKS = '#global-nav a[href], [role="banner"] a[href], header a[href]';

type Page =
  | { kind: 'profile'; slug: string }
  | { kind: 'company'; slug: string }
  | { kind: 'feed' | 'post' | 'thread' };

function pageOf(url: URL): Page | null {
  if (!HOST.test(url.hostname)) return null;
  const path = url.pathname;
  const member = PROFILE_PATH.exec(path)?.[1];
  if (member) {
    const slug = normaliseIdentity('linkedin', member);
    return slug ? { kind: 'profile', slug } : null;
  }
  const company = COMPANY_PATH.exec(path)?.[1];
  if (company) {
    const slug = normaliseIdentity('linkedin-company', company);
    return slug ? { kind: 'company', slug } : null;
  }
  if (FEED_PATH.test(path)) return { kind: 'feed' };
  if (POST_PATH.test(path)) return { kind: 'post' };
  if (THREAD_PATH.test(path)) return { kind: 'thread' };
  return null;
}

/** `linkedin:<slug>` or `linkedin-company:<slug>` for a link to a member or a company page. */
function linkedKey(link: Element, base: URL): string | null {
  const href = link.getAttribute('href');
  if (!href) return null;
  let target: URL;
  try {
    target = new URL(href, base);
  } catch {
    return null;
  }
  if (!HOST.test(target.hostname)) return null;
  const member = PROFILE_PATH.exec(target.pathname)?.[1];
  const memberSlug = member ? normaliseIdentity('linkedin', member) : null;
  if (memberSlug) return `linkedin:${memberSlug}`;
  const company = COMPANY_PATH.exec(target.pathname)?.[1];
  const companySlug = company ? normaliseIdentity('linkedin-company', company) : null;
  return companySlug ? `linkedin-company:${companySlug}` : null;
}

/**
 * The signed-in member: the profile the global nav's "Me" menu links to. A chat overlay's title
 * bar is a `header` too, naming the other side.
 */
function signedInKeys(doc: Document, base: URL): Set<string> {
  const own = new Set<string>();
  for (const link of doc.querySelectorAll(CHROME_LINKS)) {
    if (link.closest(`main, ${OVERLAY}`)) continue;
    const key = linkedKey(link, base);
    if (key?.startsWith('linkedin:')) own.add(key);
  }
  return own;
}

/** Every member or company linked from the feed updates on the page, outside their texts. */
function updateAuthors(doc: Document, base: URL): Candidate[] {
  const authors: Candidate[] = [];
  const seen = new Set<Element>();
  for (const update of doc.querySelectorAll(UPDATE)) {
    const scope = update.closest('[role="listitem"]') ?? update;
    for (const link of scope.querySelectorAll('a[href]')) {
      // A reshared update nests inside its resharer's: each link counts once.
      if (seen.has(link) || link.closest(TEXT)) continue;
      seen.add(link);
      const key = linkedKey(link, base);
      if (key) authors.push({ key, strength: 'strong', role: 'author' });
    }
  }
  return authors;
}

/**
 * A messaging thread's participants. Each message event carries `data-event-urn`; its sender's
 * picture and name link to their profile. The thread's title bar (and the profile card above the
 * first message) link to the other side of the thread: exactly one member in a one-to-one thread.
 */
function threadParticipants(doc: Document, base: URL): Candidate[] {
  const thread = doc.querySelector('main');
  if (!thread) return [];
  const named: Candidate[] = [];
  const senders: Candidate[] = [];
  for (const link of thread.querySelectorAll('a[href]')) {
    if (link.closest(TEXT)) continue;
    const key = linkedKey(link, base);
    if (!key?.startsWith('linkedin:')) continue;
    if (link.closest('[data-event-urn]')) senders.push({ key, strength: 'strong', role: 'from' });
    else named.push({ key, strength: 'strong', role: 'to' });
  }
  const otherSide = new Set(named.map((candidate) => candidate.key));
  if (otherSide.size === 1) {
    for (const candidate of [...named, ...senders]) {
      if (otherSide.has(candidate.key)) candidate.focus = true;
    }
  }
  return [...named, ...senders];
}

function headingName(heading: Element | null): Candidate[] {
  const name = normaliseIdentity('name', heading?.textContent ?? '');
  return name ? [{ key: `name:${name}`, strength: 'weak', role: 'profile' }] : [];
}

/** Everyone a page other than a person profile shows, the signed-in member included. */
function candidatesOn(
  doc: Document,
  url: URL,
  page: Exclude<Page, { kind: 'profile' }>,
): Candidate[] {
  switch (page.kind) {
    case 'company':
      return [
        { key: `linkedin-company:${page.slug}`, strength: 'strong', focus: true, role: 'profile' },
        ...headingName(doc.querySelector('main h1')),
        ...updateAuthors(doc, url),
      ];
    case 'feed':
      return updateAuthors(doc, url);
    case 'post': {
      // The page's first update is the post; its first link outside the text is its author.
      const [author, ...others] = updateAuthors(doc, url);
      return author ? [{ ...author, focus: true }, ...others] : [];
    }
    case 'thread':
      return threadParticipants(doc, url);
  }
}

/** The message box, in a messaging thread and in the chat overlays (BEM names, as above). */
const MESSAGE_BOX = '.msg-form__contenteditable';

/**
 * Whom the user is writing a message to. A messaging thread's box: the other side of a one-to-one
 * thread. A chat overlay's box (on any page: "Message" on a profile opens one): the member its
 * header links to, or, on a profile page when it links nobody, that profile. Only a box that is
 * not empty counts: the thread's box takes the focus as soon as the thread opens.
 */
function messageRecipients(doc: Document, url: URL, page: Page | null): string[] {
  const own = signedInKeys(doc, url);
  const keys = new Set<string>();
  const threadBox = page?.kind === 'thread' ? doc.querySelector(`main ${MESSAGE_BOX}`) : null;
  if (threadBox && hasText(threadBox)) {
    for (const candidate of threadParticipants(doc, url)) {
      if (candidate.focus && !own.has(candidate.key)) keys.add(candidate.key);
    }
  }
  for (const overlay of doc.querySelectorAll(OVERLAY)) {
    const box = overlay.querySelector(MESSAGE_BOX);
    if (!box || !hasText(box)) continue;
    const named = new Set<string>();
    for (const link of overlay.querySelectorAll('.msg-overlay-bubble-header a[href]')) {
      const key = linkedKey(link, url);
      if (key?.startsWith('linkedin:') && !own.has(key)) named.add(key);
    }
    if (named.size === 1) for (const key of named) keys.add(key);
    else if (named.size === 0 && page?.kind === 'profile') keys.add(`linkedin:${page.slug}`);
  }
  return [...keys];
}

export const linkedin: SiteAdapter = {
  id: 'linkedin',
  exampleUrls: [
    {
      url: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/',
      expect: 'match',
      focus: 'linkedin:jane-doe-4a1b2c3',
    },
    {
      url: 'https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa-42/',
      expect: 'match',
      focus: 'linkedin:josé-garcía-42',
    },
    {
      url: 'https://www.linkedin.com/in/Jane-Doe-4a1b2c3',
      expect: 'match',
      focus: 'linkedin:jane-doe-4a1b2c3',
    },
    {
      url: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/details/experience/',
      expect: 'match',
      focus: 'linkedin:jane-doe-4a1b2c3',
    },
    {
      url: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/?originalSubdomain=uk',
      expect: 'match',
      focus: 'linkedin:jane-doe-4a1b2c3',
    },
    {
      url: 'https://de.linkedin.com/in/jane-doe-4a1b2c3',
      expect: 'match',
      focus: 'linkedin:jane-doe-4a1b2c3',
    },
    {
      url: 'https://www.linkedin.com/company/acme-corp/',
      expect: 'match',
      focus: 'linkedin-company:acme-corp',
    },
    {
      url: 'https://www.linkedin.com/company/Acme-Corp/posts/?feedView=all',
      expect: 'match',
      focus: 'linkedin-company:acme-corp',
    },
    {
      url: 'https://www.linkedin.com/company/1035/about/',
      expect: 'match',
      focus: 'linkedin-company:1035',
    },
    { url: 'https://www.linkedin.com/feed/', expect: 'match' },
    {
      url: 'https://www.linkedin.com/posts/jane-doe-4a1b2c3_renewal-activity-7123456789012345678-abcd/',
      expect: 'match',
    },
    {
      url: 'https://www.linkedin.com/feed/update/urn:li:activity:7264012345678901234/',
      expect: 'match',
    },
    {
      url: 'https://www.linkedin.com/messaging/thread/2-YmQ5ZTk0NjMtM2U3Mi00YTI1_MDEw/',
      expect: 'match',
    },
    { url: 'https://www.linkedin.com/in/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/company/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/feed/hashtag/renewals/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/messaging/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/jobs/view/3912345678/', expect: 'ignore' },
    {
      url: 'https://www.linkedin.com/search/results/people/?keywords=jane%20doe',
      expect: 'ignore',
    },
    { url: 'https://www.linkedin.com/mynetwork/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/notifications/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/mypreferences/d/categories/account', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOST.test(hostname),
  mentionSelector: TEXT,
  detect: (url) => pageOf(url) !== null,
  extract(doc, url) {
    const page = pageOf(url);
    if (!page) return [];
    if (page.kind === 'profile') {
      // The profile is the page's subject even when it is the user's own, as it always was.
      const heading = doc.querySelector('main section h1') ?? doc.querySelector('main h1');
      return mergeCandidates([
        { key: `linkedin:${page.slug}`, strength: 'strong', focus: true, role: 'profile' },
        ...headingName(heading),
      ]);
    }
    const own = signedInKeys(doc, url);
    return mergeCandidates(
      candidatesOn(doc, url, page).filter((candidate) => !own.has(candidate.key)),
    );
  },
  composingTo: (doc, url) =>
    HOST.test(url.hostname) ? messageRecipients(doc, url, pageOf(url)) : [],
};
