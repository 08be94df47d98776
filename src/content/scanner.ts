import { type Candidate, type CandidateReport, MAX_MENTION_TEXT } from '../platform/messaging';
import { candidateSignature } from './candidates';
import type { PageChanges } from './page-watcher';
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
   * reads the page after `changes` (by default: everything), and calls onChange when the
   * candidates, the mention text or `composing` changed
   */
  scan(changes?: PageChanges): void;
  /** the last report did not arrive: send the next scan's candidates, text and composing again */
  forget(): void;
  /**
   * The elements whose text the last scan read (the adapter's `textElements` and the mention
   * elements): text changes elsewhere cannot change the next scan. null: any text may.
   */
  textElements(): readonly Element[] | null;
}

/** What a scan read of the page. */
interface PageRead {
  candidates: Candidate[];
  text: string;
  composing: string[];
}

const EVERYTHING: PageChanges = { full: true, insertions: [] };

/** Whom the user writes to, as sorted unique keys ([] where the adapter does not detect it). */
function composingKeys(adapter: SiteAdapter, doc: Document, url: URL): string[] {
  return adapter.composingTo ? [...new Set(adapter.composingTo(doc, url))].sort() : [];
}

/**
 * The elements `selector` picks, each once (an element inside one already taken is part of its
 * text), and their text, cut at MAX_MENTION_TEXT on a space so no word is cut in half (the
 * elements past the cut are left out). textContent, not innerText: it never lays out the page.
 */
export function readMentions(
  doc: Document,
  selector: string,
): { elements: Element[]; text: string } {
  const elements: Element[] = [];
  let text = '';
  let taken: Element | undefined;
  for (const element of doc.querySelectorAll(selector)) {
    if (taken?.contains(element)) continue;
    taken = element;
    elements.push(element);
    text += `${element.textContent ?? ''}\n`;
    if (text.length > MAX_MENTION_TEXT) {
      text = text.slice(0, MAX_MENTION_TEXT);
      text = text.slice(0, Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n')) + 1);
      break;
    }
  }
  return { elements, text };
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
  // The candidate list whose signature was computed last: an unchanged list is not signed again.
  let signed: { candidates: Candidate[]; signature: string } | undefined;
  // The text last sent, compared as a whole: V8 checks the length first, then the bytes, which
  // costs less than hashing it and can never collide.
  let sentText: string | null = null;
  // null: not sent yet, so the first report says whom this page writes to (a reloaded page may
  // replace one that was composing). Adapters that do not detect writing never send it.
  let sentComposing: string | null = null;
  // The last scan of this URL, when the site was on and the adapter read it without failing:
  // what insertions since then are read against.
  let last: (PageRead & { href: string }) | null = null;
  let textElements: readonly Element[] | null = null;
  const scansMentions = () =>
    adapter.mentionSelector !== '' && (adapter.id !== 'generic' || genericMentions());

  function readAll(url: URL): PageRead {
    const candidates = adapter.extract(doc, url);
    const mentions = scansMentions()
      ? readMentions(doc, adapter.mentionSelector)
      : { elements: [], text: '' };
    const composing = composingKeys(adapter, doc, url);
    const adapterText = adapter.textElements?.(doc, url);
    textElements = adapterText ? [...adapterText, ...mentions.elements] : null;
    return { candidates, text: mentions.text, composing };
  }

  function read(url: URL, changes: PageChanges): PageRead {
    if (!isEnabled()) {
      last = null;
      // A site switched off reads no text; switching it on asks for a full scan.
      textElements = [];
      return { candidates: [], text: '', composing: [] };
    }
    try {
      const previous = last?.href === url.href ? last : null;
      const inserted =
        previous && !changes.full
          ? adapter.extractInserted?.(doc, url, previous.candidates, changes.insertions)
          : undefined;
      const page =
        previous && inserted
          ? { candidates: inserted, text: previous.text, composing: previous.composing }
          : readAll(url);
      last = { ...page, href: url.href };
      return page;
    } catch (error) {
      // Markup the adapter did not expect: show nothing rather than a stale customer.
      console.warn('touchbase: extraction failed', error);
      last = null;
      textElements = null;
      return { candidates: [], text: '', composing: [] };
    }
  }

  return {
    scan(changes = EVERYTHING) {
      const url = new URL(location.href);
      const { candidates, text, composing } = read(url, changes);
      const signature =
        signed?.candidates === candidates ? signed.signature : candidateSignature(candidates);
      signed = { candidates, signature };
      const composingSignature = adapter.composingTo ? composing.join('\n') : sentComposing;
      if (signature === reported && text === sentText && composingSignature === sentComposing)
        return;
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
    },
    forget() {
      reported = null;
      sentText = null;
      sentComposing = null;
    },
    textElements: () => textElements,
  };
}
