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
const GRID = '[role="grid"]';

/** A list's rows in page order; a table's live `rows` is read only as far as the scan goes. */
function rowsOf(grid: Element): Iterable<Element> {
  return grid.localName === 'table'
    ? (grid as HTMLTableElement).rows
    : grid.querySelectorAll(':scope [role="row"]');
}

/**
 * Adds the participants of `rows` to `candidates` (once per key, `keys` holding those already
 * there) until there are MAX_CANDIDATES keys. The worker reads a report's first MAX_CANDIDATES
 * keys, here the top rows' (one role, no focus), so the scan stops there: a list of thousands of
 * rows costs what one of a few hundred does. Returns false once the list is full.
 */
function addRowCandidates(
  rows: Iterable<Element>,
  own: string | null,
  role: 'from' | 'to',
  keys: Set<string>,
  candidates: Candidate[],
): boolean {
  for (const row of rows) {
    if (row.getAttribute('role') !== 'row') continue;
    for (const participant of row.querySelectorAll('[email]')) {
      if (keys.size >= MAX_CANDIDATES) return false;
      if (participant.closest(HIDDEN)) continue;
      for (const email of participantKeys(participant, own)) {
        if (keys.has(email)) continue;
        keys.add(email);
        candidates.push({ key: `email:${email}`, strength: 'strong', role });
      }
    }
  }
  return true;
}

/** Every visible row's participants, no focus: the adapter cannot tell which row matters. */
function listCandidates(doc: Document, own: string | null, role: 'from' | 'to'): Candidate[] {
  const candidates: Candidate[] = [];
  const keys = new Set<string>();
  for (const grid of doc.querySelectorAll(`[role="main"] ${GRID}`)) {
    if (grid.closest(HIDDEN)) continue;
    if (!addRowCandidates(rowsOf(grid), own, role, keys, candidates)) break;
  }
  return candidates;
}

/**
 * Whether rows of `grid` are the list's last: a visible grid of the main area, not inside
 * another grid, with no grid anywhere after it.
 */
function isLastListGrid(grid: Element): boolean {
  const parent = grid.parentElement;
  if (!parent?.closest('[role="main"]') || parent.closest(GRID) || grid.closest(HIDDEN)) {
    return false;
  }
  for (let node: Element | null = grid; node; node = node.parentElement) {
    for (let next = node.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.matches(GRID) || next.querySelector(GRID)) return false;
    }
  }
  return true;
}

/**
 * The grid whose rows `record` appended after every row of the list, or null when it inserted
 * anywhere else: at the end of a parent that is the last list grid or its last element (of a
 * table, its last tbody, with no tfoot: a table's `rows` put a tfoot's last).
 */
function listAppendedTo(record: MutationRecord): Element | null {
  const parent = record.target as Element;
  if (record.nextSibling !== null || parent.nodeType !== Node.ELEMENT_NODE) return null;
  const grid = parent.closest(GRID);
  if (!grid) return null;
  if (
    grid.localName === 'table' &&
    (parent.parentElement !== grid ||
      parent.localName !== 'tbody' ||
      (grid as HTMLTableElement).tFoot !== null)
  )
    return null;
  for (let node: Element | null = parent; node !== grid; node = node?.parentElement ?? null) {
    if (node?.nextElementSibling) return null;
  }
  return isLastListGrid(grid) ? grid : null;
}

/**
 * The rows among the elements `record` inserted into `grid`: a table's rows are its `tr`s (other
 * elements are not read); undefined when a grid of another element got something else, whose
 * rows inside it a full read would find.
 */
function insertedRows(record: MutationRecord, grid: Element): Element[] | undefined {
  const table = grid.localName === 'table';
  const rows: Element[] = [];
  for (const node of record.addedNodes) {
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const element = node as Element;
    if (table ? element.localName === 'tr' : element.getAttribute('role') === 'row')
      rows.push(element);
    else if (!table) return undefined;
  }
  return rows;
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
        : listCandidates(doc, own, current.outgoing ? 'to' : 'from'),
    );
  },
  /**
   * Rows appended to the end of a list (Gmail filling it as the user scrolls): their new
   * participants go after the others, and once the list holds MAX_CANDIDATES keys they change
   * nothing, so they are not even looked at. A list grid holds rows of participants, subjects,
   * snippets and labels, never a message, a compose editor or the window title: the other reads
   * stay as they were.
   */
  extractInserted(doc, url, previous, insertions) {
    const current = view(url);
    if (current?.kind !== 'list') return undefined;
    const full = previous.length >= MAX_CANDIDATES;
    const rows: Element[] = [];
    for (const record of insertions) {
      const grid = listAppendedTo(record);
      if (!grid) return undefined;
      if (full) continue;
      const inserted = insertedRows(record, grid);
      if (!inserted) return undefined;
      rows.push(...inserted);
    }
    if (full) return previous;
    const keys = new Set(previous.map((candidate) => candidate.key.slice('email:'.length)));
    const added: Candidate[] = [];
    addRowCandidates(rows, ownAddress(doc), current.outgoing ? 'to' : 'from', keys, added);
    return added.length === 0 ? previous : [...previous, ...added];
  },
  // The account's address is in the window title; a compose window's editor tells whether the
  // user is writing. Participants are read from attributes.
  textElements(doc) {
    const title = doc.querySelector('title');
    const editors = [...doc.querySelectorAll(COMPOSE_EDITOR)];
    return title ? [title, ...editors] : editors;
  },
  composingTo(doc, url) {
    // Any mail page: a compose window opens over lists, threads and a bare `?compose=new`.
    if (url.hostname !== 'mail.google.com' || !MAIL_PATH.test(url.pathname)) return [];
    return composeRecipients(doc, ownAddress(doc));
  },
};
