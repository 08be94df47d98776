import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { GENERIC_CONTENT_SCRIPT } from '../../src/background/sites';
import { ADAPTERS } from '../../src/content/sites';

/**
 * A site's content script is injected into every one of its pages, so its size is a budget
 * (architecture §6). Each site has one self-contained IIFE (vite.config.ts): that file is all the
 * page loads of ours.
 */
const DIST = join(import.meta.dirname, '..', '..', 'dist');
const BUDGET_BYTES = 12 * 1024;

function bundles(): Array<[string, string]> {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does).');
  }
  const built = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as {
    content_scripts: Array<{ js: string[] }>;
  };
  const files = [...built.content_scripts.flatMap((script) => script.js), GENERIC_CONTENT_SCRIPT];
  return files.map((file) => [file, readFileSync(join(DIST, file), 'utf8')]);
}

test('one bundle per site adapter, and the manifest loads exactly one per site', () => {
  const files = bundles().map(([file]) => file);
  expect(files.sort()).toEqual(ADAPTERS.map((adapter) => `content-${adapter.id}.js`).sort());
});

test.each(bundles())('%s is at most 12 KB gzipped', (file, source) => {
  const gzipped = gzipSync(source, { level: 9 }).length;
  expect(gzipped, `${file} is ${gzipped} bytes gzipped`).toBeLessThanOrEqual(BUDGET_BYTES);
});

test.each(bundles())('%s carries no Preact, Dexie, zod or the polyfill', (_file, source) => {
  const markers: Record<string, RegExp> = {
    preact: /dangerouslySetInnerHTML|__PREACT_DEVTOOLS__/,
    dexie: /Dexie/,
    zod: /ZodError|\$ZodType|invalid_type/,
    'webextension-polyfill': /webextension-polyfill|only be loaded in a browser extension/,
  };
  const found = Object.keys(markers).filter((name) => markers[name]?.test(source));
  expect(found).toEqual([]);
});
