import { describe, expect, it } from 'vitest';
import { companyDomainKey, isFreeMailDomain } from '../../src/identity/freemail';
import { emailKeys, normaliseIdentity, normaliseName } from '../../src/identity/keys';
import { IDENTITY_KINDS } from '../../src/protocol';

describe('emailKeys', () => {
  it('lower-cases, trims and strips a +tag into a second key', () => {
    expect(emailKeys('  Jane.Doe+News@Acme.COM ')).toEqual([
      { kind: 'email', value: 'jane.doe+news@acme.com' },
      { kind: 'email', value: 'jane.doe@acme.com' },
    ]);
  });
  it('accepts mailto: links and rejects non-addresses', () => {
    expect(emailKeys('mailto:Bob@Example.org?subject=hi')).toEqual([
      { kind: 'email', value: 'bob@example.org' },
    ]);
    expect(emailKeys('not an email')).toEqual([]);
    expect(emailKeys('a@b')).toEqual([]);
  });
});

describe('companyDomainKey', () => {
  it('derives the company domain but never a free-mail provider', () => {
    expect(companyDomainKey('jane@Acme.com')).toEqual({ kind: 'domain', value: 'acme.com' });
    expect(companyDomainKey('jane@gmail.com')).toBeNull();
    expect(isFreeMailDomain('outlook.com')).toBe(true);
    expect(isFreeMailDomain('acme.com')).toBe(false);
  });
});

describe('normaliseIdentity', () => {
  const cases: Array<[Parameters<typeof normaliseIdentity>[0], string, string | null]> = [
    ['x', '@JaneDoe', 'janedoe'],
    ['x', 'https://twitter.com/JaneDoe/status/1', 'janedoe'],
    ['x', 'way_too_long_for_a_handle', null],
    // reserved paths are pages, never handles
    ['x', 'https://x.com/home', null],
    ['x', 'https://twitter.com/i/lists/123', null],
    ['x', '@Explore', null],
    ['instagram', 'https://www.instagram.com/explore/', null],
    ['github', 'https://github.com/settings/profile', null],
    ['github', 'https://github.com/users/octocat/projects/1', null],
    ['github', 'https://github.com/enterprises/acme', null],
    ['facebook', 'https://www.facebook.com/groups/123', null],
    ['linkedin', 'https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa-42/', 'josé-garcía-42'],
    ['linkedin', 'Jane-Doe', 'jane-doe'],
    ['linkedin-company', 'https://de.linkedin.com/company/Acme-Corp/about/', 'acme-corp'],
    ['github', 'https://github.com/Octo-Cat', 'octo-cat'],
    ['github', '-bad', null],
    ['reddit', 'u/Some_User', 'some_user'],
    ['reddit', 'https://www.reddit.com/user/Some_User/comments', 'some_user'],
    ['instagram', '@jane.doe', 'jane.doe'],
    ['facebook', 'https://www.facebook.com/Jane.Doe.77', 'jane.doe.77'],
    // a profile without a username is keyed by its numeric id
    [
      'facebook',
      'https://www.facebook.com/profile.php?id=100012345678901&sk=about',
      'id100012345678901',
    ],
    ['facebook', 'https://web.facebook.com/Jane.Doe.77', 'jane.doe.77'],
    ['facebook', 'https://www.facebook.com/photo/?fbid=1234567890', null],
    ['reddit', 'https://sh.reddit.com/user/Some_User/', 'some_user'],
    ['youtube', 'https://www.youtube.com/@JaneCodes', '@janecodes'],
    [
      'youtube',
      'https://www.youtube.com/channel/UC1234567890abcdefghijKL',
      'UC1234567890abcdefghijKL',
    ],
    ['youtube', 'plain', null],
    ['bluesky', 'https://bsky.app/profile/Jane.bsky.social', 'jane.bsky.social'],
    ['bluesky', '@jane.bsky.social', 'jane.bsky.social'],
    // the placeholder Bluesky shows for an unverified handle is nobody's identity
    ['bluesky', 'handle.invalid', null],
    ['domain', 'https://www.Acme.com/about', 'acme.com'],
    ['domain', 'nodot', null],
    ['phone', '+1 (555) 010-9999', '+15550109999'],
    ['phone', '12', null],
    ['name', '  José   GARCÍA ', 'jose garcia'],
    ['email', 'JANE@ACME.COM', 'jane@acme.com'],
  ];
  it.each(cases)('%s %s → %s', (kind, raw, expected) => {
    expect(normaliseIdentity(kind, raw)).toBe(expected);
  });

  it('knows every identity kind of the protocol', () => {
    for (const kind of IDENTITY_KINDS) {
      expect(() => normaliseIdentity(kind, 'x')).not.toThrow();
    }
  });
});

describe('normaliseName', () => {
  it('folds compatibility forms and diacritics', () => {
    expect(normaliseName('Ｊｏｓé\tMüller')).toBe('jose muller');
  });
});
