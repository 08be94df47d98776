/** Small DOM helpers for render tests (no testing library in the project). */
import { type ComponentChild, render } from 'preact';
import { expect } from 'vitest';

export function mount(node: ComponentChild): { root: HTMLElement; unmount: () => void } {
  const root = document.createElement('div');
  document.body.append(root);
  render(node, root);
  return {
    root,
    unmount: () => {
      render(null, root);
      root.remove();
    },
  };
}

/** Retries `check` until it passes (live queries and messages resolve asynchronously). */
export async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export async function waitForText(root: HTMLElement, text: string): Promise<void> {
  await waitFor(() => expect(root.textContent).toContain(text));
}

/** The form control whose <label> reads exactly `text` (by `for`, or nested in the label). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(
  root: HTMLElement,
  text: string,
): T {
  const label = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);
  const id = label?.getAttribute('for');
  const control = id
    ? root.ownerDocument.getElementById(id)
    : label?.querySelector('input, select, textarea');
  if (!control) throw new Error(`no control labelled "${text}"`);
  return control as T;
}

export function button(root: HTMLElement, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

export function type(control: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true }));
}

export function press(target: HTMLElement, key: string, init: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }));
}
