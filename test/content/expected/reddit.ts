import type { Candidate } from '../../../src/platform/messaging';

/** What the reddit adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The post's author in focus, then the commenters (AutoModerator is an account); not the
  // deleted comment, the user's own reply, the ad, the mention or "related posts".
  '2026-12-02-post-comments.html': [
    { key: 'reddit:jane_doe', strength: 'strong', role: 'author', focus: true },
    { key: 'reddit:automoderator', strength: 'strong', role: 'author' },
    { key: 'reddit:omar_h', strength: 'strong', role: 'author' },
    { key: 'reddit:priya-shah-io', strength: 'strong', role: 'author' },
  ],
  // The same thread on old Reddit: data-author on each .thing; not the promoted link, the
  // moderators list or the signed-in user from the header.
  '2026-12-02-old-reddit-post-comments.html': [
    { key: 'reddit:jane_doe', strength: 'strong', role: 'author', focus: true },
    { key: 'reddit:automoderator', strength: 'strong', role: 'author' },
    { key: 'reddit:omar_h', strength: 'strong', role: 'author' },
    { key: 'reddit:priya-shah-io', strength: 'strong', role: 'author' },
  ],
  // Post authors, no focus; not the ad, the deleted author or the user's own post.
  '2026-12-02-subreddit-listing.html': [
    { key: 'reddit:automoderator', strength: 'strong', role: 'author' },
    { key: 'reddit:jane_doe', strength: 'strong', role: 'author' },
    { key: 'reddit:kofi_m', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-user-profile.html': [
    { key: 'reddit:jane_doe', strength: 'strong', focus: true, role: 'profile' },
  ],
  '2026-12-02-search.html': [],
};
