// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { github } from '../../../src/content/sites/github';

const page = (html: string, user = 'sam-northwind') =>
  new DOMParser().parseFromString(`<meta name="user-login" content="${user}">${html}`, 'text/html');

describe('github', () => {
  test('an organisation page gives its name from the org header', () => {
    const html = `<div itemscope itemtype="http://schema.org/Organization"><header class="orghead"><h1 class="h2 lh-condensed">Acme Corp</h1></header></div>`;
    expect(github.extract(page(html), new URL('https://github.com/acme-corp'))).toEqual([
      { key: 'github:acme-corp', strength: 'strong', role: 'profile', focus: true },
      { key: 'name:acme corp', strength: 'weak', role: 'profile' },
    ]);
  });

  test('a repository focuses on its owner; the repository’s own name microdata is no name', () => {
    const html = `<strong itemprop="name"><a href="/acme-corp/widgets">widgets</a></strong>`;
    expect(
      github.extract(
        page(html),
        new URL('https://github.com/acme-corp/widgets/blob/main/README.md'),
      ),
    ).toEqual([{ key: 'github:acme-corp', strength: 'strong', role: 'profile', focus: true }]);
  });

  test('the signed-in user’s own profile and repositories yield nothing', () => {
    const html = `<h1 class="vcard-names"><span itemprop="name">Sam Rivera</span></h1>`;
    expect(
      github.extract(page(html, 'Sam-Northwind'), new URL('https://github.com/sam-northwind')),
    ).toEqual([]);
    expect(
      github.extract(
        page('', 'sam-northwind'),
        new URL('https://github.com/sam-northwind/dotfiles'),
      ),
    ).toEqual([]);
  });

  test('a pull request’s other tabs still focus on the author named in the header', () => {
    const html = `<div class="gh-header-meta"><a class="author" data-hovercard-type="user" href="/Omar-Globex">Omar-Globex</a> wants to merge</div>`;
    expect(
      github.extract(page(html), new URL('https://github.com/northwind-io/sdk/pull/7/files')),
    ).toEqual([
      { key: 'github:omar-globex', strength: 'strong', role: 'author', focus: true },
      { key: 'github:northwind-io', strength: 'strong', role: 'profile' },
    ]);
  });

  test('an issue opened by a bot or by the user has no focus', () => {
    const thread = (opener: string) =>
      `<div class="react-issue-body"><a data-testid="issue-body-header-author" href="${opener}">x</a></div>
       <div class="react-issue-comment"><a data-testid="avatar-link" href="https://github.com/jane-acme"></a></div>`;
    const url = new URL('https://github.com/acme-corp/widgets/issues/42');
    for (const opener of ['/apps/dependabot', '/sam-northwind']) {
      expect(github.extract(page(thread(opener)), url)).toEqual([
        { key: 'github:acme-corp', strength: 'strong', role: 'profile' },
        { key: 'github:jane-acme', strength: 'strong', role: 'author' },
      ]);
    }
  });

  test('GitHub’s own pages are no logins', () => {
    for (const path of [
      '/users/jane-acme/projects/1',
      '/orgs/acme-corp/people',
      '/settings/profile',
      '/',
    ]) {
      expect(github.detect(new URL(`https://github.com${path}`))).toBe(false);
    }
  });
});
