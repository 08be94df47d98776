/**
 * `npm run bench`: every benchmark that exists so far, one table, and the same rows as JSON in
 * bench-results.json. Not part of the test command: figures on a shared machine are noisy, so
 * each is printed beside a baseline measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { benchApi } from './api';
import { benchContentSize } from './content-size';
import { benchInitialSync } from './initial-sync';
import { benchMatcher } from './matcher';
import { benchPageImpact } from './page-impact';
import { type BenchRow, printTable } from './report';

// Writing 1M engagements into IndexedDB alone takes 4–8 minutes here: within the 10-minute run
// the sidebar bench caches 250k unless told otherwise (`npx tsx test/bench/sidebar.ts`: 1M).
process.env.TOUCHBASE_BENCH_ENGAGEMENTS ??= '250000';
const started = performance.now();
/** Runs one part, saying when it starts and how long it took: the whole run takes minutes. */
async function part(name: string, bench: () => BenchRow[] | Promise<BenchRow[]>) {
  const partStarted = performance.now();
  console.log(`\n== ${name}`);
  const result = await bench();
  console.log(`== ${name}: ${((performance.now() - partStarted) / 1000).toFixed(0)} s`);
  return result;
}
await part('build', () => {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  return [];
});
const rows: BenchRow[] = [
  ...(await part('content script size', benchContentSize)),
  ...(await part('matcher', benchMatcher)),
  ...(await part('API', benchApi)),
  ...(await part('page impact', benchPageImpact)),
  ...(await part('initial sync', benchInitialSync)),
  // imported after the default above is set: the module reads it when it loads
  ...(await part('candidate → sidebar', async () => (await import('./sidebar')).benchSidebar())),
];
console.log(`\nall parts: ${((performance.now() - started) / 60_000).toFixed(1)} min\n`);
printTable(rows);
writeFileSync(
  'bench-results.json',
  `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log('\nwrote bench-results.json');
const missed = rows.filter((row) => row.ok === false);
if (missed.length > 0)
  console.log(`${missed.length} figure(s) outside their budget: see "NO" above`);
