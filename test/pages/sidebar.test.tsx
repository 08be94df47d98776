// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { db, type PresenceRow, type SyncProgress } from '../../src/cache/db';
import { sendMessage, type TabState } from '../../src/platform/messaging';
import { SIDEBAR_FEED_PORT, serveSidebarFeeds } from '../../src/sidebar/feed';
import { Sidebar } from '../../src/sidebar/Sidebar';
import { button, mount, type, waitFor, waitForText } from './dom';
import { type FakeChrome, installFakeChrome } from './fake-chrome';
import { COLLEAGUES, engagement, JANE, JANET, resetDb, seedLedger, ZOE } from './seed';

vi.mock('../../src/platform/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/platform/messaging')>()),
  sendMessage: vi.fn(),
}));
const send = vi.mocked(sendMessage);

const TAB_ID = 7;
let fake: FakeChrome;
let onNoteSaved: ReturnType<typeof vi.fn<() => void>>;
let unmount: (() => void) | undefined;

function tabState(partial: Partial<TabState>): TabState {
  return {
    tabId: TAB_ID,
    site: 'gmail',
    url: 'https://mail.google.com/mail/u/0/#inbox/abc',
    matches: [],
    unmatched: [],
    updatedAt: new Date().toISOString(),
    ...partial,
  };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function connect(
  sync: SyncProgress = { state: 'idle', rowsSoFar: 0, initial: false, lastSyncedAt: minutesAgo(1) },
) {
  await fake.set('local', { serverUrl: 'https://touchbase.test', token: 'tok' });
  await db().setMeta('me', COLLEAGUES[1] as (typeof COLLEAGUES)[number]);
  await db().setMeta('sync', sync);
}

/** The worker's answer to getTabState; the sidebar asks for its own tab (no tabId). */
function answerTabState(state: TabState | null) {
  send.mockImplementation((async (type: string) => {
    if (type === 'getTabState') return state;
    return undefined;
  }) as typeof sendMessage);
}

function render() {
  const mounted = mount(<Sidebar />);
  unmount = mounted.unmount;
  return mounted.root;
}

beforeEach(async () => {
  fake = installFakeChrome();
  onNoteSaved = vi.fn<() => void>();
  // The worker's side of the sidebar feed, for real, over the same fake-indexeddb cache.
  serveSidebarFeeds({
    db: db(),
    isOwnPage: (sender) => sender?.url?.startsWith('chrome-extension://test/') === true,
    onNoteSaved,
  });
  send.mockReset();
  await resetDb(db());
  await seedLedger(db());
});
afterEach(() => unmount?.());

describe('states', () => {
  test('not connected: says so and opens the options page', async () => {
    answerTabState(null);
    const root = render();
    await waitForText(root, 'Connect Touchbase in options');
    button(root, 'Open options').click();
    expect(fake.openOptionsPage).toHaveBeenCalledOnce();
  });

  test('first sync in progress shows the rows so far', async () => {
    await connect({ state: 'syncing', rowsSoFar: 12345, initial: true });
    answerTabState(
      tabState({
        matches: [
          { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
        ],
      }),
    );
    const root = render();
    await waitForText(root, 'First sync in progress');
    expect(root.textContent).toContain('12,345 rows so far');
    expect(root.textContent).not.toContain('Jane Doe');
  });

  test('no customers on the page', async () => {
    await connect();
    answerTabState(tabState({}));
    const root = render();
    await waitForText(root, 'No customers on this page');
  });

  test('a candidate that is not in the ledger', async () => {
    await connect();
    answerTabState(
      tabState({
        unmatched: [{ key: 'email:new@prospect.test', strength: 'strong', focus: true }],
      }),
    );
    const root = render();
    await waitForText(root, 'Not in Touchbase yet');
    expect(root.textContent).toContain('email new@prospect.test');
    expect(root.querySelector('textarea')).toBeNull();
  });

  test('offline: cached data and how old it is', async () => {
    await connect({ state: 'offline', rowsSoFar: 0, initial: false, lastSyncedAt: minutesAgo(5) });
    answerTabState(
      tabState({
        matches: [
          { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
        ],
      }),
    );
    const root = render();
    await waitForText(root, 'Jane Doe');
    expect(root.textContent).toContain('Offline — last synced 5 minutes ago');
  });
});

describe('a matched customer', () => {
  test('shows who they are, how they matched, colleagues by department and engagements', async () => {
    await connect();
    answerTabState(
      tabState({
        matches: [
          { customerId: JANET.id, keys: ['name:janet smith'], evidence: 'possible', focus: false },
          { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
        ],
        unmatched: [{ key: 'email:omar@globex.test', strength: 'strong', role: 'cc' }],
      }),
    );
    const root = render();
    await waitFor(() => expect(root.querySelectorAll('.engagements li')).toHaveLength(7));
    expect(root.querySelector('[aria-labelledby="also-on-page"]')?.textContent).toContain(
      'email omar@globex.test',
    );
    const [first, second] = [...root.querySelectorAll('article.customer')];
    // focus first
    expect(first?.querySelector('h2')?.textContent).toBe('Jane Doe');
    expect(first?.textContent).toContain('Acme · Enterprise');
    expect(first?.textContent).toContain('matched by email jane@acme.com');
    expect(second?.textContent).toContain('possible match by name');

    const departments = [...(first?.querySelectorAll('.department') ?? [])].map(
      (d) => d.textContent,
    );
    expect(departments).toEqual(['Support', 'Sales', 'Finance']);
    expect(first?.textContent).toContain('Priya Patel');
    expect(first?.textContent).toContain('2 touches');

    const rows = [...(first?.querySelectorAll('.engagements > li') ?? [])];
    expect(rows).toHaveLength(6);
    expect(rows[0]?.textContent).toContain('Ticket');
    expect(rows[0]?.textContent).toContain('Refund for order 1182');
    expect(rows[0]?.textContent).toContain('2 days ago');
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe(
      'https://help.example.com/t/1182',
    );
    const restricted = rows.find((row) => row.textContent?.includes('Sam Sato'));
    expect(restricted?.textContent).toContain('Details restricted');
  });

  test('follows the tab to the next page through storage.session', async () => {
    await connect();
    answerTabState(
      tabState({
        matches: [
          { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
        ],
      }),
    );
    const root = render();
    await waitForText(root, 'Jane Doe');
    await fake.set('session', {
      [`tab:${TAB_ID}`]: tabState({
        matches: [
          {
            customerId: JANET.id,
            keys: ['email:janet@example.org'],
            evidence: 'exact',
            focus: true,
          },
        ],
      }),
    });
    await waitForText(root, 'Janet Smith');
    expect(root.textContent).not.toContain('Jane Doe');
  });

  test('an added note shows at once and asks the worker to sync', async () => {
    await connect();
    answerTabState(
      tabState({
        matches: [
          { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
        ],
      }),
    );
    const root = render();
    await waitForText(root, 'Jane Doe');
    button(root, 'Add a note').click();
    const textarea = await waitFor(() => {
      const found = root.querySelector('textarea');
      if (!found) throw new Error('no form yet');
      return found;
    });
    type(textarea, 'Called about renewal');
    await waitFor(() => expect(button(root, 'Save note').disabled).toBe(false));
    textarea.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }),
    );
    await waitFor(() =>
      expect(root.querySelector('.engagements > li')?.textContent).toContain(
        'Called about renewal',
      ),
    );
    expect(root.querySelector('.engagements > li')?.textContent).toContain('Sam Sato');
    expect(onNoteSaved).toHaveBeenCalledOnce();
  });

  test('the collapse button remembers the collapsed state', async () => {
    await connect();
    answerTabState(tabState({}));
    const root = render();
    await waitForText(root, 'No customers on this page');
    (
      root.querySelector('button[aria-label="Collapse the Touchbase sidebar"]') as HTMLButtonElement
    ).click();
    await waitFor(() => expect(fake.local.get('sidebarCollapsed')).toBe(true));
  });
});

describe('customers mentioned on the page', () => {
  const janeExact = {
    customerId: JANE.id,
    keys: ['email:jane@acme.com'],
    evidence: 'exact' as const,
    focus: true,
  };
  const janetMentioned = {
    customerId: JANET.id,
    keys: ['name:janet smith'],
    evidence: 'mentioned' as const,
    focus: false,
    mention: { phrase: 'Janet Smith', count: 2, sharedBy: 1 },
  };
  const zoeMaybe = {
    customerId: ZOE.id,
    keys: ['name:zoe angstrom'],
    evidence: 'mentioned' as const,
    focus: false,
    mention: { phrase: 'Zoë Ångström', count: 1, sharedBy: 2 },
  };

  test('a section below the identified customers says how each was named', async () => {
    await connect();
    answerTabState(tabState({ matches: [janeExact, janetMentioned, zoeMaybe] }));
    const root = render();
    await waitForText(root, 'Mentioned on this page');
    await waitForText(root, 'Zoë Ångström');

    expect([...root.querySelectorAll('article.customer h2')].map((h) => h.textContent)).toEqual([
      'Jane Doe',
    ]);
    const section = root.querySelector('section[aria-labelledby="mentioned-on-page"]');
    // Below Jane's panel, in document order.
    const article = root.querySelector('article.customer') as Element;
    expect(article.compareDocumentPosition(section as Element)).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
    const cards = [...(section?.querySelectorAll('details') ?? [])];
    const summaries = cards.map((card) => card.querySelector('summary')?.textContent);
    expect(summaries[0]).toContain('Janet Smith');
    expect(summaries[0]).toContain('mentioned as "Janet Smith" · 2 times');
    expect(summaries[0]).toContain('Sales');
    expect(summaries[1]).toContain('maybe mentioned as "Zoë Ångström": name shared by 2 customers');
    expect(summaries[1]).toContain('No colleague in the last 90 days');
    // Folded by default; the summary is the keyboard-reachable toggle, the panel is inside.
    expect(cards.map((card) => card.open)).toEqual([false, false]);
    expect(cards[0]?.firstElementChild?.localName).toBe('summary');
    expect(cards[0]?.textContent).toContain('Janet only');
    expect(cards[0]?.querySelector('button')?.textContent).toBe('Add a note');
  });

  test('a page that only mentions customers shows the section, not "No customers"', async () => {
    await connect();
    answerTabState(tabState({ matches: [janetMentioned] }));
    const root = render();
    await waitForText(root, 'Mentioned on this page');
    expect(root.textContent).not.toContain('No customers on this page');
    expect(root.querySelector('article.customer')).toBeNull();
  });

  test('no section when nothing is mentioned', async () => {
    await connect();
    answerTabState(tabState({ matches: [janeExact] }));
    const root = render();
    await waitForText(root, 'Refund for order 1182');
    expect(root.querySelector('#mentioned-on-page')).toBeNull();
    expect(root.textContent).not.toContain('Mentioned on this page');
  });
});

describe('the feed from the worker', () => {
  const janeOnTab = () =>
    tabState({
      matches: [
        { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
      ],
    });

  test('a row arriving in the cache reaches the open sidebar', async () => {
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitForText(root, 'Refund for order 1182');
    await db().engagements.put(
      engagement(JANE.id, 'col-finn', 0, { summary: 'Invoice sent today', channel: 'email' }),
    );
    await waitFor(() =>
      expect(root.querySelector('.engagements > li')?.textContent).toContain('Invoice sent today'),
    );
  });

  test('keeps updating after the worker stopped and started again', async () => {
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitForText(root, 'Refund for order 1182');
    for (const port of fake.workerPorts) port.disconnect();
    await waitFor(() => expect(fake.workerPorts.size).toBe(1));
    await db().engagements.put(engagement(JANE.id, 'col-finn', 0, { summary: 'After restart' }));
    await waitForText(root, 'After restart');
  });

  test('a hidden tab reconnects only when it is shown again', async () => {
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitForText(root, 'Refund for order 1182');
    const setVisibility = (value: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { value, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      setVisibility('hidden');
      for (const port of fake.workerPorts) port.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(fake.workerPorts.size).toBe(0);
      setVisibility('visible');
      await waitFor(() => expect(fake.workerPorts.size).toBe(1));
    } finally {
      setVisibility('visible');
    }
  });

  test('a content script gets nothing: the port is closed without data', async () => {
    fake.connectFrom = 'https://mail.google.com/mail/u/0/#inbox';
    await connect();
    const port = chrome.runtime.connect({ name: SIDEBAR_FEED_PORT });
    const received: unknown[] = [];
    let closed = false;
    port.onMessage.addListener((message) => received.push(message));
    port.onDisconnect.addListener(() => {
      closed = true;
    });
    port.postMessage({ type: 'watch', customerIds: [JANE.id] });
    await waitFor(() => expect(closed).toBe(true));
    expect(received).toEqual([]);
  });
});

describe('coordination', () => {
  const janeOnTab = () =>
    tabState({
      matches: [
        { customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true },
      ],
    });
  const HOUR_IN_DAYS = 1 / 24;
  const banner = (root: HTMLElement) => root.querySelector('article.customer .heads-up');

  test('a heads-up banner on a touch by another colleague within the window', async () => {
    await db().engagements.put(
      engagement(JANE.id, 'col-priya', 3 * HOUR_IN_DAYS, {
        channel: 'ticket',
        summary: 'Where is my refund?',
      }),
    );
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitFor(() => expect(banner(root)).not.toBeNull());
    expect(banner(root)?.textContent).toBe(
      'Priya Patel (Support) replied to a ticket 3 hours ago — “Where is my refund?”',
    );
    // At the top of the card, right under the customer's name, in a status region.
    const region = banner(root)?.parentElement;
    expect(region?.getAttribute('role')).toBe('status');
    expect(region?.previousElementSibling?.localName).toBe('header');
  });

  test('a restricted touch says so instead of its summary', async () => {
    await db().engagements.put(
      engagement(JANE.id, 'col-finn', HOUR_IN_DAYS, {
        channel: 'call',
        summary: null,
        visibility: 'restricted',
      }),
    );
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitFor(() =>
      expect(banner(root)?.textContent).toBe(
        'Finn Fischer (Finance) had a call 1 hour ago — details restricted',
      ),
    );
  });

  test("no banner for the user's own touches or older ones; the window comes from settings", async () => {
    // The user (Sam) touched Jane an hour ago; Priya's ticket is 2 days old (outside 48 h).
    await db().engagements.put(engagement(JANE.id, 'col-sam', HOUR_IN_DAYS, { summary: 'Mine' }));
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitForText(root, 'Mine');
    expect(banner(root)).toBeNull();

    await fake.set('local', { coordinationWindowHours: 72 });
    await waitFor(() =>
      expect(banner(root)?.textContent).toBe(
        'Priya Patel (Support) replied to a ticket 2 days ago — “Refund for order 1182”',
      ),
    );
  });

  test('the department strip of 30 and 90 days and whom to ask first', async () => {
    await connect();
    answerTabState(janeOnTab());
    const root = render();
    await waitFor(() => expect(root.querySelectorAll('.strip > div')).toHaveLength(2));
    const periods = [...root.querySelectorAll('.strip > div')].map((period) => [
      period.querySelector('dt')?.textContent,
      [...period.querySelectorAll('li')].map((chip) => chip.textContent),
    ]);
    // Sofia's meeting was 30 days ago when the seed was written: just outside 30 days now.
    expect(periods).toEqual([
      ['30 days', ['Support 2', 'Sales 1']],
      ['90 days', ['Support 2', 'Sales 2', 'Finance 1']],
    ]);
    // Sam (the user) had the latest call; the suggestion is someone else.
    expect(root.querySelector('.suggestion')?.textContent).toMatch(
      /^Ask Sofia Silva \(Sales\) first — met Jane Doe /,
    );
  });

  test('a customer nobody engaged with: no strip and no suggestion, the colleagues list says so', async () => {
    await connect();
    answerTabState(
      tabState({
        matches: [
          { customerId: ZOE.id, keys: ['email:zoe@globex.test'], evidence: 'exact', focus: true },
        ],
      }),
    );
    const root = render();
    await waitForText(root, 'No colleague engaged in the last 90 days.');
    expect(root.querySelector('.strip')).toBeNull();
    expect(root.querySelector('.suggestion')).toBeNull();
  });

  describe('presence', () => {
    const presence = (
      colleagueId: string,
      activity: PresenceRow['activity'],
      expiresInMs: number,
      customerId = JANE.id,
    ): PresenceRow => ({
      colleagueId,
      customerId,
      activity,
      at: new Date().toISOString(),
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    });
    const lines = (root: HTMLElement) =>
      [...root.querySelectorAll('.presence li')].map((line) => line.textContent);

    afterEach(() => vi.useRealTimers());

    test('lines appear live, writing first, and go when they expire without a new snapshot', async () => {
      // Only the clock and intervals are fake: the cache and the port still run on real timers.
      vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.now() });
      await connect();
      answerTabState(janeOnTab());
      const root = render();
      await waitForText(root, 'Jane Doe');
      expect(lines(root)).toEqual([]);

      await db().presence.bulkPut([
        presence('col-finn', 'viewing', 10_000),
        presence('col-priya', 'composing', 30_000),
        presence('col-unknown', 'viewing', 30_000),
        presence('col-sam', 'viewing', 30_000), // the user's own: never shown
        presence('col-priya', 'viewing', 30_000, JANET.id), // another customer
      ]);
      await waitFor(() =>
        expect(lines(root)).toEqual([
          'Priya Patel (Support) is writing to this customer now',
          'Finn Fischer (Finance) is viewing this customer',
          'A colleague is viewing this customer',
        ]),
      );
      expect(root.querySelector('.presence')?.getAttribute('aria-live')).toBe('polite');

      vi.advanceTimersByTime(10_000);
      await waitFor(() =>
        expect(lines(root)).toEqual([
          'Priya Patel (Support) is writing to this customer now',
          'A colleague is viewing this customer',
        ]),
      );
      vi.advanceTimersByTime(20_000);
      await waitFor(() => expect(lines(root)).toEqual([]));
    });

    test('when the user does not share their presence, the sidebar says so and links to options', async () => {
      await connect();
      answerTabState(janeOnTab());
      const root = render();
      await waitForText(root, 'Jane Doe');
      expect(root.textContent).not.toContain('You are not sharing your presence');

      await fake.set('local', { sharePresence: false });
      await waitForText(root, 'You are not sharing your presence');
      button(root, 'Change in options').click();
      expect(fake.openOptionsPage).toHaveBeenCalledOnce();
      // Others' presence still shows.
      await db().presence.put(presence('col-priya', 'viewing', 30_000));
      await waitFor(() =>
        expect(lines(root)).toEqual(['Priya Patel (Support) is viewing this customer']),
      );
    });
  });
});
