// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { siteAdapterFor } from '../../../src/content/sites';
import { generic, SCAN_LIMITS } from '../../../src/content/sites/generic';

const PAGE = new URL('https://www.example-customer.test/contact');

function page(body: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><body>${body}</body>`, 'text/html');
}

const keys = (doc: Document, url = PAGE) =>
  generic.extract(doc, url).map((candidate) => candidate.key);

describe('mailto links', () => {
  test.each([
    ['several recipients', 'mailto:a@acme.example,b@acme.example', ['a', 'b']],
    [
      'cc, bcc and to fields',
      'mailto:a@acme.example?CC=b@acme.example&bcc=c@acme.example',
      ['a', 'b', 'c'],
    ],
    ['only a to field', 'mailto:?to=a@acme.example&subject=Hi', ['a']],
    ['percent-encoding', 'mailto:a%40acme.example', ['a']],
    ['a display name', 'mailto:Jane%20Doe%20%3Ca@acme.example%3E', ['a']],
    ['an upper-case scheme', 'MAILTO:a@acme.example', ['a']],
    [
      'a subject or body naming someone else',
      'mailto:a@acme.example?subject=b@acme.example&body=c@acme.example',
      ['a'],
    ],
    ['no address at all', 'mailto:?subject=Hello', []],
  ])('%s', (_, href, locals) => {
    const doc = page(`<a href="${href.replaceAll('&', '&amp;')}">write to us</a>`);
    expect(keys(doc)).toEqual(locals.map((local) => `email:${local}@acme.example`));
  });

  test('`+` is part of the address, and the untagged address comes with it', () => {
    const doc = page('<a href="mailto:x@acme.example?cc=jane+news@acme.example">Mail</a>');
    expect(keys(doc)).toEqual([
      'email:x@acme.example',
      'email:jane+news@acme.example',
      'email:jane@acme.example',
    ]);
  });
});

describe('addresses in the text', () => {
  test('read in page order, each once, lower-cased, without the sentence punctuation', () => {
    const doc = page(
      '<p>Sales: Sales@Acme.example.</p><p>Press (press@acme.example), or sales@acme.example again</p>',
    );
    expect(keys(doc)).toEqual(['email:sales@acme.example', 'email:press@acme.example']);
  });

  test.each([
    'jane [at] acme [dot] example',
    'jane(at)acme.example',
    'jane at acme dot example',
    'jane @ acme.example',
    'jane@acme',
  ])('an obfuscated address is not read: %s', (text) => {
    expect(keys(page(`<p>${text}</p>`))).toEqual([]);
  });

  test('file names, package versions and handles are not addresses', () => {
    const doc = page(
      '<p>logo@2x.png, hero@3x.webp, npm i @acme/sdk@2.4.1, ping @jane on chat, user@localhost</p>',
    );
    expect(keys(doc)).toEqual([]);
  });

  test('scripts, styles, templates, form fields and editable regions are not read', () => {
    const doc = page(`
      <script>var owner = "script@acme.example";</script>
      <script type="application/ld+json">{"email":"jsonld@acme.example"}</script>
      <style>a[href="mailto:style@acme.example"]{color:red}</style>
      <template><a href="mailto:template@acme.example">t</a></template>
      <noscript>noscript@acme.example</noscript>
      <input type="email" value="input@acme.example" placeholder="you@acme.example">
      <textarea>textarea@acme.example</textarea>
      <select><option>option@acme.example</option></select>
      <div contenteditable="true"><p>draft@acme.example</p><a href="mailto:draft-link@acme.example">x</a></div>
      <div contenteditable="plaintext-only">plain@acme.example</div>
      <div contenteditable="false">shown@acme.example</div>
      <svg><text>svg@acme.example</text></svg>
      <p>visible@acme.example</p>`);
    expect(keys(doc)).toEqual(['email:shown@acme.example', 'email:visible@acme.example']);
  });

  test("only the body: our sidebar host on <html> and the page's head are not read", () => {
    const doc = page('<p>body@acme.example</p>');
    doc.title = 'title@acme.example';
    const host = doc.createElement('x-touchbase-host');
    host.textContent = 'host@acme.example';
    doc.documentElement.append(host);
    expect(keys(doc)).toEqual(['email:body@acme.example']);
  });
});

describe('the work per scan is capped', () => {
  test(`at ${SCAN_LIMITS.nodes} nodes: an address after them is not read`, () => {
    const filler = '<span>filler</span>'.repeat(SCAN_LIMITS.nodes);
    expect(keys(page(`<p>first@acme.example</p>${filler}<p>late@acme.example</p>`))).toEqual([
      'email:first@acme.example',
    ]);
  });

  test(`at ${SCAN_LIMITS.textChars} characters of text`, () => {
    const long = 'x'.repeat(SCAN_LIMITS.textChars);
    expect(keys(page(`<p>first@acme.example</p><p>${long}</p><p>late@acme.example</p>`))).toEqual([
      'email:first@acme.example',
    ]);
  });

  test('a page full of addresses yields at most one per text node read', () => {
    const many = Array.from({ length: SCAN_LIMITS.nodes }, (_, i) => `<p>p${i}@acme.example</p>`);
    const found = keys(page(many.join('')));
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(SCAN_LIMITS.nodes / 2);
  });
});

describe('focus', () => {
  test('a page naming exactly one person is about them (tagged or not)', () => {
    const doc = page('<p>jane@acme.example</p><a href="mailto:jane+deals@acme.example">Jane</a>');
    expect(generic.extract(doc, PAGE)).toEqual([
      { key: 'email:jane@acme.example', strength: 'strong', focus: true },
      { key: 'email:jane+deals@acme.example', strength: 'strong', focus: true },
    ]);
  });

  test('with two people nobody is the focus', () => {
    const doc = page('<p>jane@acme.example, omar@globex.example</p>');
    expect(generic.extract(doc, PAGE).some((candidate) => candidate.focus)).toBe(false);
  });
});

describe('where generic reads', () => {
  const doc = page('<a href="mailto:jane@acme.example">Jane</a>');

  test.each([
    'https://www.example-customer.test/',
    'http://intranet.example-customer.test:8080/crm/accounts/42',
  ])('any enabled web page: %s', (url) => {
    expect(generic.detect(new URL(url))).toBe(true);
    expect(keys(doc, new URL(url))).toEqual(['email:jane@acme.example']);
  });

  test.each([
    'file:///home/sam/contacts.html',
    'https://chromewebstore.google.com/detail/touchbase/abcdefghijklmnopabcdefghijklmnop',
    'https://chrome.google.com/webstore/detail/abcdefghijklmnopabcdefghijklmnop',
    'https://microsoftedge.microsoft.com/addons/detail/touchbase/abc',
    'https://addons.mozilla.org/en-US/firefox/addon/touchbase/',
  ])('not a page extensions may read: %s', (url) => {
    expect(generic.detect(new URL(url))).toBe(false);
    expect(keys(doc, new URL(url))).toEqual([]);
  });

  test("not a site adapter's host, even with mailto links on the page", () => {
    const gmail = new URL('https://mail.google.com/mail/u/0/#inbox');
    expect(siteAdapterFor(gmail.hostname)?.id).toBe('gmail');
    expect(generic.runsOn(gmail.hostname)).toBe(false);
    expect(keys(doc, gmail)).toEqual([]);
  });

  test('mentions may be anywhere in the page (matched only when the user turned them on)', () => {
    expect(generic.mentionSelector).toBe('body');
  });
});
