import { db, type SyncProgress } from '../cache/db';
import type { Colleague } from '../protocol';
import { useLiveQuery, useSettings } from './hooks';

export interface Connection {
  /** undefined while the settings are being read */
  connected: boolean | undefined;
  me: Colleague | undefined;
  sync: SyncProgress | undefined;
}

/** Whether this browser is connected to a server, as whom, and how fresh its cache is. */
export function useConnection(): Connection {
  const settings = useSettings('serverUrl', 'token');
  const me = useLiveQuery(() => db().getMeta('me'), []);
  const sync = useLiveQuery(() => db().getMeta('sync'), []);
  const connected = settings && Boolean(settings.serverUrl && settings.token);
  return { connected, me, sync };
}

/** Opens the options page (connect, sites, sync status). */
export function openOptions(): void {
  void chrome.runtime.openOptionsPage();
}
