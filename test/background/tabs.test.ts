// @vitest-environment node
/**
 * Per-tab state over an in-memory stand-in for the browser's storage.session and badge (the
 * browser APIs are the only thing replaced; the cache is a real Dexie on fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import { toCachedCustomer } from '../../src/cache/pull';
import { browser } from '../../src/platform/browser';
import {
  type CandidateReport,
  sendMessage,
  type TabState,
  tabStateKey,
} from '../../src/platform/messaging';

const session = new Map<string, unknown>();
const badges = new Map<number, string>();
const badgeColours = new Map<number, string>();
const titles = new Map<number, string>();
const settings = { coordinationWindowHours: 48 };

vi.mock('../../src/platform/browser', () => ({
  browser: {
    storage: {
      session: {
        get: async (keys: string | null) =>
          Object.fromEntries(
            [...session].filter(([key]) => keys === null || key === keys).map(([k, v]) => [k, v]),
          ),
        set: async (items: Record<string, unknown>) => {
          for (const [key, value] of Object.entries(items)) {
            session.set(key, structuredClone(value));
          }
        },
        remove: async (keys: string[]) => {
          for (const key of keys) session.delete(key);
        },
      },
    },
    action: {
      setBadgeText: async ({ tabId, text }: { tabId: number; text: string }) => {
        badges.set(tabId, text);
      },
      setBadgeBackgroundColor: async ({ tabId, color }: { tabId: number; color: string }) => {
        badgeColours.set(tabId, color);
      },
      setTitle: async ({ tabId, title }: { tabId: number; title: string }) => {
        titles.set(tabId, title);
      },
    },
    runtime: { getManifest: () => ({ action: { default_title: 'Touchbase — quick note' } }) },
  },
}));

vi.mock('../../src/platform/settings', () => ({ getSettings: async () => ({ ...settings }) }));

vi.mock('../../src/platform/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/platform/messaging')>()),
  sendMessage: vi.fn(async () => undefined),
}));
const send = vi.mocked(sendMessage);

const {
  BADGE_COLOURS,
  forgetAllTabs,
  forgetTab,
  refreshBadges,
  reResolveAllTabs,
  tabState,
  updateTab,
} = await import('../../src/background/tabs');

let db: TouchbaseDb;

const gmail = (emails: string[]): CandidateReport => ({
  site: 'gmail',
  url: 'https://mail.google.com/mail/u/0/#inbox/abc',
  candidates: emails.map((email, index) => ({
    key: `email:${email}`,
    strength: 'strong',
    focus: index === 0,
  })),
});

async function addCustomer(id: string, name: string, email: string) {
  await db.customers.put(
    toCachedCustomer({ id, name, kind: 'person', updatedAt: '2026-11-01T00:00:00.000Z' }),
  );
  await db.identities.put({ id: `identity-${id}`, customerId: id, kind: 'email', value: email });
}

/** the customer ids of each state published for `tabId`, until `stop` */
function recordPublications(tabId: number) {
  const published: (string[] | undefined)[] = [];
  const { set } = browser.storage.session;
  const spy = vi.spyOn(browser.storage.session, 'set').mockImplementation(async (items) => {
    const state = items[tabStateKey(tabId)] as TabState | undefined;
    published.push(state?.matches.map((match) => match.customerId));
    return set(items);
  });
  return { published, stop: () => spy.mockRestore() };
}

beforeEach(async () => {
  session.clear();
  badges.clear();
  badgeColours.clear();
  titles.clear();
  settings.coordinationWindowHours = 48;
  send.mockClear();
  db = new TouchbaseDb(`tabs-${crypto.randomUUID()}`);
  await addCustomer('jane', 'Jane Doe', 'jane@acme.example');
});

afterEach(async () => {
  await db.delete();
});

describe('per-tab state', () => {
  it('resolves a report into the tab state, stores it and badges the tab', async () => {
    const state = await updateTab(db, 7, gmail(['jane@acme.example', 'new@acme.example']));

    expect(state).toMatchObject({
      tabId: 7,
      site: 'gmail',
      matches: [{ customerId: 'jane', evidence: 'exact', focus: true }],
      unmatched: [{ key: 'email:new@acme.example' }],
    });
    expect(await tabState(7)).toEqual(state);
    expect(badges.get(7)).toBe('1');
    expect(await tabState(8)).toBeNull();
  });

  it('clears the badge for a page without customers, and forgets closed tabs', async () => {
    await updateTab(db, 7, gmail(['jane@acme.example']));
    await updateTab(db, 7, gmail([]));
    expect(badges.get(7)).toBe('');
    expect((await tabState(7))?.matches).toEqual([]);

    await forgetTab(7);
    expect(await tabState(7)).toBeNull();
    expect(session.size).toBe(0);
  });

  it('re-resolves open tabs when a customer arrives, so "not in Touchbase yet" updates', async () => {
    await updateTab(db, 3, gmail(['late@example.org']));
    expect((await tabState(3))?.unmatched).toHaveLength(1);
    expect(badges.get(3)).toBe('');

    await addCustomer('late', 'Late Arrival', 'late@example.org');
    await reResolveAllTabs(db);

    const state = (await tabState(3)) as TabState;
    expect(state.matches.map((match) => match.customerId)).toEqual(['late']);
    expect(state.unmatched).toEqual([]);
    expect(badges.get(3)).toBe('1');
  });

  it('forgets every tab on sign out', async () => {
    await updateTab(db, 1, gmail(['jane@acme.example']));
    await updateTab(db, 2, gmail(['jane@acme.example']));
    session.set('unrelated', 'kept');

    await forgetAllTabs();

    expect(await tabState(1)).toBeNull();
    expect(await tabState(2)).toBeNull();
    expect(badges.get(1)).toBe('');
    expect(badges.get(2)).toBe('');
    expect(session.get('unrelated')).toBe('kept');
  });
});

describe('customers mentioned in the page text', () => {
  const withText = (report: CandidateReport, mentionText: string): CandidateReport => ({
    ...report,
    mentionText,
  });
  const summary = (state: TabState | null) =>
    state?.matches.map((match) => [match.customerId, match.evidence, match.mention?.phrase]);

  beforeEach(async () => {
    await addCustomer('omar', 'Omar Haddad', 'omar@globex.example');
    await db.customers.put(
      toCachedCustomer({
        id: 'acme',
        name: 'Acme Robotics',
        kind: 'organization',
        updatedAt: '2026-11-01T00:00:00.000Z',
      }),
    );
  });

  it('lists them after the identified customers, keeping the names found but not the text', async () => {
    const text = 'Jane Doe wrote: Omar Haddad at Acme Robotics asked about the secret-project';
    const state = await updateTab(db, 7, withText(gmail(['jane@acme.example']), text));

    expect(summary(state)).toEqual([
      ['jane', 'exact', undefined],
      ['omar', 'mentioned', 'Omar Haddad'],
      ['acme', 'mentioned', 'Acme Robotics'],
    ]);
    expect(badges.get(7)).toBe('3');
    expect(JSON.stringify([...session])).not.toContain('secret-project');
  });

  it('publishes the identified customers before the name matcher is built, then the mentioned', async () => {
    const { published, stop } = recordPublications(7);
    try {
      // The customers written above dropped any matcher: this report finds it cold.
      await updateTab(db, 7, withText(gmail(['jane@acme.example']), 'Say hi to Omar Haddad'));
      // Warm now: one publication, with both.
      await updateTab(db, 7, withText(gmail(['jane@acme.example']), 'Omar Haddad again'));
    } finally {
      stop();
    }
    expect(published).toEqual([['jane'], ['jane', 'omar'], ['jane', 'omar']]);
  });

  it('keeps what it found while the text is unchanged, and clears it with empty text', async () => {
    await updateTab(db, 7, withText(gmail([]), 'Say hi to Omar Haddad'));
    const unchanged = await updateTab(db, 7, gmail(['jane@acme.example']));
    expect(summary(unchanged)).toEqual([
      ['jane', 'exact', undefined],
      ['omar', 'mentioned', 'Omar Haddad'],
    ]);
    const cleared = await updateTab(db, 7, withText(gmail(['jane@acme.example']), ''));
    expect(summary(cleared)).toEqual([['jane', 'exact', undefined]]);
  });

  it("resolves one tab's reports in order, even while the first is still matching text", async () => {
    const first = updateTab(db, 7, withText(gmail([]), 'Omar Haddad'));
    const second = updateTab(db, 7, gmail(['jane@acme.example']));
    await Promise.all([first, second]);
    expect(summary(await tabState(7))).toEqual([
      ['jane', 'exact', undefined],
      ['omar', 'mentioned', 'Omar Haddad'],
    ]);
  });

  it('never publishes a report overtaken while its text waited for the name matcher', async () => {
    const { published, stop } = recordPublications(7);
    try {
      // The matcher is cold: the first thread's names are still being matched when the user
      // opens the next one.
      const first = updateTab(db, 7, withText(gmail(['jane@acme.example']), 'Omar Haddad'));
      const next = updateTab(db, 7, withText(gmail([]), 'Acme Robotics'));
      await Promise.all([first, next]);
    } finally {
      stop();
    }
    expect(published).not.toContainEqual(['jane', 'omar']);
    expect(published.at(-1)).toEqual(['acme']);
    expect(summary(await tabState(7))).toEqual([['acme', 'mentioned', 'Acme Robotics']]);
  });

  it('still resolves the names it found after the worker restarted', async () => {
    await updateTab(db, 7, withText(gmail([]), 'Omar Haddad'));
    vi.resetModules();
    const restarted = await import('../../src/background/tabs');
    const state = await restarted.updateTab(db, 7, gmail(['jane@acme.example']));
    expect(summary(state)).toEqual([
      ['jane', 'exact', undefined],
      ['omar', 'mentioned', 'Omar Haddad'],
    ]);
  });

  it('re-resolves stored names after new rows, and asks tabs to report again when names changed', async () => {
    await updateTab(db, 3, withText(gmail([]), 'Omar Haddad and Late Arrival'));
    await updateTab(db, 4, gmail([]));
    await reResolveAllTabs(db); // the seeding above changed names
    send.mockClear();

    // Omar gets a handle the page shows: he is identified now, no longer only mentioned.
    await db.identities.put({ id: 'omar-x', customerId: 'omar', kind: 'x', value: 'omarh' });
    await updateTab(db, 3, { ...gmail([]), candidates: [{ key: 'x:omarh', strength: 'strong' }] });
    expect(summary(await tabState(3))).toEqual([['omar', 'exact', undefined]]);
    await reResolveAllTabs(db);
    send.mockClear();

    // Rows that change no names: re-resolved from what was stored, nobody asked.
    await db.engagements.put({
      id: 'e1',
      customerId: 'omar',
      colleagueId: 'c1',
      channel: 'email',
      direction: 'inbound',
      occurredAt: '2026-11-02T00:00:00.000Z',
      summary: null,
      source: 'crm',
      visibility: 'team',
    });
    await reResolveAllTabs(db);
    expect(send).not.toHaveBeenCalled();

    // A new customer the page text may name: the text is gone, so every tab is asked for it.
    await addCustomer('late', 'Late Arrival', 'late@example.org');
    await reResolveAllTabs(db);
    expect(send.mock.calls.map((call) => [call[0], call[2]]).sort()).toEqual([
      ['reportAgain', 3],
      ['reportAgain', 4],
    ]);
  });
});

describe('the badge colour: a heads-up on a recent touch by another colleague', () => {
  const HOUR = 60 * 60 * 1000;
  const ME = { id: 'me', name: 'Me Myself', email: 'me@ours.test', department: 'Sales' };
  const PRIYA = { id: 'priya', name: 'Priya Patel', email: 'p@ours.test', department: 'Support' };
  const touch = (id: string, colleagueId: string, hoursAgo: number, customerId = 'jane') => ({
    id,
    customerId,
    colleagueId,
    channel: 'ticket' as const,
    direction: 'outbound' as const,
    occurredAt: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    summary: 'Refund for order 1182',
    source: 'helpdesk',
    visibility: 'team' as const,
  });

  beforeEach(async () => {
    await db.colleagues.bulkPut([ME, PRIYA]);
    await db.setMeta('me', ME);
  });

  it('is amber, with a title saying why, when another colleague touched a customer lately', async () => {
    await db.engagements.put(touch('t1', 'priya', 3));
    await updateTab(db, 7, gmail(['jane@acme.example']));
    expect(badges.get(7)).toBe('1');
    expect(badgeColours.get(7)).toBe(BADGE_COLOURS.headsUp);
    expect(titles.get(7)).toBe(
      'Touchbase — heads-up on Jane Doe: Priya Patel (Support) replied to a ticket in the last 48 hours',
    );
    // The title is for whoever looks at the screen: no summary in it.
    expect(titles.get(7)).not.toContain('Refund');
  });

  it("stays blue for the user's own touches and for touches outside the window", async () => {
    await db.engagements.bulkPut([touch('mine', 'me', 1), touch('old', 'priya', 49)]);
    await updateTab(db, 7, gmail(['jane@acme.example']));
    expect(badgeColours.get(7)).toBe(BADGE_COLOURS.normal);
    expect(titles.get(7)).toBe('Touchbase — quick note');
  });

  it('turns amber when the touch arrives with a sync, and follows the window setting', async () => {
    await updateTab(db, 7, gmail(['jane@acme.example']));
    expect(badgeColours.get(7)).toBe(BADGE_COLOURS.normal);

    await db.engagements.put(touch('t1', 'priya', 30));
    await reResolveAllTabs(db);
    expect(badgeColours.get(7)).toBe(BADGE_COLOURS.headsUp);

    settings.coordinationWindowHours = 24;
    await refreshBadges(db);
    expect(badgeColours.get(7)).toBe(BADGE_COLOURS.normal);
    expect(badges.get(7)).toBe('1');
  });

  it('names the customer with the heads-up among several on the tab', async () => {
    await addCustomer('omar', 'Omar Haddad', 'omar@globex.example');
    await db.engagements.bulkPut([touch('a', 'priya', 60, 'jane'), touch('b', 'priya', 2, 'omar')]);
    await updateTab(db, 7, gmail(['jane@acme.example', 'omar@globex.example']));
    expect(titles.get(7)).toContain('heads-up on Omar Haddad');
  });
});
