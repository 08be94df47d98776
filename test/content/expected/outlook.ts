import type { Candidate } from '../../../src/platform/messaging';

/** What the outlook adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // Newest on top: Jane wrote last. The user has no address on the page; Lee, typed into the
  // inline reply, and Carlos, mentioned in a body, are not participants through those.
  '2026-12-02-conversation-several-participants.html': [
    { key: 'email:jane.doe@acme.com', strength: 'strong', role: 'from', focus: true },
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'to' },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'to' },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'to' },
    { key: 'email:carlos.ruiz@acme.com', strength: 'strong', role: 'from' },
  ],
  // A list: every row's sender once, none in focus; the user's own note to self left out.
  '2026-12-02-inbox-list.html': [
    { key: 'email:jane.doe@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:noreply@servicenow.northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:carlos.ruiz@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:li.wei+support@initech.io', strength: 'strong', role: 'from' },
    { key: 'email:li.wei@initech.io', strength: 'strong', role: 'from' },
  ],
  '2026-12-02-popout-message.html': [
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'from', focus: true },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'from', focus: true },
    { key: 'email:li.wei@initech.io', strength: 'strong', role: 'to' },
    { key: 'email:anna.schmidt@acme.de', strength: 'strong', role: 'to' },
  ],
  '2026-12-02-calendar-week.html': [],
};
