// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { x } from '../../../src/content/sites/x';
import { loadFixtures, parseFixture } from '../fixtures';

const NAV = `<header role="banner"><nav role="navigation">
  <a href="/home" data-testid="AppTabBar_Home_Link">Home</a>
  <a href="/samrivera_nw" data-testid="AppTabBar_Profile_Link">Profile</a></nav></header>`;

/** A post as X renders it: avatar (handle in its test id), User-Name links, text. */
function post(handle: string, text = 'Renewal week.', extra = '') {
  return `<article data-testid="tweet" role="article" tabindex="0">${extra}
    <div data-testid="Tweet-User-Avatar"><div data-testid="UserAvatar-Container-${handle}"><a href="/${handle}"></a></div></div>
    <div data-testid="User-Name"><a href="/${handle}"><div dir="ltr"><span>${handle}</span></div></a>
      <a href="/${handle}" tabindex="-1"><span>@${handle}</span></a>
      <a href="/${handle}/status/1863612345678901234"><time datetime="2026-12-02T10:15:00.000Z">1h</time></a></div>
    <div data-testid="tweetText" lang="en">${text}</div></article>`;
}

function keys(url: string, body: string) {
  const doc = new DOMParser().parseFromString(`<body>${body}</body>`, 'text/html');
  return x.extract(doc, new URL(url)).map((candidate) => candidate.key);
}

describe('timelines on reserved paths', () => {
  test.each([
    'https://x.com/i/lists/1598765432109876543',
    'https://x.com/search?q=acme%20renewal&src=typed_query&f=live',
    'https://x.com/notifications/mentions',
    'https://x.com/i/bookmarks',
    'https://x.com/hashtag/CustomerSuccess?src=hashtag_click',
  ])('%s yields its post authors, never the route as a handle', (url) => {
    expect(keys(url, `${NAV}<main>${post('omar_h')}${post('Initech')}</main>`)).toEqual([
      'x:omar_h',
      'x:initech',
    ]);
  });

  test.each([
    'https://x.com/compose/post',
    'https://x.com/i/flow/login',
    'https://x.com/settings/account',
  ])('%s reports nothing, even with the timeline still behind its modal', (url) => {
    expect(keys(url, `<main>${post('omar_h')}</main>`)).toEqual([]);
  });
});

describe('the signed-in account', () => {
  test("is no focus on the user's own profile; the posts there still name their authors", () => {
    const body = `${NAV}<main><div data-testid="UserName"><div dir="ltr">Sam Rivera</div></div>
      ${post('samrivera_nw')}${post('acmecorp', 'Hiring.', '<a href="/samrivera_nw"><span data-testid="socialContext">Sam reposted</span></a>')}</main>`;
    expect(keys('https://x.com/SamRivera_NW', body)).toEqual(['x:acmecorp']);
  });

  test('is known from the account switcher when the nav has no profile link', () => {
    const body = `<header role="banner"><button data-testid="SideNav_AccountSwitcher_Button">
      <div data-testid="UserAvatar-Container-SamRivera_NW"></div></button></header>
      <main>${post('samrivera_nw')}${post('omar_h')}</main>`;
    expect(keys('https://x.com/home', body)).toEqual(['x:omar_h']);
  });
});

describe('status pages', () => {
  test("the URL's handle is the focus even before the focal post renders", () => {
    const doc = document.implementation.createHTMLDocument('');
    expect(
      x.extract(doc, new URL('https://twitter.com/JaneDoe/status/1863612345678901234')),
    ).toEqual([{ key: 'x:janedoe', strength: 'strong', role: 'author', focus: true }]);
  });

  test('absolute twitter.com links and a quoted post without links both name their authors', () => {
    const quoted = `<div role="link" tabindex="0"><div data-testid="User-Name">
      <div data-testid="UserAvatar-Container-initech"></div><span>Initech</span><span>@initech</span></div></div>`;
    const focal = `<article data-testid="tweet" tabindex="-1"><div data-testid="User-Name">
      <a href="https://twitter.com/JaneDoe">Jane</a></div>${quoted}</article>`;
    expect(
      keys(
        'https://mobile.twitter.com/janedoe/status/1863612345678901234',
        `<main>${focal}</main>`,
      ),
    ).toEqual(['x:janedoe', 'x:initech']);
  });

  test('"Replying to" and mention links in a reply are not authors', () => {
    const reply = post(
      'omar_h',
      'Agreed, <a href="/priya_builds">@priya_builds</a>',
      '<div>Replying to <a href="/JaneDoe">@JaneDoe</a></div>',
    );
    expect(
      keys('https://x.com/JaneDoe/status/1863612345678901234', `<main>${reply}</main>`),
    ).toEqual(['x:janedoe', 'x:omar_h']);
  });
});

test('a promoted post is left out, an organic one next to it is not', () => {
  const body = `<main><div data-testid="cellInnerDiv"><div data-testid="placementTracking">${post('hooli')}</div></div>
    <div data-testid="cellInnerDiv">${post('omar_h')}</div></main>`;
  expect(keys('https://x.com/home', body)).toEqual(['x:omar_h']);
});

test('mentionSelector selects post texts, including quoted ones, and nothing else', () => {
  const home = loadFixtures().find((fixture) => fixture.name === 'x/2026-12-02-home-timeline.html');
  if (!home) throw new Error('fixture missing');
  const texts = [...parseFixture(home).querySelectorAll(x.mentionSelector)].map(
    (element) => element.textContent ?? '',
  );
  expect(texts).toContain(
    'Our 2027 procurement benchmark: 400 buyers on what makes a renewal easy.',
  );
  expect(texts).toContain(
    'Renewal week. Big thanks to @priya_builds and the Northwind team for the smoothest one yet.',
  );
  expect(
    texts.some((text) => text.includes('Who to follow') || text.includes('@samrivera_nw')),
  ).toBe(false);
});

describe('x reply box', () => {
  const thread = loadFixtures().find((f) => f.name === 'x/2026-12-02-status-thread.html');
  if (!thread) throw new Error('status thread fixture missing');
  const box = (doc: Document) =>
    doc.querySelector('[data-testid="tweetTextarea_0"]') as HTMLElement;
  const composingTo = (doc: Document, url: string) => x.composingTo?.(doc, new URL(url));

  test("a status page's reply box: nobody while empty, the post's author once text is in it", () => {
    const doc = parseFixture(thread);
    expect(x.composingTo?.(doc, thread.url)).toEqual([]);
    box(doc).innerHTML =
      '<div data-contents="true"><span data-text="true">@JaneDoe sure</span></div>';
    expect(x.composingTo?.(doc, thread.url)).toEqual(['x:janedoe']);
  });

  test('the focus in the box counts on a profile; a timeline box posts to everyone', () => {
    const markup = `${NAV}<div data-testid="tweetTextarea_0" role="textbox" contenteditable="true" tabindex="0"></div>`;
    document.body.innerHTML = markup;
    expect(composingTo(document, 'https://x.com/Omar_H')).toEqual([]);
    box(document).focus();
    expect(composingTo(document, 'https://x.com/Omar_H')).toEqual(['x:omar_h']);
    expect(composingTo(document, 'https://x.com/home')).toEqual([]);
    // The user's own profile is nobody to write to.
    expect(composingTo(document, 'https://x.com/samrivera_nw')).toEqual([]);
  });
});
