/**
 * The sidebar's side of the feed (see feed.ts): a port to the service worker that delivers
 * snapshots of the watched customers and saves notes. When the worker stops (idle, update), the
 * port closes; the client reconnects (at once if the tab is visible, else when it is shown),
 * which starts the worker again, and re-sends what it watches.
 *
 * While the sidebar is shown (its tab visible, the sidebar not collapsed) it sends a heartbeat
 * every PRESENCE.heartbeatMs, and one at once when that changes: the worker reports the user as
 * viewing the tab's focus customers on each, and the port's traffic keeps the worker (and the
 * live stream it holds for open sidebars) from going idle.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getSettings, watchSettings } from '../platform/settings';
import { PRESENCE } from '../protocol';
import type { NoteDraft } from '../ui/notes';
import {
  type FeedMessage,
  type FeedRequest,
  SIDEBAR_FEED_PORT,
  type SidebarSnapshot,
} from './feed';

const RECONNECT_MS = 500;

export class FeedClient {
  private port: chrome.runtime.Port | undefined;
  private watched: string[] | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private readonly stopWatchingSettings: () => void;
  /** settings.sidebarCollapsed; undefined until read (no heartbeat before we know) */
  private collapsed: boolean | undefined;
  private closed = false;

  constructor(private readonly onSnapshot: (snapshot: SidebarSnapshot) => void) {
    this.connect();
    this.heartbeatTimer = setInterval(() => {
      if (this.shown()) this.heartbeat();
    }, PRESENCE.heartbeatMs);
    document.addEventListener('visibilitychange', this.heartbeat);
    void getSettings('sidebarCollapsed').then(({ sidebarCollapsed }) => {
      this.collapsed = sidebarCollapsed;
      this.heartbeat();
    });
    this.stopWatchingSettings = watchSettings((changed) => {
      if (changed.sidebarCollapsed === undefined) return;
      this.collapsed = changed.sidebarCollapsed;
      this.heartbeat();
    });
  }

  watch(customerIds: string[]): void {
    this.watched = customerIds;
    this.send({ type: 'watch', customerIds });
    this.heartbeat(); // the tab's customers changed: the worker reports the new focus at once
  }

  saveNote(draft: NoteDraft): Promise<void> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      if (!this.send({ type: 'saveNote', requestId, draft })) {
        this.pending.delete(requestId);
        reject(new Error('Touchbase is restarting; try again in a moment'));
      }
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    document.removeEventListener('visibilitychange', this.heartbeat);
    this.stopWatchingSettings();
    this.port?.disconnect();
    this.port = undefined;
  }

  private shown(): boolean {
    return document.visibilityState === 'visible' && this.collapsed === false;
  }

  private readonly heartbeat = (): void => {
    this.send({ type: 'heartbeat', shown: this.shown() });
  };

  private connect(): void {
    let port: chrome.runtime.Port;
    try {
      port = chrome.runtime.connect({ name: SIDEBAR_FEED_PORT });
    } catch (error) {
      // The extension was reloaded or removed: this frame is orphaned and stays as it is.
      console.warn('Touchbase: cannot reach the extension', error);
      return;
    }
    this.port = port;
    port.onMessage.addListener((message: FeedMessage) => this.receive(message));
    port.onDisconnect.addListener(() => {
      this.port = undefined;
      for (const { reject } of this.pending.values()) {
        reject(new Error('the connection to Touchbase was lost; check before saving again'));
      }
      this.pending.clear();
      if (!this.closed) this.reconnectWhenVisible();
    });
    if (this.watched) this.send({ type: 'watch', customerIds: this.watched });
    if (this.shown()) this.heartbeat();
  }

  /**
   * A hidden tab's sidebar waits until it is shown again before reconnecting, so background tabs
   * do not keep waking the worker up after it went idle.
   */
  private reconnectWhenVisible(): void {
    if (document.visibilityState !== 'hidden') {
      this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
      return;
    }
    const onVisible = () => {
      if (document.visibilityState === 'hidden') return;
      document.removeEventListener('visibilitychange', onVisible);
      if (!this.closed) this.connect();
    };
    document.addEventListener('visibilitychange', onVisible);
  }

  private send(request: FeedRequest): boolean {
    if (!this.port) return false;
    try {
      this.port.postMessage(request);
      return true;
    } catch {
      return false; // disconnected; onDisconnect reconnects and re-sends what is watched
    }
  }

  private receive(message: FeedMessage): void {
    if (message.type === 'snapshot') {
      this.onSnapshot(message.snapshot);
      return;
    }
    const waiting = this.pending.get(message.requestId);
    this.pending.delete(message.requestId);
    if (message.error) waiting?.reject(new Error(message.error));
    else waiting?.resolve();
  }
}

/**
 * The snapshot for `customerIds` (undefined until the first one arrives; pass undefined to not
 * connect at all), and a way to save a note through the worker.
 */
export function useSidebarFeed(customerIds: string[] | undefined): {
  snapshot: SidebarSnapshot | undefined;
  saveNote: (draft: NoteDraft) => Promise<void>;
} {
  const [snapshot, setSnapshot] = useState<SidebarSnapshot>();
  const [client, setClient] = useState<FeedClient>();
  const enabled = customerIds !== undefined;
  const signature = customerIds && JSON.stringify(customerIds);

  useEffect(() => {
    if (!enabled) return;
    const created = new FeedClient(setSnapshot);
    setClient(created);
    return () => {
      created.close();
      setClient(undefined);
    };
  }, [enabled]);

  useEffect(() => {
    if (client && signature !== undefined) client.watch(JSON.parse(signature) as string[]);
  }, [client, signature]);

  const saveNote = useMemo(
    () => (draft: NoteDraft) =>
      client ? client.saveNote(draft) : Promise.reject(new Error('Touchbase is not connected')),
    [client],
  );
  return { snapshot, saveNote };
}
