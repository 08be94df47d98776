import { emailKeys, normaliseEmail } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * Gmail: the open thread's participants. Gmail marks every participant with `email` and `name`
 * attributes; each message sits in an element carrying `data-message-id`, and its sender is the
 * one inside the message header's `h3` (the first participant of a collapsed message). The inbox list is not handled yet (no candidates).
 */

/** A thread id ends the route: legacy 16 hex digits, or Gmail's vowel-free alphabet. */
const THREAD_ID = /^(?:[0-9a-f]{16}|[B-DF-HJ-NP-TV-XZb-df-hj-np-tv-xz]{16,})$/;
const MAIL_PATH = /^\/mail(?:\/u\/\d+)?\/?$/;
const EMAIL_IN_TEXT = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/g;

function openThread(url: URL): boolean {
  if (url.hostname !== 'mail.google.com' || !MAIL_PATH.test(url.pathname)) return false;
  // `#inbox/<id>`, `#label/Customers%2FAcme/<id>`, `#search/acme/<id>`; `#inbox/p2` is a page.
  const route = url.hash.slice(1).split('?')[0]?.split('/') ?? [];
  return route.length >= 2 && THREAD_ID.test(route[route.length - 1] ?? '');
}

/**
 * The signed-in address. Gmail's window title is "<subject> - <account> - Gmail" in every
 * language, so the last address in it is the account's (a subject may contain addresses too).
 */
function ownAddress(doc: Document): string | null {
  const found = doc.title.match(EMAIL_IN_TEXT);
  return found ? normaliseEmail(found[found.length - 1] ?? '') : null;
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
    { url: 'https://mail.google.com/mail/u/0/#inbox', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#inbox/p2', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#search/renewal', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#label/Customers%2FAcme', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/#settings/general', expect: 'ignore' },
    { url: 'https://mail.google.com/mail/u/0/?compose=new#inbox', expect: 'ignore' },
    { url: 'https://mail.google.com/chat/u/0/#chat/home', expect: 'ignore' },
  ],
  runsOn: (hostname) => hostname === 'mail.google.com',
  mentionSelector: '[role="main"] [data-message-id]',
  detect: openThread,
  extract(doc, url) {
    if (!openThread(url)) return [];
    const own = ownAddress(doc);
    const candidates: Candidate[] = [];
    let lastSender: string[] | undefined;
    let lastRecipient: string[] | undefined;
    for (const message of doc.querySelectorAll('[role="main"] [data-message-id]')) {
      // Expanded messages name the sender in the header's h3; collapsed ones show only the sender.
      const sender = message.querySelector('h3 [email]') ?? message.querySelector('[email]');
      let firstRecipient: string[] | undefined;
      for (const participant of message.querySelectorAll('[email]')) {
        const keys = emailKeys(participant.getAttribute('email') ?? '').map((key) => key.value);
        if (keys.length === 0 || (own && keys.includes(own))) continue;
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
    return mergeCandidates(candidates);
  },
};
