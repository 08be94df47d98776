/**
 * Typed messages between the content script, the service worker and the extension pages
 * (@webext-core/messaging: ~1 KB, uses the `chrome` global, so the content script can carry it).
 * Customer data flows only between extension contexts: the content script sends candidates and
 * never receives names, colleagues or engagements back.
 */
import { defineExtensionMessaging } from '@webext-core/messaging';

/** One thing a site adapter found on the page. */
export interface Candidate {
  /** identity key `kind:value`, e.g. `email:jane@acme.com`, `linkedin:jane-doe`, `name:jane doe` */
  key: string;
  /** `strong` for an exact identity (email, handle, profile URL); `weak` for a bare name */
  strength: 'strong' | 'weak';
  /** the customer the page is about: the open profile, the open email's sender */
  focus?: boolean;
  /** the role the adapter saw, e.g. 'from', 'to', 'cc', 'profile', 'author' */
  role?: string;
}

export interface CandidateReport {
  /** adapter id, e.g. 'gmail', 'linkedin' */
  site: string;
  url: string;
  candidates: Candidate[];
  /**
   * The text of the adapter's mention elements (posts, comments, message bodies), at most
   * MAX_MENTION_TEXT characters, matched against customer names in the worker and never stored.
   * Sent only when it changed since the tab's last report: absent means unchanged.
   */
  mentionText?: string;
  /**
   * Identity keys of the people the user is writing to on the page (an open compose window's
   * recipients, a reply box under a profile's post), never what they write. Sent only when it
   * changed since the tab's last report: absent means unchanged, [] means they stopped.
   */
  composing?: string[];
}

/** Mention text the content script collects and the worker reads, at most (UTF-16 units). */
export const MAX_MENTION_TEXT = 200_000;

/**
 * Candidates of one report the worker reads, at most: more than any real page shows, so a runaway
 * adapter cannot stall the worker, and where an adapter may stop looking.
 */
export const MAX_CANDIDATES = 500;

/**
 * How often the content script sends `stillComposing` while the user writes: PRESENCE.heartbeatMs
 * of src/protocol, which the content script cannot import (zod).
 */
export const COMPOSING_HEARTBEAT_MS = 10_000;

/** A customer the resolver matched on a tab. */
export interface TabMatch {
  customerId: string;
  /** the identity keys that matched, strongest first (a mention: its `name:` key) */
  keys: string[];
  /** `mentioned`: only named in the page's text, weaker than any identity, listed last */
  evidence: 'exact' | 'possible' | 'mentioned';
  focus: boolean;
  /** how the page's text named the customer (evidence `mentioned` only) */
  mention?: MentionEvidence;
}

export interface MentionEvidence {
  /** the customer's name as the directory writes it, e.g. "Acme Robotics" */
  phrase: string;
  /** occurrences in the page's text */
  count: number;
  /** customers owning this name; more than 1: the text cannot tell which one it means */
  sharedBy: number;
}

/**
 * What a tab shows. Kept by the service worker in `storage.session` under `tab:<id>` (trusted
 * contexts only, survives a worker restart); the sidebar and popup read and watch it there.
 */
export interface TabState {
  tabId: number;
  site: string;
  url: string;
  matches: TabMatch[];
  /** strong candidates that match no cached customer ("not in Touchbase yet") */
  unmatched: Candidate[];
  updatedAt: string;
}

export const tabStateKey = (tabId: number) => `tab:${tabId}`;

/** The tab's matches as the sidebar lists them: the page's focus first. */
export function orderedMatches(state: TabState | null): TabMatch[] {
  const matches = state?.matches ?? [];
  return [...matches.filter((m) => m.focus), ...matches.filter((m) => !m.focus)];
}

export type ConnectResult =
  | { ok: true; colleagueName: string }
  | {
      ok: false;
      code: 'unreachable' | 'not_touchbase' | 'bad_token' | 'bad_url' | 'forbidden';
      message: string;
    };

interface ProtocolMap {
  /** content → worker: the candidates on the page now (an empty list clears the tab) */
  reportCandidates(report: CandidateReport): { customers: number };
  /** content → worker: the user still writes to the last reported `composing` (a heartbeat) */
  stillComposing(): void;
  /** sidebar/popup → worker: the tab this frame lives in (sidebar) or a given tab (popup) */
  getTabState(query: { tabId?: number }): TabState | null;
  /** any page → worker: run a sync now (single-flight; resolves when that run ends) */
  syncNow(): void;
  /** options → worker: check the server and token, then store them and start the first sync */
  connect(input: { serverUrl: string; token: string }): ConnectResult;
  /** options → worker: forget the token and clear the cache */
  signOut(): void;
  /**
   * popup → worker: the user just granted the tab's site; register the content script for it and
   * start it in that tab (rejects when the browser will not let it run there)
   */
  enableSite(query: { tabId: number }): void;
  /** worker → content: the keyboard shortcut was pressed */
  toggleSidebar(): void;
  /** worker → content: customer names changed; report again, mention text included */
  reportAgain(): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
