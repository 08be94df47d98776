import type { Candidate } from '../../../src/platform/messaging';

/** What the facebook adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The profile and its h1; timeline commenters, not the mention in the post or the signed-in
  // user's comment, nor "People you may know".
  '2026-12-02-profile.html': [
    { key: 'facebook:jane.doe.77', strength: 'strong', focus: true, role: 'profile' },
    { key: 'facebook:id100089012345678', strength: 'strong', role: 'author' },
    { key: 'facebook:acmebakery', strength: 'strong', role: 'author' },
    { key: 'name:jane doe', strength: 'weak', role: 'profile' },
  ],
  // Post authors (group member, reshared page) and a commenter; not the sponsored post, the
  // suggestions card, stories, contacts or the user's own shortcut.
  '2026-12-02-home-feed.html': [
    { key: 'facebook:jane.doe.77', strength: 'strong', role: 'author' },
    { key: 'facebook:priya.shah.io', strength: 'strong', role: 'author' },
    { key: 'facebook:id100023456789012', strength: 'strong', role: 'author' },
    { key: 'facebook:lee.chen.nw', strength: 'strong', role: 'author' },
    { key: 'facebook:acmebakery', strength: 'strong', role: 'author' },
  ],
  // The post's author in focus, then the commenters; not the mention or the user's comment.
  '2026-12-02-group-post-comments.html': [
    { key: 'facebook:id100023456789012', strength: 'strong', role: 'author', focus: true },
    { key: 'facebook:jane.doe.77', strength: 'strong', role: 'author' },
    { key: 'facebook:id100089012345678', strength: 'strong', role: 'author' },
    { key: 'facebook:id100056789012345', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-settings.html': [],
};
