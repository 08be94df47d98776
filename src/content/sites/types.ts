import type { Candidate } from '../../platform/messaging';

/**
 * An example URL an adapter declares. `match`: a page it extracts customers from. `ignore`: a
 * page of its own site it runs on (to follow SPA navigation) but must not treat as a customer
 * page, e.g. linkedin.com/feed/. Every example is also checked against every other adapter.
 */
export interface ExampleUrl {
  url: string;
  expect: 'match' | 'ignore';
  /** the focus key the URL alone names (profile URLs), checked against extract() */
  focus?: string;
}

/**
 * One site. Pure functions over URL and DOM, so they run the same in the content script, in
 * unit tests against dated fixtures and in benches. Adapters read stable attributes and URLs,
 * never English UI text or hashed class names.
 */
export interface SiteAdapter {
  /** settings.sites key, kill-switch key and fixture folder name, e.g. 'gmail' */
  readonly id: string;
  readonly exampleUrls: readonly ExampleUrl[];
  /** whether the content script should watch pages on this host at all */
  runsOn(hostname: string): boolean;
  /** whether this URL is a page the adapter extracts candidates from */
  detect(url: URL): boolean;
  /** the candidates on the page, in order of relevance; [] when detect(url) is false */
  extract(doc: Document, url: URL): Candidate[];
  /**
   * CSS selector of the elements whose text may name customers: posts, comments, message
   * bodies (not navigation, ads or the user's own chrome). Their text is matched against the
   * cached customer names in the service worker ("mentioned on this page"); it never leaves the
   * browser. '' when the site has no such text.
   */
  readonly mentionSelector: string;
  /**
   * Identity keys of the people the user is writing to right now (an open compose window's
   * recipients, a non-empty reply box under a profile's post): the worker reports "composing"
   * for their customers. Only keys: what the user writes is never read beyond "is it empty".
   * Absent on sites where Touchbase does not detect writing.
   */
  composingTo?(doc: Document, url: URL): string[];
  /**
   * The elements whose text extract() and composingTo() read (a heading's name, a persona's
   * "Name<address>", whether an editor is empty). A DOM change that only edits text outside them
   * and outside the mentionSelector elements cannot change what they return, so it costs no
   * rescan. Absent: any text change may matter.
   */
  textElements?(doc: Document, url: URL): Element[];
  /**
   * For pages that grow by thousands of elements (a mail list filling up): what extract() returns
   * now that the elements of `insertions` were inserted into the page it returned `previous` for
   * (same URL; nothing it reads was removed, no text it reads changed) — `previous` itself when
   * they change nothing. Only when the adapter can tell from the insertions alone, and they
   * change nothing composingTo, textElements or the mention text read; otherwise undefined, and
   * the page is read again as a whole.
   */
  extractInserted?(
    doc: Document,
    url: URL,
    previous: Candidate[],
    insertions: readonly MutationRecord[],
  ): Candidate[] | undefined;
}
