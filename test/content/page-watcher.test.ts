// @vitest-environment happy-dom
import { afterEach, expect, test, vi } from 'vitest';
import { MAX_CHURN_WAIT_MS, type PageWatcher, watchPage } from '../../src/content/page-watcher';

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

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
let watcher: PageWatcher | undefined;
afterEach(() => {
  watcher?.stop();
  document.body.replaceChildren();
});

test('a burst of mutations costs one extraction in the next frame, none in the callback', async () => {
  const frames = manualFrames();
  let extractions = 0;
  watcher = watchPage({
    onFrame: () => {
      extractions++;
      return true;
    },
    requestFrame: frames.requestFrame,
  });

  for (let i = 0; i < 3000; i++) document.body.append(document.createElement('div'));
  await tick();
  expect(extractions).toBe(0);
  expect(frames.pending).toBe(1);
  frames.runFrame();
  expect(extractions).toBe(1);

  document.body.firstElementChild?.remove();
  document.body.append('text');
  await tick();
  frames.runFrame();
  expect(extractions).toBe(2);

  await tick();
  frames.runFrame();
  expect(extractions).toBe(2);
});

test('hash changes and history navigation schedule a frame; stop() ends it all', async () => {
  const frames = manualFrames();
  let extractions = 0;
  watcher = watchPage({
    onFrame: () => {
      extractions++;
      return true;
    },
    requestFrame: frames.requestFrame,
  });

  window.dispatchEvent(new Event('hashchange'));
  window.dispatchEvent(new Event('popstate'));
  frames.runFrame();
  expect(extractions).toBe(1);

  watcher.stop();
  window.dispatchEvent(new Event('hashchange'));
  document.body.append(document.createElement('p'));
  await tick();
  frames.runFrame();
  expect(frames.pending).toBe(0);
  expect(extractions).toBe(1);
});

test('a frame requested before stop() does not extract', async () => {
  const frames = manualFrames();
  let extractions = 0;
  watcher = watchPage({
    onFrame: () => {
      extractions++;
      return true;
    },
    requestFrame: frames.requestFrame,
  });
  watcher.schedule();
  watcher.stop();
  frames.runFrame();
  expect(extractions).toBe(0);
});

test('DOM changes that keep finding nothing new wait longer each time; a find or navigation does not', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  try {
    const frames = manualFrames();
    let findsSomething = false;
    let extractions = 0;
    watcher = watchPage({
      onFrame: () => {
        extractions++;
        return findsSomething;
      },
      requestFrame: frames.requestFrame,
    });
    // The observer's callback runs in a microtask.
    const changeDom = async () => {
      document.body.append(document.createElement('div'));
      for (let i = 0; i < 3; i++) await Promise.resolve();
    };

    // Two seconds of a change every frame: a handful of rescans, not 120.
    for (let ms = 0; ms < 2000; ms += 16) {
      await changeDom();
      frames.runFrame();
      vi.advanceTimersByTime(16);
    }
    expect(extractions).toBeGreaterThanOrEqual(5);
    expect(extractions).toBeLessThanOrEqual(10);

    // No change waits longer than MAX_CHURN_WAIT_MS.
    const before = extractions;
    await changeDom();
    vi.advanceTimersByTime(MAX_CHURN_WAIT_MS);
    frames.runFrame();
    expect(extractions).toBe(before + 1);

    // A navigation is rescanned in the next frame; once a rescan finds something, changes are too.
    window.dispatchEvent(new Event('hashchange'));
    expect(frames.pending).toBe(1);
    findsSomething = true;
    frames.runFrame();
    await changeDom();
    expect(frames.pending).toBe(1);
    frames.runFrame();
    expect(extractions).toBe(before + 3);
  } finally {
    vi.useRealTimers();
  }
});
