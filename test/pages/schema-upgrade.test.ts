/**
 * A page that opens the cache itself (options, popup) and still runs the old code holds the
 * database open at the current version when a newer release's worker upgrades it. IndexedDB
 * waits for every old connection to close before it upgrades, so the page must close on
 * `versionchange` (and reload, to run the new code) or the worker's upgrade hangs.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';

/** Long enough for fake-indexeddb, short enough that a blocked upgrade fails the test. */
const UPGRADE_TIMEOUT_MS = 2000;

/** What a future release declares: one more version, with an index and an upgrade step. */
class NextReleaseDb extends TouchbaseDb {
  constructor(name: string) {
    super(name);
    this.version(this.verno + 1)
      .stores({ notes: 'id, customerId, createdAt, status, channel' })
      .upgrade((tx) =>
        tx
          .table('notes')
          .toCollection()
          .modify((note) => {
            note.upgraded = true;
          }),
      );
  }
}

function withinTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still blocked`)), UPGRADE_TIMEOUT_MS),
    ),
  ]);
}

let name: string;
let reload: ReturnType<typeof vi.fn>;
const handles: TouchbaseDb[] = [];

/** The old page's handle, at today's version, with a note, its engagement and the cursor. */
async function openOldPage(): Promise<TouchbaseDb> {
  const old = new TouchbaseDb(name);
  handles.push(old);
  await old.open();
  await old.notes.add({
    id: 'n1',
    customerId: 'cus-jane',
    channel: 'call',
    body: 'Kept across the upgrade',
    visibility: 'team',
    occurredAt: '2026-11-20T10:00:00.000Z',
    createdAt: '2026-11-20T10:00:00.000Z',
    status: 'pending',
  });
  await old.outbox.add({ name: 'note.create', args: { id: 'n1' }, createdAt: 'now' });
  await old.setMeta('cursor', 'c-42');
  return old;
}

async function upgradeInWorker(): Promise<NextReleaseDb> {
  const next = new NextReleaseDb(name);
  handles.push(next);
  await withinTimeout(next.open(), 'the upgrade');
  return next;
}

beforeEach(() => {
  name = `touchbase-upgrade-${crypto.randomUUID()}`;
  reload = vi.fn();
});
afterEach(() => {
  vi.unstubAllGlobals();
  // Each test has its own in-memory database, so no delete: one left blocked (the bug under
  // test) would hang the hook instead of letting the test fail on its timeout.
  for (const handle of handles.splice(0)) handle.close();
});

test('an old page closes and reloads, and the upgrade completes with the data', async () => {
  vi.stubGlobal('location', { reload });
  vi.stubGlobal('document', {});
  const old = await openOldPage();
  const oldVersion = old.verno;

  const next = await upgradeInWorker();

  expect(next.verno).toBe(oldVersion + 1);
  expect(old.isOpen()).toBe(false);
  expect(reload).toHaveBeenCalledOnce();
  // The old code must not quietly reopen the database and write with the old schema.
  await expect(old.notes.count()).rejects.toThrow(/closed/i);
  expect(await next.notes.get('n1')).toMatchObject({
    body: 'Kept across the upgrade',
    upgraded: true,
  });
  expect(await next.notes.where('channel').equals('call').count()).toBe(1);
  expect(await next.outbox.count()).toBe(1);
  expect(await next.getMeta('cursor')).toBe('c-42');
});

test('the worker (no document) closes its old handle without reloading', async () => {
  // A service worker has `location` but no `document`, and no reload: the browser restarts it.
  vi.stubGlobal('location', { reload });
  const old = await openOldPage();

  await upgradeInWorker();

  expect(old.isOpen()).toBe(false);
  expect(reload).not.toHaveBeenCalled();
});
