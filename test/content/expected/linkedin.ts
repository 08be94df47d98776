import type { Candidate } from '../../../src/platform/messaging';

/** What the linkedin adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  '2026-11-23-profile-unicode-slug.html': [
    { key: 'linkedin:josé-garcía-42', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:jose garcia', strength: 'weak', role: 'profile' },
  ],
  // Classic markup: a member's post and a company's post.
  '2026-11-23-feed.html': [
    { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'author' },
    { key: 'linkedin-company:acme-corp', strength: 'strong', role: 'author' },
  ],
  // Current markup: actors, commenters, a replier, a reposter and the reposted company, a resharer
  // and the reshared company. Not Priya (a mention in a text), not the signed-in Sam (his own
  // comment, share box, identity card), not the suggestions and the ad.
  '2026-12-02-feed-reposts-comments.html': [
    { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'author' },
    { key: 'linkedin:omar-haddad-globex', strength: 'strong', role: 'author' },
    { key: 'linkedin:li-wei-initech', strength: 'strong', role: 'author' },
    { key: 'linkedin-company:acme-corp', strength: 'strong', role: 'author' },
    { key: 'linkedin:carlos-mendes-8b2f41', strength: 'strong', role: 'author' },
    { key: 'linkedin-company:initech', strength: 'strong', role: 'author' },
  ],
  // The company is the focus; its posts' commenter and the member it reposted are authors.
  '2026-12-02-company-page.html': [
    {
      key: 'linkedin-company:globex-corporation',
      strength: 'strong',
      role: 'profile',
      focus: true,
    },
    { key: 'linkedin:omar-haddad-globex', strength: 'strong', role: 'author' },
    { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'author' },
    { key: 'name:globex corporation', strength: 'weak', role: 'profile' },
  ],
  // One-to-one: the other participant, the focus; Sam's own messages and the mention are left out.
  '2026-12-02-messaging-thread.html': [
    { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'from', focus: true },
  ],
  '2026-12-02-search-people.html': [],
};
