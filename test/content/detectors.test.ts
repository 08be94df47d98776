// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { ADAPTERS } from '../../src/content/sites';

/** Every example URL of every adapter against every adapter's detector. */
const examples = ADAPTERS.flatMap((owner) =>
  owner.exampleUrls.map((example) => ({ owner, ...example })),
);

describe.each(ADAPTERS.map((adapter) => [adapter.id, adapter] as const))(
  '%s detector',
  (id, adapter) => {
    test.each(examples)('$owner.id example $url ($expect)', ({ owner, url, expect: expected }) => {
      const own = owner.id === id;
      expect(adapter.detect(new URL(url))).toBe(own && expected === 'match');
      // An adapter runs on its own examples' hosts (to follow SPA navigation) and on no other's.
      expect(adapter.runsOn(new URL(url).hostname)).toBe(own);
    });
  },
);

test.each(examples.filter((example) => example.focus))(
  '$owner.id: $url names $focus',
  ({ owner, url, focus }) => {
    const doc = document.implementation.createHTMLDocument('');
    const found = owner.extract(doc, new URL(url)).find((candidate) => candidate.focus);
    expect(found?.key).toBe(focus);
  },
);
