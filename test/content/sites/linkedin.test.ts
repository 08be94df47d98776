// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { linkedin } from '../../../src/content/sites/linkedin';
import { loadFixtures, parseFixture } from '../fixtures';

const NAV = `<header id="global-nav" role="banner"><div class="global-nav__me-content">
  <a href="/in/sam-rivera-northwind/">View Profile</a></div></header>`;

function extract(url: string, body: string) {
  const doc = new DOMParser().parseFromString(`<body>${body}</body>`, 'text/html');
  return linkedin.extract(doc, new URL(url));
}

/** A feed update in the current markup: actor, text (with an optional mention), comments. */
function update(actor: string, text: string, commenters: string[] = []) {
  const comments = commenters
    .map(
      (slug) => `<div><a data-view-name="comment-actor-picture" href="/in/${slug}/"></a>
        <span data-testid="expandable-text-box">Nice.</span></div>`,
    )
    .join('');
  return `<div role="listitem"><div data-view-name="feed-full-update">
      <a data-view-name="feed-actor-image" href="https://www.linkedin.com${actor}"></a>
      <p data-view-name="feed-commentary"><span data-testid="expandable-text-box">${text}</span></p>
    </div>${comments}</div>`;
}

describe('single post pages', () => {
  test("the post's author is the focus, its commenters are authors, mentions are not", () => {
    const body = `${NAV}<main>${update(
      '/in/jane-doe-4a1b2c3/',
      'Thanks <a href="/in/priya-shah-northwind/">Priya</a>!',
      ['omar-haddad-globex', 'sam-rivera-northwind'],
    )}</main>`;
    const url =
      'https://www.linkedin.com/posts/jane-doe-4a1b2c3_renewal-activity-7123456789012345678-abcd/';
    expect(extract(url, body)).toEqual([
      { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'author', focus: true },
      { key: 'linkedin:omar-haddad-globex', strength: 'strong', role: 'author' },
    ]);
  });

  test("a company's post focuses on the company", () => {
    const url = 'https://www.linkedin.com/feed/update/urn:li:activity:7264012345678901234/';
    expect(extract(url, `<main>${update('/company/acme-corp/posts', 'Hiring!')}</main>`)).toEqual([
      { key: 'linkedin-company:acme-corp', strength: 'strong', role: 'author', focus: true },
    ]);
  });

  test("the user's own post has no focus; its commenters are still there", () => {
    const url = 'https://www.linkedin.com/feed/update/urn:li:activity:7264012345678901234/';
    const body = `${NAV}<main>${update('/in/sam-rivera-northwind/', 'Hiring!', ['omar-haddad-globex'])}</main>`;
    expect(extract(url, body)).toEqual([
      { key: 'linkedin:omar-haddad-globex', strength: 'strong', role: 'author' },
    ]);
  });
});

describe('messaging threads', () => {
  const url = 'https://www.linkedin.com/messaging/thread/2-NGQxMmM5ZDYtYjA2OS00YmI0_MTAw/';
  const message = (slug: string) =>
    `<li><div data-event-urn="urn:li:msg_message:(urn:li:fsd_profile:ACoAA,2-M${slug.length})">
      <a href="https://www.linkedin.com/in/${slug}"><img alt=""></a>
      <p class="msg-s-event-listitem__body">Works for me.</p></div></li>`;

  test('a group thread has no focus: every other sender is a participant', () => {
    const body = `${NAV}<main><h2>Priya Shah, Li Wei, Sam Rivera</h2><ul>${message('li-wei-initech')}
      ${message('sam-rivera-northwind')}${message('carlos-mendes-8b2f41')}</ul></main>`;
    expect(extract(url, body)).toEqual([
      { key: 'linkedin:li-wei-initech', strength: 'strong', role: 'from' },
      { key: 'linkedin:carlos-mendes-8b2f41', strength: 'strong', role: 'from' },
    ]);
  });

  test('a one-to-one thread the other side has not answered focuses on its recipient', () => {
    const body = `${NAV}<main><a class="msg-thread__link-to-profile" href="https://www.linkedin.com/in/jane-doe-4a1b2c3">
      <h2>Jane Doe</h2></a><ul>${message('sam-rivera-northwind')}</ul></main>`;
    expect(extract(url, body)).toEqual([
      { key: 'linkedin:jane-doe-4a1b2c3', strength: 'strong', role: 'to', focus: true },
    ]);
  });

  test('the title bar names the other side even when the nav does not name the user', () => {
    const body = `<main><a href="/in/jane-doe-4a1b2c3"><h2>Jane Doe</h2></a>
      <ul>${message('jane-doe-4a1b2c3')}${message('sam-rivera-northwind')}</ul></main>`;
    const [first] = extract(url, body);
    expect(first).toEqual({
      key: 'linkedin:jane-doe-4a1b2c3',
      strength: 'strong',
      role: 'from',
      focus: true,
    });
  });

  test('open chat bubbles outside main are not the thread', () => {
    const body = `<main><ul>${message('li-wei-initech')}</ul></main>
      <aside id="msg-overlay">${message('omar-haddad-globex')}</aside>`;
    expect(extract(url, body).map((candidate) => candidate.key)).toEqual([
      'linkedin:li-wei-initech',
    ]);
  });
});

describe('company pages', () => {
  test('sub-pages and numeric ids name the company; the page h1 is a weak name', () => {
    const body = '<main><section><h1>Acme  Corp</h1></section></main>';
    expect(extract('https://www.linkedin.com/company/1035/life/', body)).toEqual([
      { key: 'linkedin-company:1035', strength: 'strong', role: 'profile', focus: true },
      { key: 'name:acme corp', strength: 'weak', role: 'profile' },
    ]);
  });
});

test("a profile stays the focus on the user's own profile, as before", () => {
  const url = 'https://www.linkedin.com/in/sam-rivera-northwind/';
  expect(extract(url, `${NAV}<main><section><h1>Sam Rivera</h1></section></main>`)).toEqual([
    { key: 'linkedin:sam-rivera-northwind', strength: 'strong', role: 'profile', focus: true },
    { key: 'name:sam rivera', strength: 'weak', role: 'profile' },
  ]);
});

test('links elsewhere on LinkedIn (other locale hosts) and off LinkedIn are read correctly', () => {
  const body = `<main>${update('/in/jane-doe-4a1b2c3/', 'Hi')}
    <div data-urn="urn:li:activity:1"><a href="https://de.linkedin.com/in/J%C3%B6rg-M%C3%BCller/">Jörg</a>
    <a href="https://example.com/in/not-linkedin/">elsewhere</a><a href="">empty</a></div></main>`;
  expect(extract('https://www.linkedin.com/feed/', body).map((c) => c.key)).toEqual([
    'linkedin:jane-doe-4a1b2c3',
    'linkedin:jörg-müller',
  ]);
});

describe('mentionSelector', () => {
  const byName = new Map(
    loadFixtures()
      .filter((fixture) => fixture.site === 'linkedin')
      .map((fixture) => [fixture.name.split('/')[1], parseFixture(fixture)]),
  );
  const texts = (file: string) =>
    [...(byName.get(file)?.querySelectorAll(linkedin.mentionSelector) ?? [])].map((element) =>
      (element.textContent ?? '').trim(),
    );

  test('selects post texts and comments in both feed markups, not names or navigation', () => {
    const feed = texts('2026-12-02-feed-reposts-comments.html');
    expect(feed.some((text) => text.startsWith('Three years in'))).toBe(true);
    expect(feed).toContain('Shared success plans changed how we buy too. Congrats, Jane!');
    expect(feed.some((text) => text.includes('Home') || text === 'Jane Doe')).toBe(false);
    expect(texts('2026-11-23-feed.html')).toEqual(['We just renewed with our favourite vendor.']);
    expect(texts('2026-12-02-company-page.html')).toContain(
      'Proud of this team. Shout-out to Priya Shah for the line-3 rollout.',
    );
  });

  test('selects message bodies', () => {
    expect(texts('2026-12-02-messaging-thread.html')).toContain('Great, see you Thursday.');
  });
});

describe('linkedin message boxes', () => {
  const composingTo = (url: string, body: string) => {
    const doc = new DOMParser().parseFromString(`<body>${body}</body>`, 'text/html');
    return linkedin.composingTo?.(doc, new URL(url));
  };
  const PROFILE = 'https://www.linkedin.com/in/jane-doe-4a1b2c3/';
  /** A chat overlay as "Message" on a profile opens it; `header` is what its title bar holds. */
  const overlay = (header: string, text: string) => `<aside class="msg-overlay-container">
    <div class="msg-overlay-conversation-bubble"><header class="msg-overlay-bubble-header">${header}</header>
      <form class="msg-form"><div class="msg-form__contenteditable" contenteditable="true" role="textbox">${text}</div>
      <div class="msg-form__placeholder">Write a message…</div></form></div></aside>`;

  test("a one-to-one thread's box: nobody while empty, the other side once text is in it", () => {
    const fixture = loadFixtures().find(
      (f) => f.name === 'linkedin/2026-12-02-messaging-thread.html',
    );
    if (!fixture) throw new Error('fixture missing');
    const doc = parseFixture(fixture);
    expect(linkedin.composingTo?.(doc, fixture.url)).toEqual([]);
    const box = doc.querySelector('main .msg-form__contenteditable') as HTMLElement;
    box.innerHTML = '<p>Tuesday works for the renewal review.</p>';
    expect(linkedin.composingTo?.(doc, fixture.url)).toEqual(['linkedin:jane-doe-4a1b2c3']);
  });

  test("a profile's message overlay: the member its header links to, else the profile", () => {
    const linked = `<h2><a href="/in/omar-haddad-globex/">Omar Haddad</a></h2>`;
    expect(composingTo(PROFILE, NAV + overlay(linked, '<p>Hi Omar</p>'))).toEqual([
      'linkedin:omar-haddad-globex',
    ]);
    expect(composingTo(PROFILE, NAV + overlay('<h2>Jane Doe</h2>', '<p>Hi Jane</p>'))).toEqual([
      'linkedin:jane-doe-4a1b2c3',
    ]);
    expect(composingTo(PROFILE, NAV + overlay(linked, '<p><br></p>'))).toEqual([]);
  });

  test('an overlay on the feed that names nobody, or a group chat, is nobody in particular', () => {
    const group = `<a href="/in/omar-haddad-globex/">Omar</a><a href="/in/li-wei/">Li</a>`;
    expect(composingTo('https://www.linkedin.com/feed/', overlay('<h2>Jane</h2>', 'Hi'))).toEqual(
      [],
    );
    expect(composingTo(PROFILE, overlay(group, 'Hi all'))).toEqual([]);
  });
});
