/**
 * Wakes the content script at most once per animation frame after the page changed: DOM
 * mutations, hash changes, history navigation. The MutationObserver callback only schedules a
 * frame (no reading of records, no extraction), so a burst of thousands of mutations costs one
 * rescan. pushState leaves no event without the Navigation API, but every SPA navigation swaps
 * DOM, and the rescan it causes reads location.href afresh.
 *
 * A page that keeps changing without changing what the rescan finds (a mail list filling and
 * refreshing, a ticker) would cost a rescan every frame: while rescans find nothing new, DOM
 * changes wait for the next one twice as long each time, and at least 100 times as long as the
 * last one took (a costly rescan backs off at once), up to MAX_CHURN_WAIT_MS. A rescan that
 * finds something, a navigation or an explicit request brings back the next frame.
 */
export interface PageWatcher {
  /** asks for one onFrame call in the next frame (no-op when one is already pending) */
  schedule(): void;
  stop(): void;
}

export interface PageWatcherOptions {
  /** rescans, and says whether it found something new (if not, DOM changes wait longer) */
  onFrame(): boolean;
  win?: Window & typeof globalThis;
  requestFrame?: (callback: () => void) => unknown;
}

/** the longest a DOM change waits for its rescan on a page that keeps changing */
export const MAX_CHURN_WAIT_MS = 1000;
const FRAME_MS = 16;
const RESCAN_COST_FACTOR = 100;

export function watchPage({
  onFrame,
  win = window,
  requestFrame = win.requestAnimationFrame.bind(win),
}: PageWatcherOptions): PageWatcher {
  let pending = false;
  let stopped = false;
  let wait: number | undefined;
  // after the last rescan, how long DOM changes wait for the next one
  let churnWaitMs = 0;
  let lastFrameAt = 0;
  const frame = () => {
    pending = false;
    if (stopped) return;
    const startedAt = win.performance.now();
    const foundSomething = onFrame();
    lastFrameAt = win.performance.now();
    const longer = Math.max(
      2 * churnWaitMs,
      FRAME_MS,
      RESCAN_COST_FACTOR * (lastFrameAt - startedAt),
    );
    churnWaitMs = foundSomething ? 0 : Math.min(longer, MAX_CHURN_WAIT_MS);
  };
  const schedule = () => {
    if (pending || stopped) return;
    win.clearTimeout(wait);
    wait = undefined;
    pending = true;
    requestFrame(frame);
  };
  const domChanged = () => {
    if (pending || wait !== undefined || stopped) return;
    const waitMs = lastFrameAt + churnWaitMs - win.performance.now();
    if (waitMs <= 0) schedule();
    else wait = win.setTimeout(schedule, waitMs);
  };

  const observer = new win.MutationObserver(domChanged);
  observer.observe(win.document, { childList: true, subtree: true, characterData: true });
  win.addEventListener('hashchange', schedule);
  win.addEventListener('popstate', schedule);
  const navigation = (win as { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('currententrychange', schedule);

  return {
    schedule,
    stop() {
      stopped = true;
      win.clearTimeout(wait);
      observer.disconnect();
      win.removeEventListener('hashchange', schedule);
      win.removeEventListener('popstate', schedule);
      navigation?.removeEventListener('currententrychange', schedule);
    },
  };
}
