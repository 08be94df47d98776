// @vitest-environment happy-dom
import { afterEach, expect, test, vi } from 'vitest';

// In the browser this is chrome.runtime.getURL(...); happy-dom cannot load extension URLs.
const SRC = 'about:blank#touchbase-sidebar';

/** The host module grabs attachShadow at load, so the spy goes in before it is imported. */
async function createHost(collapsed = false) {
  vi.resetModules();
  const attachShadow = vi.spyOn(Element.prototype, 'attachShadow');
  const { createSidebarHost } = await import('../../src/content/sidebar-host');
  const toggles: boolean[] = [];
  const host = createSidebarHost({ src: () => SRC, collapsed, onToggle: (c) => toggles.push(c) });
  const root = () => attachShadow.mock.results[0]?.value as ShadowRoot | undefined;
  return { host, root, toggles, attachShadow };
}

const hostElements = () =>
  [...document.documentElement.children].filter((el) => el.localName.startsWith('x-'));

afterEach(() => {
  vi.restoreAllMocks();
  for (const element of hostElements()) element.remove();
});

test('mounts nothing until the page has candidates', async () => {
  const { host, attachShadow } = await createHost();
  host.setVisible(false);
  host.toggle();
  expect(attachShadow).not.toHaveBeenCalled();
  expect(hostElements()).toHaveLength(0);
});

test('a randomly named element with a closed shadow root holding the sidebar iframe', async () => {
  const before = document.documentElement.textContent;
  const { host, root, attachShadow } = await createHost();
  host.setVisible(true);

  const [element] = hostElements();
  expect(element?.parentNode).toBe(document.documentElement);
  expect(element?.localName).toMatch(/^x-[a-z]{12}$/);
  expect(attachShadow).toHaveBeenCalledWith({ mode: 'closed' });
  expect(element?.shadowRoot).toBeNull();
  expect(root()?.querySelector('iframe')?.getAttribute('src')).toBe(SRC);
  expect(root()?.querySelector('button')?.getAttribute('type')).toBe('button');
  expect(root()?.querySelector('style')?.textContent).toContain('all:initial!important');

  // The page sees one empty element: no text, no attributes.
  expect(document.documentElement.textContent).toBe(before);
  expect(element?.outerHTML).toBe(`<${element?.localName}></${element?.localName}>`);

  const second = await createHost();
  second.host.setVisible(true);
  expect(new Set(hostElements().map((el) => el.localName)).size).toBe(2);
});

test('mounted once: hidden and shown again keeps the same iframe', async () => {
  const { host, root, attachShadow } = await createHost();
  host.setVisible(true);
  const iframe = root()?.querySelector('iframe');
  host.setVisible(false);
  expect(root()?.firstElementChild?.nextElementSibling?.className).toContain('hidden');
  host.setVisible(true);
  expect(attachShadow).toHaveBeenCalledTimes(1);
  expect(hostElements()).toHaveLength(1);
  expect(root()?.querySelector('iframe')).toBe(iframe);
  expect(root()?.querySelector('.frame')?.className).not.toContain('hidden');
});

test('the tab button and the keyboard toggle collapse it and report the new state', async () => {
  const { host, root, toggles } = await createHost(true);
  host.setVisible(true);
  const frame = root()?.querySelector('.frame');
  const button = root()?.querySelector('button');
  expect(frame?.className).toContain('collapsed');
  expect(button?.getAttribute('aria-expanded')).toBe('false');

  button?.click();
  expect(frame?.className).not.toContain('collapsed');
  expect(button?.getAttribute('aria-expanded')).toBe('true');
  host.toggle();
  expect(frame?.className).toContain('collapsed');
  expect(toggles).toEqual([false, true]);

  host.setCollapsed(false);
  expect(frame?.className).not.toContain('collapsed');
  expect(toggles).toEqual([false, true]);

  host.setVisible(false);
  host.toggle();
  expect(toggles).toEqual([false, true]);
});

test('a list page shows only the slim tab; opening it there is not remembered', async () => {
  const { host, root, toggles } = await createHost(false);
  host.setListPage(true);
  host.setVisible(true);
  const frame = root()?.querySelector('.frame');
  const button = root()?.querySelector('button');
  expect(frame?.className).toContain('collapsed');

  button?.click();
  expect(frame?.className).not.toContain('collapsed');
  expect(button?.getAttribute('aria-expanded')).toBe('true');
  host.toggle();
  expect(frame?.className).toContain('collapsed');
  expect(toggles).toEqual([]);

  // Opening a profile or a thread: the remembered (expanded) state again.
  host.setListPage(false);
  expect(frame?.className).not.toContain('collapsed');
  // Back on a list, it starts folded again.
  button?.click();
  host.setListPage(true);
  expect(frame?.className).toContain('collapsed');
  expect(toggles).toEqual([true]);
});

test('put back when the page drops it; removed on destroy', async () => {
  const { host } = await createHost();
  host.setVisible(true);
  hostElements()[0]?.remove();
  host.setVisible(true);
  expect(hostElements()).toHaveLength(1);
  host.destroy();
  expect(hostElements()).toHaveLength(0);
});
