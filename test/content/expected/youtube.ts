import type { Candidate } from '../../../src/platform/messaging';

/** What the youtube adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The channel's own reply merges into its focus; the related rail and its ad are not read.
  '2026-12-02-watch-with-comments.html': [
    { key: 'youtube:@acmerobotics', strength: 'strong', role: 'profile', focus: true },
    { key: 'youtube:@priya-shah', strength: 'strong', role: 'author' },
    { key: 'youtube:@omar.globex', strength: 'strong', role: 'author' },
    { key: 'youtube:UC8butISFwT-Wl7EV0hUK0BQ', strength: 'strong', role: 'author' },
    { key: 'name:acme robotics', strength: 'weak', role: 'profile' },
  ],
  // The channel's own videos name no other channel; the guide's links are the user's chrome.
  '2026-12-02-channel-videos-tab.html': [
    { key: 'youtube:@acmerobotics', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:acme robotics', strength: 'weak', role: 'profile' },
  ],
  // Everyone whose video is listed, no focus; the in-feed ad is left out.
  '2026-12-02-home-feed.html': [
    { key: 'youtube:@acmerobotics', strength: 'strong', role: 'author' },
    { key: 'youtube:UC8butISFwT-Wl7EV0hUK0BQ', strength: 'strong', role: 'author' },
    { key: 'youtube:@omar.globex', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-watch-history.html': [],
};
