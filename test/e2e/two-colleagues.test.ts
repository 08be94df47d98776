/**
 * Issue 3's "Show", end to end: the real API on a temp SQLite database, the built extension in
 * two Chromium profiles (a Support and a Sales colleague), Gmail and LinkedIn pages served at
 * their real URLs. Steps run in order and build on each other.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  cachedEngagements,
  clickSyncNow,
  FIXTURES_DIR,
  type Harness,
  openOptionsAndConnect,
  openPopupFor,
  type Profile,
  pageDomText,
  screenshot,
  sidebarFrame,
  startHarness,
  stopServiceWorker,
  syncNow,
} from './harness';
import { apiClient } from './harness/api';

const CUSTOMER = {
  externalId: 'crm-0042',
  // Ledger-only facts: the host pages show "Jane Doe" and "Acme Corp", never these.
  name: 'Jane Doe',
  company: 'Acme Robotics Holding',
  tier: 'Strategic',
  email: 'jane.doe@acme.com',
  linkedin: 'jane-doe-4a1b2c3',
};
const SUPPORT = {
  name: 'Sofia Lindqvist',
  email: 'sofia.lindqvist@northwind.io',
  department: 'Support',
};
const SALES = { name: 'Marcus Okafor', email: 'marcus.okafor@northwind.io', department: 'Sales' };
const TICKET = 'Ticket 4711: CSV export times out on workspaces above 50k rows';
const TEAM_NOTE = 'Renewal call booked for Tuesday; she wants 40 more seats before December';
const RESTRICTED_NOTE = 'Discount ceiling approved by finance: 18 percent, do not go lower';
const SUPPORT_NOTE = 'Export fix shipped in 4.12; asked her to confirm on the next sync call';
const OFFLINE_NOTE = 'Written on the train without network: send the seat quote by Friday';

/** Strings only the ledger knows; none may ever reach a host page's DOM. */
const LEDGER_ONLY = [
  CUSTOMER.company,
  CUSTOMER.tier,
  SUPPORT.name,
  SALES.name,
  TICKET,
  TEAM_NOTE,
  RESTRICTED_NOTE,
];

const GMAIL_FIXTURE = 'gmail/2026-11-23-thread-several-participants.html';
const LINKEDIN_FIXTURE = 'linkedin/2026-11-23-profile-unicode-slug.html';
const LINKEDIN_URL = `https://www.linkedin.com/in/${CUSTOMER.linkedin}/`;
const LINKEDIN_FEED_URL = 'https://www.linkedin.com/feed/';
const GMAIL_APP_URL = 'https://mail.google.com/mail/u/1/';

let server: TestServer;
let harness: Harness;
let gmailUrl: string;
let support: Profile;
let sales: Profile;
let supportOptions: Page;
let salesOptions: Page;
let salesPopup: Page;

/** The LinkedIn profile fixture, turned into our customer's profile (José and Jane swap). */
async function customerLinkedInPage(): Promise<string> {
  const html = await readFile(join(FIXTURES_DIR, LINKEDIN_FIXTURE), 'utf8');
  return html
    .replaceAll('jane-doe-4a1b2c3', 'jose-garcia-42')
    .replaceAll('jos%C3%A9-garc%C3%ADa-42', CUSTOMER.linkedin)
    .replaceAll(/Jos[ée]\s+Garc[ií]a/g, '\u0000')
    .replaceAll('Jane Doe', 'José García')
    .replaceAll('\u0000', 'Jane Doe');
}

/**
 * A Gmail that navigates like the real one: one document (a second account's /mail/u/1/, so the
 * plain thread fixture keeps /mail/u/0/) whose hash picks the view: the inbox list, or the thread
 * fixture's content when a thread's hash is open.
 */
async function gmailApp(): Promise<string> {
  const html = await readFile(join(FIXTURES_DIR, GMAIL_FIXTURE), 'utf8');
  const script = `<script>
    const main = document.querySelector('[role="main"]');
    const thread = main.innerHTML;
    const inbox = '<table role="grid"><tr role="row"><td><span email="Jane.Doe@Acme.com" name="Jane Doe">Jane Doe</span></td><td>Re: Renewal of the Acme enterprise plan</td></tr></table>';
    const render = () => { main.innerHTML = /^#inbox\\/./.test(location.hash) ? thread : inbox; };
    addEventListener('hashchange', render);
    render();
  </script>`;
  return html.replace('</body>', `${script}</body>`);
}

/** A LinkedIn feed whose link opens the customer's profile with pushState, as LinkedIn does. */
async function linkedInApp(): Promise<string> {
  const html = await customerLinkedInPage();
  const script = `<script>
    const main = document.querySelector('main');
    const profile = main.innerHTML;
    main.innerHTML = '<a id="open-profile" href="/in/${CUSTOMER.linkedin}/">Jane Doe</a>';
    document.getElementById('open-profile').addEventListener('click', (event) => {
      event.preventDefault();
      history.pushState(null, '', event.currentTarget.getAttribute('href'));
      main.innerHTML = profile;
    });
  </script>`;
  return html.replace('</body>', `${script}</body>`);
}

async function sidebarVisible(frame: Frame): Promise<boolean> {
  return (await frame.frameElement()).isVisible();
}

/** What the sidebar shows (rendered text: a hidden element would not count). */
async function sidebarText(frame: Frame): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, on purpose
  return frame.locator('body').innerText();
}

async function expectNoLedgerText(page: Page) {
  const dom = await pageDomText(page);
  for (const text of LEDGER_ONLY)
    expect(dom, `host page DOM contains "${text}"`).not.toContain(text);
}

/** Writes a note in the popup as a user would: pick visibility, type, Ctrl+Enter. */
async function writeNote(popup: Page, body: string, visibility: 'Team' | 'Restricted') {
  await popup.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  const field = popup.getByLabel('Note', { exact: true });
  await field.fill(body);
  await field.press('Control+Enter');
  await expect.poll(() => field.inputValue()).toBe('');
}

/** The status pill of a note in the popup's "My recent notes". */
function noteStatus(popup: Page, body: string, status: 'Pending' | 'Synced' | 'Rejected') {
  return popup.getByRole('listitem').filter({ hasText: body }).getByText(status, { exact: true });
}

async function touchbaseNotesWithBody(body: string) {
  const engagements = await apiClient(server.url, server.adminToken).allEngagements();
  return engagements.filter((e) => e.source === 'touchbase' && e.summary === body);
}

beforeAll(async () => {
  [server, harness] = await Promise.all([startTestServer(), startHarness()]);
  const supportUser = await server.addUser(SUPPORT);
  const salesUser = await server.addUser(SALES);

  // Seed through the API's own endpoints, as a CRM and a helpdesk would.
  const admin = apiClient(server.url, server.adminToken);
  const customers = await admin.upsertCustomers({
    customers: [
      {
        externalId: CUSTOMER.externalId,
        name: CUSTOMER.name,
        kind: 'person',
        company: CUSTOMER.company,
        tier: CUSTOMER.tier,
        identities: [
          { kind: 'email', value: CUSTOMER.email },
          { kind: 'linkedin', value: CUSTOMER.linkedin },
        ],
      },
    ],
  });
  expect(customers.results.map((r) => r.ok)).toEqual([true]);
  const engagements = await admin.ingestEngagements({
    engagements: [
      {
        externalId: 'zd-4711',
        source: 'helpdesk',
        customer: { externalId: CUSTOMER.externalId },
        colleagueEmail: SUPPORT.email,
        channel: 'ticket',
        direction: 'inbound',
        occurredAt: new Date(Date.now() - 3 * 24 * 3600_000).toISOString(),
        summary: TICKET,
        topic: 'CSV export',
        visibility: 'team',
      },
    ],
  });
  expect(engagements.results.map((r) => r.ok)).toEqual([true]);

  gmailUrl = await harness.sites.serveFixture(GMAIL_FIXTURE);
  harness.sites.serve(LINKEDIN_URL, await customerLinkedInPage());
  harness.sites.serve(GMAIL_APP_URL, await gmailApp());
  harness.sites.serve(LINKEDIN_FEED_URL, await linkedInApp());

  support = await harness.launch('support');
  sales = await harness.launch('sales');
  supportOptions = await openOptionsAndConnect(support, server.url, supportUser.token);
  salesOptions = await openOptionsAndConnect(sales, server.url, salesUser.token);
});

afterAll(async () => {
  await harness?.close();
  await server?.stop();
});

describe('two colleagues, one customer', () => {
  test('each colleague connects through the options page', async () => {
    await expect
      .poll(() => supportOptions.getByText(`Connected as ${SUPPORT.name}`).count())
      .toBe(1);
    await expect.poll(() => salesOptions.getByText(`Connected as ${SALES.name}`).count()).toBe(1);
    await syncNow(supportOptions);
    await screenshot(supportOptions, 'options-support');
  });

  test("Support's Gmail thread shows the customer and the earlier ticket", async () => {
    const page = await support.context.newPage();
    await page.goto(gmailUrl);
    const frame = await sidebarFrame(page, support);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(TICKET);
    const text = await sidebarText(frame);
    expect(text).toContain(CUSTOMER.name);
    expect(text).toContain(CUSTOMER.company);
    expect(text).toContain(SUPPORT.name);
    expect(text).toContain(SUPPORT.department);
    await screenshot(page, 'sidebar-gmail');
    await expectNoLedgerText(page);
    // The sidebar's iframe lives in a closed shadow root: the page cannot even find it.
    expect(await page.evaluate(() => document.querySelectorAll('iframe').length)).toBe(0);
  });

  test('Sales adds a team note and a restricted note in the popup', async () => {
    const page = await sales.context.newPage();
    await page.goto(gmailUrl);
    await sidebarFrame(page, sales);
    salesPopup = await openPopupFor(sales, page);
    // The thread's customer is preselected.
    const customer = salesPopup.getByRole('radio', { name: new RegExp(CUSTOMER.name) });
    await customer.waitFor();
    await expect.poll(() => customer.isChecked()).toBe(true);

    await writeNote(salesPopup, TEAM_NOTE, 'Team');
    await writeNote(salesPopup, RESTRICTED_NOTE, 'Restricted');
    await noteStatus(salesPopup, TEAM_NOTE, 'Synced').waitFor({ timeout: 20_000 });
    await noteStatus(salesPopup, RESTRICTED_NOTE, 'Synced').waitFor({ timeout: 20_000 });
    await screenshot(salesPopup, 'popup');

    const [team] = await touchbaseNotesWithBody(TEAM_NOTE);
    const [restricted] = await touchbaseNotesWithBody(RESTRICTED_NOTE);
    expect(team?.visibility).toBe('team');
    expect(restricted?.visibility).toBe('restricted');
  });

  test("Support sees the team note on the customer's LinkedIn profile, never the restricted text", async () => {
    await syncNow(supportOptions);
    const page = await support.context.newPage();
    await page.goto(LINKEDIN_URL);
    const frame = await sidebarFrame(page, support);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(TEAM_NOTE);
    const text = await sidebarText(frame);
    expect(text).toContain(CUSTOMER.name);
    expect(text).toContain(SALES.name);
    expect(text).toContain(TICKET);
    expect(text).toContain('Details restricted');
    expect(text).not.toContain(RESTRICTED_NOTE);
    // Not hidden by the page only: the restricted text never reached Support's browser.
    expect(JSON.stringify(await cachedEngagements(supportOptions))).not.toContain(RESTRICTED_NOTE);
    await screenshot(page, 'sidebar-linkedin');
    await expectNoLedgerText(page);
  });

  test('the author still sees her restricted note', async () => {
    const page = await sales.context.newPage();
    await page.goto(LINKEDIN_URL);
    const frame = await sidebarFrame(page, sales);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(RESTRICTED_NOTE);
    await expectNoLedgerText(page);
  });

  test("the sidebar follows Gmail's hash and LinkedIn's pushState navigation", async () => {
    const gmail = await support.context.newPage();
    await gmail.goto(`${GMAIL_APP_URL}#inbox`);
    await gmail.evaluate((hash) => {
      location.hash = hash;
    }, new URL(gmailUrl).hash);
    const frame = await sidebarFrame(gmail, support);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(TICKET);
    await gmail.goBack();
    await expect.poll(() => sidebarVisible(frame)).toBe(false);

    const linkedIn = await support.context.newPage();
    await linkedIn.goto(LINKEDIN_FEED_URL);
    await linkedIn.getByRole('link', { name: CUSTOMER.name }).click();
    expect(linkedIn.url()).toBe(LINKEDIN_URL);
    const profileFrame = await sidebarFrame(linkedIn, support);
    await expect.poll(() => sidebarText(profileFrame), { timeout: 15_000 }).toContain(TEAM_NOTE);
    expect(await sidebarVisible(profileFrame)).toBe(true);
  });

  test("a stopped service worker resumes with the tab's customers and syncs", async () => {
    const page = await support.context.newPage();
    await page.goto(gmailUrl);
    await sidebarFrame(page, support);
    await stopServiceWorker(support, page);

    // Tab state lives outside the worker: the popup still knows this tab's customer.
    const popup = await openPopupFor(support, page);
    const customer = popup.getByRole('radio', { name: new RegExp(CUSTOMER.name) });
    await customer.waitFor();
    await expect.poll(() => customer.isChecked()).toBe(true);
    await writeNote(popup, SUPPORT_NOTE, 'Team');
    await noteStatus(popup, SUPPORT_NOTE, 'Synced').waitFor({ timeout: 20_000 });
    expect(await touchbaseNotesWithBody(SUPPORT_NOTE)).toHaveLength(1);
  });

  test('a note saved while the server is down syncs exactly once after it is back', async () => {
    await server.stop();
    await writeNote(salesPopup, OFFLINE_NOTE, 'Team');
    await noteStatus(salesPopup, OFFLINE_NOTE, 'Pending').waitFor();
    await clickSyncNow(salesOptions);
    expect(await noteStatus(salesPopup, OFFLINE_NOTE, 'Pending').count()).toBe(1);

    await server.restart();
    await syncNow(salesOptions);
    await noteStatus(salesPopup, OFFLINE_NOTE, 'Synced').waitFor({ timeout: 20_000 });
    await syncNow(salesOptions);
    expect(await touchbaseNotesWithBody(OFFLINE_NOTE)).toHaveLength(1);

    // And it reaches the other colleague like any other note.
    await syncNow(supportOptions);
    const page = await support.context.newPage();
    await page.goto(LINKEDIN_URL);
    const frame = await sidebarFrame(page, support);
    await expect.poll(() => sidebarText(frame), { timeout: 15_000 }).toContain(OFFLINE_NOTE);
  });

  test('no page of either profile reported an error', () => {
    // The server being down on purpose shows up as failed fetches; anything else is a bug.
    const unexpected = [...support.errors, ...sales.errors].filter(
      (error) => !/Failed to fetch|ERR_CONNECTION_REFUSED/.test(error),
    );
    expect(unexpected).toEqual([]);
  });
});
