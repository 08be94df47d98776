import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { sendMessage, type TabState, tabStateKey } from '../platform/messaging';
import { getSettings, type Settings, watchSettings } from '../platform/settings';

/**
 * Preact's equivalent of dexie-react-hooks' useLiveQuery: the query's result, re-run whenever
 * the rows it read change (in this page or any other extension context). `undefined` until the
 * first result; a failed query logs and keeps the last result.
 */
export function useLiveQuery<T>(query: () => Promise<T> | T, deps: unknown[]): T | undefined {
  const [result, setResult] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (value) => setResult(() => value),
      error: (error) => console.error('Touchbase: cache query failed', error),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return result;
}

/** The given settings, kept current; `undefined` until read. */
export function useSettings<K extends keyof Settings>(...keys: K[]): Pick<Settings, K> | undefined {
  const [settings, setSettingsState] = useState<Pick<Settings, K> | undefined>(undefined);
  const signature = keys.join(',');
  useEffect(() => {
    let alive = true;
    void getSettings(...keys).then((value) => alive && setSettingsState(value));
    const stop = watchSettings((changed) => {
      const relevant = keys.filter((key) => key in changed);
      if (relevant.length === 0) return;
      setSettingsState((current) => current && { ...current, ...pick(changed, relevant) });
    });
    return () => {
      alive = false;
      stop();
    };
  }, [signature]);
  return settings;
}

function pick<K extends keyof Settings>(from: Partial<Settings>, keys: K[]): Pick<Settings, K> {
  const out = {} as Pick<Settings, K>;
  for (const key of keys) out[key] = from[key] as Settings[K];
  return out;
}

export type TabStateResult = { loading: true } | { loading: false; state: TabState | null };

/**
 * What the worker knows about a tab: `tabId` names it (popup), without it the worker answers for
 * the asking frame's own tab (sidebar). Follows navigation live through storage.session, where
 * the worker keeps each tab's state.
 */
export function useTabState(tabId?: number): TabStateResult {
  const [result, setResult] = useState<TabStateResult>({ loading: true });
  useEffect(() => {
    let alive = true;
    let knownTabId = tabId;
    const ask = () =>
      sendMessage('getTabState', tabId === undefined ? {} : { tabId }).then(
        (state) => {
          if (!alive) return;
          if (state) knownTabId = state.tabId;
          setResult({ loading: false, state });
        },
        (error) => {
          console.error('Touchbase: no tab state', error);
          if (alive) setResult({ loading: false, state: null });
        },
      );
    const listener = (changes: Record<string, chrome.storage.StorageChange>, area: string) => {
      if (area !== 'session') return;
      if (knownTabId !== undefined) {
        const change = changes[tabStateKey(knownTabId)];
        if (change) setResult({ loading: false, state: (change.newValue as TabState) ?? null });
        return;
      }
      // The sidebar learns its tab id from the first answer; until then any tab's change may be ours.
      if (Object.keys(changes).some((key) => key.startsWith('tab:'))) void ask();
    };
    chrome.storage.onChanged.addListener(listener);
    void ask();
    return () => {
      alive = false;
      chrome.storage.onChanged.removeListener(listener);
    };
  }, [tabId]);
  return result;
}

/** The current time, refreshed every `everyMs`, so relative times ("5 minutes ago") stay true. */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
