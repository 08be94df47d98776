// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { facebook } from '../../../src/content/sites/facebook';

const page = (body: string) => new DOMParser().parseFromString(body, 'text/html');
const keys = (body: string, url: string) =>
  facebook.extract(page(body), new URL(url)).map((candidate) => candidate.key);

const SIGNED_IN = `<div role="banner"><div role="navigation"><a href="https://www.facebook.com/sam.rivera.42">
  <svg></svg></a></div></div>`;

describe('facebook', () => {
  test('a profile without a username is keyed id<digits>, as normaliseIdentity keys it', () => {
    const url = 'https://www.facebook.com/profile.php?id=100012345678901&sk=photos';
    expect(
      facebook.extract(page('<div role="main"><h1>Omar Haddad</h1></div>'), new URL(url)),
    ).toEqual([
      { key: 'facebook:id100012345678901', strength: 'strong', focus: true, role: 'profile' },
      { key: 'name:omar haddad', strength: 'weak', role: 'profile' },
    ]);
  });

  test('a single post names its author in focus but its heading is not a profile name', () => {
    const url = 'https://www.facebook.com/AcmeBakery/posts/pfbid0aBcD123';
    expect(
      facebook.extract(page('<div role="main"><h1>Winter menu</h1></div>'), new URL(url)),
    ).toEqual([{ key: 'facebook:acmebakery', strength: 'strong', focus: true, role: 'profile' }]);
  });

  test("the signed-in user's own profile yields no profile candidates, only other authors", () => {
    const body = `${SIGNED_IN}<div role="main"><h1>Sam Rivera</h1><div role="article">
      <a href="https://www.facebook.com/lee.chen.nw?comment_id=Y29t">Lee</a></div></div>`;
    expect(keys(body, 'https://www.facebook.com/sam.rivera.42')).toEqual(['facebook:lee.chen.nw']);
  });

  test('links to photos, hashtags, groups, videos and reels are never authors', () => {
    const body = `<div role="main"><div role="article"><div data-ad-rendering-role="profile_name">
      <a href="https://www.facebook.com/photo/?fbid=1">photo</a>
      <a href="https://www.facebook.com/hashtag/renewals">#renewals</a>
      <a href="https://www.facebook.com/groups/saasbuyersclub/">group</a>
      <a href="https://www.facebook.com/watch/?v=1">video</a>
      <a href="https://www.facebook.com/reel/1234567890">reel</a>
      <a href="https://www.facebook.com/jane.doe.77/photos/a.1/2">Jane's photo</a>
      <a href="http://[broken">broken</a>
      <a href="https://www.facebook.com/jane.doe.77?__tn__=-UC">Jane Doe</a>
    </div></div></div>`;
    expect(keys(body, 'https://www.facebook.com/')).toEqual(['facebook:jane.doe.77']);
  });

  test('a sponsored post is left out: it carries a call-to-action rendering role', () => {
    const body = `<div role="main"><div aria-posinset="1">
      <div data-ad-rendering-role="profile_name"><a href="https://www.facebook.com/globexcloud">Globex</a></div>
      <div data-ad-rendering-role="cta-button"><a href="https://l.facebook.com/l.php?u=x">Learn more</a></div>
    </div></div>`;
    expect(keys(body, 'https://www.facebook.com/')).toEqual([]);
  });

  test('articles without comment author links (suggestion cards) are not comments', () => {
    const body = `<div role="main"><div role="article">
      <a href="https://www.facebook.com/maria.lopez.bcn/">Maria Lopez</a><div role="button">Add friend</div>
    </div></div>`;
    expect(keys(body, 'https://www.facebook.com/')).toEqual([]);
  });

  test('comments of a post opened in a dialog over the feed are read', () => {
    const body = `${SIGNED_IN}<div role="main"></div><div role="dialog"><div role="article">
      <div data-ad-rendering-role="profile_name"><a href="https://www.facebook.com/jane.doe.77">Jane</a></div>
      <div role="article"><a href="https://www.facebook.com/people/Kofi-Mensah/100056789012345/?comment_id=Y29t">Kofi</a></div>
      <div role="article"><a href="https://www.facebook.com/sam.rivera.42?comment_id=Y29u">Sam</a></div>
    </div></div>`;
    expect(keys(body, 'https://www.facebook.com/')).toEqual([
      'facebook:jane.doe.77',
      'facebook:id100056789012345',
    ]);
  });
});
