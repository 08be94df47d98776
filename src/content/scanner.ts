import { type CandidateReport, MAX_MENTION_TEXT } from '../platform/messaging';
import { candidateSignature } from './candidates';
import type { SiteAdapter } from './sites/types';

export interface ScannerOptions {
  adapter: SiteAdapter;
  doc: Document;
  location: { readonly href: string };
  isEnabled(): boolean;
  /** settings.genericMentions: whether pages of the generic adapter send their text (default no) */
  genericMentions?(): boolean;
  /** called with the page's candidates whenever they or the mention text changed */
  onChange(report: CandidateReport): void;
}

export interface Scanner {
  /** extracts now; calls onChange when the candidate set or the mention text changed */
  scan(): void;
  /** the last report did not arrive: send the next scan's candidates and text even if unchanged */
  forget(): void;
}

/**
 * The text of the elements `selector` picks, each once (an element inside one already taken is
 * part of its text), cut at MAX_MENTION_TEXT on a space so no word is cut in half. textContent,
 * not innerText: it never lays out the page.
 */
export function mentionText(doc: Document, selector: string): string {
  let text = '';
  let taken: Element | undefined;
  for (const element of doc.querySelectorAll(selector)) {
    if (taken?.contains(element)) continue;
    taken = element;
    text += `${element.textContent ?? ''}\n`;
    if (text.length > MAX_MENTION_TEXT) {
      text = text.slice(0, MAX_MENTION_TEXT);
      return text.slice(0, Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n')) + 1);
    }
  }
  return text;
}

export function createScanner({
  adapter,
  doc,
  location,
  isEnabled,
  genericMentions = () => false,
  onChange,
}: ScannerOptions): Scanner {
  // null: nothing reported yet, so the first scan always reports, clearing whatever the tab
  // showed before this page loaded.
  let reported: string | null = null;
  // The text last sent, compared as a whole: V8 checks the length first, then the bytes, which
  // costs less than hashing it and can never collide.
  let sentText: string | null = null;
  const scansMentions = () =>
    adapter.mentionSelector !== '' && (adapter.id !== 'generic' || genericMentions());
  return {
    scan() {
      const url = new URL(location.href);
      let candidates: CandidateReport['candidates'] = [];
      let text = '';
      if (isEnabled()) {
        try {
          candidates = adapter.extract(doc, url);
          if (scansMentions()) text = mentionText(doc, adapter.mentionSelector);
        } catch (error) {
          // Markup the adapter did not expect: show nothing rather than a stale customer.
          candidates = [];
          console.warn('touchbase: extraction failed', error);
        }
      }
      const signature = candidateSignature(candidates);
      if (signature === reported && text === sentText) return;
      reported = signature;
      const report: CandidateReport = { site: adapter.id, url: url.href, candidates };
      // Unchanged text stays behind: the worker keeps what it found in it.
      if (text !== sentText) {
        report.mentionText = text;
        sentText = text;
      }
      onChange(report);
    },
    forget() {
      reported = null;
      sentText = null;
    },
  };
}
