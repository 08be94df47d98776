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
  /** called with the page's candidates whenever they, the mention text or `composing` changed */
  onChange(report: CandidateReport): void;
}

export interface Scanner {
  /**
   * extracts now; calls onChange when the candidates, the mention text or `composing` changed,
   * and returns whether it did
   */
  scan(): boolean;
  /** the last report did not arrive: send the next scan's candidates, text and composing again */
  forget(): void;
}

/** Whom the user writes to, as sorted unique keys ([] where the adapter does not detect it). */
function composingKeys(adapter: SiteAdapter, doc: Document, url: URL): string[] {
  return adapter.composingTo ? [...new Set(adapter.composingTo(doc, url))].sort() : [];
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
  // null: not sent yet, so the first report says whom this page writes to (a reloaded page may
  // replace one that was composing). Adapters that do not detect writing never send it.
  let sentComposing: string | null = null;
  const scansMentions = () =>
    adapter.mentionSelector !== '' && (adapter.id !== 'generic' || genericMentions());
  return {
    scan() {
      const url = new URL(location.href);
      let candidates: CandidateReport['candidates'] = [];
      let text = '';
      let composing: string[] = [];
      if (isEnabled()) {
        try {
          candidates = adapter.extract(doc, url);
          if (scansMentions()) text = mentionText(doc, adapter.mentionSelector);
          composing = composingKeys(adapter, doc, url);
        } catch (error) {
          // Markup the adapter did not expect: show nothing rather than a stale customer.
          candidates = [];
          composing = [];
          console.warn('touchbase: extraction failed', error);
        }
      }
      const signature = candidateSignature(candidates);
      const composingSignature = adapter.composingTo ? composing.join('\n') : sentComposing;
      if (signature === reported && text === sentText && composingSignature === sentComposing)
        return false;
      reported = signature;
      const report: CandidateReport = { site: adapter.id, url: url.href, candidates };
      // Unchanged text stays behind: the worker keeps what it found in it.
      if (text !== sentText) {
        report.mentionText = text;
        sentText = text;
      }
      if (composingSignature !== sentComposing) {
        report.composing = composing;
        sentComposing = composingSignature;
      }
      onChange(report);
      return true;
    },
    forget() {
      reported = null;
      sentText = null;
      sentComposing = null;
    },
  };
}
