// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { reddit } from '../../../src/content/sites/reddit';

const page = (body: string) => new DOMParser().parseFromString(body, 'text/html');
const extract = (body: string, url: string) => reddit.extract(page(body), new URL(url));

const POST_URL =
  'https://www.reddit.com/r/sales/comments/1h4qk2z/how_do_you_handle_renewal_pushback/';

describe('reddit', () => {
  test('the focus is the post the URL names, not other posts on the page', () => {
    const body = `<shreddit-post author="kofi_m" id="t3_1h2abcd"></shreddit-post>
      <shreddit-post author="jane_doe" id="t3_1h4qk2z"></shreddit-post>
      <shreddit-comment author="omar_h" thingid="t1_m0c7f1a"></shreddit-comment>`;
    expect(extract(body, POST_URL)).toEqual([
      { key: 'reddit:jane_doe', strength: 'strong', role: 'author', focus: true },
      { key: 'reddit:kofi_m', strength: 'strong', role: 'author' },
      { key: 'reddit:omar_h', strength: 'strong', role: 'author' },
    ]);
  });

  test('a comment permalink and the short /comments/<id> form focus on the same post', () => {
    const body = '<shreddit-post author="jane_doe" id="t3_1h4qk2z"></shreddit-post>';
    for (const url of [
      'https://www.reddit.com/r/sales/comments/1h4qk2z/comment/m0c7f1a/',
      'https://www.reddit.com/comments/1h4qk2z',
    ]) {
      expect(extract(body, url).find((candidate) => candidate.focus)?.key).toBe('reddit:jane_doe');
    }
  });

  test('deleted and removed authors are not accounts; bots are', () => {
    const body = `<shreddit-comment author="[deleted]"></shreddit-comment>
      <shreddit-comment author="[removed]"></shreddit-comment>
      <div class="thing comment" data-author="AutoModerator"></div>`;
    expect(extract(body, POST_URL).map((candidate) => candidate.key)).toEqual([
      'reddit:automoderator',
    ]);
  });

  test("the signed-in user's own page has no focus; old Reddit names the user in its header", () => {
    const body = `<div id="header-bottom-right"><span class="user"><a href="https://old.reddit.com/user/Sam_Rivera/">Sam_Rivera</a></span></div>
      <div class="thing link" data-author="sam_rivera" data-fullname="t3_1h4bbbb"></div>`;
    expect(extract(body, 'https://old.reddit.com/user/sam_rivera/')).toEqual([]);
    expect(extract(body, 'https://old.reddit.com/u/jane_doe').map((c) => c.key)).toEqual([
      'reddit:jane_doe',
    ]);
  });

  test('promoted links on old Reddit are left out', () => {
    const body = `<div class="thing link promoted" data-author="globex_cloud" data-promoted="true"></div>
      <div class="thing link" data-author="jane_doe" data-promoted="false"></div>`;
    expect(extract(body, 'https://old.reddit.com/r/sales/').map((c) => c.key)).toEqual([
      'reddit:jane_doe',
    ]);
  });

  test('pages that are not users, posts or listings are ignored', () => {
    for (const path of [
      'settings/',
      'search/?q=acme',
      'r/sales/submit',
      'user/ab/',
      'r/sales/comments/',
    ]) {
      expect(reddit.detect(new URL(`https://www.reddit.com/${path}`))).toBe(false);
    }
  });
});
