import type { CandidateReport } from '../platform/messaging';
import { candidateSignature } from './candidates';
import type { SiteAdapter } from './sites/types';

export interface ScannerOptions {
  adapter: SiteAdapter;
  doc: Document;
  location: { readonly href: string };
  isEnabled(): boolean;
  /** called with the page's candidates whenever they differ from the last ones reported */
  onChange(report: CandidateReport): void;
}

export interface Scanner {
  /** extracts now; calls onChange when the candidate set changed since the last report */
  scan(): void;
  /** the last report did not arrive: send the next scan's candidates even if unchanged */
  forget(): void;
}

export function createScanner({
  adapter,
  doc,
  location,
  isEnabled,
  onChange,
}: ScannerOptions): Scanner {
  // null: nothing reported yet, so the first scan always reports, clearing whatever the tab
  // showed before this page loaded.
  let reported: string | null = null;
  return {
    scan() {
      const url = new URL(location.href);
      let candidates: CandidateReport['candidates'] = [];
      if (isEnabled()) {
        try {
          candidates = adapter.extract(doc, url);
        } catch (error) {
          // Markup the adapter did not expect: show nothing rather than a stale customer.
          console.warn('touchbase: extraction failed', error);
        }
      }
      const signature = candidateSignature(candidates);
      if (signature === reported) return;
      reported = signature;
      onChange({ site: adapter.id, url: url.href, candidates });
    },
    forget() {
      reported = null;
    },
  };
}
