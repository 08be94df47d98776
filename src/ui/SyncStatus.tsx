import type { SyncProgress } from '../cache/db';
import { relativeTime } from './time';

/** One line about the cache's freshness, e.g. "Offline — last synced 5 minutes ago". */
export function syncStatusText(sync: SyncProgress | undefined, now: Date): string {
  if (!sync) return 'Waiting for the first sync…';
  const last = sync.lastSyncedAt
    ? `last synced ${relativeTime(sync.lastSyncedAt, now)}`
    : 'not synced yet';
  switch (sync.state) {
    case 'syncing':
      return sync.initial
        ? `First sync: ${sync.rowsSoFar.toLocaleString('en')} rows so far…`
        : `Syncing… (${last})`;
    case 'offline':
      return `Offline — ${last}`;
    case 'error':
      return `Sync failed${sync.lastError ? `: ${sync.lastError}` : ''} — ${last}`;
    default:
      return sync.lastSyncedAt ? `Up to date — ${last}` : 'Not synced yet';
  }
}

export function SyncStatus({ sync, now }: { sync: SyncProgress | undefined; now: Date }) {
  const troubled = sync?.state === 'offline' || sync?.state === 'error';
  return (
    <p class={troubled ? 'notice small' : 'muted small'} role="status">
      {syncStatusText(sync, now)}
    </p>
  );
}
