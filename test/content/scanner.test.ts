// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, test, vi } from 'vitest';
import type { PageChanges } from '../../src/content/page-watcher';
import { createScanner, readMentions, type ScannerOptions } from '../../src/content/scanner';
import { linkedin } from '../../src/content/sites/linkedin';
import type { SiteAdapter } from '../../src/content/sites/types';
import {
  type Candidate,
  type CandidateReport,
  MAX_MENTION_TEXT,
} from '../../src/platform/messaging';

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
  expect(reports).toHaveLength(1);
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

describe('mention text', () => {
  /** A site whose posts are `article p`; the URL names nobody, so candidates stay empty. */
  const forum = (id = 'forum'): SiteAdapter => ({
    id,
    exampleUrls: [],
    runsOn: () => true,
    detect: () => true,
    extract: () => [],
    mentionSelector: 'article p, .comment',
  });

  function scannerFor(adapter: SiteAdapter, options: Partial<ScannerOptions> = {}) {
    const reports: CandidateReport[] = [];
    const scanner = createScanner({
      adapter,
      doc: document,
      location: { href: 'https://forum.example/t/1' },
      isEnabled: () => true,
      onChange: (report) => reports.push(report),
      ...options,
    });
    return { scanner, reports, texts: () => reports.map((report) => report.mentionText) };
  }

  beforeEach(() => {
    document.body.innerHTML = `
      <nav><p>Acme Robotics ad</p></nav>
      <article><p>Met Jane Doe</p><p>at <b>Acme</b> HQ<span class="comment"> nested</span></p></article>
      <div class="comment">Omar Haddad agrees</div>`;
  });

  it('collects the text of the mention elements, each once, and nothing else', () => {
    const { elements, text } = readMentions(document, 'article p, .comment');
    expect(text).toBe('Met Jane Doe\nat Acme HQ nested\nOmar Haddad agrees\n');
    // The nested comment is part of its paragraph's text.
    expect(elements).toEqual([
      ...document.querySelectorAll('article p'),
      document.querySelector('div.comment'),
    ]);
    expect(readMentions(document, 'article p').text).not.toContain('ad');
  });

  it('sends the text with the first report, then only when it changed', () => {
    const { scanner, reports, texts } = scannerFor(forum());
    scanner.scan();
    scanner.scan();
    expect(texts()).toEqual(['Met Jane Doe\nat Acme HQ nested\nOmar Haddad agrees\n']);

    (document.querySelector('.comment:last-child') as HTMLElement).textContent = 'Zoë replied';
    scanner.scan();
    expect(texts()[1]).toContain('Zoë replied');

    // The posts went away: empty text, once, so the worker forgets the names it found.
    document.body.innerHTML = '<main></main>';
    scanner.scan();
    scanner.scan();
    expect(reports).toHaveLength(3);
    expect(texts()[2]).toBe('');
  });

  it('reports a candidate change without resending unchanged text', () => {
    let candidates: Candidate[] = [];
    const { scanner, reports } = scannerFor({ ...forum(), extract: () => candidates });
    scanner.scan();
    candidates = [{ key: 'x:janedoe', strength: 'strong' }];
    scanner.scan();
    expect(reports).toHaveLength(2);
    expect(reports[1]).not.toHaveProperty('mentionText');
    expect(reports[1]?.candidates).toEqual(candidates);
  });

  it('resends the text after a lost report', () => {
    const { scanner, texts } = scannerFor(forum());
    scanner.scan();
    scanner.forget();
    scanner.scan();
    expect(texts()).toHaveLength(2);
    expect(texts()[1]).toBe(texts()[0]);
  });

  it('caps the text at MAX_MENTION_TEXT without cutting a word in half', () => {
    document.body.innerHTML = `<article><p>${'Acme Robotics '.repeat(MAX_MENTION_TEXT / 10)}</p><p>Zoë</p></article>`;
    const { elements, text } = readMentions(document, 'article p');
    // The paragraph past the cut is not read: its text changing changes nothing.
    expect(elements).toEqual([document.querySelector('article p')]);
    expect(text.length).toBeLessThanOrEqual(MAX_MENTION_TEXT);
    expect(text.length).toBeGreaterThan(MAX_MENTION_TEXT - 20);
    expect(text.trimEnd().split(' ').at(-1)).toMatch(/^(Acme|Robotics)$/);
  });

  it('sends no text for a site without mention elements, a switched-off site or the generic adapter by default', () => {
    const none = scannerFor({ ...forum(), mentionSelector: '' });
    none.scanner.scan();
    expect(none.texts()).toEqual(['']);

    let enabled = true;
    const off = scannerFor(forum(), { isEnabled: () => enabled });
    off.scanner.scan();
    enabled = false;
    off.scanner.scan();
    expect(off.texts().map((text) => (text ?? '').length > 0)).toEqual([true, false]);

    let genericMentions = false;
    const generic = scannerFor(forum('generic'), { genericMentions: () => genericMentions });
    generic.scanner.scan();
    genericMentions = true;
    generic.scanner.scan();
    genericMentions = false;
    generic.scanner.scan();
    expect(generic.texts().map((text) => text?.includes('Jane Doe'))).toEqual([false, true, false]);
  });
});

describe('composing', () => {
  function scannerWriting(composingTo?: SiteAdapter['composingTo']) {
    const reports: CandidateReport[] = [];
    let enabled = true;
    const scanner = createScanner({
      adapter: { ...linkedin, composingTo },
      doc: document,
      location: { href: 'https://www.linkedin.com/in/jane-doe-4a1b2c3/' },
      isEnabled: () => enabled,
      onChange: (report) => reports.push(report),
    });
    return {
      scanner,
      reports,
      composing: () => reports.map((report) => report.composing),
      disable: () => {
        enabled = false;
      },
    };
  }

  test('sent with the first report, then only when it changes, as sorted unique keys', () => {
    let writingTo: string[] = [];
    const { scanner, reports, composing } = scannerWriting(() => writingTo);
    scanner.scan();
    writingTo = ['linkedin:omar', 'linkedin:jane-doe-4a1b2c3', 'linkedin:omar'];
    scanner.scan();
    scanner.scan();
    writingTo = [];
    scanner.scan();
    expect(composing()).toEqual([[], ['linkedin:jane-doe-4a1b2c3', 'linkedin:omar'], []]);
    // A change of composing alone reports the same candidates again, without the text.
    expect(reports[1]?.candidates).toEqual(reports[0]?.candidates);
    expect(reports[1]).not.toHaveProperty('mentionText');
  });

  test('a change of candidates alone leaves composing out; forget() sends it again', () => {
    const { scanner, reports, composing } = scannerWriting(() => ['linkedin:omar']);
    scanner.scan();
    document.body.innerHTML = '<main><h1>Jane Doe</h1></main>'; // adds a weak name candidate
    scanner.scan();
    scanner.forget();
    scanner.scan();
    expect(reports).toHaveLength(3);
    expect(composing()).toEqual([['linkedin:omar'], undefined, ['linkedin:omar']]);
  });

  test('a switched-off site, or an adapter that throws, writes to nobody', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let broken = false;
    const { scanner, composing, disable } = scannerWriting(() => {
      if (broken) throw new Error('markup changed');
      return ['linkedin:omar'];
    });
    scanner.scan();
    broken = true;
    scanner.scan();
    broken = false;
    scanner.scan();
    disable();
    scanner.scan();
    expect(composing()).toEqual([['linkedin:omar'], [], ['linkedin:omar'], []]);
    warn.mockRestore();
  });

  test('an adapter that does not detect writing never sends it', () => {
    const { scanner, reports } = scannerWriting(undefined);
    scanner.scan();
    expect(reports[0]).not.toHaveProperty('composing');
  });
});

describe('reading only what changed', () => {
  const JANE: Candidate = { key: 'email:jane@acme.com', strength: 'strong', role: 'from' };
  const OMAR: Candidate = { key: 'email:omar@acme.com', strength: 'strong', role: 'from' };

  /** A mail list whose adapter can read inserted rows on their own. */
  function listScanner(extractInserted: SiteAdapter['extractInserted']) {
    const calls = { extract: 0, composingTo: 0, textElements: 0 };
    const reports: CandidateReport[] = [];
    const location = { href: 'https://mail.example/#inbox' };
    const adapter: SiteAdapter = {
      id: 'mail',
      exampleUrls: [],
      runsOn: () => true,
      detect: () => true,
      mentionSelector: 'article',
      extract: () => {
        calls.extract++;
        return [JANE];
      },
      composingTo: () => {
        calls.composingTo++;
        return ['email:omar@acme.com'];
      },
      textElements: (doc) => {
        calls.textElements++;
        return [...doc.querySelectorAll('h1')];
      },
      extractInserted,
    };
    const scanner = createScanner({
      adapter,
      doc: document,
      location,
      isEnabled: () => true,
      onChange: (report) => reports.push(report),
    });
    return { scanner, calls, reports, location };
  }

  const inserted = (): PageChanges => {
    const row = document.createElement('li');
    document.body.append(row);
    // The watcher hands over MutationRecords; their contents are the adapter's business.
    return { full: false, insertions: [{ target: document.body } as unknown as MutationRecord] };
  };

  beforeEach(() => {
    document.body.innerHTML = '<h1>Inbox</h1><article>Met Jane Doe</article><p>footer</p>';
  });

  test("insertions the adapter can read go to extractInserted alone, with the last scan's candidates", () => {
    const hook = vi.fn(
      (
        _doc: Document,
        _url: URL,
        previous: Candidate[],
        _insertions: readonly MutationRecord[],
      ) => [...previous, OMAR],
    );
    const { scanner, calls, reports } = listScanner(hook);
    scanner.scan();
    const changes = inserted();
    scanner.scan(changes);
    expect(hook).toHaveBeenCalledOnce();
    expect(hook.mock.calls[0]?.[2]).toEqual([JANE]);
    expect(hook.mock.calls[0]?.[3]).toBe(changes.insertions);
    expect(calls).toEqual({ extract: 1, composingTo: 1, textElements: 1 });
    // The new candidates are reported; the text and whom the user writes to did not change.
    expect(reports).toHaveLength(2);
    expect(reports[1]).toEqual({
      site: 'mail',
      url: 'https://mail.example/#inbox',
      candidates: [JANE, OMAR],
    });

    // The previous list itself back: nothing to report, nothing signed again.
    hook.mockImplementation((_doc, _url, previous) => previous);
    scanner.scan(inserted());
    expect(reports).toHaveLength(2);
    expect(hook.mock.calls[1]?.[2]).toEqual([JANE, OMAR]);
  });

  test('the page is read again as a whole when the adapter cannot tell, the URL changed or the watcher says so', () => {
    const hook = vi.fn((): Candidate[] | undefined => undefined);
    const { scanner, calls, location } = listScanner(hook);
    scanner.scan();
    scanner.scan(inserted());
    expect(calls.extract).toBe(2);

    hook.mockImplementation(() => [OMAR]);
    location.href = 'https://mail.example/#sent';
    scanner.scan(inserted());
    expect(calls.extract).toBe(3);
    scanner.scan({ full: true, insertions: [] });
    expect(calls.extract).toBe(4);
    expect(hook).toHaveBeenCalledOnce();
    scanner.scan(inserted());
    expect(hook).toHaveBeenCalledTimes(2);
  });

  test("text elements: the adapter's and the mention elements; none for a site switched off; any without the adapter's", () => {
    const { scanner } = listScanner(undefined);
    scanner.scan();
    expect(scanner.textElements()).toEqual([
      document.querySelector('h1'),
      document.querySelector('article'),
    ]);

    let enabled = true;
    const off = createScanner({
      adapter: linkedin,
      doc: document,
      location: { href: 'https://www.linkedin.com/feed/' },
      isEnabled: () => enabled,
      onChange: () => {},
    });
    off.scan();
    expect(off.textElements()).toBeNull();
    enabled = false;
    off.scan();
    expect(off.textElements()).toEqual([]);
  });
});
