import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * GitHub: user and organisation profiles (`/<login>`), repositories (`/<owner>/<repo>/…`), and
 * their issues and pull requests. The first path segment is the login unless it is one of
 * GitHub's own pages (normaliseIdentity rejects those). People are read from profile links
 * (`href="/<login>"`) in GitHub's stable author slots: the React issue view's test ids and the
 * classic timeline's `a.author`. Bots link to `/apps/<name>`, which is no login.
 */

const ISSUE_OR_PULL = /^\/[^/]+\/[^/]+\/(?:issues|pull)\/\d+(?:\/|$)/;
const PROFILE_HREF = /^(?:https:\/\/github\.com)?\/([^/?#]+)\/?(?:[?#]|$)/;
/** The opened issue's or pull request's author: React issue view, classic pull request header. */
const OPENER = '[data-testid="issue-body-header-author"], .gh-header-meta a.author';
/** Everyone who wrote in the conversation, in page order, the opening post first. */
const WRITERS =
  '[data-testid="issue-body-header-author"], .react-issue-comment a[data-testid="avatar-link"], .js-discussion a.author';
/** A user's full name (vcard microdata), or an organisation's name in its header. */
const PROFILE_NAME = '.vcard-names [itemprop="name"], .orghead h1';

function ownerOf(url: URL): string | null {
  if (url.hostname !== 'github.com') return null;
  return normaliseIdentity('github', url.pathname.split('/')[1] ?? '');
}

function loginOf(link: Element | null): string | null {
  const [, segment] = PROFILE_HREF.exec(link?.getAttribute('href') ?? '') ?? [];
  return segment ? normaliseIdentity('github', segment) : null;
}

export const github: SiteAdapter = {
  id: 'github',
  exampleUrls: [
    { url: 'https://github.com/jane-acme', expect: 'match', focus: 'github:jane-acme' },
    {
      url: 'https://github.com/Jane-Acme?tab=repositories',
      expect: 'match',
      focus: 'github:jane-acme',
    },
    { url: 'https://github.com/acme-corp', expect: 'match', focus: 'github:acme-corp' },
    { url: 'https://github.com/acme-corp/widgets', expect: 'match', focus: 'github:acme-corp' },
    {
      url: 'https://github.com/acme-corp/widgets/tree/main/src',
      expect: 'match',
      focus: 'github:acme-corp',
    },
    { url: 'https://github.com/acme-corp/widgets/issues/42', expect: 'match' },
    { url: 'https://github.com/northwind-io/sdk/pull/7/files', expect: 'match' },
    { url: 'https://github.com/', expect: 'ignore' },
    { url: 'https://github.com/settings/profile', expect: 'ignore' },
    { url: 'https://github.com/notifications?query=reason%3Amention', expect: 'ignore' },
    { url: 'https://github.com/explore', expect: 'ignore' },
    { url: 'https://github.com/marketplace/actions/checkout', expect: 'ignore' },
    { url: 'https://github.com/orgs/acme-corp/people', expect: 'ignore' },
    { url: 'https://github.com/apps/dependabot', expect: 'ignore' },
    { url: 'https://github.com/users/jane-acme/projects/1', expect: 'ignore' },
    { url: 'https://github.com/enterprises/acme', expect: 'ignore' },
    { url: 'https://github.com/sponsors/jane-acme', expect: 'ignore' },
    { url: 'https://github.com/search?q=acme&type=users', expect: 'ignore' },
    { url: 'https://github.com/pulls', expect: 'ignore' },
  ],
  runsOn: (hostname) => hostname === 'github.com',
  mentionSelector: '.comment-body, [data-testid="markdown-body"]',
  detect: (url) => ownerOf(url) !== null,
  extract(doc, url) {
    const owner = ownerOf(url);
    if (!owner) return [];
    // GitHub names the signed-in account in a meta tag on every page.
    const self = normaliseIdentity(
      'github',
      doc.querySelector('meta[name="user-login"]')?.getAttribute('content') ?? '',
    );
    const found: Candidate[] = [];
    const add = (login: string | null, role: string, focus = false) => {
      if (!login || login === self) return;
      const candidate: Candidate = { key: `github:${login}`, strength: 'strong', role };
      if (focus) candidate.focus = true;
      found.push(candidate);
    };
    if (ISSUE_OR_PULL.test(url.pathname)) {
      // The conversation is about its author; the repository's owner is still on the page.
      add(loginOf(doc.querySelector(OPENER)), 'author', true);
      add(owner, 'profile');
      for (const writer of doc.querySelectorAll(WRITERS)) add(loginOf(writer), 'author');
    } else {
      add(owner, 'profile', true);
      // Only a profile names its owner; a repository page's name microdata is the repository's.
      const onProfile = url.pathname.split('/').filter(Boolean).length === 1 && owner !== self;
      const heading = onProfile ? doc.querySelector(PROFILE_NAME) : null;
      const name = normaliseIdentity('name', heading?.textContent ?? '');
      if (name) found.push({ key: `name:${name}`, strength: 'weak', role: 'profile' });
    }
    return mergeCandidates(found);
  },
};
