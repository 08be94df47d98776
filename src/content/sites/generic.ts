import { emailKeys } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Generic: any site the user enabled from the popup ("Enable Touchbase on this site"). It knows
 * nothing of the site's markup, so it reads only what means the same on every site: `mailto:`
 * links and e-mail addresses written in the page's text. Hosts a site adapter handles are not
 * generic's: there it neither runs nor extracts.
 */

/**
 * The most a scan reads: the page is rescanned after every burst of mutations, and a huge
 * enabled page (a CRM list, a long archive) must not cost a long task. Page order, so what is
 * cut off is the bottom of the page.
 */
export const SCAN_LIMITS = { nodes: 5_000, textChars: 200_000 };

/**
 * Subtrees that are not the page's readable text: code, styles, templates, form controls, and
 * SVG icons (many nodes, no addresses). Editable regions are skipped too (`skipped`): what the
 * user is typing, e.g. a draft, is not the page and changes with every keystroke.
 */
const SKIPPED_ELEMENTS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'select',
  'input',
  'svg',
]);

/**
 * An address as written in text: a local part, `@`, dot-separated labels and a letters-only
 * top-level domain. Obfuscations ("jane [at] acme [dot] com") are deliberately not read.
 */
const EMAIL_IN_TEXT =
  /[a-z0-9][a-z0-9._%+-]*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?![a-z0-9-])/gi;

/** `logo@2x.png`, `icons@3x.svg`: file names with a pixel-density suffix, not addresses. */
const FILE_NAME = /\.(?:png|jpe?g|gif|webp|avif|svg|ico|css|js|json)$/i;

function addressesIn(text: string): string[] {
  return (text.match(EMAIL_IN_TEXT) ?? []).filter((address) => !FILE_NAME.test(address));
}

/** Pages extensions may not script (the browsers' add-on stores): never offered, never read. */
const BARRED_PAGES = [
  /^https:\/\/chromewebstore\.google\.com\//,
  /^https:\/\/chrome\.google\.com\/webstore(?:\/|$)/,
  /^https:\/\/microsoftedge\.microsoft\.com\/addons(?:\/|$)/,
  /^https:\/\/addons\.mozilla\.org\//,
];

export function barredForExtensions(url: URL): boolean {
  return BARRED_PAGES.some((page) => page.test(url.href));
}

/**
 * Whether a site adapter handles the host. `sites/index.ts` provides it: it imports this file
 * for its list of adapters, so this file cannot import that list.
 */
let handledElsewhere: (hostname: string) => boolean = () => false;

export function deferToSiteAdapters(isHandled: (hostname: string) => boolean): void {
  handledElsewhere = isHandled;
}

function readable(url: URL): boolean {
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !barredForExtensions(url) &&
    !handledElsewhere(url.hostname)
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The addresses of a `mailto:` link (RFC 6068): the comma-separated recipients before `?`, and
 * the `to`, `cc` and `bcc` header fields after it. `+` is a literal there (not a space), so the
 * query is split by hand rather than with URLSearchParams.
 */
function mailtoAddresses(href: string): string[] {
  const target = href.replace(/^mailto:/i, '');
  const query = target.indexOf('?');
  const fields = [query === -1 ? target : target.slice(0, query)];
  if (query !== -1) {
    for (const pair of target.slice(query + 1).split('&')) {
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).toLowerCase();
      if (equals > 0 && (name === 'to' || name === 'cc' || name === 'bcc'))
        fields.push(pair.slice(equals + 1));
    }
  }
  // Recipients may be written "Jane Doe <jane@acme.com>", so the addresses are read out of them.
  return fields.flatMap((field) => addressesIn(safeDecode(field)));
}

/** Whether an element's subtree is not the page's readable content (see SKIPPED_ELEMENTS). */
function skipped(element: Element): boolean {
  const editable = element.getAttribute('contenteditable');
  return (
    SKIPPED_ELEMENTS.has(element.localName) ||
    (editable !== null && editable.toLowerCase() !== 'false')
  );
}

/** Every address in the body, in page order, within SCAN_LIMITS. */
function pageAddresses(doc: Document): string[] {
  // The body only: our sidebar host hangs off <html>, outside it (and behind a closed shadow root).
  if (!doc.body) return [];
  const found: string[] = [];
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.nodeType === Node.ELEMENT_NODE && skipped(node as Element)
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  let nodes = 0;
  let chars = 0;
  for (let node = walker.nextNode(); node && nodes < SCAN_LIMITS.nodes; node = walker.nextNode()) {
    nodes++;
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.nodeValue ?? '';
      chars += text.length;
      if (chars > SCAN_LIMITS.textChars) break;
      if (text.includes('@')) found.push(...addressesIn(text));
    } else if ((node as Element).localName === 'a') {
      const href = (node as Element).getAttribute('href')?.trim() ?? '';
      if (/^mailto:/i.test(href)) found.push(...mailtoAddresses(href));
    }
  }
  return found;
}

export const generic: SiteAdapter = {
  id: 'generic',
  exampleUrls: [
    { url: 'https://www.example-customer.test/contact', expect: 'match' },
    { url: 'https://www.example-customer.test/about/team?lang=en#leadership', expect: 'match' },
    { url: 'http://crm.intranet.example-customer.test:8080/accounts/42', expect: 'match' },
    {
      url: 'https://chromewebstore.google.com/detail/touchbase/abcdefghijklmnopabcdefghijklmnop',
      expect: 'ignore',
    },
    { url: 'https://addons.mozilla.org/en-US/firefox/addon/touchbase/', expect: 'ignore' },
  ],
  runsOn: (hostname) => !handledElsewhere(hostname),
  // The whole page: nothing generic says which part is posts or messages. Name matching on
  // generic sites is off unless the user turns on settings.genericMentions.
  mentionSelector: 'body',
  detect: readable,
  extract(doc, url) {
    if (!readable(url)) return [];
    const found = pageAddresses(doc)
      .map((address) => emailKeys(address).map((key) => `email:${key.value}`))
      .filter((keys) => keys.length > 0);
    // `jane+news@acme.com` also yields `jane@acme.com`: one person, counted by the untagged key.
    const people = new Set(found.map((keys) => keys[keys.length - 1]));
    // A page naming exactly one address is about that contact (a person's page, a CRM record,
    // a company's only contact address); with several, the page cannot say who it is about.
    const focus = people.size === 1;
    const candidates: Candidate[] = found
      .flat()
      .map((key) => (focus ? { key, strength: 'strong', focus } : { key, strength: 'strong' }));
    return mergeCandidates(candidates);
  },
};
