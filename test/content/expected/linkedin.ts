import type { Candidate } from '../../../src/platform/messaging';

/** What the linkedin adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  '2026-11-23-profile-unicode-slug.html': [
    { key: 'linkedin:josé-garcía-42', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:jose garcia', strength: 'weak', role: 'profile' },
  ],
  '2026-11-23-feed.html': [],
};
