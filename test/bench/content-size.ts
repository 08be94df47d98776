/**
 * The content script bundles' gzipped sizes (architecture §6: ≤ 12 KB for all a page loads).
 * Reads the built dist/ (run `npm run build` first; `npm run bench` does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './report';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const BUDGET_BYTES = 12 * 1024;

export function benchContentSize(): BenchRow[] {
  const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as {
    content_scripts: Array<{ js: string[] }>;
  };
  const files = [...manifest.content_scripts.flatMap((script) => script.js), 'content-generic.js'];
  return files.map((file) => {
    const bytes = gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
    return {
      name: `content script ${file} (gzipped)`,
      figure: bytes / 1024,
      unit: 'KB',
      baseline: BUDGET_BYTES / 1024,
      baselineName: 'budget',
      ratio: bytes / BUDGET_BYTES,
      budget: '≤ 12 KB',
      ok: bytes <= BUDGET_BYTES,
    };
  });
}
