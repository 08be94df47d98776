/**
 * Wakes the content script at most once per animation frame after the page changed: DOM
 * mutations, hash changes, history navigation. The MutationObserver callback only schedules a
 * frame (no reading of records, no extraction), so a burst of thousands of mutations costs one
 * rescan. pushState leaves no event without the Navigation API, but every SPA navigation swaps
 * DOM, and the rescan it causes reads location.href afresh.
 */
export interface PageWatcher {
  /** asks for one onFrame call in the next frame (no-op when one is already pending) */
  schedule(): void;
  stop(): void;
}

export interface PageWatcherOptions {
  onFrame(): void;
  win?: Window & typeof globalThis;
  requestFrame?: (callback: () => void) => unknown;
}

export function watchPage({
  onFrame,
  win = window,
  requestFrame = win.requestAnimationFrame.bind(win),
}: PageWatcherOptions): PageWatcher {
  let pending = false;
  let stopped = false;
  const frame = () => {
    pending = false;
    if (!stopped) onFrame();
  };
  const schedule = () => {
    if (pending || stopped) return;
    pending = true;
    requestFrame(frame);
  };

  const observer = new win.MutationObserver(schedule);
  observer.observe(win.document, { childList: true, subtree: true, characterData: true });
  win.addEventListener('hashchange', schedule);
  win.addEventListener('popstate', schedule);
  const navigation = (win as { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('currententrychange', schedule);

  return {
    schedule,
    stop() {
      stopped = true;
      observer.disconnect();
      win.removeEventListener('hashchange', schedule);
      win.removeEventListener('popstate', schedule);
      navigation?.removeEventListener('currententrychange', schedule);
    },
  };
}
