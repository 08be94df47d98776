/**
 * Whole-token phrase matcher: finds the cached customers' names in page text. Pure and
 * dependency-free; built once from tens of thousands of phrases and then linear in the text.
 *
 * Tokens are what normaliseName folds (NFKD, marks stripped, lower-case; ß as ss, ς as σ), split
 * on anything that is not a letter or a digit: "Zoë Ångström" and "zoe angstrom" are the same
 * two tokens, and "Acme" never matches inside "Acmeville". Phrases sit in a token trie (Maps
 * keyed by a token hash), so a lookup costs one Map probe per token of the longest phrase
 * starting there, however many names share a first word, and the text is read once, without a
 * string per token. At each token the longest phrase wins and its tokens are consumed (leftmost,
 * then longest: "Acme Robotics Europe" is one mention, not three). Scripts written without
 * spaces (Chinese, Japanese, Thai) have no token boundaries to find, so their names match only
 * where the text sets them apart.
 *
 * Guards against words that are names only by accident:
 * - a person's name needs two tokens or more ("Jane" alone is nobody);
 * - an organisation may be one token, but only of at least MIN_SINGLE_TOKEN_LENGTH characters,
 *   and only where the text writes it with a capital letter ("Slack" the company, not "slack"
 *   the rope; "ACME" counts). Scripts without letter case (CJK, Arabic …) have nothing to check
 *   and always match. Multi-token names match in any case ("zoe angstrom").
 */

export interface MatcherEntry {
  /** the customer (or whatever the caller matches) that owns the phrase */
  id: string;
  /** the phrase as the directory writes it, e.g. "Zoë Ångström"; returned with each mention */
  phrase: string;
  kind: 'person' | 'organization';
}

export interface Mention {
  id: string;
  /** the owner's phrase that matched (as given in its entry) */
  phrase: string;
  /** the phrase's tokens joined by spaces: the same for every owner, e.g. "zoe angstrom" */
  key: string;
  /** how often the phrase occurs in the text */
  count: number;
  /** how many distinct ids own this phrase; more than 1 means the text cannot tell them apart */
  sharedBy: number;
}

export interface Matcher {
  /** distinct phrases (token sequences) indexed */
  readonly phrases: number;
  /** every matched id once per phrase, in order of the phrase's first occurrence */
  match(text: string): Mention[];
}

export const MIN_SINGLE_TOKEN_LENGTH = 3;

interface Owner {
  id: string;
  phrase: string;
}

interface Phrase {
  key: string;
  owners: Owner[];
}

interface TrieNode {
  /** the token that leads here, to tell apart tokens whose hashes collide */
  word: string;
  /** the next token of the same hash under the same parent */
  sibling?: TrieNode;
  /** children by token hash */
  next?: Map<number, TrieNode>;
  /** set when a phrase ends here */
  ends?: Phrase;
  /** a one-token organisation name: the text must write it capitalised */
  needsCapital?: boolean;
}

/**
 * A text's tokens as offsets and hashes into its lower-cased form: no string per token, since
 * allocating hundreds of thousands of short strings would cost more than all the matching.
 */
interface Tokens {
  lower: string;
  /** the folded text with its case, for the capitalisation guard */
  cased: string;
  count: number;
  /** token i starts at spans[3i], ends at spans[3i + 1] and hashes to spans[3i + 2] */
  spans: Int32Array;
}

const MARKS = /\p{M}+/gu;
const WORD_CHAR = /^[\p{L}\p{N}]+$/u;
const NOT_ASCII = /[^\0-\x7f]/;
const FINAL_SIGMA = /ς/g;
const SHARP_S = /[ßẞ]/g;

const Unit = { Unknown: 0, Word: 1, Separator: 2, HighSurrogate: 3 } as const;
/** What each BMP code unit is; filled as units are met (a RegExp per character is slow). */
const UNITS = new Uint8Array(0x10000);

function classify(unit: number): number {
  let kind: number;
  if (unit >= 0xd800 && unit <= 0xdbff) kind = Unit.HighSurrogate;
  else kind = WORD_CHAR.test(String.fromCharCode(unit)) ? Unit.Word : Unit.Separator;
  UNITS[unit] = kind;
  return kind;
}

/** Code units of the letter or digit at `index` (2 for an astral one), 0 for a separator. */
function wordLength(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  const kind = UNITS[unit] || classify(unit);
  if (kind === Unit.Word) return 1;
  if (kind === Unit.Separator) return 0;
  const code = text.codePointAt(index) as number;
  return code > 0xffff && WORD_CHAR.test(String.fromCodePoint(code)) ? 2 : 0;
}

/** FNV-1a over code units, kept to 30 bits so V8 stores it as a small integer. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const hashStep = (hash: number, unit: number) => Math.imul(hash ^ unit, FNV_PRIME);
const finish = (hash: number) => hash >>> 2;

function hashOf(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index += 1)
    hash = hashStep(hash, word.charCodeAt(index));
  return finish(hash);
}

/** Reused between calls (match is synchronous), grown to the largest text seen. */
let scratch = new Int32Array(3 * 1024);

function tokenise(text: string): Tokens {
  // NFKD and mark stripping only where there is something to fold (most page text is ASCII).
  const foreign = NOT_ASCII.test(text);
  // ß as ss too, as upper case writes it: "STRAUSS" and "Strauss" are "Strauß".
  const folded = foreign
    ? text
        .normalize('NFKD')
        .replace(MARKS, '')
        .replace(SHARP_S, (letter) => (letter === 'ß' ? 'ss' : 'SS'))
    : text;
  // Final sigma is the one lower-case letter that depends on what follows it ("ΟΔΟΣ" vs
  // "ΟΔΟΣ.Α"): σ everywhere keeps a token the same wherever it stands.
  const lower = foreign ? folded.toLowerCase().replace(FINAL_SIGMA, 'σ') : folded.toLowerCase();
  // Lower-casing keeps every code unit in place once NFKD has decomposed U+0130 (its only
  // expansion), so offsets in `lower` are offsets in `folded`. Should that ever fail, the guard
  // sees lower case only, which errs towards not matching.
  const cased = lower.length === folded.length ? folded : lower;
  // A token takes at least one unit and a separator: at most ⌈length / 2⌉ tokens.
  const needed = 3 * Math.ceil(lower.length / 2);
  if (scratch.length < needed) scratch = new Int32Array(needed);
  const spans = scratch;
  let count = 0;
  for (let index = 0; index < lower.length; ) {
    let length = wordLength(lower, index);
    if (length === 0) {
      index += 1;
      continue;
    }
    const start = index;
    let hash = FNV_OFFSET;
    while (length > 0) {
      hash = hashStep(hash, lower.charCodeAt(index));
      if (length === 2) hash = hashStep(hash, lower.charCodeAt(index + 1));
      index += length;
      length = index < lower.length ? wordLength(lower, index) : 0;
    }
    spans[3 * count] = start;
    spans[3 * count + 1] = index;
    spans[3 * count + 2] = finish(hash);
    count += 1;
  }
  return { lower, cased, count, spans };
}

/** Written with a capital letter, or in a script that has no letter case. */
function isCapitalised(word: string): boolean {
  return word !== word.toLowerCase() || word === word.toUpperCase();
}

/** Person names of one token and short single words never match. */
function isMatchable(kind: MatcherEntry['kind'], words: readonly string[]): boolean {
  if (words.length >= 2) return true;
  const [only] = words;
  return only !== undefined && kind === 'organization' && only.length >= MIN_SINGLE_TOKEN_LENGTH;
}

/** The child for `word`, created if missing. Leaves get no Map: most names end at one. */
function descend(parent: TrieNode, word: string): TrieNode {
  parent.next ??= new Map();
  const hash = hashOf(word);
  const first = parent.next.get(hash);
  for (let node = first; node; node = node.sibling) if (node.word === word) return node;
  const node: TrieNode = { word, sibling: first };
  parent.next.set(hash, node);
  return node;
}

/** The child reached by token `at` of the text, if any. */
function child(parent: TrieNode, tokens: Tokens, at: number): TrieNode | undefined {
  const { spans, lower } = tokens;
  const start = spans[3 * at] as number;
  const length = (spans[3 * at + 1] as number) - start;
  for (let node = parent.next?.get(spans[3 * at + 2] as number); node; node = node.sibling) {
    if (node.word.length === length && lower.startsWith(node.word, start)) return node;
  }
  return undefined;
}

/**
 * A matcher built a few entries at a time: a caller reading its directory in pages adds each
 * page as it arrives, so no single task indexes them all.
 */
export interface MatcherBuilder {
  add(entries: Iterable<MatcherEntry>): void;
  /** the matcher of every entry added; call it once, after the last `add` */
  matcher(): Matcher;
}

export function matcherBuilder(): MatcherBuilder {
  const root: TrieNode = { word: '' };
  let phrases = 0;
  const add = ({ id, phrase, kind }: MatcherEntry) => {
    const { lower, count, spans } = tokenise(phrase);
    const words = Array.from({ length: count }, (_, at) =>
      lower.slice(spans[3 * at], spans[3 * at + 1]),
    );
    if (!isMatchable(kind, words)) return;
    let node = root;
    for (const word of words) node = descend(node, word);
    if (!node.ends) {
      node.ends = { key: words.join(' '), owners: [] };
      phrases += 1;
    }
    const { owners } = node.ends;
    if (!owners.some((owner) => owner.id === id)) owners.push({ id, phrase });
    if (words.length === 1) node.needsCapital = true;
  };
  return {
    add(entries) {
      for (const entry of entries) add(entry);
    },
    matcher: () => trieMatcher(root, phrases),
  };
}

export function buildMatcher(entries: Iterable<MatcherEntry>): Matcher {
  const builder = matcherBuilder();
  builder.add(entries);
  return builder.matcher();
}

function trieMatcher(root: TrieNode, phrases: number): Matcher {
  return {
    phrases,
    match(text) {
      const tokens = tokenise(text);
      const { cased, spans, count: total } = tokens;
      const capitalised = (at: number) =>
        isCapitalised(cased.slice(spans[3 * at], spans[3 * at + 1]));
      const counts = new Map<Phrase, number>();
      for (let start = 0; start < total; ) {
        let node = child(root, tokens, start);
        let longest: Phrase | undefined;
        let end = start;
        for (let at = start; node; ) {
          if (node.ends && (!node.needsCapital || capitalised(at))) {
            longest = node.ends;
            end = at;
          }
          at += 1;
          node = at < total && node.next ? child(node, tokens, at) : undefined;
        }
        if (longest) {
          counts.set(longest, (counts.get(longest) ?? 0) + 1);
          start = end + 1;
        } else {
          start += 1;
        }
      }
      const mentions: Mention[] = [];
      for (const [{ key, owners }, count] of counts) {
        for (const { id, phrase } of owners) {
          mentions.push({ id, phrase, key, count, sharedBy: owners.length });
        }
      }
      return mentions;
    },
  };
}
