import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

export interface Fixture {
  /** `<site>/<file>` */
  name: string;
  site: string;
  url: URL;
  html: string;
}

/** Every dated HTML fixture, with the real URL it records in its touchbase-fixture-url meta. */
export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const site of readdirSync(FIXTURES_DIR)) {
    for (const file of readdirSync(join(FIXTURES_DIR, site)).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(FIXTURES_DIR, site, file), 'utf8');
      const url = /<meta name="touchbase-fixture-url" content="([^"]+)"/.exec(html)?.[1];
      if (!url)
        throw new Error(`${site}/${file} does not record its URL in a touchbase-fixture-url meta`);
      fixtures.push({ name: `${site}/${file}`, site, url: new URL(url), html });
    }
  }
  return fixtures;
}

export function parseFixture(fixture: Fixture): Document {
  return new DOMParser().parseFromString(fixture.html, 'text/html');
}
