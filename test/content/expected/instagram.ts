import type { Candidate } from '../../../src/platform/messaging';

/** What the instagram adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The profile and the name from the title; not the bio mention or the suggestions.
  '2026-12-02-profile.html': [
    { key: 'instagram:acme.bakery', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:acme bakery', strength: 'weak', role: 'profile' },
  ],
  // The author in focus, then the commenters; not the caption's or a comment's mention, the
  // "liked by" account, the user's own comment or "More posts from".
  '2026-12-02-post-comments.html': [
    { key: 'instagram:acme.bakery', strength: 'strong', role: 'author', focus: true },
    { key: 'instagram:janedoe', strength: 'strong', role: 'author' },
    { key: 'instagram:omar_haddad', strength: 'strong', role: 'author' },
  ],
  // Each post's (first) author; not a collab post's second author, likers, caption mentions,
  // stories or suggestions.
  '2026-12-02-home-feed.html': [
    { key: 'instagram:janedoe', strength: 'strong', role: 'author' },
    { key: 'instagram:northwind.apps', strength: 'strong', role: 'author' },
    { key: 'instagram:lee.chen', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-explore.html': [],
};
