import { emailKeys, normaliseEmail } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import { hasFocus, hasText } from '../compose';
import type { SiteAdapter } from './types';

/**
 * Outlook on the web (work accounts on outlook.office.com and outlook.office365.com, personal
 * ones on outlook.live.com). An open message or conversation (`/mail/<folder>/id/<id>`, the
 * pop-out `/mail/deeplink/read/<id>`, the old `/owa/?ItemID=…&viewmodel=ReadMessageItem`): its
 * participants are the live persona card targets (`[data-lpc-hover-target-id]`) of the reading
 * pane, whose text is "Name<address>" (just the name for the user). Those inside a message's
 * `[data-testid="RecipientWell"]` are its recipients (to and cc alike: only English labels
 * tell them apart); the one before them is its sender. A folder without an open message: the
 * rows' senders, which carry their address in the `title` attribute.
 */

const HOSTS = new Set(['outlook.office.com', 'outlook.office365.com', 'outlook.live.com']);
/** Well-known folders of the user's own outgoing mail: their rows name the recipients. */
const OUTGOING_FOLDERS = new Set(['sentitems', 'drafts']);
/** `selector` in the reading pane of a conversation or of one message (as in a pop-out). */
const inReadingPane = (selector: string) =>
  `[data-app-section="ConversationContainer"] ${selector}, [data-app-section="MailReadCompose"] ${selector}`;
const RECIPIENT_WELL = '[data-testid="RecipientWell"]';

type View = { kind: 'message' } | { kind: 'list'; outgoing: boolean };

interface Page {
  view: View;
  /** a shared or delegated mailbox opened at `/mail/<address>/…` */
  mailbox: string | null;
}

/** `/mail[/0][/<mailbox>][/<folder>[/id/<id>]]`, `/mail/deeplink/read/<id>`; not options. */
function mailPage(path: string): Page | null {
  const rest = path.split('/').filter(Boolean).slice(1);
  // outlook.live.com numbers the signed-in accounts: /mail/0/…
  if (/^\d+$/.test(rest[0] ?? '')) rest.shift();
  const mailbox = rest[0]?.includes('@') ? normaliseEmail(rest.shift() ?? '') : null;
  const [first = 'inbox', second] = rest;
  if (first === 'options') return null;
  if (first === 'deeplink')
    return second === 'read' && rest[2] ? { view: { kind: 'message' }, mailbox } : null;
  const id = rest.indexOf('id');
  if (id > 0 && rest[id + 1]) return { view: { kind: 'message' }, mailbox };
  return { view: { kind: 'list', outgoing: OUTGOING_FOLDERS.has(first.toLowerCase()) }, mailbox };
}

function page(url: URL): Page | null {
  if (!HOSTS.has(url.hostname)) return null;
  if (/^\/mail(?:\/|$)/.test(url.pathname)) return mailPage(url.pathname);
  if (!/^\/owa(?:\/|$)/.test(url.pathname)) return null;
  // The old OWA routes with query or hash parameters: `?ItemID=…&viewmodel=ReadMessageItem`
  // (a message in its own window), `#path=/mail/inbox` (a folder).
  const params = new URLSearchParams(url.hash.slice(1));
  for (const [name, value] of url.searchParams) params.set(name, value);
  if (params.get('viewmodel') === 'ReadMessageItem' && params.get('ItemID')) {
    return { view: { kind: 'message' }, mailbox: null };
  }
  const path = params.get('path') ?? '';
  return /^\/mail(?:\/|$)/.test(path) ? mailPage(path) : null;
}

/**
 * The signed-in addresses: an opened shared mailbox, the account manager's flyout (once
 * rendered) and the photo of the account manager button, which OWA requests by address.
 */
function ownAddresses(doc: Document, mailbox: string | null): string[] {
  const photo = doc.querySelector('#O365_MainLink_Me img')?.getAttribute('src') ?? '';
  const photoAddress = new URLSearchParams(photo.split('?')[1]).get('email') ?? '';
  return [
    mailbox,
    normaliseEmail(doc.querySelector('#mectrl_currentAccount_secondary')?.textContent ?? ''),
    normaliseEmail(photoAddress),
  ].filter((address): address is string => address !== null);
}

function addressKeys(raw: string, own: string[]): string[] {
  const keys = emailKeys(raw).map((key) => key.value);
  return keys.some((key) => own.includes(key)) ? [] : keys;
}

/** A persona reads "Name<address>" (just the name for the user). */
function personaKeys(persona: Element, own: string[]): string[] {
  const text = persona.textContent ?? '';
  return addressKeys(/<([^<>]+)>/.exec(text)?.[1] ?? text, own);
}

/**
 * The open conversation's participants. Outlook shows the newest message on top unless the
 * user changed that setting (which the page does not expose), so the focus is the first sender
 * other than the user; in a conversation only the user wrote, the newest message's first
 * recipient.
 */
function readingPaneCandidates(doc: Document, own: string[]): Candidate[] {
  const candidates: Candidate[] = [];
  let newestSender: string[] | undefined;
  let newestRecipient: string[] | undefined;
  let messages = 0;
  for (const persona of doc.querySelectorAll(inReadingPane('[data-lpc-hover-target-id]'))) {
    // Names mentioned in a body or typed into an inline reply are not this conversation's.
    if (persona.closest('[role="document"], [contenteditable="true"]')) continue;
    // A persona outside the recipient wells is a sender: it starts the next (older) message.
    const recipient = persona.closest(RECIPIENT_WELL) !== null;
    if (!recipient) messages++;
    const keys = personaKeys(persona, own);
    if (keys.length === 0) continue;
    if (!recipient) newestSender ??= keys;
    else if (messages <= 1) newestRecipient ??= keys; // still in the newest message
    const role = recipient ? 'to' : 'from';
    for (const email of keys) candidates.push({ key: `email:${email}`, strength: 'strong', role });
  }
  const focus = newestSender ?? newestRecipient ?? [];
  for (const candidate of candidates) {
    if (focus.includes(candidate.key.slice('email:'.length))) candidate.focus = true;
  }
  return candidates;
}

/** Every rendered row's sender, no focus: the adapter cannot tell which row matters. */
function listCandidates(doc: Document, own: string[], outgoing: boolean): Candidate[] {
  const role = outgoing ? 'to' : 'from';
  const candidates: Candidate[] = [];
  for (const person of doc.querySelectorAll('[role="option"][data-convid] [title*="@"]')) {
    for (const email of addressKeys(person.getAttribute('title') ?? '', own))
      candidates.push({ key: `email:${email}`, strength: 'strong', role });
  }
  return candidates;
}

const EDITOR = '[contenteditable="true"]';
const PERSONA = '[data-lpc-hover-target-id]';

/**
 * A recipient well's compose form (a new message, an inline reply): its nearest ancestor holding
 * an editor that is not a well (the message body), with that body.
 */
function composeForm(well: Element, doc: Document): { form: Element; body: Element } | null {
  for (let form = well.parentElement; form && form !== doc.body; form = form.parentElement) {
    for (const editor of form.querySelectorAll(EDITOR)) {
      if (!editor.querySelector(PERSONA)) return { form, body: editor };
    }
  }
  return null;
}

/**
 * The recipients of the compose forms the user is writing in: the personas in editable recipient
 * wells (To, Cc, Bcc hold them as the user adds people), in forms with the focus in them or a
 * message body that is not empty.
 */
function composeRecipients(doc: Document, own: string[]): string[] {
  const keys: string[] = [];
  const wells = new Set<Element>();
  for (const persona of doc.querySelectorAll(`${EDITOR} ${PERSONA}`)) {
    const well = persona.closest(EDITOR);
    if (well) wells.add(well);
  }
  for (const well of wells) {
    const compose = composeForm(well, doc);
    if (!compose || !(hasText(compose.body) || hasFocus(doc, compose.form))) continue;
    for (const persona of well.querySelectorAll(PERSONA)) {
      for (const email of personaKeys(persona, own)) keys.push(`email:${email}`);
    }
  }
  return keys;
}

export const outlook: SiteAdapter = {
  id: 'outlook',
  exampleUrls: [
    { url: 'https://outlook.office.com/mail/', expect: 'match' },
    { url: 'https://outlook.office.com/mail/inbox', expect: 'match' },
    {
      url: 'https://outlook.office.com/mail/inbox/id/AAQkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAQAJ3n9a1XwE1Dg%2BqKf0W8Zk4%3D',
      expect: 'match',
    },
    {
      url: 'https://outlook.office365.com/mail/sentitems/id/AAQkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAQAJ3n9a1XwE1Dg%2BqKf0W8Zk4%3D',
      expect: 'match',
    },
    { url: 'https://outlook.live.com/mail/0/', expect: 'match' },
    {
      url: 'https://outlook.live.com/mail/0/inbox/id/AQQkADAwATYwMAItZjA5Ni1hNDgyLTAwAi0wMAoAEABzq1Xw9fJcR5cB0nF4WjI7',
      expect: 'match',
    },
    { url: 'https://outlook.office.com/mail/sales@northwind.io/inbox', expect: 'match' },
    {
      url: 'https://outlook.office.com/mail/deeplink/read/AAMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgBGAAADm%2FJ9k0wPYEWYbZ2uQ1N0fQcA?version=20261124002.09&popoutv2=1',
      expect: 'match',
    },
    {
      url: 'https://outlook.office365.com/owa/?ItemID=AAMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgBGAAADm%2FJ9k0wPYEWYbZ2uQ1N0fQcA&exvsurl=1&viewmodel=ReadMessageItem',
      expect: 'match',
    },
    { url: 'https://outlook.office365.com/owa/#path=/mail/inbox', expect: 'match' },
    { url: 'https://outlook.office.com/mail/options/mail/layout', expect: 'ignore' },
    {
      url: 'https://outlook.office.com/mail/deeplink/compose?to=jane.doe%40acme.com',
      expect: 'ignore',
    },
    { url: 'https://outlook.office.com/calendar/view/workweek', expect: 'ignore' },
    { url: 'https://outlook.live.com/calendar/0/view/month', expect: 'ignore' },
    { url: 'https://outlook.office.com/people/', expect: 'ignore' },
    { url: 'https://outlook.office365.com/owa/?path=/calendar/view/Week', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOSTS.has(hostname),
  mentionSelector: inReadingPane('[role="document"]'),
  detect: (url) => page(url) !== null,
  extract(doc, url) {
    const current = page(url);
    if (!current) return [];
    const own = ownAddresses(doc, current.mailbox);
    return mergeCandidates(
      current.view.kind === 'message'
        ? readingPaneCandidates(doc, own)
        : listCandidates(doc, own, current.view.outgoing),
    );
  },
  composingTo(doc, url) {
    // Any page of the mail hosts: the pop-out compose window (`/mail/deeplink/compose`) too.
    if (!HOSTS.has(url.hostname)) return [];
    return composeRecipients(doc, ownAddresses(doc, page(url)?.mailbox ?? null));
  },
  // A reading pane's personas read "Name<address>", the account flyout names the user, an
  // editor's text tells whether the user writes (its wells hold the recipients' personas). List
  // rows are read from their `title` attributes.
  textElements: (doc) => [
    ...doc.querySelectorAll(inReadingPane(PERSONA)),
    ...doc.querySelectorAll(EDITOR),
    ...doc.querySelectorAll('#mectrl_currentAccount_secondary'),
  ],
};
