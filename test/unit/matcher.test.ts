import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildMatcher,
  type MatcherEntry,
  type Mention,
  MIN_SINGLE_TOKEN_LENGTH,
  matcherBuilder,
} from '../../src/identity/matcher';

const person = (id: string, phrase: string): MatcherEntry => ({ id, phrase, kind: 'person' });
const org = (id: string, phrase: string): MatcherEntry => ({ id, phrase, kind: 'organization' });

/** id → count, for the simple cases. */
function counts(entries: MatcherEntry[], text: string): Record<string, number> {
  const found = buildMatcher(entries).match(text);
  return Object.fromEntries(found.map((mention) => [mention.id, mention.count]));
}

describe('buildMatcher', () => {
  it('folds diacritics and case on both sides', () => {
    const matcher = buildMatcher([person('zoe', 'Zoë Ångström')]);
    expect(matcher.match('we met zoe angstrom yesterday')).toEqual([
      { id: 'zoe', phrase: 'Zoë Ångström', key: 'zoe angstrom', count: 1, sharedBy: 1 },
    ]);
    // Decomposed input (e + combining diaeresis) and upper case are the same tokens.
    expect(counts([person('zoe', 'zoe angstrom')], 'ZOE\u0308 A\u030ANGSTRÖM!')).toEqual({
      zoe: 1,
    });
  });

  it('splits on anything that is not a letter or digit: punctuation never hides a name', () => {
    const entries = [person('jane', 'Jane Doe'), org('acme', 'Acme Robotics')];
    const text = 'Thanks, Jane Doe! (JANE-DOE) jane.doe@… — cc: “Acme Robotics”; acme/robotics.';
    expect(counts(entries, text)).toEqual({ jane: 3, acme: 2 });
  });

  it('never matches a token inside a longer word', () => {
    const entries = [org('acme', 'Acme'), person('jane', 'Jane Doe')];
    expect(counts(entries, 'Acmeville, AcmeCorp, Jane Doerr, MaryJane Doe')).toEqual({});
    expect(counts(entries, 'Acme, in Acmeville')).toEqual({ acme: 1 });
  });

  it('lets the longest phrase win and consumes its tokens (leftmost first)', () => {
    const entries = [
      org('acme', 'Acme'),
      org('robotics', 'Acme Robotics'),
      org('europe', 'Acme Robotics Europe'),
      person('jane', 'Jane Doe'),
      org('doe-industries', 'Doe Industries'),
    ];
    expect(counts(entries, 'Acme Robotics Europe bought Acme Robotics from Acme.')).toEqual({
      europe: 1,
      robotics: 1,
      acme: 1,
    });
    // Overlapping phrases: the one that starts first takes the shared token.
    expect(counts(entries, 'Jane Doe Industries')).toEqual({ jane: 1 });
    // A longer phrase that does not complete falls back to the longest one that did.
    expect(counts(entries, 'Acme Robotics Asia')).toEqual({ robotics: 1 });
  });

  it('needs two tokens for a person, and a capitalised long word for a one-token organisation', () => {
    const entries = [
      person('cher', 'Cher'),
      org('slack', 'Slack'),
      org('hp', 'HP'),
      org('aramco', 'أرامكو'),
    ];
    expect(counts(entries, 'Cher asked about slack, the rope, and HP printers.')).toEqual({});
    expect(counts(entries, 'Slack is down; SLACK says so. eSlack?')).toEqual({ slack: 2 });
    // Scripts without letter case have no capital to check.
    expect(counts(entries, 'اتفاق مع أرامكو اليوم')).toEqual({ aramco: 1 });
    expect('HP'.length).toBeLessThan(MIN_SINGLE_TOKEN_LENGTH);
  });

  it('matches multi-token names whatever their case', () => {
    expect(
      counts([org('ge', 'General Electric')], 'general electric and GENERAL ELECTRIC'),
    ).toEqual({ ge: 2 });
  });

  it('reports a name two customers share with every owner and how many share it', () => {
    const matcher = buildMatcher([
      person('smith-1', 'John Smith'),
      person('smith-2', 'JOHN SMITH'),
      person('smith-1', 'john smith'),
      person('jane', 'Jane Doe'),
    ]);
    expect(matcher.phrases).toBe(2);
    expect(matcher.match('John Smith wrote to Jane Doe; john smith again')).toEqual([
      { id: 'smith-1', phrase: 'John Smith', key: 'john smith', count: 2, sharedBy: 2 },
      { id: 'smith-2', phrase: 'JOHN SMITH', key: 'john smith', count: 2, sharedBy: 2 },
      { id: 'jane', phrase: 'Jane Doe', key: 'jane doe', count: 1, sharedBy: 1 },
    ]);
  });

  it('lists mentions in order of first occurrence', () => {
    const entries = [person('a', 'Ann Lee'), person('b', 'Bo Chen'), person('c', 'Cy Ruiz')];
    const found = buildMatcher(entries).match('Cy Ruiz, Ann Lee, Cy Ruiz, Bo Chen');
    expect(found.map((mention) => mention.id)).toEqual(['c', 'a', 'b']);
  });

  it('matches the same when its entries are added a page at a time', () => {
    const entries = [
      person('a', 'Ann Lee'),
      org('acme', 'Acme'),
      person('a2', 'Ann Lee'),
      person('b', 'Bo Chen'),
      person('a', 'Ann Lee'),
    ];
    const builder = matcherBuilder();
    builder.add(entries.slice(0, 2));
    builder.add([]);
    builder.add(entries.slice(2));
    const paged = builder.matcher();
    const text = 'Ann Lee of Acme met Bo Chen and ann lee';
    expect(paged.phrases).toBe(3);
    expect(paged.match(text)).toEqual(buildMatcher(entries).match(text));
    expect(paged.match(text).map((mention) => [mention.id, mention.sharedBy])).toEqual([
      ['a', 2],
      ['a2', 2],
      ['acme', 1],
      ['b', 1],
    ]);
  });

  it('copes with nothing to match and nothing to match against', () => {
    expect(buildMatcher([]).match('Jane Doe')).toEqual([]);
    expect(buildMatcher([person('jane', 'Jane Doe')]).match('')).toEqual([]);
    expect(buildMatcher([person('x', '  '), person('y', '!!')]).phrases).toBe(0);
  });

  it('treats Greek final sigma like any sigma, and ß like the ss upper case writes', () => {
    expect(counts([org('odos', 'ΟΔΟΣ Α.Ε.')], 'η οδος α.ε. και ΟΔΟΣ Α.Ε.')).toEqual({ odos: 2 });
    expect(counts([person('jo', 'Jo Strauß')], 'JO STRAUSS, Jo Strauss, jo strauß')).toEqual({
      jo: 3,
    });
  });
});

/**
 * The reference: the same rules written the obvious way (a token RegExp, one string per token,
 * every entry tried at every position), slow but easy to trust.
 */
function referenceMatch(entries: MatcherEntry[], text: string): Mention[] {
  const words = (value: string) =>
    [
      ...value
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .replace(/ß/g, 'ss')
        .replace(/ẞ/g, 'SS')
        .matchAll(/[\p{L}\p{N}]+/gu),
    ].map((match) => match[0]);
  const lower = (word: string) => word.toLowerCase().replace(/ς/g, 'σ');
  const phrases = new Map<string, { words: string[]; single: boolean; owners: MatcherEntry[] }>();
  for (const entry of entries) {
    const tokens = words(entry.phrase).map(lower);
    const ok =
      tokens.length >= 2 ||
      (tokens.length === 1 &&
        entry.kind === 'organization' &&
        (tokens[0] as string).length >= MIN_SINGLE_TOKEN_LENGTH);
    if (!ok) continue;
    const key = tokens.join(' ');
    const phrase = phrases.get(key) ?? { words: tokens, single: tokens.length === 1, owners: [] };
    if (!phrase.owners.some((owner) => owner.id === entry.id)) phrase.owners.push(entry);
    phrases.set(key, phrase);
  }
  const original = words(text);
  const tokens = original.map(lower);
  const capitalised = (word: string) => word !== word.toLowerCase() || word === word.toUpperCase();
  const found = new Map<string, number>();
  for (let start = 0; start < tokens.length; ) {
    let best: string | undefined;
    let bestLength = 0;
    for (const [key, phrase] of phrases) {
      const fits = phrase.words.every((word, offset) => tokens[start + offset] === word);
      if (!fits || phrase.words.length <= bestLength) continue;
      if (phrase.single && !capitalised(original[start] as string)) continue;
      best = key;
      bestLength = phrase.words.length;
    }
    if (best === undefined) {
      start += 1;
      continue;
    }
    found.set(best, (found.get(best) ?? 0) + 1);
    start += bestLength;
  }
  return [...found].flatMap(([key, count]) => {
    const owners = phrases.get(key)?.owners ?? [];
    return owners.map(({ id, phrase }) => ({ id, phrase, key, count, sharedBy: owners.length }));
  });
}

describe('buildMatcher against the reference', () => {
  // A small vocabulary, so generated texts actually contain the generated names.
  const word = fc.constantFrom(
    'Zoë',
    'zoe',
    'ZOE',
    'Ångström',
    'angstrom',
    'Acme',
    'acme',
    'ACME',
    'Robotics',
    'Jane',
    'doe',
    'Doe',
    'ΟΔΟΣ',
    'οδος',
    'Straße',
    '東京',
    'x1',
    'İstanbul',
    'ﬁnance',
  );
  const separator = fc.constantFrom(' ', '  ', '-', '.', ', ', '\n', "'", '’', '…', '@');
  const phrase = fc
    .array(fc.tuple(word, separator), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map(([w, s]) => w + s).join(''));
  const entry = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    phrase,
    kind: fc.constantFrom('person' as const, 'organization' as const),
  });
  /** Entries, and a text of words, separators, noise and (half the time) their phrases. */
  const entriesAndText = fc.array(entry, { maxLength: 12 }).chain((entries) => {
    const pieces = [
      { weight: 6, arbitrary: word },
      { weight: 3, arbitrary: separator },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ];
    if (entries.length > 0) {
      const phrases = fc.constantFrom(...entries.map((e) => e.phrase));
      const cased = fc.tuple(phrases, fc.boolean()).map(([p, up]) => (up ? p.toUpperCase() : p));
      pieces.push({ weight: 6, arbitrary: fc.tuple(separator, cased).map(([s, p]) => s + p) });
    }
    const text = fc.array(fc.oneof(...pieces), { maxLength: 60 }).map((parts) => parts.join(''));
    return fc.tuple(fc.constant(entries), text);
  });

  it('finds exactly what the reference finds', () => {
    fc.assert(
      fc.property(entriesAndText, ([entries, sample]) => {
        expect(buildMatcher(entries).match(sample)).toEqual(referenceMatch(entries, sample));
      }),
      { numRuns: 2000 },
    );
  });

  it('always finds a multi-token name written out with any separators and case', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 2, maxLength: 3 }),
        fc.array(separator, { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (words, separators, shout) => {
          const name = words.join(' ');
          const written = words.map((w, index) => w + separators[index]).join('');
          const sample = `before ${shout ? written.toUpperCase() : written} after`;
          const found = buildMatcher([person('p', name)]).match(sample);
          expect(found.map((mention) => mention.id)).toEqual(['p']);
        },
      ),
    );
  });
});
