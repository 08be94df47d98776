import type { Candidate } from '../../../src/platform/messaging';

/** What the github adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // The organisations in the vcard and the pinned repositories are not who the page is about.
  '2026-12-02-user-profile.html': [
    { key: 'github:jane-acme', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:jane doe', strength: 'weak', role: 'profile' },
  ],
  // The opener is the focus, the repository owner is on the page, commenters are authors; the
  // signed-in user (meta user-login), the bot, the @-mention, the label event and the assignee
  // are not.
  '2026-12-02-issue-thread.html': [
    { key: 'github:jane-acme', strength: 'strong', role: 'author', focus: true },
    { key: 'github:acme-corp', strength: 'strong', role: 'profile' },
    { key: 'github:omar-globex', strength: 'strong', role: 'author' },
  ],
  // Classic timeline: the header names the author; Dependabot links to /apps/ and is no login.
  '2026-12-02-pull-request-conversation.html': [
    { key: 'github:omar-globex', strength: 'strong', role: 'author', focus: true },
    { key: 'github:northwind-io', strength: 'strong', role: 'profile' },
    { key: 'github:jane-acme', strength: 'strong', role: 'author' },
  ],
  '2026-12-02-notifications.html': [],
};
