/**
 * `touchbase demo`: a realistic company to try Touchbase with. Deterministic (a seeded PRNG; dates
 * are relative to today, UTC) and idempotent: customers upsert by externalId and engagements are
 * idempotent on (source, externalId), so running it again adds nothing.
 */
import type {
  Channel,
  CustomerInput,
  Direction,
  EngagementInput,
  IdentityInput,
} from '../protocol';
import { writeTransaction } from './changes';
import { prepareCustomers, upsertCustomers } from './customers';
import type { Store } from './db';
import { ingestEngagements } from './engagements';
import { ensureColleague, issueToken, type NewColleague } from './users';
import { chunks } from './util';

/** mulberry32: tiny, fast and good enough for demo data. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const COMPANY_DOMAIN = 'brightwave.io';

export const DEMO_COLLEAGUES: (NewColleague & { department: Department })[] = [
  {
    name: 'Alex Morgan',
    email: `alex.morgan@${COMPANY_DOMAIN}`,
    department: 'Sales',
    title: 'Account Executive',
  },
  {
    name: 'Priya Raman',
    email: `priya.raman@${COMPANY_DOMAIN}`,
    department: 'Sales',
    title: 'Sales Director',
  },
  {
    name: 'Sam Okafor',
    email: `sam.okafor@${COMPANY_DOMAIN}`,
    department: 'Support',
    title: 'Support Engineer',
  },
  {
    name: 'Lena Fischer',
    email: `lena.fischer@${COMPANY_DOMAIN}`,
    department: 'Support',
    title: 'Support Lead',
  },
  {
    name: 'Jordan Lee',
    email: `jordan.lee@${COMPANY_DOMAIN}`,
    department: 'PR',
    title: 'Communications Manager',
  },
  {
    name: 'Maya Chen',
    email: `maya.chen@${COMPANY_DOMAIN}`,
    department: 'Marketing',
    title: 'Community Manager',
  },
  {
    name: 'Tom Becker',
    email: `tom.becker@${COMPANY_DOMAIN}`,
    department: 'Marketing',
    title: 'Events Lead',
  },
  {
    name: 'Inês Duarte',
    email: `ines.duarte@${COMPANY_DOMAIN}`,
    department: 'Product',
    title: 'Product Manager',
  },
  {
    name: 'Kenji Watanabe',
    email: `kenji.watanabe@${COMPANY_DOMAIN}`,
    department: 'Product',
    title: 'UX Researcher',
  },
  {
    name: 'Grace Adeyemi',
    email: `grace.adeyemi@${COMPANY_DOMAIN}`,
    department: 'Finance',
    title: 'Billing Specialist',
  },
  {
    name: 'Oskar Nilsson',
    email: `oskar.nilsson@${COMPANY_DOMAIN}`,
    department: 'Finance',
    title: 'Controller',
  },
  {
    name: 'Rosa Martínez',
    email: `rosa.martinez@${COMPANY_DOMAIN}`,
    department: 'Support',
    title: 'Customer Success Manager',
  },
];

/** The colleague whose token `demo` prints. */
export const DEMO_MEMBER_EMAIL = `alex.morgan@${COMPANY_DOMAIN}`;

type Department = 'Sales' | 'Support' | 'PR' | 'Marketing' | 'Product' | 'Finance';

const ORGANISATIONS = [
  'Acme Robotics',
  'Bluefin Analytics',
  'Cobalt Health',
  'Driftwood Media',
  'Evergreen Foods',
  'Foxglove Energy',
  'Granite Logistics',
  'Harbor Insurance',
  'Ironbark Security',
  'Juniper Learning',
  'Kestrel Aviation',
  'Lumen Optics',
  'Meridian Bank',
  'Northstar Retail',
  'Oakridge Pharma',
  'Pinecone Games',
  'Quarry Construction',
  'Redwood Legal',
  'Saffron Hotels',
  'Tidewater Shipping',
  'Umbra Studios',
  'Vantage Telecom',
  'Willow Dental',
  'Xenon Labs',
  'Yellowtail Travel',
  'Zephyr Wind',
  'Aurora Biotech',
  'Beacon Schools',
  'Cascade Water',
  'Delta Freight',
  'Ember Coffee',
  'Fjord Outdoor',
  'Glacier Cloud',
  'Horizon Realty',
  'Indigo Fashion',
  'Jasper Motors',
  'Keystone Credit',
  'Lighthouse Nonprofit',
  'Mosaic Design',
  'Nimbus Weather',
  'Orchid Cosmetics',
  'Pioneer Farms',
  'Quasar Semiconductors',
  'Riverbend Clinic',
  'Summit Fitness',
  'Topaz Jewelry',
  'Unity Credit Union',
  'Vertex Consulting',
  'Wavelength Audio',
  'Yonder Mobility',
  'Zenith Publishing',
  'Atlas Cartography',
  'Bramble Books',
  'Citrine Payments',
  'Dune Solar',
  'Echo Podcasts',
  'Falcon Drones',
  'Gossamer Textiles',
  'Helix Genomics',
  'Isle Resorts',
] as const;

const FIRST_NAMES = [
  'Jane',
  'Omar',
  'Sofia',
  'Liam',
  'Aisha',
  'Mateo',
  'Hannah',
  'Yuki',
  'Noah',
  'Chloé',
  'Arjun',
  'Fatima',
  'Lucas',
  'Mia',
  'Björn',
  'Amara',
  'Diego',
  'Elena',
  'Kwame',
  'Zoë',
  'Ravi',
  'Isabella',
  'Felix',
  'Leila',
  'Marco',
  'Nadia',
  'Pablo',
  'Sara',
  'Tariq',
  'Ursula',
  'Victor',
  'Wen',
  'Xavier',
  'Yara',
  'Zane',
  'Ana',
] as const;
const LAST_NAMES = [
  'Doe',
  'Haddad',
  'Rossi',
  'Murphy',
  'Khan',
  'García',
  'Schmidt',
  'Tanaka',
  'Wilson',
  'Dubois',
  'Patel',
  'Hassan',
  'Silva',
  'Novak',
  'Lindqvist',
  'Okonkwo',
  'Hernández',
  'Popescu',
  'Mensah',
  'Müller',
  'Iyer',
  'Conti',
  'Weber',
  'Farah',
  'Bianchi',
  'Petrova',
  'Ortega',
  'Cohen',
  'Aziz',
  'Berg',
  'Ng',
  'Kowalski',
] as const;
const FREE_MAIL = ['gmail.com', 'outlook.com', 'proton.me', 'yahoo.com'] as const;
const TIERS = ['enterprise', 'growth', 'starter', 'trial'] as const;

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function demoCustomers(random: ReturnType<typeof prng>): CustomerInput[] {
  const customers: CustomerInput[] = [];
  const domains = ORGANISATIONS.map((name) => `${slug(name).replace(/-/g, '')}.com`);
  ORGANISATIONS.forEach((name, index) => {
    const handle = slug(name);
    const identities: IdentityInput[] = [
      { kind: 'domain', value: domains[index] as string },
      { kind: 'linkedin-company', value: `https://www.linkedin.com/company/${handle}/` },
    ];
    if (random.chance(0.6))
      identities.push({ kind: 'x', value: `@${handle.replace(/-/g, '').slice(0, 15)}` });
    if (random.chance(0.3))
      identities.push({ kind: 'github', value: `https://github.com/${handle}` });
    if (random.chance(0.4)) identities.push({ kind: 'email', value: `hello@${domains[index]}` });
    customers.push({
      externalId: `demo-org-${String(index + 1).padStart(3, '0')}`,
      name,
      kind: 'organization',
      tier: random.pick(TIERS),
      identities,
    });
  });
  for (let index = 0; index < 180; index++) {
    const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[
      (index * 7 + Math.floor(index / FIRST_NAMES.length)) % LAST_NAMES.length
    ] as string;
    const orgIndex = random.int(0, ORGANISATIONS.length - 1);
    const company = ORGANISATIONS[orgIndex] as string;
    const person = `${slug(first)}.${slug(last)}`;
    const suffix = index >= FIRST_NAMES.length ? String(index) : '';
    const identities: IdentityInput[] = [
      { kind: 'email', value: `${person}${suffix}@${domains[orgIndex]}` },
    ];
    if (random.chance(0.15))
      identities.push({ kind: 'email', value: `${person}${suffix}+billing@${domains[orgIndex]}` });
    if (random.chance(0.3))
      identities.push({
        kind: 'email',
        value: `${slug(first)}${slug(last)}${index}@${random.pick(FREE_MAIL)}`,
      });
    if (random.chance(0.7)) {
      // some profile slugs keep their accents, as LinkedIn allows: linkedin.com/in/zoë-müller-20
      const profile = random.chance(0.3)
        ? `${first}-${last}`.toLowerCase().replace(/\s+/g, '-')
        : `${slug(first)}-${slug(last)}`;
      identities.push({
        kind: 'linkedin',
        value: `https://www.linkedin.com/in/${encodeURIComponent(`${profile}-${index}`)}/`,
      });
    }
    if (random.chance(0.45))
      identities.push({
        kind: 'x',
        value: `@${slug(first).slice(0, 6)}${slug(last).slice(0, 5)}${index}`.replace(/-/g, '_'),
      });
    if (random.chance(0.2))
      identities.push({ kind: 'github', value: `${slug(first)}-${slug(last)}-${index}` });
    if (random.chance(0.1))
      identities.push({ kind: 'bluesky', value: `${slug(first)}${index}.bsky.social` });
    if (random.chance(0.15))
      identities.push({ kind: 'phone', value: `+1 415 555 ${String(1000 + index).slice(-4)}` });
    customers.push({
      externalId: `demo-person-${String(index + 1).padStart(3, '0')}`,
      name: `${first} ${last}`,
      kind: 'person',
      company,
      tier: random.chance(0.5) ? random.pick(TIERS) : undefined,
      identities,
    });
  }
  return customers;
}

interface Touch {
  source: string;
  channel: Channel;
  direction: Direction;
  topics: readonly string[];
  summaries: readonly string[];
  url?: (n: number) => string;
  restricted?: number;
}

const TOUCHES: Record<Department, readonly Touch[]> = {
  Sales: [
    {
      source: 'salesforce',
      channel: 'call',
      direction: 'outbound',
      topics: ['Renewal', 'Expansion', 'Pricing'],
      summaries: [
        'Discovery call: they want SSO and audit logs before Q3.',
        'Walked through the enterprise plan; sending a quote on Friday.',
        'Renewal talk: happy overall, asked for a multi-year discount.',
      ],
      restricted: 0.1,
    },
    {
      source: 'gmail',
      channel: 'email',
      direction: 'outbound',
      topics: ['Proposal', 'Follow-up'],
      summaries: [
        'Sent the revised proposal with the volume discount.',
        'Followed up on the security questionnaire.',
        'Shared two customer references in their industry.',
      ],
    },
    {
      source: 'calendar',
      channel: 'meeting',
      direction: 'outbound',
      topics: ['Demo', 'QBR'],
      summaries: [
        'Product demo for their ops team (6 people).',
        'Quarterly business review: adoption up 30%.',
      ],
    },
  ],
  Support: [
    {
      source: 'zendesk',
      channel: 'ticket',
      direction: 'inbound',
      topics: ['Login issue', 'Data export', 'Bug report', 'Billing question'],
      summaries: [
        'Cannot log in after the SSO change; fixed the IdP metadata.',
        "Asked how to export last year's reports as CSV.",
        'Reported a crash when uploading large files; escalated to engineering.',
        'Wanted to understand a charge on the last invoice.',
      ],
      url: (n) => `https://support.brightwave.io/tickets/${40000 + n}`,
    },
    {
      source: 'intercom',
      channel: 'chat',
      direction: 'inbound',
      topics: ['How-to', 'Outage'],
      summaries: [
        'Quick question about API rate limits.',
        "Asked about yesterday's outage; shared the status page.",
      ],
    },
  ],
  PR: [
    {
      source: 'sprout',
      channel: 'social',
      direction: 'outbound',
      topics: ['Press', 'Launch'],
      summaries: [
        'Replied to their post about our launch.',
        'Thanked them for the mention in their newsletter.',
      ],
      url: (n) => `https://x.com/brightwave/status/${1800000000000000000n + BigInt(n)}`,
    },
    {
      source: 'gmail',
      channel: 'email',
      direction: 'inbound',
      topics: ['Interview request', 'Case study'],
      summaries: [
        'Journalist asking for a comment on the funding round.',
        'Interested in co-writing a case study.',
      ],
      restricted: 0.3,
    },
  ],
  Marketing: [
    {
      source: 'hubspot',
      channel: 'email',
      direction: 'outbound',
      topics: ['Webinar', 'Newsletter'],
      summaries: ['Invited to the data-privacy webinar.', 'Sent the spring product newsletter.'],
    },
    {
      source: 'calendar',
      channel: 'meeting',
      direction: 'outbound',
      topics: ['Conference', 'Community'],
      summaries: [
        'Met at the booth at SaaStr; interested in integrations.',
        'Speaker prep call for the community meetup.',
      ],
    },
    {
      source: 'sprout',
      channel: 'social',
      direction: 'inbound',
      topics: ['Community'],
      summaries: [
        'Asked a question under our LinkedIn post.',
        'Shared our guide with their followers.',
      ],
    },
  ],
  Product: [
    {
      source: 'calendar',
      channel: 'meeting',
      direction: 'outbound',
      topics: ['User research', 'Beta'],
      summaries: [
        'User interview about the reporting workflow.',
        'Beta feedback session for the new dashboard.',
      ],
    },
    {
      source: 'gmail',
      channel: 'email',
      direction: 'inbound',
      topics: ['Feature request'],
      summaries: [
        'Requested a Salesforce sync for custom fields.',
        'Asked for dark mode in the mobile app.',
      ],
    },
  ],
  Finance: [
    {
      source: 'netsuite',
      channel: 'email',
      direction: 'outbound',
      topics: ['Invoice', 'Payment terms'],
      summaries: [
        'Invoice overdue by 30 days; agreed on a payment plan.',
        'Sent the updated W-9 and bank details.',
        'Confirmed the PO number for the renewal.',
      ],
      restricted: 0.6,
    },
    {
      source: 'netsuite',
      channel: 'call',
      direction: 'outbound',
      topics: ['Collections'],
      summaries: ['Called about the failed card payment; will retry Monday.'],
      restricted: 0.5,
    },
  ],
};

function demoEngagements(
  random: ReturnType<typeof prng>,
  customers: CustomerInput[],
  today: number,
): EngagementInput[] {
  const day = 24 * 60 * 60 * 1000;
  const engagements: EngagementInput[] = [];
  for (let index = 0; index < 2400; index++) {
    const colleague = random.pick(DEMO_COLLEAGUES);
    const touch = random.pick(TOUCHES[colleague.department]);
    // most touches are with people; some with an organisation as a whole
    const customer = random.chance(0.85)
      ? random.pick(customers.slice(ORGANISATIONS.length))
      : random.pick(customers.slice(0, ORGANISATIONS.length));
    const occurredAt = today - random.int(0, 179) * day - random.int(0, day / 1000 - 1) * 1000;
    const engagement: EngagementInput = {
      externalId: `demo-${String(index + 1).padStart(5, '0')}`,
      source: touch.source,
      customer: { externalId: customer.externalId },
      colleagueEmail: colleague.email,
      channel: touch.channel,
      direction: touch.direction,
      occurredAt: new Date(occurredAt).toISOString(),
      summary: random.pick(touch.summaries),
      topic: random.pick(touch.topics),
      visibility: random.chance(touch.restricted ?? 0.03) ? 'restricted' : 'team',
    };
    if (touch.url) engagement.url = touch.url(index);
    engagements.push(engagement);
  }
  return engagements;
}

export interface DemoSummary {
  colleagues: number;
  customers: number;
  engagements: number;
  newEngagements: number;
  member: { name: string; email: string; department: string };
  token: string;
}

export async function loadDemo(store: Store, now = new Date()): Promise<DemoSummary> {
  const random = prng(20261123);
  for (const colleague of DEMO_COLLEAGUES) await ensureColleague(store, colleague);
  const customers = demoCustomers(random);
  const prepared = prepareCustomers(customers);
  await writeTransaction(store, (w) => upsertCustomers(w, prepared));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 18);
  const engagements = demoEngagements(random, customers, today);
  let newEngagements = 0;
  for (const batch of chunks(engagements, 1000)) {
    const results = await writeTransaction(store, (w) => ingestEngagements(w, batch));
    const failed = results.find((result) => !result.ok);
    if (failed) throw new Error(`demo engagement ${failed.externalId}: ${failed.error?.message}`);
    newEngagements += results.filter((result) => !result.duplicate).length;
  }
  const { colleague, token } = await issueToken(store, DEMO_MEMBER_EMAIL);
  return {
    colleagues: DEMO_COLLEAGUES.length,
    customers: customers.length,
    engagements: engagements.length,
    newEngagements,
    member: { name: colleague.name, email: colleague.email, department: colleague.department },
    token,
  };
}
