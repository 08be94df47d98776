// @vitest-environment node
import { expect, test } from 'vitest';
import type { SyncProgress } from '../../src/cache/db';
import { describeMatch } from '../../src/ui/labels';
import { syncStatusText } from '../../src/ui/SyncStatus';
import { relativeTime } from '../../src/ui/time';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const before = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const MINUTE = 60_000;

test('relative time reads naturally and never says "in" for a clock slightly ahead', () => {
  expect(relativeTime(before(20_000), NOW)).toBe('just now');
  expect(relativeTime(before(-30_000), NOW)).toBe('just now');
  expect(relativeTime(before(5 * MINUTE), NOW)).toBe('5 minutes ago');
  expect(relativeTime(before(3 * 60 * MINUTE), NOW)).toBe('3 hours ago');
  expect(relativeTime(before(30 * 60 * MINUTE), NOW)).toBe('yesterday');
  expect(relativeTime(before(12 * 24 * 60 * MINUTE), NOW)).toBe('12 days ago');
  expect(relativeTime('2026-03-02T12:00:00.000Z', NOW)).toBe('Mar 2, 2026');
});

test('how a customer was matched', () => {
  expect(
    describeMatch({
      customerId: 'c',
      keys: ['email:jane@acme.com'],
      evidence: 'exact',
      focus: true,
    }),
  ).toBe('matched by email jane@acme.com');
  expect(
    describeMatch({ customerId: 'c', keys: ['linkedin:jane-doe'], evidence: 'exact', focus: true }),
  ).toBe('matched by LinkedIn profile jane-doe');
  expect(
    describeMatch({ customerId: 'c', keys: ['name:jane doe'], evidence: 'possible', focus: false }),
  ).toBe('possible match by name');
});

test('sync status line', () => {
  const base: SyncProgress = { state: 'idle', rowsSoFar: 0, initial: false };
  expect(syncStatusText(undefined, NOW)).toBe('Waiting for the first sync…');
  expect(syncStatusText({ ...base, state: 'syncing', initial: true, rowsSoFar: 4200 }, NOW)).toBe(
    'First sync: 4,200 rows so far…',
  );
  expect(syncStatusText({ ...base, state: 'offline', lastSyncedAt: before(5 * MINUTE) }, NOW)).toBe(
    'Offline — last synced 5 minutes ago',
  );
  expect(
    syncStatusText({ ...base, state: 'error', lastError: 'token revoked or invalid' }, NOW),
  ).toBe('Sync failed: token revoked or invalid — not synced yet');
  expect(syncStatusText({ ...base, lastSyncedAt: before(MINUTE) }, NOW)).toBe(
    'Up to date — last synced 1 minute ago',
  );
});
