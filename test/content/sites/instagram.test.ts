// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { instagram } from '../../../src/content/sites/instagram';

const page = (body: string, title = '') => {
  const doc = new DOMParser().parseFromString(body, 'text/html');
  doc.title = title;
  return doc;
};
const keys = (doc: Document, url: string) =>
  instagram.extract(doc, new URL(url)).map((candidate) => candidate.key);

const NAV =
  '<div><a href="/"></a><a href="/explore/"></a><a href="/sam.rivera/"><img alt=""></a></div>';

describe('instagram', () => {
  test('the display name comes from the title only when it names the same handle', () => {
    const url = new URL('https://www.instagram.com/janedoe/');
    const withName = (title: string) =>
      instagram.extract(page('<main></main>', title), url).map((candidate) => candidate.key);
    expect(withName('(3) Jane Doe (@janedoe) • Instagram photos and videos')).toEqual([
      'instagram:janedoe',
      'name:jane doe',
    ]);
    // the previous profile's title lingering during a navigation
    expect(withName('Acme Bakery (@acme.bakery) • Instagram photos and videos')).toEqual([
      'instagram:janedoe',
    ]);
    // an account without a display name
    expect(withName('@janedoe • Instagram photos and videos')).toEqual(['instagram:janedoe']);
  });

  test("the signed-in user's own profile yields nothing", () => {
    const doc = page(
      `${NAV}<main></main>`,
      'Sam Rivera (@sam.rivera) • Instagram photos and videos',
    );
    expect(keys(doc, 'https://www.instagram.com/sam.rivera/')).toEqual([]);
  });

  test('a post opened in a dialog over a profile is read from the dialog, not the grid', () => {
    const doc = page(`${NAV}
      <main><header><a href="/acme.bakery/"><img alt=""></a></header>
        <a href="/acme.bakery/p/DCx7Qm2tRk9/"><img alt=""></a></main>
      <div role="dialog"><article>
        <a href="/janedoe/"><img alt=""></a><a href="/janedoe/">janedoe</a>
        <h1>Thanks <a href="/priya.shah/">@priya.shah</a></h1>
        <li><a href="/omar_haddad/"><img alt=""></a><a href="/omar_haddad/">omar_haddad</a></li>
        <li><a href="/sam.rivera/"><img alt=""></a><a href="/sam.rivera/">sam.rivera</a></li>
      </article></div>`);
    expect(instagram.extract(doc, new URL('https://www.instagram.com/p/DAbc123xyz/'))).toEqual([
      { key: 'instagram:janedoe', strength: 'strong', role: 'author', focus: true },
      { key: 'instagram:omar_haddad', strength: 'strong', role: 'author' },
    ]);
  });

  test('a post URL under a handle names its author even before the post renders', () => {
    expect(
      keys(page('<main></main>'), 'https://www.instagram.com/acme.bakery/reel/DBz3LpVs1aQ/'),
    ).toEqual(['instagram:acme.bakery']);
  });

  test('reserved first segments are pages, never profiles', () => {
    for (const path of [
      'explore/',
      'accounts/edit/',
      'direct/inbox/',
      'stories/janedoe/1/',
      'reels/',
    ]) {
      expect(instagram.detect(new URL(`https://www.instagram.com/${path}`))).toBe(false);
    }
    expect(instagram.detect(new URL('https://www.instagram.com/janedoe/followers/'))).toBe(true);
    expect(instagram.detect(new URL('https://www.instagram.com/janedoe/p/'))).toBe(false);
  });
});
