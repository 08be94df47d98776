#!/usr/bin/env node
// `npm start`: build the extension, then run the API on the embedded SQLite database with the
// demo company (loaded on the first run), and print what to enter in the extension.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'touchbase.js');
const dbFile = join(root, 'data', 'touchbase.sqlite');
// The demo's member colleague (DEMO_MEMBER_EMAIL in src/server/demo.ts).
const demoMemberEmail = 'alex.morgan@brightwave.io';
// `npm start` always uses the embedded database, even if DATABASE_URL is set in the shell.
const env = { ...process.env, DATABASE_URL: '' };

console.log('Building the extension (vite build)…');
const build = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit', env });
if (build.status !== 0) {
  console.warn('\nThe extension build failed (see above); starting the API anyway.\n');
}

function touchbase(...args) {
  const run = spawnSync(process.execPath, [bin, ...args, '--db', dbFile], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return { ok: run.status === 0, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

const tokenOf = (output) => /Token \(shown only once\): (\S+)/.exec(output)?.[1];

let token;
if (!existsSync(dbFile)) {
  console.log('First run: loading the demo company…');
  const demo = touchbase('demo');
  process.stdout.write(demo.stdout.replace(/^Token.*\n?/m, ''));
  if (!demo.ok) {
    console.error(demo.stderr);
    process.exit(1);
  }
  token = tokenOf(demo.stdout);
} else {
  // Tokens are shown only once, so every start makes a fresh one for the demo member.
  const issued = touchbase('users', 'token', '--email', demoMemberEmail);
  token = issued.ok ? tokenOf(issued.stdout) : undefined;
  if (!token) console.warn(`No demo member in ${relative(root, dbFile)}: ${issued.stderr.trim()}`);
}

const port = process.env.PORT ?? '8787';
const server = spawn(process.execPath, [bin, 'serve', '--port', port, '--db', dbFile], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let announced = false;
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const url = /listening on (http:\/\/\S+)/.exec(chunk.toString())?.[1];
  if (!url || announced) return;
  announced = true;
  console.log(`
  Touchbase API:   ${url}   (database: ${relative(root, dbFile)})
  Access token:    ${token ?? '(create one: npx touchbase users add --name … --email … --department …)'}
                   for ${demoMemberEmail}, a Sales colleague of the demo company

  Load the extension in Chrome:
    1. open chrome://extensions and switch on "Developer mode"
    2. "Load unpacked" → choose the folder ${join(root, 'dist')}
    3. in the extension's options page enter
         Server URL:    ${url}
         Access token:  the token above
       and press Connect.

  Stop with Ctrl+C.
`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
