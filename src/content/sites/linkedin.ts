import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import type { SiteAdapter } from './types';

/**
 * LinkedIn person profiles: `/in/<slug>/` and its sub-pages (`/in/<slug>/details/…`). The slug
 * is the identity; the name in the top card (its `h1`) is weak evidence. The feed, company
 * pages, jobs and messaging are not handled yet (no candidates).
 */

const HOST = /^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/;
const PROFILE_PATH = /^\/in\/([^/]+)/;

function profileSlug(url: URL): string | null {
  if (!HOST.test(url.hostname)) return null;
  const slug = PROFILE_PATH.exec(url.pathname)?.[1];
  return slug ? normaliseIdentity('linkedin', slug) : null;
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
    { url: 'https://www.linkedin.com/feed/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/in/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/company/acme-corp/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/jobs/view/3912345678/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/messaging/thread/2-YmQ5ZTk0/', expect: 'ignore' },
    {
      url: 'https://www.linkedin.com/search/results/people/?keywords=jane%20doe',
      expect: 'ignore',
    },
    { url: 'https://www.linkedin.com/mynetwork/', expect: 'ignore' },
    { url: 'https://www.linkedin.com/notifications/', expect: 'ignore' },
    {
      url: 'https://www.linkedin.com/posts/jane-doe-4a1b2c3_renewal-activity-7123456789-abcd/',
      expect: 'ignore',
    },
  ],
  runsOn: (hostname) => HOST.test(hostname),
  mentionSelector: 'main',
  detect: (url) => profileSlug(url) !== null,
  extract(doc, url) {
    const slug = profileSlug(url);
    if (!slug) return [];
    const candidates: Candidate[] = [
      { key: `linkedin:${slug}`, strength: 'strong', focus: true, role: 'profile' },
    ];
    const heading = doc.querySelector('main section h1') ?? doc.querySelector('main h1');
    const name = normaliseIdentity('name', heading?.textContent ?? '');
    if (name) candidates.push({ key: `name:${name}`, strength: 'weak', role: 'profile' });
    return candidates;
  },
};
