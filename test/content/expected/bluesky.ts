import type { Candidate } from '../../../src/platform/messaging';

/** What the bluesky adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The profile, then the authors in its feed (a repost's original author too); quoted posts,
  // the left nav and suggested follows are not read.
  '2026-12-02-profile-with-posts.html': [
    { key: 'bluesky:jane-acme.bsky.social', strength: 'strong', role: 'profile', focus: true },
    { key: 'bluesky:omar.globex.com', strength: 'strong', role: 'author' },
    { key: 'name:jane doe', strength: 'weak', role: 'profile' },
  ],
  // The opened post's author is the focus; the parent and the replies are authors. A reply
  // whose handle no longer verifies (`handle.invalid`) yields no key.
  '2026-12-02-post-thread.html': [
    { key: 'bluesky:jane-acme.bsky.social', strength: 'strong', role: 'author', focus: true },
    { key: 'bluesky:priya.northwind.io', strength: 'strong', role: 'author' },
    { key: 'bluesky:omar.globex.com', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-settings.html': [],
};
