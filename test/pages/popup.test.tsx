// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { db } from '../../src/cache/db';
import { sendMessage, type TabState } from '../../src/platform/messaging';
import { Popup } from '../../src/popup/Popup';
import { button, byLabel, mount, press, type, waitFor, waitForText } from './dom';
import { type FakeChrome, installFakeChrome } from './fake-chrome';
import { COLLEAGUES, cachedCustomer, JANE, JANET, resetDb, seedLedger } from './seed';

vi.mock('../../src/platform/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/platform/messaging')>()),
  sendMessage: vi.fn(),
}));
const send = vi.mocked(sendMessage);

let fake: FakeChrome;
let unmount: (() => void) | undefined;

function answerTabState(state: TabState | null) {
  send.mockImplementation((async (type: string) => {
    if (type === 'getTabState') return state;
    return undefined;
  }) as typeof sendMessage);
}

function tabState(tabId: number, matches: TabState['matches']): TabState {
  return {
    tabId,
    site: 'linkedin',
    url: 'https://www.linkedin.com/in/jane-doe/',
    matches,
    unmatched: [],
    updatedAt: new Date().toISOString(),
  };
}

async function connect() {
  await fake.set('local', { serverUrl: 'https://touchbase.test', token: 'tok' });
  await db().setMeta('me', COLLEAGUES[1] as (typeof COLLEAGUES)[number]);
  await db().setMeta('sync', {
    state: 'idle',
    rowsSoFar: 0,
    initial: false,
    lastSyncedAt: new Date().toISOString(),
  });
}

function render(search = '') {
  history.replaceState(null, '', `/src/popup/index.html${search}`);
  const mounted = mount(<Popup />);
  unmount = mounted.unmount;
  return mounted.root;
}

const checkedCustomer = (root: HTMLElement) =>
  (root.querySelector('input[name="customer"]:checked') as HTMLInputElement | null)?.value;

beforeEach(async () => {
  fake = installFakeChrome();
  send.mockReset();
  await resetDb(db());
  await seedLedger(db());
});
afterEach(() => unmount?.());

test('not connected: a link to the options page', async () => {
  answerTabState(null);
  const root = render();
  await waitForText(root, 'Connect Touchbase in options');
  (root.querySelector('a') as HTMLAnchorElement).click();
  expect(fake.openOptionsPage).toHaveBeenCalledOnce();
  expect(root.querySelector('textarea')).toBeNull();
});

describe('connected', () => {
  beforeEach(connect);

  test("preselects the active tab's focus customer", async () => {
    fake.activeTabId = 42;
    answerTabState(
      tabState(42, [
        {
          customerId: JANET.id,
          keys: ['email:janet@example.org'],
          evidence: 'exact',
          focus: false,
        },
        { customerId: JANE.id, keys: ['linkedin:jane-doe'], evidence: 'exact', focus: true },
      ]),
    );
    const root = render();
    await waitFor(() => expect(checkedCustomer(root)).toBe(JANE.id));
    expect(send).toHaveBeenCalledWith('getTabState', { tabId: 42 });
    expect(root.textContent).toContain('Janet Smith');
  });

  test('a customer the page only names is offered, never preselected', async () => {
    fake.activeTabId = 43;
    answerTabState(
      tabState(43, [
        {
          customerId: JANET.id,
          keys: ['name:janet smith'],
          evidence: 'mentioned',
          focus: false,
          mention: { phrase: 'janet smith', count: 1, sharedBy: 1 },
        },
      ]),
    );
    const root = render();
    await waitForText(root, 'Janet Smith');
    expect(checkedCustomer(root)).toBeUndefined();
    expect(root.textContent).toContain('Choose a customer to write a note about.');
  });

  test('?tab= names the tab instead of the active one', async () => {
    answerTabState(tabState(99, []));
    render('?tab=99');
    await waitFor(() => expect(send).toHaveBeenCalledWith('getTabState', { tabId: 99 }));
  });

  test('Ctrl+Enter saves into the outbox, syncs, and lists the note as pending', async () => {
    answerTabState(
      tabState(7, [
        { customerId: JANE.id, keys: ['linkedin:jane-doe'], evidence: 'exact', focus: true },
      ]),
    );
    const root = render();
    await waitFor(() => expect(checkedCustomer(root)).toBe(JANE.id));
    type(byLabel<HTMLInputElement>(root, 'Topic'), 'Renewal');
    (root.querySelector('input[value="restricted"]') as HTMLInputElement).click();
    const body = byLabel<HTMLTextAreaElement>(root, 'Note');
    type(body, 'Wants a call about the renewal');
    await waitFor(() => expect(button(root, 'Save note').disabled).toBe(false));
    press(body, 'Enter', { ctrlKey: true });

    await waitForText(root, 'My recent notes');
    const [note] = await db().notes.toArray();
    expect(note).toMatchObject({
      customerId: JANE.id,
      body: 'Wants a call about the renewal',
      topic: 'Renewal',
      channel: 'note',
      visibility: 'restricted',
      status: 'pending',
    });
    expect(await db().outbox.count()).toBe(1);
    expect(send).toHaveBeenCalledWith('syncNow');
    expect(root.querySelector('.recent-notes')?.textContent).toContain('Pending');
    expect(root.querySelector('.recent-notes')?.textContent).toContain('Jane Doe');
    expect(body.value).toBe('');
  });

  test('search with arrow keys and Enter, and a failed save keeps the text with the reason', async () => {
    // An id the protocol refuses (over 100 characters), so saveNote throws for real.
    const odd = cachedCustomer({ id: 'x'.repeat(101), name: 'Quentin Oddity', kind: 'person' });
    await db().customers.put(odd);
    answerTabState(null);
    const root = render();
    const search = await waitFor(() => byLabel<HTMLInputElement>(root, 'Find a customer'));
    type(search, 'qu od');
    await waitFor(() =>
      expect(root.querySelector('[role="option"]')?.textContent).toContain('Quentin'),
    );
    press(search, 'ArrowDown');
    press(search, 'Enter');
    await waitFor(() => expect(checkedCustomer(root)).toBe(odd.id));

    const body = byLabel<HTMLTextAreaElement>(root, 'Note');
    type(body, 'This one will not save');
    await waitFor(() => expect(button(root, 'Save note').disabled).toBe(false));
    button(root, 'Save note').click();
    await waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toContain('customerId'),
    );
    expect(body.value).toBe('This one will not save');
    expect(await db().notes.count()).toBe(0);
    expect(send).not.toHaveBeenCalledWith('syncNow');
  });

  test('recent notes show synced and rejected with the reason', async () => {
    answerTabState(null);
    const base = { customerId: JANE.id, channel: 'note' as const, visibility: 'team' as const };
    await db().notes.bulkPut([
      {
        ...base,
        id: 'n1',
        body: 'First',
        occurredAt: '2026-11-20T10:00:00.000Z',
        createdAt: '2026-11-20T10:00:00.000Z',
        status: 'synced',
      },
      {
        ...base,
        id: 'n2',
        body: 'Second',
        occurredAt: '2026-11-21T10:00:00.000Z',
        createdAt: '2026-11-21T10:00:00.000Z',
        status: 'rejected',
        error: 'unknown customer',
      },
    ]);
    const root = render();
    await waitForText(root, 'My recent notes');
    const items = [...root.querySelectorAll('.recent-notes > li')].map((li) => li.textContent);
    expect(items[0]).toContain('Second');
    expect(items[0]).toContain('Rejected: unknown customer');
    expect(items[1]).toContain('Synced');
  });
});

describe('Enable Touchbase on this site', () => {
  const SITE = 'https://www.example-customer.test/contact';
  const PATTERN = 'https://www.example-customer.test/*';

  beforeEach(() => {
    answerTabState(null);
    fake.activeTabUrl = SITE;
  });

  test('asks for this one site, then has the worker start Touchbase in the tab', async () => {
    const root = render();
    await waitFor(() => button(root, 'Enable Touchbase on this site')).then((b) => b.click());
    await waitForText(root, 'Touchbase now looks for customers’ e-mail addresses');
    expect(fake.permissionPrompt).toHaveBeenCalledWith([PATTERN]);
    expect(fake.granted).toEqual(new Set([PATTERN]));
    expect(send).toHaveBeenCalledWith('enableSite', { tabId: 7 });
    expect(button(root, 'Turn off Touchbase on this site')).toBeTruthy();
  });

  test('a refused permission leaves it off and says so', async () => {
    fake.permissionPrompt.mockResolvedValue(false);
    const root = render();
    await waitFor(() => button(root, 'Enable Touchbase on this site')).then((b) => b.click());
    await waitForText(root, 'Access to www.example-customer.test was not granted');
    expect(send).not.toHaveBeenCalledWith('enableSite', expect.anything());
    expect(button(root, 'Enable Touchbase on this site').disabled).toBe(false);
  });

  test('a page the content script cannot start on: the reason, and a reload', async () => {
    send.mockImplementation((async (type: string) => {
      if (type === 'enableSite') throw new Error('Frame with ID 0 is showing error page');
      return null;
    }) as typeof sendMessage);
    const root = render();
    await waitFor(() => button(root, 'Enable Touchbase on this site')).then((b) => b.click());
    await waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toContain('showing error page'),
    );
    button(root, 'Reload page').click();
    expect(fake.reloadTab).toHaveBeenCalledWith(7);
  });

  test('turning it off gives the access back and offers a reload', async () => {
    fake.granted.add(PATTERN);
    const root = render();
    await waitFor(() => button(root, 'Turn off Touchbase on this site')).then((b) => b.click());
    await waitForText(root, 'Touchbase is off on www.example-customer.test');
    expect(fake.granted.size).toBe(0);
    expect(button(root, 'Enable Touchbase on this site')).toBeTruthy();
    expect(button(root, 'Reload page')).toBeTruthy();
  });

  test('a broader grant from the browser settings is named, not turned off from here', async () => {
    fake.granted.add('https://*/*');
    const root = render();
    await waitForText(root, 'through your browser’s site access settings');
    expect(root.textContent).not.toContain('Turn off Touchbase on this site');
    expect(root.textContent).not.toContain('Enable Touchbase on this site');
  });

  test.each([
    [undefined, 'Touchbase can’t run on this page.'],
    ['chrome://extensions/', 'Touchbase can’t run on this page.'],
    [
      'https://chromewebstore.google.com/detail/abc',
      'don’t let extensions run on add-on store pages',
    ],
  ])('%s: explains why not', async (url, text) => {
    fake.activeTabUrl = url;
    const root = render();
    await waitForText(root, text);
    expect(root.textContent).not.toContain('Enable Touchbase on this site');
  });

  test('a site Touchbase supports has nothing to enable', async () => {
    fake.activeTabUrl = 'https://www.linkedin.com/feed/';
    const root = render();
    await waitForText(root, 'Connect Touchbase in options');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(root.querySelector('.site-access')).toBeNull();
    expect(root.textContent).not.toContain('this page');
  });
});
