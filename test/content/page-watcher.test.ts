// @vitest-environment happy-dom
import { afterEach, expect, test, vi } from 'vitest';
import {
  MAX_CHURN_WAIT_MS,
  MAX_INSERTIONS,
  MAX_TEXT_ELEMENTS,
  type PageChanges,
  type PageWatcher,
  QUIET_MS,
  watchPage,
} from '../../src/content/page-watcher';

/** Frames run only when the test says so, so "per frame" is exact. */
function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    requestFrame: (callback: () => void) => queue.push(callback),
    get pending() {
      return queue.length;
    },
    runFrame() {
      for (const callback of queue.splice(0)) callback();
    },
  };
}

/** A watcher whose scans record the changes they were given; the first full scan is done. */
function watched(options: { isOwn?: (node: Node) => boolean } = {}) {
  const frames = manualFrames();
  const scans: PageChanges[] = [];
  watcher = watchPage({
    onFrame: (changes) => scans.push({ ...changes, insertions: [...changes.insertions] }),
    requestFrame: frames.requestFrame,
    ...options,
  });
  watcher.schedule();
  frames.runFrame();
  return { frames, scans, watcher };
}

// The observer's callback runs in a microtask.
const mutationsDelivered = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
let watcher: PageWatcher | undefined;
afterEach(() => {
  watcher?.stop();
  vi.useRealTimers();
  document.body.replaceChildren();
});

test('a burst of mutations costs one scan in the next frame, none in the callback', async () => {
  const frames = manualFrames();
  let scans = 0;
  watcher = watchPage({ onFrame: () => scans++, requestFrame: frames.requestFrame });

  for (let i = 0; i < 3000; i++) document.body.append(document.createElement('div'));
  await tick();
  expect(scans).toBe(0);
  expect(frames.pending).toBe(1);
  frames.runFrame();
  expect(scans).toBe(1);

  await tick();
  frames.runFrame();
  expect(scans).toBe(1);
});

test('the scan gets the insertions since the last one; a removal makes it read everything', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const { frames, scans } = watched();
  expect(scans).toEqual([{ full: true, insertions: [] }]);
  // The scan read no text: the text inserted with the item is no change for it.
  watcher?.watchText([]);

  vi.advanceTimersByTime(QUIET_MS + 1);
  const list = document.createElement('ul');
  document.body.append(list);
  list.append(document.createElement('li'), 'and text beside it');
  await mutationsDelivered();
  frames.runFrame();
  expect(scans[1]?.full).toBe(false);
  expect(scans[1]?.insertions.map((record) => record.target)).toEqual([document.body, list]);

  vi.advanceTimersByTime(QUIET_MS + 1);
  list.firstElementChild?.remove();
  list.append(document.createElement('li'));
  await mutationsDelivered();
  frames.runFrame();
  expect(scans[2]).toEqual({ full: true, insertions: [] });
});

test('text changes matter anywhere until the scan names its text elements, then only inside them', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const { frames, scans } = watched();
  document.body.innerHTML = '<h1>Jane Doe</h1><p class="snippet">old</p>';
  await mutationsDelivered();
  vi.advanceTimersByTime(QUIET_MS + 1);
  frames.runFrame();
  const heading = document.querySelector('h1') as Element;
  const snippet = document.querySelector('p') as Element;

  vi.advanceTimersByTime(QUIET_MS + 1);
  snippet.textContent = 'new';
  await mutationsDelivered();
  frames.runFrame();
  expect(scans.at(-1)).toEqual({ full: true, insertions: [] });

  watcher?.watchText([heading]);
  const before = scans.length;
  snippet.textContent = 'newer';
  (snippet.firstChild as Text).data = 'newest';
  snippet.append(' and more');
  await mutationsDelivered();
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  frames.runFrame();
  expect(scans).toHaveLength(before);
  expect(frames.pending).toBe(0);

  (heading.firstChild as Text).data = 'Jane Doe-Smith';
  await mutationsDelivered();
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  frames.runFrame();
  expect(scans.at(-1)).toEqual({ full: true, insertions: [] });

  // Too many elements to watch one by one: text anywhere matters again.
  watcher?.watchText(Array.from({ length: MAX_TEXT_ELEMENTS + 1 }, () => heading));
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  snippet.textContent = 'once more';
  await mutationsDelivered();
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  frames.runFrame();
  expect(scans.at(-1)).toEqual({ full: true, insertions: [] });
});

test("the content script's own elements coming and going change nothing", async () => {
  const host = document.createElement('x-host');
  const { frames } = watched({ isOwn: (node) => node === host });
  document.documentElement.append(host);
  host.remove();
  await mutationsDelivered();
  expect(frames.pending).toBe(0);
});

test('more insertions than are worth following make the scan read everything', async () => {
  const { frames, scans } = watched();
  await tick();
  for (let i = 0; i <= MAX_INSERTIONS; i++) document.body.append(document.createElement('div'));
  await mutationsDelivered();
  await tick();
  frames.runFrame();
  expect(scans.at(-1)).toEqual({ full: true, insertions: [] });
});

test('hash changes and history navigation schedule a full scan; stop() ends it all', async () => {
  const { frames, scans } = watched();
  window.dispatchEvent(new Event('hashchange'));
  window.dispatchEvent(new Event('popstate'));
  frames.runFrame();
  expect(scans).toHaveLength(2);
  expect(scans[1]?.full).toBe(true);

  watcher?.stop();
  window.dispatchEvent(new Event('hashchange'));
  document.body.append(document.createElement('p'));
  await tick();
  frames.runFrame();
  expect(frames.pending).toBe(0);
  expect(scans).toHaveLength(2);
});

test('a frame requested before stop() does not scan', () => {
  const frames = manualFrames();
  let scans = 0;
  watcher = watchPage({ onFrame: () => scans++, requestFrame: frames.requestFrame });
  watcher.schedule();
  watcher.stop();
  frames.runFrame();
  expect(scans).toBe(0);
});

test('a page that keeps changing waits longer for each scan, up to MAX_CHURN_WAIT_MS; a quiet page or a navigation does not', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const { frames, scans } = watched();
  const changeDom = async () => {
    document.body.append(document.createElement('div'));
    await mutationsDelivered();
  };

  // Two seconds of a change every frame: a handful of scans, not 120.
  const busyStart = scans.length;
  for (let ms = 0; ms < 2000; ms += 16) {
    await changeDom();
    frames.runFrame();
    vi.advanceTimersByTime(16);
  }
  expect(scans.length - busyStart).toBeGreaterThanOrEqual(5);
  expect(scans.length - busyStart).toBeLessThanOrEqual(10);

  // No change waits longer than MAX_CHURN_WAIT_MS.
  const busy = scans.length;
  await changeDom();
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  frames.runFrame();
  expect(scans).toHaveLength(busy + 1);

  // After a quiet spell, the next change is read in the next frame.
  vi.advanceTimersByTime(QUIET_MS + 1);
  await changeDom();
  expect(frames.pending).toBe(1);
  frames.runFrame();

  // A navigation too, and the changes right after it (the new view rendering).
  for (let i = 0; i < 10; i++) await changeDom();
  window.dispatchEvent(new Event('hashchange'));
  expect(frames.pending).toBe(1);
  frames.runFrame();
  vi.advanceTimersByTime(16);
  await changeDom();
  expect(frames.pending).toBe(1);
  frames.runFrame();
  expect(scans).toHaveLength(busy + 4);
});

test('a costly scan backs off at once, yet no change waits longer than MAX_CHURN_WAIT_MS', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const frames = manualFrames();
  let scans = 0;
  watcher = watchPage({
    onFrame: () => {
      scans++;
      vi.advanceTimersByTime(50); // a 50 ms scan: 5 s at 100 times its cost
    },
    requestFrame: frames.requestFrame,
  });
  watcher.schedule();
  frames.runFrame();
  vi.advanceTimersByTime(QUIET_MS + 1);
  document.body.append(document.createElement('div'));
  await mutationsDelivered();
  expect(frames.pending).toBe(0);
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS - QUIET_MS);
  frames.runFrame();
  expect(scans).toBe(2);
});

test('DOM changes on another URL than the last scan read are a navigation: the next frame, in full', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const { frames, scans } = watched();
  watcher?.watchText([]);
  document.body.append(document.createElement('div'));
  await mutationsDelivered();
  frames.runFrame();
  // Busy: the next change would wait.
  document.body.append(document.createElement('div'));
  await mutationsDelivered();
  expect(frames.pending).toBe(0);
  vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
  frames.runFrame();

  // pushState leaves no event where the Navigation API is missing (happy-dom has none).
  history.pushState(null, '', '/elsewhere');
  document.body.append(document.createElement('div'));
  await mutationsDelivered();
  expect(frames.pending).toBe(1);
  frames.runFrame();
  expect(scans.at(-1)).toEqual({ full: true, insertions: [] });
});
