/**
 * The mention matcher against a RegExp alternation of the same keys (not a test; prints figures):
 *   npx tsx test/bench/matcher.ts            (add --expose-gc via NODE_OPTIONS for exact heap)
 * For 1k, 10k and 50k directory keys (person and organisation names, e-mail addresses, handles):
 * throughput over ~1 MB of generated mail/post text with names sprinkled in, build time, and the
 * heap the built matcher holds. Budget (architecture §6): over 10k names ≥ 20 MB/s and ≥ 10× the
 * RegExp alternation of the same keys (escaped, case-insensitive, Unicode token edges). Two more
 * RegExp rows are informational: each is faster than that one because it does less (see below).
 */
import { pathToFileURL } from 'node:url';
import { buildMatcher, type MatcherEntry } from '../../src/identity/matcher';
import { type BenchRow, printTable } from './report';

const SIZES = [1_000, 10_000, 50_000];
const BUDGET_SIZE = 10_000;
const MIN_MB_PER_S = 20;
const MIN_RATIO = 10;
const TEXT_CHARS = 1_000_000;
const REGEX_SAMPLE_CHARS = 20_000;
/** Each measurement runs at least this long, for a stable figure. */
const MIN_MEASURE_MS = 500;

/** mulberry32: the same directory and text on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST =
  'Jane Omar Zoë Li Priya Sam Ana João Mette Kenji Aisha Lars Chloé Diego Fatima Noah Sofia Yusuf Ingrid Mateo Amara Ødegaard Wei Elena Tomás Hana'.split(
    ' ',
  );
const LAST =
  'Doe Haddad Ångström Chen Patel Sato Silva Gonçalves Nørgaard Tanaka Rahman Eriksson Dubois Álvarez Khan Müller Rossi Demir Berg Herrera Okafor Nowak Wang Petrova Ruiz Kim'.split(
    ' ',
  );
const ORG =
  'Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Cyberdyne Tyrell Wonka Aperture Massive Dynamic Northwind Contoso Fabrikam Brightwave Lumen Quantix Nimbus Helix Orbital'.split(
    ' ',
  );
const ORG_SUFFIX =
  'Robotics Labs Analytics Logistics Foods Health Energy Media Systems Partners'.split(' ');
const WORDS =
  'thanks for the update we discussed the renewal pricing next steps with your team please find the invoice attached and let me know if the proposal works for you I will follow up after the call on Tuesday regarding the migration timeline our support engineers reviewed the ticket and the fix ships in the next release great to see the launch congratulations to everyone involved looking forward to the meeting'.split(
    ' ',
  );
const PUNCTUATION = [' ', ' ', ' ', ' ', ', ', '. ', ' — ', ': ', '! ', '\n', ' “', '” '];

/** `count` directory keys: 50 % person names, 20 % organisations, 15 % e-mails, 15 % handles. */
function directoryKeys(count: number, next: () => number): MatcherEntry[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, (_, index): MatcherEntry => {
    const id = `c${index}`;
    const first = pick(FIRST);
    // A serial keeps the keys distinct the way real directories are (names repeat, people don't).
    const last = `${pick(LAST)}${index % 7 === 0 ? '' : String(index)}`;
    const slot = index % 20;
    if (slot < 10) return { id, phrase: `${first} ${last}`, kind: 'person' };
    if (slot < 14)
      return { id, phrase: `${pick(ORG)} ${pick(ORG_SUFFIX)} ${index}`, kind: 'organization' };
    if (slot < 17)
      return { id, phrase: `${first}.${last}@${pick(ORG).toLowerCase()}.com`, kind: 'person' };
    return { id, phrase: `@${first.toLowerCase()}_${last.toLowerCase()}`, kind: 'person' };
  });
}

/** Mail- and post-like sentences; about one word in 25 is a directory key or a stranger's name. */
function pageText(keys: readonly MatcherEntry[], next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const parts: string[] = [];
  let length = 0;
  while (length < TEXT_CHARS) {
    const roll = next();
    const part =
      roll < 0.03 ? pick(keys).phrase : roll < 0.04 ? `${pick(FIRST)} ${pick(LAST)}` : pick(WORDS);
    parts.push(part, pick(PUNCTUATION));
    length += part.length + 2;
  }
  return parts.join('');
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;

/**
 * The budget's baseline, as the architecture words it: the keys escaped, longest first, one
 * alternation, case-insensitive, with whole-token edges (no letter or digit on either side, in
 * any script). It still does less than the matcher (no diacritic folding; a key's punctuation
 * must match exactly).
 */
function unicodeAlternation(keys: readonly MatcherEntry[]): (text: string) => number {
  const alternatives = keys.map((key) => escapeRegExp(key.phrase)).sort(byLength);
  const regex = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`,
    'giu',
  );
  return (text) => text.match(regex)?.length ?? 0;
}

/**
 * Informational: the same with ASCII `\b` edges and no `u` flag, which V8 compiles into a fast
 * literal automaton. Wrong for names that start or end with a non-ASCII letter ("Ødegaard",
 * "Chloé" never match: `\b` does not see those letters as word characters).
 */
function asciiAlternation(keys: readonly MatcherEntry[]): (text: string) => number {
  const alternatives = keys.map((key) => escapeRegExp(key.phrase)).sort(byLength);
  const regex = new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'gi');
  return (text) => text.match(regex)?.length ?? 0;
}

/** NFKD, marks stripped, lower case, every run of separators one space. */
const normaliseText = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ');

/**
 * Informational: the matcher's semantics the clever RegExp way. Normalise the text (time
 * included) so that tokens are separated by single spaces, then one literal alternation of the
 * normalised keys with space edges. (Keeping the key's separators as `[^\p{L}\p{N}]+` inside the
 * alternation instead is far slower still, and with 10k keys V8 runs out of memory compiling it.)
 */
function normalisedAlternation(keys: readonly MatcherEntry[]): (text: string) => number {
  const alternatives = keys
    .map((key) => escapeRegExp(normaliseText(key.phrase).trim()))
    .filter(Boolean)
    .sort(byLength);
  const regex = new RegExp(`(?<![^ ])(?:${alternatives.join('|')})(?![^ ])`, 'g');
  return (text) => normaliseText(text).match(regex)?.length ?? 0;
}

/** MB (10^6 UTF-16 units) per second, repeating `run` for at least MIN_MEASURE_MS. */
function throughput(text: string, run: (text: string) => unknown): number {
  run(text); // warm up (and compile the RegExp)
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MEASURE_MS) {
    run(text);
    runs += 1;
    elapsed = performance.now() - start;
  }
  return (text.length * runs) / 1e6 / (elapsed / 1000);
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};

export async function benchMatcher(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    const next = random(size);
    const keys = directoryKeys(size, next);
    const text = pageText(keys, next);
    const label = `${size / 1000}k keys`;
    const budgeted = size === BUDGET_SIZE;

    const heapBefore = heapMb();
    const buildStart = performance.now();
    const matcher = buildMatcher(keys);
    const buildMs = performance.now() - buildStart;
    const heapAfter = heapMb();
    if (matcher.match(text).length === 0) throw new Error(`no mentions found with ${label}`);

    const matcherRate = throughput(text, (sample) => matcher.match(sample));
    // The Unicode alternation is thousands of times slower: time it on a slice of the text.
    const unicodeRate = throughput(text.slice(0, REGEX_SAMPLE_CHARS), unicodeAlternation(keys));
    const ratio = matcherRate / unicodeRate;
    const informational = (name: string, baselineName: string, baseline: number): BenchRow => ({
      name,
      figure: matcherRate,
      unit: 'MB/s',
      baseline,
      baselineName,
      ratio: matcherRate / baseline,
      budget: '',
      ok: null,
    });

    rows.push(
      {
        name: `matcher throughput, ${label}`,
        figure: matcherRate,
        unit: 'MB/s',
        baseline: unicodeRate,
        baselineName: 'RegExp alternation, Unicode token edges',
        ratio,
        budget: budgeted ? `≥ ${MIN_MB_PER_S} MB/s and ≥ ${MIN_RATIO}× RegExp` : '',
        ok: budgeted ? matcherRate >= MIN_MB_PER_S && ratio >= MIN_RATIO : null,
      },
      informational(
        `matcher vs ASCII \\b RegExp, ${label}`,
        'RegExp alternation, ASCII \\b (misses non-ASCII edges)',
        throughput(text, asciiAlternation(keys)),
      ),
      informational(
        `matcher vs normalised-text RegExp, ${label}`,
        'normalise text, then literal alternation',
        throughput(text, normalisedAlternation(keys)),
      ),
      {
        name: `matcher build, ${label}`,
        figure: buildMs,
        unit: 'ms',
        baseline: null,
        baselineName: null,
        ratio: null,
        budget: '',
        ok: null,
      },
      {
        name: `matcher heap, ${label}${gc ? '' : ' (no --expose-gc: approximate)'}`,
        figure: Math.max(0, heapAfter - heapBefore),
        unit: 'MB',
        baseline: null,
        baselineName: null,
        ratio: null,
        budget: '',
        ok: null,
      },
    );
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchMatcher());
}
