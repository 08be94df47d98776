import { emailKeys, normaliseEmail } from '../../identity/keys';
import { type Candidate, MAX_CANDIDATES } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import { hasFocus, hasText } from '../compose';
import type { SiteAdapter } from './types';

/**
 * Gmail: the open thread's participants, or the senders of a mail list's rows. Gmail marks every
 * participant with `email` and `name` attributes. In a thread each message sits in an element
 * carrying `data-message-id`, and its sender is the one inside the message header's `h3` (the
 * first participant of a collapsed message). In a list each row is a `[role="row"]` of the
 * `[role="grid"]`, and its participants are the row's `email` elements.
 */

/** A thread id ends the route: legacy 16 hex digits, or Gmail's vowel-free alphabet. */
const THREAD_ID = /^(?:[0-9a-f]{16}|[B-DF-HJ-NP-TV-XZb-df-hj-np-tv-xz]{16,})$/;
const MAIL_PATH = /^\/mail(?:\/u\/\d+)?\/?$/;
const EMAIL_IN_TEXT = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/g;
/** First hash segments that show a mail list (`#inbox`, `#label/<name>`, `#search/<q>/p2` …). */
const LIST_ROUTES = new Set(
  'inbox starred snoozed imp sent scheduled drafts all spam trash label category search'.split(' '),
);
/** Lists of the user's own outgoing mail: their rows name the recipients, not the sender. */
const OUTGOING_ROUTES = new Set(['sent', 'scheduled', 'drafts']);

type View = { kind: 'thread' } | { kind: 'list'; outgoing: boolean };

function view(url: URL): View | null {
  if (url.hostname !== 'mail.google.com' || !MAIL_PATH.test(url.pathname)) return null;
  // `#inbox/<id>`, `#label/Customers%2FAcme/<id>`, `#search/acme/<id>`; `#inbox/p2` is a page.
  const route = url.hash.slice(1).split('?')[0]?.split('/') ?? [];
  if (route.length >= 2 && THREAD_ID.test(route[route.length - 1] ?? '')) return { kind: 'thread' };
  const first = route[0] ?? '';
  return LIST_ROUTES.has(first) ? { kind: 'list', outgoing: OUTGOING_ROUTES.has(first) } : null;
}

/**
 * The signed-in address. Gmail's window title is "<subject> - <account> - Gmail" in every
 * language, so the last address in it is the account's (a subject may contain addresses too).
 */
function ownAddress(doc: Document): string | null {
  const found = doc.title.match(EMAIL_IN_TEXT);
  return found ? normaliseEmail(found[found.length - 1] ?? '') : null;
}

/**
 * The participant's keys, or [] when it is not an address or is the signed-in user. A compose
 * window's recipient chips carry the address in `email` or, in the newer chips, in
 * `data-hovercard-id`.
 */
function participantKeys(participant: Element, own: string | null): string[] {
  const address =
    participant.getAttribute('email') ?? participant.getAttribute('data-hovercard-id') ?? '';
  const keys = emailKeys(address).map((key) => key.value);
  return own && keys.includes(own) ? [] : keys;
}

function threadCandidates(doc: Document, own: string | null): Candidate[] {
  const candidates: Candidate[] = [];
  let lastSender: string[] | undefined;
  let lastRecipient: string[] | undefined;
  for (const message of doc.querySelectorAll('[role="main"] [data-message-id]')) {
    // Expanded messages name the sender in the header's h3; collapsed ones show only the sender.
    const sender = message.querySelector('h3 [email]') ?? message.querySelector('[email]');
    let firstRecipient: string[] | undefined;
    for (const participant of message.querySelectorAll('[email]')) {
      const keys = participantKeys(participant, own);
      if (keys.length === 0) continue;
      const role = participant === sender ? 'from' : 'to';
      if (role === 'from') lastSender = keys;
      else firstRecipient ??= keys;
      for (const email of keys)
        candidates.push({ key: `email:${email}`, strength: 'strong', role });
    }
    if (firstRecipient) lastRecipient = firstRecipient;
  }
  // The customer in focus is the latest sender other than the user; in a thread only the
  // user wrote to, the latest message's first recipient.
  const focus = lastSender ?? lastRecipient ?? [];
  for (const candidate of candidates) {
    if (focus.includes(candidate.key.slice('email:'.length))) candidate.focus = true;
  }
  return candidates;
}

/** Gmail keeps the views it navigated away from in the page, hidden by an inline style. */
const HIDDEN = '[style*="display: none"]';

/** A list's rows in page order; a table's live `rows` is read only as far as the scan goes. */
function rowsOf(grid: Element): Iterable<Element> {
  return grid.localName === 'table'
    ? (grid as HTMLTableElement).rows
    : grid.querySelectorAll(':scope [role="row"]');
}

/**
 * Every visible row's participants, no focus: the adapter cannot tell which row matters. The
 * worker reads a report's first MAX_CANDIDATES keys, here the top rows' (one role, no focus), so
 * the scan stops there: a list of thousands of rows costs what one of a few hundred does.
 */
function listCandidates(doc: Document, own: string | null, outgoing: boolean): Candidate[] {
  const role = outgoing ? 'to' : 'from';
  const candidates: Candidate[] = [];
  const keys = new Set<string>();
  for (const grid of doc.querySelectorAll('[role="main"] [role="grid"]')) {
    if (grid.closest(HIDDEN)) continue;
    for (const row of rowsOf(grid)) {
      if (row.getAttribute('role') !== 'row') continue;
      for (const participant of row.querySelectorAll('[email]')) {
        if (keys.size >= MAX_CANDIDATES) return candidates;
        if (participant.closest(HIDDEN)) continue;
        for (const email of participantKeys(participant, own)) {
          keys.add(email);
          candidates.push({ key: `email:${email}`, strength: 'strong', role });
        }
      }
    }
  }
  return candidates;
}

/** Gmail's message editor, in a compose window and in a reply box under a thread. */
const COMPOSE_EDITOR = '[g_editable="true"]';
/** Every compose form has its subject field (hidden in a reply box). */
const COMPOSE_SUBJECT = 'input[name="subjectbox"]';

/**
 * A message editor's compose window: its nearest ancestor that holds the subject field too, below
 * the page's main area (which holds the thread's participants) and no further out than a dialog.
 */
function composeWindow(editor: Element): Element | null {
  for (let scope = editor.parentElement; scope; scope = scope.parentElement) {
    if (scope.matches('[role="main"], body')) return null;
    if (scope.querySelector(COMPOSE_SUBJECT)) return scope;
    if (scope.matches('[role="dialog"]')) return null;
  }
  return null;
}

/**
 * The recipients of the compose windows the user is writing in (a new message's dialog, a reply
 * or forward box under a thread): those with the focus in them or a message that is not empty.
 */
function composeRecipients(doc: Document, own: string | null): string[] {
  const keys: string[] = [];
  for (const editor of doc.querySelectorAll(COMPOSE_EDITOR)) {
    const compose = composeWindow(editor);
    if (!compose || !(hasText(editor) || hasFocus(doc, compose))) continue;
    for (const recipient of compose.querySelectorAll('[email], [data-hovercard-id]')) {
      for (const email of participantKeys(recipient, own)) keys.push(`email:${email}`);
    }
  }
  return keys;
}

export const gmail: SiteAdapter = {
  id: 'gmail',
  exampleUrls: [
    {
      url: 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr',
      expect: 'match',
    },
    {
      url: 'https://mail.google.com/mail/u/1/#label/Customers%2FAcme/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr',
      expect: 'match',
    },
    {
      url: 'https://mail.google.com/mail/u/0/#search/renewal/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr',
      expect: 'match',
    },
    { url: 'https://mail.google.com/mail/u/0/#sent/18c1f2a3b4c5d6e7', expect: 'match' },
    {
      url: 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr?compose=new',
      expect: 'match',
    },
    {
      url: 'https://mail.google.com/mail/#inbox/FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr',
      expect: 'match',
    },
    { url: 'https://mail.google.com/mail/u/0/#inbox', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#inbox/p2', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#inbox?compose=new', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/?compose=new#inbox', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#search/renewal', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#search/renewal/p3', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#label/Customers%2FAcme', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/2/#category/promotions', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#starred', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#sent', expect: 'match' },
    { url: 'https://mail.google.com/mail/u/0/#settings/general', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/?compose=new', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#chat/home', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#contacts', expect: 'ignore' },
    { url: 'https://mail.google.com/chat/u/0/#chat/home', expect: 'ignore' },
  ],
  runsOn: (hostname) => hostname === 'mail.google.com',
  mentionSelector: '[role="main"] [data-message-id]',
  detect: (url) => view(url) !== null,
  extract(doc, url) {
    const current = view(url);
    if (!current) return [];
    const own = ownAddress(doc);
    return mergeCandidates(
      current.kind === 'thread'
        ? threadCandidates(doc, own)
        : listCandidates(doc, own, current.outgoing),
    );
  },
  composingTo(doc, url) {
    // Any mail page: a compose window opens over lists, threads and a bare `?compose=new`.
    if (url.hostname !== 'mail.google.com' || !MAIL_PATH.test(url.pathname)) return [];
    return composeRecipients(doc, ownAddress(doc));
  },
};
