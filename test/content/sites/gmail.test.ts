// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { gmail } from '../../../src/content/sites/gmail';

const TITLE = '<title>Inbox (2) - sam@northwind.io - Gmail</title>';
const THREAD_ID = 'FMfcgzQXJWDsKmGpbqFvxZxjLrPcnNqr';

const page = (body: string) => new DOMParser().parseFromString(`${TITLE}${body}`, 'text/html');
const at = (hash: string) => new URL(`https://mail.google.com/mail/u/0/${hash}`);
const keys = (doc: Document, url: URL) => gmail.extract(doc, url).map((c) => c.key);

/** A list with one row per sender address, as Gmail renders it. */
const list = (...senders: string[]) =>
  `<div role="main"><table role="grid"><tbody>${senders
    .map(
      (email) =>
        `<tr role="row"><td role="gridcell"><span email="${email}" name="">x</span></td></tr>`,
    )
    .join('')}</tbody></table></div>`;

describe('gmail lists', () => {
  test('rows of the sent folder name recipients: role to', () => {
    expect(gmail.extract(page(list('buyer@acme.com')), at('#sent'))).toEqual([
      { key: 'email:buyer@acme.com', strength: 'strong', role: 'to' },
    ]);
  });

  test('a later page of a list is a list, not a thread', () => {
    expect(keys(page(list('Jane@Acme.com')), at('#inbox/p2'))).toEqual(['email:jane@acme.com']);
  });

  test('a compose window over the list leaves the list as it is', () => {
    expect(keys(page(list('jane@acme.com')), at('#inbox?compose=new'))).toEqual([
      'email:jane@acme.com',
    ]);
  });

  test('leaves out the user, their +tag, and addresses outside the rows', () => {
    const doc = page(`<div role="main"><span email="hovercard@acme.com"></span>
      <table role="grid"><tr role="row"><td><span email="sam@northwind.io" name="me">me</span>,
      <span email="jane@acme.com" name="Jane">Jane</span></td></tr></table></div>`);
    expect(keys(doc, at('#inbox'))).toEqual(['email:jane@acme.com']);
  });

  test('skips the views Gmail keeps hidden after navigating away', () => {
    const doc = page(
      `<div class="nH" style="display: none;">${list('old@fabrikam.com')}</div><div class="nH">${list('jane@acme.com')}</div>`,
    );
    expect(keys(doc, at('#label/Customers%2FAcme'))).toEqual(['email:jane@acme.com']);
  });

  test('settings and a bare compose URL yield nothing even with rows in the page', () => {
    const doc = page(list('jane@acme.com'));
    expect(gmail.extract(doc, at('#settings/general'))).toEqual([]);
    expect(gmail.extract(doc, new URL('https://mail.google.com/mail/u/0/?compose=new'))).toEqual(
      [],
    );
  });
});

test('an open thread reports its participants only, not the list rendered beside it', () => {
  const doc = page(`${list('other@fabrikam.com')}<div role="main"><div data-message-id="#msg-f:1">
    <h3><span email="jane@acme.com" name="Jane"></span></h3><span email="sam@northwind.io"></span>
  </div></div>`);
  expect(gmail.extract(doc, at(`#inbox/${THREAD_ID}`))).toEqual([
    { key: 'email:jane@acme.com', strength: 'strong', role: 'from', focus: true },
  ]);
});
