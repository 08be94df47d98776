/**
 * Wakes the content script at most once per animation frame after the page changed: DOM
 * mutations, hash changes, history navigation. pushState leaves no event without the Navigation
 * API, but every SPA navigation swaps DOM: DOM changes on a URL other than the last scan's are a
 * navigation too.
 *
 * The MutationObserver callback only notes what its records change (an element removed, elements
 * inserted, text that may matter); it reads nothing else of the page. Text matters only inside
 * the elements the last scan read text from (`watchText`), which a second observer watches, so a
 * list refreshing its subjects and snippets costs no rescan. Insertions go to the scan, which may
 * read just them (`SiteAdapter.extractInserted`); a removal, text that matters, a navigation or
 * more insertions than MAX_INSERTIONS make it read everything again.
 *
 * A page that keeps changing (a mail list filling, a ticker) would cost a rescan every frame: as
 * long as it does, DOM changes wait for the next rescan twice as long each time, and at least 100
 * times as long as the last one took (a costly rescan backs off at once), up to MAX_CHURN_WAIT_MS.
 * A page quiet for QUIET_MS, a navigation or an explicit request brings back the next frame.
 */

/** What changed since the last scan. */
export interface PageChanges {
  /**
   * The page must be read again as a whole: the first scan, a navigation or an explicit request,
   * an element removed, text that may matter changed, or too many insertions to follow.
   */
  full: boolean;
  /** the childList records that inserted elements, in order (empty when `full`) */
  insertions: MutationRecord[];
}

export interface PageWatcher {
  /** asks for one onFrame call in the next frame, reading everything (no-op when pending) */
  schedule(): void;
  /**
   * From now on text changes matter only inside `elements` (what the last scan read text from);
   * null: anywhere. More than MAX_TEXT_ELEMENTS count as anywhere.
   */
  watchText(elements: readonly Element[] | null): void;
  stop(): void;
}

export interface PageWatcherOptions {
  /** rescans after `changes` */
  onFrame(changes: PageChanges): void;
  /** the content script's own elements (the sidebar host): moving them changes nothing it reads */
  isOwn?(node: Node): boolean;
  win?: Window & typeof globalThis;
  requestFrame?: (callback: () => void) => unknown;
}

/** the longest a DOM change waits for its rescan on a page that keeps changing */
export const MAX_CHURN_WAIT_MS = 1000;
/** more insertions than this before a scan: reading the page again costs less than each of them */
export const MAX_INSERTIONS = 1000;
/** more text elements than this are watched as "text anywhere": observing each costs too */
export const MAX_TEXT_ELEMENTS = 100;
/** a page that has not changed for this long is quiet: its next change is read in the next frame */
export const QUIET_MS = 250;
const FRAME_MS = 16;
const RESCAN_COST_FACTOR = 100;
const ELEMENT_NODE = 1;
const TEXT_CHANGES = { childList: true, characterData: true, subtree: true };

function sameElements(a: readonly Element[], b: readonly Element[]): boolean {
  return a.length === b.length && a.every((element, index) => element === b[index]);
}

export function watchPage({
  onFrame,
  isOwn = () => false,
  win = window,
  requestFrame = win.requestAnimationFrame.bind(win),
}: PageWatcherOptions): PageWatcher {
  let pending = false;
  let stopped = false;
  let wait: number | undefined;
  let changes: PageChanges = { full: true, insertions: [] };
  // Until a scan says which elements it read text from, any text change may matter.
  let textAnywhere = true;
  let textElements: readonly Element[] = [];
  // while the page keeps changing, how long DOM changes wait after a rescan
  let churnWaitMs = 0;
  let lastFrameAt = Number.NEGATIVE_INFINITY;
  let lastFrameMs = 0;
  let lastChangeAt = Number.NEGATIVE_INFINITY;
  let scannedHref = '';

  const frame = () => {
    pending = false;
    if (stopped) return;
    scannedHref = win.location.href;
    const batch = changes;
    changes = { full: false, insertions: [] };
    const startedAt = win.performance.now();
    onFrame(batch);
    lastFrameAt = win.performance.now();
    lastFrameMs = lastFrameAt - startedAt;
    churnWaitMs = Math.min(Math.max(2 * churnWaitMs, FRAME_MS), MAX_CHURN_WAIT_MS);
  };
  const requestScan = () => {
    if (pending || stopped) return;
    win.clearTimeout(wait);
    wait = undefined;
    pending = true;
    requestFrame(frame);
  };
  const readEverything = () => {
    changes.full = true;
    changes.insertions = [];
  };
  const schedule = () => {
    readEverything();
    churnWaitMs = 0;
    requestScan();
  };
  const pageChanged = () => {
    const now = win.performance.now();
    if (now - lastChangeAt > QUIET_MS) churnWaitMs = 0;
    lastChangeAt = now;
    if (pending || wait !== undefined || stopped) return;
    const backOffMs = Math.max(churnWaitMs, RESCAN_COST_FACTOR * lastFrameMs);
    const waitMs = lastFrameAt + Math.min(backOffMs, MAX_CHURN_WAIT_MS) - now;
    if (waitMs <= 0) requestScan();
    else wait = win.setTimeout(requestScan, waitMs);
  };

  // Only what each record says about itself: its type and the kinds of the nodes it moved.
  const noteMutations = (records: MutationRecord[]) => {
    if (win.location.href !== scannedHref) {
      schedule();
      return;
    }
    const insertionsBefore = changes.insertions.length;
    for (let r = 0; r < records.length && !changes.full; r++) {
      const record = records[r] as MutationRecord;
      if (record.type !== 'childList') {
        if (textAnywhere) readEverything();
        continue;
      }
      let text = false;
      const removed = record.removedNodes;
      for (let i = 0; i < removed.length; i++) {
        const node = removed[i] as Node;
        if (node.nodeType !== ELEMENT_NODE) text = true;
        else if (!isOwn(node)) readEverything();
      }
      let inserted = false;
      const added = record.addedNodes;
      for (let i = 0; i < added.length && !(inserted && (text || !textAnywhere)); i++) {
        const node = added[i] as Node;
        if (node.nodeType !== ELEMENT_NODE) text = true;
        else if (!isOwn(node)) inserted = true;
      }
      if (text && textAnywhere) readEverything();
      else if (inserted && !changes.full) changes.insertions.push(record);
    }
    if (changes.insertions.length > MAX_INSERTIONS) readEverything();
    if (changes.full || changes.insertions.length > insertionsBefore) pageChanged();
  };

  const observer = new win.MutationObserver(noteMutations);
  const observe = () =>
    observer.observe(win.document, { childList: true, subtree: true, characterData: textAnywhere });
  observe();
  // Any change inside the elements the scan read text from: it must read them again.
  const textObserver = new win.MutationObserver(() => {
    readEverything();
    pageChanged();
  });
  win.addEventListener('hashchange', schedule);
  win.addEventListener('popstate', schedule);
  const navigation = (win as { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('currententrychange', schedule);

  return {
    schedule,
    watchText(elements) {
      const anywhere = elements === null || elements.length > MAX_TEXT_ELEMENTS;
      const watched = anywhere ? [] : elements;
      if (stopped || (anywhere === textAnywhere && sameElements(watched, textElements))) return;
      textObserver.disconnect();
      for (const element of watched) textObserver.observe(element, TEXT_CHANGES);
      textElements = watched;
      if (anywhere !== textAnywhere) {
        textAnywhere = anywhere;
        // Text node edits are characterData records: not even delivered when text is watched.
        observe();
      }
    },
    stop() {
      stopped = true;
      win.clearTimeout(wait);
      observer.disconnect();
      textObserver.disconnect();
      win.removeEventListener('hashchange', schedule);
      win.removeEventListener('popstate', schedule);
      navigation?.removeEventListener('currententrychange', schedule);
    },
  };
}
