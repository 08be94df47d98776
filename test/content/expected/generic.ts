import type { Candidate } from '../../../src/platform/messaging';

const strong = (email: string): Candidate => ({ key: `email:${email}`, strength: 'strong' });

/** What the generic adapter must find in each of its fixtures (file name → candidates). */
export const expected: Record<string, Candidate[]> = {
  // Several people: everyone, in page order, no focus. Not read: the JSON-LD and analytics
  // scripts, the newsletter form's fields, the chat widget's editor, the obfuscated address and
  // the image file name.
  '2026-12-02-contact-page.html': [
    strong('sales@example-customer.test'),
    strong('jane.doe@example-customer.test'),
    strong('office@example-customer.test'),
    strong('support@example-customer.test'),
    strong('billing@example-customer.test'),
    strong('omar+renewals@example-customer.test'),
    strong('omar@example-customer.test'),
    strong('crm-dropbox@example-customer.test'),
    strong('press@example-customer.test'),
    strong('info@example-customer.test'),
  ],
  // One person (with and without a +tag): the page is about them.
  '2026-12-02-team-member.html': [
    { ...strong('priya.shah@example-customer.test'), focus: true },
    { ...strong('priya.shah+vendors@example-customer.test'), focus: true },
  ],
  '2026-12-02-pricing.html': [],
};
