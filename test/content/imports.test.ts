import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };

/**
 * A content script bundle (src/content/index.ts plus one site adapter, see vite.config.ts) may
 * import only src/identity/keys.ts and src/platform/* (not the polyfill module) besides
 * src/content/, and of packages only the ~1 KB messaging wrapper (architecture §1).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const ENTRIES = [
  'src/content/index.ts',
  ...manifest.content_scripts.flatMap((script) => script.js),
  'src/content/sites/generic.ts',
];
const ALLOWED_FILES = [
  /^src\/content\//,
  /^src\/identity\/keys\.ts$/,
  /^src\/platform\/(?!browser\.ts$)/,
];
const ALLOWED_PACKAGES = ['@webext-core/messaging'];
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

function resolveFile(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const found = [base, `${base}.ts`, join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && candidate.endsWith('.ts'),
  );
  if (!found) throw new Error(`cannot resolve ${specifier} from ${relative(ROOT, from)}`);
  return found;
}

/** Every file and package the content script reaches, following relative imports. */
function importGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (specifier.startsWith('.')) queue.push(resolveFile(file, specifier));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((file) => relative(ROOT, file)), packages: [...packages] };
}

test.each(ENTRIES)(
  '%s imports only identity keys, platform helpers and the messaging wrapper',
  (entry) => {
    const { files, packages } = importGraph(join(ROOT, entry));
    expect(files.length, 'the import walker found nothing').toBeGreaterThan(1);
    expect(files.filter((file) => !ALLOWED_FILES.some((allowed) => allowed.test(file)))).toEqual(
      [],
    );
    expect(packages.filter((name) => !ALLOWED_PACKAGES.includes(name))).toEqual([]);
  },
);
