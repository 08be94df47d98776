// @vitest-environment happy-dom
import { afterEach, expect, test } from 'vitest';
import { type PageWatcher, watchPage } from '../../src/content/page-watcher';

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
  watcher = watchPage({ onFrame: () => extractions++, requestFrame: frames.requestFrame });

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
  watcher = watchPage({ onFrame: () => extractions++, requestFrame: frames.requestFrame });

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
  watcher = watchPage({ onFrame: () => extractions++, requestFrame: frames.requestFrame });
  watcher.schedule();
  watcher.stop();
  frames.runFrame();
  expect(extractions).toBe(0);
});
