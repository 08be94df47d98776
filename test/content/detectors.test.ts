// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { ADAPTERS, siteAdapterFor } from '../../src/content/sites';
import { generic } from '../../src/content/sites/generic';

/** Every example URL of every adapter against every adapter's detector. */
const examples = ADAPTERS.flatMap((owner) =>
  owner.exampleUrls.map((example) => ({ owner, ...example })),
);
const siteAdapters = ADAPTERS.filter((adapter) => adapter !== generic);

describe.each(siteAdapters.map((adapter) => [adapter.id, adapter] as const))(
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

/**
 * Generic is the fallback: it runs wherever no site adapter does (the sites the user enabled),
 * so instead of "no other's hosts" it must give way to the owner on every other example.
 */
describe('generic detector (the fallback)', () => {
  test.each(examples)('$owner.id example $url ($expect)', ({ owner, url, expect: expected }) => {
    const { hostname } = new URL(url);
    expect(siteAdapterFor(hostname) ?? generic).toBe(owner);
    expect(generic.detect(new URL(url))).toBe(owner === generic && expected === 'match');
  });

  test.each(generic.exampleUrls.filter((example) => example.expect === 'match'))(
    'extracts from $url',
    ({ url }) => {
      const doc = document.implementation.createHTMLDocument('');
      doc.body.innerHTML = '<p>Write to <a href="mailto:jane@acme.example">Jane</a>.</p>';
      expect(generic.extract(doc, new URL(url)).map((candidate) => candidate.key)).toEqual([
        'email:jane@acme.example',
      ]);
    },
  );
});

test.each(examples.filter((example) => example.focus))(
  '$owner.id: $url names $focus',
  ({ owner, url, focus }) => {
    const doc = document.implementation.createHTMLDocument('');
    const found = owner.extract(doc, new URL(url)).find((candidate) => candidate.focus);
    expect(found?.key).toBe(focus);
  },
);
