import type { Candidate } from '../../../src/platform/messaging';

/** What the gmail adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  '2026-11-23-thread-several-participants.html': [
    { key: 'email:jane.doe@acme.com', strength: 'strong', role: 'from', focus: true },
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'to' },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'to' },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'to' },
  ],
  // Only colleagues: still candidates (the resolver decides who is a customer).
  '2026-11-23-thread-colleagues-only.html': [
    { key: 'email:lee.chen@northwind.io', strength: 'strong', role: 'from', focus: true },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:sales-team@northwind.io', strength: 'strong', role: 'to' },
  ],
  '2026-11-23-inbox-list.html': [],
};
