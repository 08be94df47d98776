// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { gmail } from '../../../src/content/sites/gmail';
import { MAX_CANDIDATES } from '../../../src/platform/messaging';
import { loadFixtures, parseFixture } from '../fixtures';

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

  test('a list of more senders than a report carries: the top rows, as many as the worker reads', () => {
    const senders = Array.from({ length: MAX_CANDIDATES + 50 }, (_, i) => `sender-${i}@acme.com`);
    expect(keys(page(list(...senders)), at('#inbox'))).toEqual(
      senders.slice(0, MAX_CANDIDATES).map((email) => `email:${email}`),
    );
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

describe('gmail compose windows', () => {
  const composeFixture = loadFixtures().find((f) => f.name.endsWith('compose-to-customer.html'));
  if (!composeFixture) throw new Error('compose fixture missing');
  const composeUrl = composeFixture.url;

  /** The fixture in the live document, where focus works. */
  function showFixture(): Document {
    const parsed = parseFixture(composeFixture as NonNullable<typeof composeFixture>);
    document.title = parsed.title;
    document.body.replaceWith(document.importNode(parsed.body, true));
    return document;
  }
  const editor = (doc: Document) => doc.querySelector('[g_editable="true"]') as HTMLElement;

  test('an untouched new message window is nobody written to yet', () => {
    expect(gmail.composingTo?.(showFixture(), composeUrl)).toEqual([]);
  });

  test('typing into it: its recipients, never the user on the From line', () => {
    const doc = showFixture();
    editor(doc).textContent = 'Hi Jane, about the renewal';
    expect(gmail.composingTo?.(doc, composeUrl)).toEqual(['email:jane.doe@acme.com']);
  });

  test('the focus in it counts before anything is typed, and stops counting when it leaves', () => {
    const doc = showFixture();
    editor(doc).focus();
    expect(gmail.composingTo?.(doc, composeUrl)).toEqual(['email:jane.doe@acme.com']);
    editor(doc).blur();
    expect(gmail.composingTo?.(doc, composeUrl)).toEqual([]);
  });

  test('a reply box under a thread: its recipients, not the thread participants around it', () => {
    const doc = page(`<div role="main"><div data-message-id="#msg-f:1">
        <h3><span email="jane@acme.com" name="Jane"></span></h3><span email="omar@globex.com"></span>
      </div>
      <div class="ip"><div class="M9"><form><input type="hidden" name="subjectbox" value="Re: Renewal">
        <span email="jane@acme.com" name="Jane">Jane</span><span email="Li.Wei+ops@initech.io" name="Li">Li</span></form>
        <div g_editable="true" contenteditable="true" role="textbox">Thanks, Jane</div></div></div></div>`);
    expect(gmail.composingTo?.(doc, at(`#inbox/${THREAD_ID}`))).toEqual([
      'email:jane@acme.com',
      'email:li.wei+ops@initech.io',
      'email:li.wei@initech.io',
    ]);
  });

  test('an editor outside any compose form, or another site, is not a compose window', () => {
    const doc = page(`<div role="main"><input name="subjectbox"><span email="jane@acme.com"></span>
      <div><div g_editable="true" contenteditable="true">text</div></div></div>`);
    expect(gmail.composingTo?.(doc, at('#inbox'))).toEqual([]);
    expect(gmail.composingTo?.(showFixture(), new URL('https://example.com/mail/u/0/'))).toEqual(
      [],
    );
  });
});

describe('gmail rows appended to a list', () => {
  const row = (email: string) =>
    `<tr role="row"><td role="gridcell"><span email="${email}" name="">x</span></td></tr>`;
  const senders = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `sender-${from + i}@acme.com`);

  /** A live list in the document, and the MutationRecords of what `change` does to it. */
  async function recorded(body: string, change: (doc: Document) => void) {
    document.title = 'Inbox (2) - sam@northwind.io - Gmail';
    document.body.innerHTML = body;
    const before = gmail.extract(document, at('#inbox'));
    const records: MutationRecord[] = [];
    const observer = new MutationObserver((batch) => records.push(...batch));
    observer.observe(document, { childList: true, subtree: true });
    change(document);
    await Promise.resolve();
    observer.disconnect();
    return { before, records };
  }
  const append =
    (...emails: string[]) =>
    (doc: Document) => {
      const rows = document.createElement('tbody');
      rows.innerHTML = emails.map(row).join('');
      doc.querySelector('tbody')?.append(...rows.children);
    };

  test('their new participants go after the others, as extract would order them', async () => {
    const { before, records } = await recorded(
      list('jane@acme.com', 'omar@globex.com'),
      append('li@initech.io', 'jane@acme.com', 'sam@northwind.io', 'ana+ops@fabrikam.com'),
    );
    const after = gmail.extractInserted?.(document, at('#inbox'), before, records);
    expect(after).toEqual(gmail.extract(document, at('#inbox')));
    expect(after?.map((candidate) => candidate.key)).toEqual([
      'email:jane@acme.com',
      'email:omar@globex.com',
      'email:li@initech.io',
      'email:ana+ops@fabrikam.com',
      'email:ana@fabrikam.com',
    ]);
  });

  test('once the list holds as many keys as a report carries, they change nothing', async () => {
    const { before, records } = await recorded(
      list(...senders(0, MAX_CANDIDATES + 10)),
      append(...senders(MAX_CANDIDATES + 10, 30)),
    );
    expect(gmail.extractInserted?.(document, at('#inbox'), before, records)).toBe(before);
    expect(gmail.extract(document, at('#inbox'))).toEqual(before);
  });

  test('rows inserted above others, a list grid after theirs, a thread: read the page again', async () => {
    // happy-dom leaves a record's siblings null: the record of a row put above the first one.
    const top = await recorded(list('jane@acme.com'), () => {});
    const tbody = document.querySelector('tbody') as Element;
    const above = {
      type: 'childList',
      target: tbody,
      addedNodes: [document.createElement('tr')],
      nextSibling: tbody.firstElementChild,
    } as unknown as MutationRecord;
    expect(gmail.extractInserted?.(document, at('#inbox'), top.before, [above])).toBe(undefined);

    const twoGrids = `${list('jane@acme.com')}${list('omar@globex.com')}`;
    const first = await recorded(twoGrids, append('li@initech.io'));
    expect(gmail.extractInserted?.(document, at('#inbox'), first.before, first.records)).toBe(
      undefined,
    );

    const appended = await recorded(list('jane@acme.com'), append('li@initech.io'));
    expect(gmail.extractInserted?.(document, at(`#inbox/${THREAD_ID}`), [], appended.records)).toBe(
      undefined,
    );

    const elsewhere = await recorded(list('jane@acme.com'), (doc) => {
      doc.body.append(doc.createElement('div'));
    });
    expect(
      gmail.extractInserted?.(document, at('#inbox'), elsewhere.before, elsewhere.records),
    ).toBe(undefined);
  });

  test('a grid of divs: rows appended are read; anything else holding rows means a full read', async () => {
    const grid = (...emails: string[]) =>
      `<div role="main"><div role="grid">${emails
        .map((email) => `<div role="row"><span email="${email}"></span></div>`)
        .join('')}</div></div>`;
    const appendToGrid = (html: string) => (doc: Document) => {
      doc.querySelector('[role="grid"]')?.insertAdjacentHTML('beforeend', html);
    };
    const rows = await recorded(
      grid('jane@acme.com'),
      appendToGrid('<div role="row"><span email="li@initech.io"></span></div>'),
    );
    const after = gmail.extractInserted?.(document, at('#inbox'), rows.before, rows.records);
    expect(after).toEqual(gmail.extract(document, at('#inbox')));
    expect(after).toHaveLength(2);

    const wrapped = await recorded(
      grid('jane@acme.com'),
      appendToGrid('<div><div role="row"><span email="li@initech.io"></span></div></div>'),
    );
    expect(gmail.extractInserted?.(document, at('#inbox'), wrapped.before, wrapped.records)).toBe(
      undefined,
    );
  });

  test('a table with a footer, even before its body: the footer rows come last', async () => {
    const { before, records } = await recorded(
      list('jane@acme.com').replace('<tbody>', '<tfoot></tfoot><tbody>'),
      append('li@initech.io'),
    );
    expect(gmail.extractInserted?.(document, at('#inbox'), before, records)).toBe(undefined);
  });

  test('its text elements: the window title (the account) and the compose editors', () => {
    const doc = page(
      `${list('jane@acme.com')}<div g_editable="true" contenteditable="true"></div>`,
    );
    expect(gmail.textElements?.(doc, at('#inbox'))).toEqual([
      doc.querySelector('title'),
      doc.querySelector('[g_editable="true"]'),
    ]);
  });
});
