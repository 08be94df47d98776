// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { outlook } from '../../../src/content/sites/outlook';
import { loadFixtures, parseFixture } from '../fixtures';

const ITEM_ID = 'AAQkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAQAJ3n9a1XwE1Dg%2BqKf0W8Zk4%3D';
/** The account manager button's photo, which Outlook requests by the user's address. */
const ME = `<button id="O365_MainLink_Me"><img src="https://outlook.office.com/owa/service.svc/s/GetPersonaPhoto?email=sam%40northwind.io&amp;UA=0"></button>`;

const page = (body: string) => new DOMParser().parseFromString(body, 'text/html');
const keys = (doc: Document, url: string) => outlook.extract(doc, new URL(url)).map((c) => c.key);

/** A live persona card target; its text is "Name<address>", escaped as Outlook's markup has it. */
const persona = (text: string) =>
  `<span data-lpc-hover-target-id="lpc-react-target-1">${text.replace('<', '&lt;').replace('>', '&gt;')}</span>`;
/** One message of the reading pane: the sender's persona, then the recipient well. */
const message = (from: string, ...to: string[]) =>
  `<div>${persona(from)}<div data-testid="RecipientWell">${to.map(persona).join('; ')}</div></div>`;
const conversation = (...messages: string[]) =>
  `<div data-app-section="ConversationContainer">${messages.join('')}</div>`;
const rows = (...titles: string[]) =>
  `<div role="listbox">${titles
    .map((title) => `<div role="option" data-convid="AAQk"><span title="${title}">x</span></div>`)
    .join('')}</div>`;

describe('outlook reading pane', () => {
  test('a conversation only the user wrote focuses on its newest first recipient', () => {
    const doc = page(
      ME +
        conversation(
          message('Sam Rivera', 'Buyer<Buyer@Acme.com>', 'CFO<cfo@acme.com>'),
          message('Sam Rivera', 'Old Contact<old@acme.com>'),
        ),
    );
    expect(
      outlook.extract(doc, new URL(`https://outlook.office.com/mail/sentitems/id/${ITEM_ID}`)),
    ).toEqual([
      { key: 'email:buyer@acme.com', strength: 'strong', role: 'to', focus: true },
      { key: 'email:cfo@acme.com', strength: 'strong', role: 'to' },
      { key: 'email:old@acme.com', strength: 'strong', role: 'to' },
    ]);
  });

  test('leaves out the user wherever the page shows their address', () => {
    const doc = page(
      ME + conversation(message('Sam Rivera<Sam@Northwind.io>', 'Jane<jane@acme.com>')),
    );
    expect(keys(doc, `https://outlook.office.com/mail/inbox/id/${ITEM_ID}`)).toEqual([
      'email:jane@acme.com',
    ]);
  });

  test('a sender without a display name shows the bare address', () => {
    const doc = page(conversation(message('noreply@docusign.net', 'Sam Rivera')));
    expect(keys(doc, `https://outlook.live.com/mail/0/inbox/id/${ITEM_ID}`)).toEqual([
      'email:noreply@docusign.net',
    ]);
  });

  test('personas inside a message body are mentions, not participants', () => {
    const doc = page(
      conversation(
        `${message('Jane<jane@acme.com>')}<div role="document">${persona('Lee<lee@acme.com>')}</div>`,
      ),
    );
    expect(keys(doc, `https://outlook.office.com/mail/inbox/id/${ITEM_ID}`)).toEqual([
      'email:jane@acme.com',
    ]);
  });

  test('the old OWA message window reads the same markup', () => {
    const doc = page(
      `<div role="main" data-app-section="MailReadCompose">${message('Jane<jane@acme.com>', 'Sam Rivera')}</div>`,
    );
    const url = `https://outlook.office365.com/owa/?ItemID=${ITEM_ID}&exvsurl=1&viewmodel=ReadMessageItem`;
    expect(keys(doc, url)).toEqual(['email:jane@acme.com']);
  });
});

describe('outlook mail list', () => {
  test('a shared mailbox opened by path is the user: its own rows are left out', () => {
    const doc = page(rows('sales@northwind.io', 'Jane.Doe@Acme.com'));
    expect(keys(doc, 'https://outlook.office.com/mail/sales@northwind.io/inbox')).toEqual([
      'email:jane.doe@acme.com',
    ]);
  });

  test('rows of sent items name recipients: role to', () => {
    expect(
      outlook.extract(
        page(rows('buyer@acme.com')),
        new URL('https://outlook.office.com/mail/sentitems'),
      ),
    ).toEqual([{ key: 'email:buyer@acme.com', strength: 'strong', role: 'to' }]);
  });

  test('titles that are not addresses (subjects, folders) are no candidates', () => {
    const doc = page(rows('Lunch @ noon', 'jane@acme.com'));
    expect(keys(doc, 'https://outlook.office365.com/owa/#path=/mail/inbox')).toEqual([
      'email:jane@acme.com',
    ]);
  });

  test('an open message reports the reading pane, not the rows beside it', () => {
    const doc = page(rows('other@fabrikam.com') + conversation(message('Jane<jane@acme.com>')));
    expect(keys(doc, `https://outlook.office.com/mail/inbox/id/${ITEM_ID}`)).toEqual([
      'email:jane@acme.com',
    ]);
  });

  test('options, calendar and compose pages yield nothing', () => {
    const doc = page(rows('jane@acme.com') + conversation(message('Jane<jane@acme.com>')));
    for (const url of [
      'https://outlook.office.com/mail/options/mail/layout',
      'https://outlook.office.com/calendar/view/workweek',
      'https://outlook.office.com/mail/deeplink/compose?to=jane%40acme.com',
    ]) {
      expect(outlook.extract(doc, new URL(url))).toEqual([]);
    }
  });
});

describe('outlook compose forms', () => {
  /** A compose form: editable recipient wells holding personas, then the message body. */
  const compose = (body: string, ...to: string[]) =>
    `<div class="compose"><div role="textbox" contenteditable="true" tabindex="0">${to.map(persona).join('')}</div>
      <div role="textbox" contenteditable="true" tabindex="0">${body}</div></div>`;
  const composingTo = (
    doc: Document,
    url = `https://outlook.office.com/mail/inbox/id/${ITEM_ID}`,
  ) => outlook.composingTo?.(doc, new URL(url));

  test("the fixture's inline reply, with a message being written: its recipient", () => {
    const fixture = loadFixtures().find((f) =>
      f.name.endsWith('conversation-several-participants.html'),
    );
    if (!fixture) throw new Error('fixture missing');
    expect(outlook.composingTo?.(parseFixture(fixture), fixture.url)).toEqual([
      'email:lee.chen@northwind.io',
    ]);
  });

  test('an empty form without the focus is nobody written to; the focus in it is', () => {
    document.body.innerHTML = ME + compose('<br>', 'Jane Doe<Jane.Doe@Acme.com>');
    expect(composingTo(document)).toEqual([]);
    (document.querySelector('[contenteditable]') as HTMLElement).focus();
    expect(composingTo(document)).toEqual(['email:jane.doe@acme.com']);
  });

  test('a new message in its own window, the user and names without an address left out', () => {
    const doc = page(
      ME +
        compose('Hello', 'Omar<omar+renewals@globex.com>', 'Sam Rivera<sam@northwind.io>', 'Lee'),
    );
    expect(
      composingTo(doc, 'https://outlook.office.com/mail/deeplink/compose?to=omar%40globex.com'),
    ).toEqual(['email:omar+renewals@globex.com', 'email:omar@globex.com']);
    expect(composingTo(doc, 'https://example.com/mail/')).toEqual([]);
  });
});

test('its text elements: reading pane personas, editors and the account flyout, not list rows', () => {
  const doc = page(
    `${ME}<div id="mectrl_currentAccount_secondary">sam@northwind.io</div>${rows('jane@acme.com')}` +
      conversation(message('Jane Doe<jane@acme.com>', 'Sam Rivera')) +
      '<div contenteditable="true"><p>Hi Jane</p></div>',
  );
  expect(outlook.textElements?.(doc, new URL('https://outlook.office.com/mail/inbox'))).toEqual([
    ...doc.querySelectorAll('[data-app-section] [data-lpc-hover-target-id]'),
    doc.querySelector('[contenteditable="true"]'),
    doc.querySelector('#mectrl_currentAccount_secondary'),
  ]);
});
