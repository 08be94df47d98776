import type { Candidate } from '../../../src/platform/messaging';

const author = (handle: string): Candidate => ({
  key: `x:${handle}`,
  strength: 'strong',
  role: 'author',
});

/** What the x adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The profile is the focus (her own posts merge into it); the account she reposted is an
  // author. Not @priya_builds (a mention in a text), not the "followed by" avatars, not the
  // sidebar's suggestions, not the signed-in @samrivera_nw.
  '2026-12-02-profile.html': [
    { key: 'x:janedoe', strength: 'strong', role: 'profile', focus: true },
    author('acmecorp'),
    { key: 'name:jane doe', strength: 'weak', role: 'profile' },
  ],
  // The focal post's author, the account it quotes, the repliers; not the user's own reply, not
  // the promoted reply, not "Relevant people".
  '2026-12-02-status-thread.html': [
    { key: 'x:janedoe', strength: 'strong', role: 'author', focus: true },
    author('initech'),
    author('omar_h'),
    author('priya_builds'),
  ],
  // Every post's author, reposter and quoted author, in page order; not the ad, the "Who to
  // follow" module, the user's own post or the user as a reposter.
  '2026-12-02-home-timeline.html': [
    author('carlos_m'),
    author('acmecorp'),
    author('li_wei'),
    author('globex'),
    author('priya_builds'),
    author('initech'),
    author('omar_h'),
    author('janedoe'),
    author('umbrella_corp'),
  ],
  '2026-12-02-settings-account.html': [],
};
