// @vitest-environment happy-dom
import { expect, test, vi } from 'vitest';
import { createScanner } from '../../src/content/scanner';
import { linkedin } from '../../src/content/sites/linkedin';
import type { CandidateReport } from '../../src/platform/messaging';

function setup() {
  const location = { href: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/' };
  const reports: CandidateReport[] = [];
  let enabled = true;
  const scanner = createScanner({
    adapter: linkedin,
    doc: document,
    location,
    isEnabled: () => enabled,
    onChange: (report) => reports.push(report),
  });
  return {
    scanner,
    location,
    reports,
    keys: () => reports.map((report) => report.candidates.map((candidate) => candidate.key)),
    disable: () => {
      enabled = false;
    },
  };
}

test('reports only when the candidate set changes, and an empty set to clear the tab', () => {
  const { scanner, location, keys, reports } = setup();
  scanner.scan();
  scanner.scan();
  location.href = 'https://www.linkedin.com/in/jane-doe-4a1b2c3/details/experience/';
  scanner.scan();
  expect(keys()).toEqual([['linkedin:jane-doe-4a1b2c3']]);

  location.href = 'https://www.linkedin.com/in/omar-haddad/';
  scanner.scan();
  location.href = 'https://www.linkedin.com/feed/';
  scanner.scan();
  scanner.scan();
  expect(keys()).toEqual([['linkedin:jane-doe-4a1b2c3'], ['linkedin:omar-haddad'], []]);
  expect(reports[2]).toMatchObject({ site: 'linkedin', url: 'https://www.linkedin.com/feed/' });
});

test('the first scan reports even when empty, so a fresh page clears what the tab showed', () => {
  const { scanner, location, keys } = setup();
  location.href = 'https://www.linkedin.com/feed/';
  scanner.scan();
  expect(keys()).toEqual([[]]);
});

test('a site turned off reports nothing; forget() resends after a lost report', () => {
  const { scanner, keys, disable } = setup();
  scanner.scan();
  scanner.forget();
  scanner.scan();
  disable();
  scanner.scan();
  expect(keys()).toEqual([['linkedin:jane-doe-4a1b2c3'], ['linkedin:jane-doe-4a1b2c3'], []]);
});

test('an adapter that throws on unexpected markup yields no candidates, not stale ones', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const reports: CandidateReport[] = [];
  let broken = false;
  const scanner = createScanner({
    adapter: {
      ...linkedin,
      extract: (doc, url) => {
        if (broken) throw new Error('markup changed');
        return linkedin.extract(doc, url);
      },
    },
    doc: document,
    location: { href: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/' },
    isEnabled: () => true,
    onChange: (report) => reports.push(report),
  });
  scanner.scan();
  broken = true;
  scanner.scan();
  expect(reports.map((report) => report.candidates.length)).toEqual([1, 0]);
  expect(warn).toHaveBeenCalledOnce();
  warn.mockRestore();
});
