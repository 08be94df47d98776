// @vitest-environment happy-dom
/**
 * A full disk while the user saves a note, in the popup (it writes the cache itself) and in the
 * sidebar (the worker writes it and answers `noteSaved` with the error): the user is told what
 * happened and what to do, everything typed stays in the form, nothing is half-written, and Save
 * works once there is room again.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { db } from '../../src/cache/db';
import { sendMessage, type TabState } from '../../src/platform/messaging';
import { Popup } from '../../src/popup/Popup';
import { serveSidebarFeeds } from '../../src/sidebar/feed';
import { Sidebar } from '../../src/sidebar/Sidebar';
import { button, byLabel, mount, type, waitFor, waitForText } from './dom';
import { type FakeChrome, installFakeChrome } from './fake-chrome';
import { COLLEAGUES, JANE, resetDb, seedLedger } from './seed';

vi.mock('../../src/platform/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/platform/messaging')>()),
  sendMessage: vi.fn(),
}));
const send = vi.mocked(sendMessage);

const OUT_OF_STORAGE =
  "Your browser is out of storage for Touchbase: the note was not saved. Free up disk space or clear other sites' data, then press Save again.";
const TAB_ID = 7;

let fake: FakeChrome;
let unmount: (() => void) | undefined;
let seeded: number;

/**
 * The disk: how many more records it takes before the browser refuses with QuotaExceededError.
 * It refuses inside fake-indexeddb's record store, where a browser's quota check sits, so the
 * path is the real one: the request fails, its transaction aborts and rolls back the writes
 * before it, and Dexie reports what IndexedDB reported.
 */
const disk = { room: Number.POSITIVE_INFINITY, refused: 0 };

type StoreRecord = (record: unknown, noOverwrite: boolean, rollbackLog?: unknown[]) => unknown;

function installDisk(): void {
  const idb = db().backendDB();
  const store = idb.transaction('meta', 'readonly').objectStore('meta') as IDBObjectStore & {
    _rawObjectStore?: { storeRecord?: StoreRecord };
  };
  const raw = Object.getPrototypeOf(store._rawObjectStore) as { storeRecord: StoreRecord };
  // Fails loudly if a fake-indexeddb upgrade moved the hook, instead of never filling the disk.
  expect(typeof raw.storeRecord).toBe('function');
  const original = raw.storeRecord;
  vi.spyOn(raw, 'storeRecord').mockImplementation(function (this: unknown, ...args) {
    // Rollback restores records without a log: a full disk must not stop that.
    if (args[2] !== undefined) {
      if (disk.room <= 0) {
        disk.refused += 1;
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      disk.room -= 1;
    }
    return original.apply(this, args);
  });
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

function answerTabState(state: TabState) {
  send.mockImplementation((async (kind: string) =>
    kind === 'getTabState' ? state : undefined) as typeof sendMessage);
}

const janeTab: TabState = {
  tabId: TAB_ID,
  site: 'gmail',
  url: 'https://mail.google.com/mail/u/0/#inbox/abc',
  matches: [{ customerId: JANE.id, keys: ['email:jane@acme.com'], evidence: 'exact', focus: true }],
  unmatched: [],
  updatedAt: new Date().toISOString(),
};

function render(node: preact.ComponentChild) {
  const mounted = mount(node);
  unmount = mounted.unmount;
  return mounted.root;
}

/** Fills the form as a user would; the sidebar's compact form has no topic. */
function fill(root: HTMLElement, withTopic: boolean) {
  const channel = byLabel<HTMLSelectElement>(root, 'Channel');
  channel.value = 'call';
  channel.dispatchEvent(new Event('change', { bubbles: true }));
  if (withTopic) type(byLabel<HTMLInputElement>(root, 'Topic'), 'Renewal');
  (root.querySelector('.note-form input[value="restricted"]') as HTMLInputElement).click();
  type(byLabel<HTMLTextAreaElement>(root, 'Note'), 'Wants a call about the renewal');
}

function formValues(root: HTMLElement, withTopic: boolean) {
  return {
    body: byLabel<HTMLTextAreaElement>(root, 'Note').value,
    channel: byLabel<HTMLSelectElement>(root, 'Channel').value,
    topic: withTopic ? byLabel<HTMLInputElement>(root, 'Topic').value : undefined,
    visibility: (
      root.querySelector('.note-form input[type="radio"]:checked') as HTMLInputElement | null
    )?.value,
  };
}

async function rowCounts() {
  return {
    notes: await db().notes.count(),
    engagements: await db().engagements.count(),
    outbox: await db().outbox.count(),
  };
}

async function save(root: HTMLElement) {
  await waitFor(() => expect(button(root, 'Save note').disabled).toBe(false));
  button(root, 'Save note').click();
}

beforeEach(async () => {
  fake = installFakeChrome();
  send.mockReset();
  await resetDb(db());
  seeded = (await seedLedger(db())).length;
  await connect();
  installDisk();
  disk.room = Number.POSITIVE_INFINITY;
  disk.refused = 0;
});
afterEach(() => {
  unmount?.();
  vi.restoreAllMocks();
});

/**
 * Room for the note, its engagement and the customer's tally but not the outbox row: the last
 * write of the transaction is the one refused, so all-or-none is tested where it is hardest.
 */
const ROOM_FOR_ALL_BUT_THE_OUTBOX = 3;

describe.each([
  {
    page: 'popup',
    withTopic: true,
    open: () => {
      history.replaceState(null, '', `/src/popup/index.html?tab=${TAB_ID}`);
      return render(<Popup />);
    },
  },
  {
    page: 'sidebar',
    withTopic: false,
    open: () => {
      // The worker's side of the sidebar feed, for real, over the same cache: it does the write.
      serveSidebarFeeds({
        db: db(),
        isOwnPage: (sender) => sender?.url?.startsWith('chrome-extension://test/') === true,
        onNoteSaved: () => undefined,
      });
      return render(<Sidebar />);
    },
  },
])('$page: the disk is full while saving a note', ({ page, withTopic, open }) => {
  test('says what happened and what to do, keeps the form, writes nothing, then saves', async () => {
    answerTabState(janeTab);
    const root = open();
    await waitForText(root, 'Jane Doe');
    if (page === 'sidebar') button(root, 'Add a note').click();
    await waitFor(() => byLabel<HTMLTextAreaElement>(root, 'Note'));
    fill(root, withTopic);
    const typed = formValues(root, withTopic);
    expect(typed).toEqual({
      body: 'Wants a call about the renewal',
      channel: 'call',
      topic: withTopic ? 'Renewal' : undefined,
      visibility: 'restricted',
    });

    disk.room = ROOM_FOR_ALL_BUT_THE_OUTBOX;
    await save(root);
    const alert = await waitFor(() => {
      const found = root.querySelector('.note-form [role="alert"]');
      expect(found?.textContent).toContain(OUT_OF_STORAGE);
      return found as Element;
    });
    expect(alert.textContent).toBe(OUT_OF_STORAGE);
    expect(disk.refused).toBe(1);
    expect(formValues(root, withTopic)).toEqual(typed);
    expect(await rowCounts()).toEqual({ notes: 0, engagements: seeded, outbox: 0 });
    expect(send).not.toHaveBeenCalledWith('syncNow');

    disk.room = Number.POSITIVE_INFINITY;
    await save(root);
    await waitFor(() =>
      expect(root.querySelector('.note-form [role="status"]')?.textContent).toContain('Saved'),
    );
    expect(root.querySelector('.note-form [role="alert"]')).toBeNull();
    expect(await rowCounts()).toEqual({ notes: 1, engagements: seeded + 1, outbox: 1 });
    const [note] = await db().notes.toArray();
    expect(note).toMatchObject({
      customerId: JANE.id,
      body: typed.body,
      channel: 'call',
      visibility: 'restricted',
      status: 'pending',
      ...(withTopic ? { topic: 'Renewal' } : {}),
    });
    expect(byLabel<HTMLTextAreaElement>(root, 'Note').value).toBe('');
  });
});
