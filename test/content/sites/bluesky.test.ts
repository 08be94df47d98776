// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { bluesky } from '../../../src/content/sites/bluesky';

const page = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const post = (testId: string) =>
  `<div data-testid="${testId}" role="link"><div data-testid="postText">…</div></div>`;

describe('bluesky', () => {
  test('a profile addressed by its DID is keyed by the DID; a handle-only header is no name', () => {
    const html = `<div data-testid="profileHeaderDisplayName">jane-acme.bsky.social</div>${post('feedItem-by-jane-acme.bsky.social')}`;
    const url = new URL('https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz');
    expect(bluesky.extract(page(html), url)).toEqual([
      {
        key: 'bluesky:did:plc:ewvi7nxzyoun6zhxrhs64oiz',
        strength: 'strong',
        role: 'profile',
        focus: true,
      },
      { key: 'bluesky:jane-acme.bsky.social', strength: 'strong', role: 'author' },
    ]);
  });

  test('a handle-only display name is no name, a real one is', () => {
    const extract = (name: string) =>
      bluesky.extract(
        page(`<div data-testid="profileHeaderDisplayName">${name}</div>`),
        new URL('https://bsky.app/profile/Omar.Globex.com'),
      );
    expect(extract('omar.globex.com').map((candidate) => candidate.key)).toEqual([
      'bluesky:omar.globex.com',
    ]);
    expect(extract('Omar Haddad').map((candidate) => candidate.key)).toEqual([
      'bluesky:omar.globex.com',
      'name:omar haddad',
    ]);
  });

  test('a custom feed reports its posts’ authors, not its creator', () => {
    const html = post('feedItem-by-priya.northwind.io') + post('feedItem-by-omar.globex.com');
    const url = new URL('https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/feed/whats-hot');
    expect(bluesky.extract(page(html), url)).toEqual([
      { key: 'bluesky:priya.northwind.io', strength: 'strong', role: 'author' },
      { key: 'bluesky:omar.globex.com', strength: 'strong', role: 'author' },
    ]);
  });

  test('search results and the home feed report every author once', () => {
    const html =
      post('feedItem-by-omar.globex.com') +
      post('feedItem-by-Omar.Globex.com') +
      post('feedItem-by-handle.invalid');
    for (const url of ['https://bsky.app/search?q=robots', 'https://bsky.app/']) {
      expect(bluesky.extract(page(html), new URL(url))).toEqual([
        { key: 'bluesky:omar.globex.com', strength: 'strong', role: 'author' },
      ]);
    }
  });

  test('notifications list people as feed items but are the user’s own inbox', () => {
    const html = post('feedItem-by-omar.globex.com');
    expect(bluesky.extract(page(html), new URL('https://bsky.app/notifications'))).toEqual([]);
  });
});
