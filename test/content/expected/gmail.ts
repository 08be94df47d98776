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
  // A list: every row's sender, none in focus (the resolver decides who is a customer).
  '2026-11-23-inbox-list.html': [
    { key: 'email:jane.doe@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:noreply@github.com', strength: 'strong', role: 'from' },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:lee.chen@northwind.io', strength: 'strong', role: 'from' },
  ],
  // Repeated senders once each, +tags also untagged, the user and the hidden inbox view left out.
  '2026-12-02-label-list-many-senders.html': [
    { key: 'email:jane.doe@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:billing@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:priya.shah@northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:carlos.ruiz@acme.com', strength: 'strong', role: 'from' },
    { key: 'email:noreply@docusign.net', strength: 'strong', role: 'from' },
    { key: 'email:li.wei+support@initech.io', strength: 'strong', role: 'from' },
    { key: 'email:li.wei@initech.io', strength: 'strong', role: 'from' },
    { key: 'email:lee.chen@northwind.io', strength: 'strong', role: 'from' },
    { key: 'email:support@acme.zendesk.com', strength: 'strong', role: 'from' },
    { key: 'email:anna.schmidt@acme.de', strength: 'strong', role: 'from' },
    { key: 'email:jane.doe+events@acme.com', strength: 'strong', role: 'from' },
  ],
  // A new message window over the inbox: the list is read as usual; the window's recipients are
  // not the page's candidates (composingTo reports them once the user writes).
  '2026-12-02-compose-to-customer.html': [
    { key: 'email:omar+renewals@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:omar@globex.com', strength: 'strong', role: 'from' },
    { key: 'email:noreply@github.com', strength: 'strong', role: 'from' },
  ],
  // The hostile page (issue 7): its script never runs here; the thread reads like any other.
  '2026-12-02-hostile-thread.html': [
    {
      key: 'email:tomasz.brenner@kestrel-freight.eu',
      strength: 'strong',
      role: 'from',
      focus: true,
    },
  ],
};
