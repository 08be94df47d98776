import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';

/**
 * The content script is injected into every Gmail and LinkedIn page, so its size is a budget
 * (architecture §6). It is one self-contained IIFE (vite.config.ts), so this file is all of it.
 */
const BUILT = join(import.meta.dirname, '..', '..', 'dist', 'content.js');
const BUDGET_BYTES = 12 * 1024;

function built(): string {
  if (!existsSync(BUILT)) {
    throw new Error('dist/content.js is missing: run `npm run build` first (`npm test` does).');
  }
  return readFileSync(BUILT, 'utf8');
}

test('the built content script is at most 12 KB gzipped', () => {
  const gzipped = gzipSync(built(), { level: 9 }).length;
  expect(gzipped, `dist/content.js is ${gzipped} bytes gzipped`).toBeLessThanOrEqual(BUDGET_BYTES);
});

test('the built content script carries no Preact, Dexie, zod or the polyfill', () => {
  const source = built();
  const markers: Record<string, RegExp> = {
    preact: /dangerouslySetInnerHTML|__PREACT_DEVTOOLS__/,
    dexie: /Dexie/,
    zod: /ZodError|\$ZodType|invalid_type/,
    'webextension-polyfill': /webextension-polyfill|only be loaded in a browser extension/,
  };
  const found = Object.keys(markers).filter((name) => markers[name]?.test(source));
  expect(found).toEqual([]);
});
