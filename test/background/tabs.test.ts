// @vitest-environment node
/**
 * Per-tab state over an in-memory stand-in for the browser's storage.session and badge (the
 * browser APIs are the only thing replaced; the cache is a real Dexie on fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import { toCachedCustomer } from '../../src/cache/pull';
import type { CandidateReport, TabState } from '../../src/platform/messaging';

const session = new Map<string, unknown>();
const badges = new Map<number, string>();

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
    },
  },
}));

const { forgetAllTabs, forgetTab, reResolveAllTabs, tabState, updateTab } = await import(
  '../../src/background/tabs'
);

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

beforeEach(async () => {
  session.clear();
  badges.clear();
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
