// @vitest-environment happy-dom
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };
import { ADAPTERS } from '../../src/content/sites';
import { gmail } from '../../src/content/sites/gmail';
import type { SiteAdapter } from '../../src/content/sites/types';
import type { Candidate } from '../../src/platform/messaging';
import { SUPPORTED_SITES } from '../../src/ui/sites';
import { FIXTURES_DIR, loadFixtures, parseFixture } from './fixtures';

/** A manifest match pattern (`https://*.example.com/*`) as a RegExp over whole URLs. */
function matchPattern(pattern: string): RegExp {
  const [, scheme, host, path] = /^(https?|\*):\/\/([^/]+)(\/.*)$/.exec(pattern) ?? [];
  if (!scheme || !host || !path) throw new Error(`not a match pattern: ${pattern}`);
  const literal = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const hostRe = host.startsWith('*.') ? `(?:[^/]+\\.)?${literal(host.slice(2))}` : literal(host);
  const pathRe = path.split('*').map(literal).join('.*');
  return new RegExp(`^${scheme === '*' ? 'https?' : scheme}://${hostRe}${pathRe}$`);
}

/**
 * What each adapter must find in its own fixtures: `expected/<site>.ts` maps every fixture file
 * of `test/fixtures/<site>/` to its candidates. Every other adapter must find nothing there.
 */
const EXPECTED: Record<string, Candidate[]> = {};
for (const adapter of ADAPTERS) {
  const module: { expected?: Record<string, Candidate[]> } = await import(
    `./expected/${adapter.id}.ts`
  ).catch(() => ({}));
  for (const [file, candidates] of Object.entries(module.expected ?? {})) {
    EXPECTED[`${adapter.id}/${file}`] = candidates;
  }
}

const fixtures = loadFixtures();

describe.each(ADAPTERS.map((adapter) => [adapter.id, adapter] as const))(
  '%s adapter',
  (id, adapter) => {
    test.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
      'on %s',
      (name, fixture) => {
        const expected = fixture.site === id ? EXPECTED[name] : [];
        if (!expected)
          throw new Error(`${name} has no entry in test/content/expected/${fixture.site}.ts`);
        expect(adapter.extract(parseFixture(fixture), fixture.url)).toEqual(expected);
      },
    );
  },
);

test('the signed-in address is excluded even when the subject names another address', () => {
  const fixture = fixtures.find((f) => f.name.includes('several-participants'));
  if (!fixture) throw new Error('fixture missing');
  const doc = parseFixture(fixture);
  doc.title = 'Re: about jane.doe@acme.com - sam.rivera@northwind.io - Gmail';
  const keys = gmail.extract(doc, fixture.url).map((candidate) => candidate.key);
  expect(keys).toContain('email:jane.doe@acme.com');
  expect(keys).not.toContain('email:sam.rivera@northwind.io');
});

test('a thread only the user wrote to focuses on its latest recipient', () => {
  const doc = new DOMParser().parseFromString(
    `<title>Proposal - sam@northwind.io - Gmail</title><div role="main"><div data-message-id="#msg-a:1">
      <h3><span email="sam@northwind.io" name="Sam"></span></h3>
      <span email="buyer@acme.com" name="Buyer"></span><span email="cfo@acme.com" name="CFO"></span>
    </div></div>`,
    'text/html',
  );
  const url = new URL('https://mail.google.com/mail/u/0/#sent/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr');
  expect(gmail.extract(doc, url)).toEqual([
    { key: 'email:buyer@acme.com', strength: 'strong', role: 'to', focus: true },
    { key: 'email:cfo@acme.com', strength: 'strong', role: 'to' },
  ]);
});

describe('every adapter file is registered, with example URLs and fixtures', () => {
  const sitesDir = join(import.meta.dirname, '..', '..', 'src', 'content', 'sites');
  const files = readdirSync(sitesDir).filter((f) => !['index.ts', 'types.ts'].includes(f));

  test.each(files)('%s', async (file) => {
    const module: Record<string, unknown> = await import(join(sitesDir, file));
    const adapters = Object.values(module).filter(
      (value): value is SiteAdapter =>
        typeof value === 'object' && value !== null && 'detect' in value && 'extract' in value,
    );
    expect(adapters, `${file} exports no adapter`).not.toHaveLength(0);
    for (const adapter of adapters) {
      expect(ADAPTERS, `${adapter.id} is not in ADAPTERS`).toContain(adapter);
      const matches = adapter.exampleUrls.filter((example) => example.expect === 'match');
      const ignored = adapter.exampleUrls.filter((example) => example.expect === 'ignore');
      expect(matches.length, `${adapter.id} declares no example URL it matches`).toBeGreaterThan(0);
      expect(ignored.length, `${adapter.id} declares no own-site URL it ignores`).toBeGreaterThan(
        0,
      );
      const own = fixtures.filter((fixture) => fixture.site === adapter.id);
      expect(own.length, `no fixtures in ${join(FIXTURES_DIR, adapter.id)}`).toBeGreaterThan(0);
      const withCandidates = own.filter((f) => adapter.extract(parseFixture(f), f.url).length > 0);
      expect(withCandidates.length, `no ${adapter.id} fixture yields candidates`).toBeGreaterThan(
        0,
      );
      for (const fixture of own) {
        expect(/^\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.html$/.test(fixture.name.split('/')[1] ?? '')).toBe(
          true,
        );
      }
    }
  });

  test("the manifest injects each site's own content script and the sidebar on its example URLs", () => {
    const { content_scripts, web_accessible_resources, host_permissions } = manifest;
    const covered = (patterns: string[], url: string) =>
      patterns.some((pattern) => matchPattern(pattern).test(url));
    for (const adapter of ADAPTERS.filter((a) => a.id !== 'generic')) {
      const own = content_scripts.filter((script) =>
        script.js.includes(`src/content/sites/${adapter.id}.ts`),
      );
      expect(own, `one manifest content script for ${adapter.id}`).toHaveLength(1);
      for (const { url } of adapter.exampleUrls) {
        expect(covered(own[0]?.matches ?? [], url), `${adapter.id} content script: ${url}`).toBe(
          true,
        );
        const others = content_scripts.filter((script) => script !== own[0]);
        expect(
          others.some((script) => covered(script.matches, url)),
          `another site's script on ${url}`,
        ).toBe(false);
        expect(covered(web_accessible_resources[0]?.matches ?? [], url), `sidebar: ${url}`).toBe(
          true,
        );
        expect(covered(host_permissions, url), `host_permissions: ${url}`).toBe(true);
      }
    }
  });

  test('the options page has a switch for every site adapter', () => {
    expect(SUPPORTED_SITES.map((site) => site.id)).toEqual(
      ADAPTERS.filter((adapter) => adapter.id !== 'generic').map((adapter) => adapter.id),
    );
  });

  test('every fixture folder belongs to an adapter', () => {
    for (const site of readdirSync(FIXTURES_DIR)) {
      expect(ADAPTERS.map((adapter) => adapter.id)).toContain(site);
    }
  });
});
