/**
 * Issue 4's "Show": one visit per supported site at its real URL (fixtures served locally over
 * HTTPS, see harness/sites.ts), each checked against what the sidebar shows; several customers
 * on one page in the right order; a customer named in a post; SPA navigation from one customer
 * to another and to a page with none; the administrator's kill switch. The real API on a temp
 * SQLite database, seeded through its own endpoints; one browser profile.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CustomersUpsertRequest } from '../../src/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { touchbase } from '../server/cli-run';
import {
  FIXTURES_DIR,
  fixtureUrl,
  type Harness,
  navigateInPlace,
  openOptionsAndConnect,
  type Profile,
  pageDomText,
  screenshot,
  sidebarFrame,
  startHarness,
  syncNow,
} from './harness';
import { apiClient } from './harness/api';

type CustomerInput = CustomersUpsertRequest['customers'][number];

const COLLEAGUE = { name: 'Rosa Quintero', email: 'rosa.quintero@northwind.io', department: 'PR' };

/** The ledger: every identity a fixture's customer shows on some site. */
const JANE: CustomerInput = {
  externalId: 'crm-jane',
  name: 'Jane Doe',
  kind: 'person',
  company: 'Acme Robotics Holding',
  identities: [
    { kind: 'email', value: 'jane.doe@acme.com' },
    { kind: 'linkedin', value: 'jane-doe-4a1b2c3' },
    { kind: 'x', value: 'JaneDoe' },
    { kind: 'facebook', value: 'jane.doe.77' },
    { kind: 'reddit', value: 'jane_doe' },
    { kind: 'bluesky', value: 'jane-acme.bsky.social' },
    { kind: 'github', value: 'jane-acme' },
  ],
};
const OMAR: CustomerInput = {
  externalId: 'crm-omar',
  name: 'Omar Haddad',
  kind: 'person',
  company: 'Globex',
  identities: [
    { kind: 'email', value: 'omar@globex.com' },
    { kind: 'reddit', value: 'omar_h' },
    { kind: 'github', value: 'omar-globex' },
    { kind: 'youtube', value: '@omar.globex' },
  ],
};
const ACME_BAKERY: CustomerInput = {
  externalId: 'crm-acme-bakery',
  name: 'Acme Bakery',
  kind: 'organization',
  identities: [{ kind: 'instagram', value: 'acme.bakery' }],
};
const ACME_ROBOTICS: CustomerInput = {
  externalId: 'crm-acme-robotics',
  name: 'Acme Robotics',
  kind: 'organization',
  identities: [{ kind: 'youtube', value: '@AcmeRobotics' }],
};
/** Known only by name: the X thread's text mentions "Hooli Buy". */
const HOOLI: CustomerInput = {
  externalId: 'crm-hooli',
  name: 'Hooli',
  kind: 'organization',
  identities: [],
};

/** Ledger-only text: the summary of each customer's engagement, never on any host page. */
const SUMMARY: Record<string, string> = {
  [JANE.externalId]: 'Asked Jane for a quote on the spring launch coverage',
  [OMAR.externalId]: 'Omar confirmed the Globex case study can go public',
  [ACME_BAKERY.externalId]: 'Acme Bakery wants a joint post for the holiday campaign',
  [ACME_ROBOTICS.externalId]: 'Acme Robotics keynote slot confirmed for March',
  [HOOLI.externalId]: 'Hooli press embargo lifts on Thursday',
};

/** One visit per site: the fixture, and the customers its sidebar shows, in order. */
const VISITS: Array<{ site: string; fixture: string; customers: string[] }> = [
  {
    site: 'gmail',
    fixture: 'gmail/2026-11-23-thread-several-participants.html',
    customers: [JANE.name, OMAR.name],
  },
  {
    site: 'outlook',
    fixture: 'outlook/2026-12-02-conversation-several-participants.html',
    customers: [JANE.name, OMAR.name],
  },
  {
    site: 'linkedin',
    fixture: 'linkedin/2026-12-02-messaging-thread.html',
    customers: [JANE.name],
  },
  { site: 'x', fixture: 'x/2026-12-02-profile.html', customers: [JANE.name] },
  { site: 'facebook', fixture: 'facebook/2026-12-02-profile.html', customers: [JANE.name] },
  {
    site: 'instagram',
    fixture: 'instagram/2026-12-02-profile.html',
    customers: [ACME_BAKERY.name],
  },
  {
    site: 'reddit',
    fixture: 'reddit/2026-12-02-post-comments.html',
    customers: [JANE.name, OMAR.name],
  },
  {
    site: 'youtube',
    fixture: 'youtube/2026-12-02-watch-with-comments.html',
    customers: [ACME_ROBOTICS.name, OMAR.name],
  },
  {
    site: 'bluesky',
    fixture: 'bluesky/2026-12-02-profile-with-posts.html',
    customers: [JANE.name],
  },
  {
    site: 'github',
    fixture: 'github/2026-12-02-issue-thread.html',
    customers: [JANE.name, OMAR.name],
  },
];

let server: TestServer;

/** The CLI an administrator runs, on the server's own database. */
async function adminCli(...args: string[]) {
  const run = await touchbase([...args, '--db', server.dbFile ?? '']);
  expect(run.code, run.stderr).toBe(0);
}
let harness: Harness;
let profile: Profile;
let options: Page;

const fixtureHtml = (fixture: string) => readFile(join(FIXTURES_DIR, fixture), 'utf8');

/** The names of the identified customers, in the sidebar's order. */
function customerNames(frame: Frame): Promise<string[]> {
  return frame.locator('article.customer h2').allTextContents();
}

/** Everything the sidebar page holds, shown or folded (list pages show only the slim tab). */
function sidebarContent(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.body.textContent ?? '');
}

async function sidebarShown(frame: Frame): Promise<boolean> {
  return (await frame.frameElement()).isVisible();
}

async function visit(fixture: string): Promise<{ page: Page; frame: Frame }> {
  const url = await harness.sites.serveFixture(fixture);
  const page = await profile.context.newPage();
  await page.goto(url);
  return { page, frame: await sidebarFrame(page, profile) };
}

async function expectNoLedgerText(page: Page) {
  const dom = await pageDomText(page);
  for (const text of [...Object.values(SUMMARY), JANE.company ?? '', COLLEAGUE.name]) {
    expect(dom, `host page DOM contains "${text}"`).not.toContain(text);
  }
}

beforeAll(async () => {
  [server, harness] = await Promise.all([startTestServer(), startHarness()]);
  const colleague = await server.addUser(COLLEAGUE);
  const admin = apiClient(server.url, server.adminToken);
  const customers = [JANE, OMAR, ACME_BAKERY, ACME_ROBOTICS, HOOLI];
  const upserted = await admin.upsertCustomers({ customers });
  expect(upserted.results.map((result) => result.ok)).toEqual(customers.map(() => true));
  const ingested = await admin.ingestEngagements({
    engagements: customers.map((customer, index) => ({
      externalId: `pr-${index}`,
      source: 'pr-desk',
      customer: { externalId: customer.externalId },
      colleagueEmail: COLLEAGUE.email,
      channel: 'email',
      direction: 'outbound',
      occurredAt: new Date(Date.now() - (index + 1) * 3600_000).toISOString(),
      summary: SUMMARY[customer.externalId],
      visibility: 'team',
    })),
  });
  expect(ingested.results.map((result) => result.ok)).toEqual(customers.map(() => true));

  profile = await harness.launch('pr');
  options = await openOptionsAndConnect(profile, server.url, colleague.token);
  await syncNow(options);
});

afterAll(async () => {
  await harness?.close();
  await server?.stop();
});

describe('every supported site at its real URL', () => {
  test.each(VISITS)('$site: $fixture', async ({ site, fixture, customers }) => {
    const { page, frame } = await visit(fixture);
    await expect.poll(() => customerNames(frame), { timeout: 15_000 }).toEqual(customers);
    const text = await sidebarContent(frame);
    for (const customer of [JANE, OMAR, ACME_BAKERY, ACME_ROBOTICS]) {
      if (customers.includes(customer.name)) expect(text).toContain(SUMMARY[customer.externalId]);
    }
    expect(text).toContain(COLLEAGUE.department);
    expect(await sidebarShown(frame)).toBe(true);
    await expectNoLedgerText(page);
    await screenshot(page, `site-${site}`);
    await page.close();
  });

  test('a timeline shows the slim tab, with its customers in the folded sidebar', async () => {
    const { page, frame } = await visit('x/2026-12-02-home-timeline.html');
    await expect.poll(() => sidebarContent(frame), { timeout: 15_000 }).toContain(JANE.name);
    expect(await sidebarShown(frame)).toBe(false);
    await page.close();
  });

  test('a customer named in a post is listed as mentioned, below the identified one', async () => {
    const { page, frame } = await visit('x/2026-12-02-status-thread.html');
    const mentioned = frame.locator('[aria-labelledby="mentioned-on-page"]');
    await expect.poll(() => mentioned.textContent(), { timeout: 15_000 }).toContain(HOOLI.name);
    expect(await mentioned.textContent()).toMatch(/mentioned as "hooli"/i);
    expect(await customerNames(frame)).toEqual([JANE.name]);
    await expectNoLedgerText(page);
    await page.close();
  });
});

describe('single-page navigation', () => {
  test('GitHub: from one customer to another, then to a page with none', async () => {
    const { page, frame } = await visit('github/2026-12-02-issue-thread.html');
    await expect
      .poll(() => customerNames(frame), { timeout: 15_000 })
      .toEqual([JANE.name, OMAR.name]);
    const pull = 'github/2026-12-02-pull-request-conversation.html';
    const pullHtml = await fixtureHtml(pull);
    await navigateInPlace(page, fixtureUrl(pullHtml, pull), pullHtml);
    await expect
      .poll(() => customerNames(frame), { timeout: 15_000 })
      .toEqual([OMAR.name, JANE.name]);
    const none = 'github/2026-12-02-notifications.html';
    const noneHtml = await fixtureHtml(none);
    await navigateInPlace(page, fixtureUrl(noneHtml, none), noneHtml);
    await expect.poll(() => sidebarShown(frame), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => customerNames(frame)).toEqual([]);
    await page.close();
  });

  test('X: from a profile to the settings, and back with the browser', async () => {
    const { page, frame } = await visit('x/2026-12-02-profile.html');
    await expect.poll(() => customerNames(frame), { timeout: 15_000 }).toEqual([JANE.name]);
    const settings = 'x/2026-12-02-settings-account.html';
    const settingsHtml = await fixtureHtml(settings);
    const profileHtml = await fixtureHtml('x/2026-12-02-profile.html');
    await navigateInPlace(page, fixtureUrl(settingsHtml, settings), settingsHtml);
    await expect.poll(() => sidebarShown(frame), { timeout: 15_000 }).toBe(false);
    // Back: the URL changes first (popstate), the app then renders the profile again.
    await page.goBack();
    await navigateInPlace(page, page.url(), profileHtml);
    await expect.poll(() => customerNames(frame), { timeout: 15_000 }).toEqual([JANE.name]);
    expect(await sidebarShown(frame)).toBe(true);
    await page.close();
  });
});

describe("the administrator's kill switch", () => {
  test('an adapter turned off on the server stops on the next sync, and comes back', async () => {
    const { page, frame } = await visit('reddit/2026-12-02-user-profile.html');
    await expect.poll(() => customerNames(frame), { timeout: 15_000 }).toEqual([JANE.name]);

    await adminCli('config', 'disable-adapter', 'reddit', '--reason', 'markup changed');
    await syncNow(options);
    await expect.poll(() => sidebarShown(frame), { timeout: 15_000 }).toBe(false);

    await adminCli('config', 'enable-adapter', 'reddit');
    await syncNow(options);
    await expect.poll(() => sidebarShown(frame), { timeout: 15_000 }).toBe(true);
    expect(await customerNames(frame)).toEqual([JANE.name]);
    await page.close();
  });
});

test('no page reported an error', () => {
  // The fixtures keep the real pages' images and scripts, which nothing serves here.
  const ours = profile.errors.filter((error) => !error.includes('Failed to load resource'));
  expect(ours).toEqual([]);
});
