// @vitest-environment node
/**
 * Manifest audit: the extension runs inside people's mailboxes, so what it may touch and what code
 * it may run are pinned here. Checks the source manifest.json and the built dist/ (`npm test`
 * builds before vitest runs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

interface Manifest {
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches: string[]; js?: string[] }[];
  content_security_policy?: Record<string, string>;
  background?: { service_worker?: string };
}

// Widening any of these is a security decision: change the list here on purpose, in review.
const PERMISSIONS = ['storage', 'alarms', 'unlimitedStorage', 'scripting', 'activeTab'];
const HOST_PERMISSIONS = [
  'https://mail.google.com/*',
  'https://outlook.office.com/*',
  'https://outlook.office365.com/*',
  'https://outlook.live.com/*',
  'https://*.linkedin.com/*',
  'https://x.com/*',
  'https://mobile.x.com/*',
  'https://twitter.com/*',
  'https://mobile.twitter.com/*',
  'https://www.facebook.com/*',
  'https://web.facebook.com/*',
  'https://m.facebook.com/*',
  'https://www.instagram.com/*',
  'https://www.reddit.com/*',
  'https://old.reddit.com/*',
  'https://new.reddit.com/*',
  'https://sh.reddit.com/*',
  'https://www.youtube.com/*',
  'https://m.youtube.com/*',
  'https://bsky.app/*',
  'https://github.com/*',
];
// Other sites only after the user grants them one by one (the generic adapter, see README).
const OPTIONAL_HOST_PERMISSIONS = ['https://*/*', 'http://*/*'];

/** Match patterns that grant every site; allowed only as an optional, user-granted permission. */
const EVERY_SITE = /^(<all_urls>|\*:\/\/\*\/.*|https?:\/\/\*\/.*)$/;

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(ending))
    .map((name) => join(dir, name));
}

function requireDist(): void {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    throw new Error('dist/manifest.json is missing: run npm run build first');
  }
}

/** Code that compiles strings at run time, or loads code from the network. */
const FORBIDDEN_CODE: { name: string; pattern: RegExp }[] = [
  { name: 'eval(', pattern: /(?<![.\w$])eval\s*\(/g },
  // `Function(…)`, `new Function(…)` and an alias `x=Function,` — not `Function.prototype…`
  { name: 'the Function constructor', pattern: /(?<![.\w$'"`])Function\b(?!\s*\.)/g },
  { name: 'setTimeout/setInterval with a string', pattern: /set(?:Timeout|Interval)\(\s*["'`]/g },
  { name: 'importScripts(', pattern: /importScripts\s*\(/g },
  { name: 'import from a URL', pattern: /(?:\bfrom|\bimport)\s*\(?\s*["'`](?:https?:)?\/\//g },
];

/**
 * zod 4 (the protocol schemas in the options page, popup, sidebar and service worker) probes
 * once whether it may compile validators with `Function`, and compiles only if the probe
 * succeeds. The MV3 extension CSP (script-src 'self', no 'unsafe-eval', asserted below) makes the
 * probe throw, so zod falls back to interpreting and the compile path never runs. These are
 * exactly those two spots; anything else that matches FORBIDDEN_CODE fails.
 */
const ALLOWED_ZOD_SNIPPETS = [
  /try\{return Function\(``\),!0\}catch\{return!1\}/g,
  /compile\(\)\{let [\w$]+=Function,/g,
];

function forbiddenCodeIn(source: string): string[] {
  let rest = source;
  for (const allowed of ALLOWED_ZOD_SNIPPETS) rest = rest.replace(allowed, '');
  const found: string[] = [];
  for (const { name, pattern } of FORBIDDEN_CODE) {
    for (const match of rest.matchAll(pattern)) {
      found.push(`${name}: …${rest.slice(Math.max(0, match.index - 60), match.index + 60)}…`);
    }
  }
  return found;
}

describe('manifest audit', () => {
  const source = readManifest(join(ROOT, 'manifest.json'));

  it('pins the permissions, host permissions and optional host permissions', () => {
    requireDist();
    const built = readManifest(join(DIST, 'manifest.json'));
    for (const manifest of [source, built]) {
      expect(manifest.permissions).toEqual(PERMISSIONS);
      expect(manifest.host_permissions).toEqual(HOST_PERMISSIONS);
      expect(manifest.optional_host_permissions).toEqual(OPTIONAL_HOST_PERMISSIONS);
    }
  });

  it('grants no site-wide access up front: no <all_urls> or wildcard host anywhere', () => {
    requireDist();
    const built = readManifest(join(DIST, 'manifest.json'));
    for (const manifest of [source, built]) {
      const upFront = [
        ...(manifest.permissions ?? []),
        ...(manifest.host_permissions ?? []),
        ...(manifest.content_scripts ?? []).flatMap((script) => script.matches),
      ];
      expect(upFront.filter((pattern) => EVERY_SITE.test(pattern))).toEqual([]);
      expect(JSON.stringify(manifest)).not.toContain('<all_urls>');
    }
  });

  it('keeps the default extension CSP: no unsafe-eval, no remote script sources', () => {
    requireDist();
    const built = readManifest(join(DIST, 'manifest.json'));
    for (const manifest of [source, built]) {
      for (const policy of Object.values(manifest.content_security_policy ?? {})) {
        expect(policy).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-inline/);
        expect(policy).not.toMatch(/script-src[^;]*(https?:|\*)/);
      }
    }
  });

  it('the built pages load only their own scripts', () => {
    requireDist();
    const pages = filesUnder(DIST, '.html');
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((tag) => tag[0]);
      expect(scripts.length, relative(DIST, page)).toBeGreaterThan(0);
      for (const tag of scripts) {
        // vite emits root-relative module scripts; a remote or inline one would break the CSP
        expect(tag, relative(DIST, page)).toMatch(/\bsrc="\/[^/]/);
      }
      expect(html, relative(DIST, page)).not.toMatch(
        /<(?:link|script)\b[^>]*(?:href|src)="(?:https?:)?\/\//,
      );
    }
  });

  it('the built JavaScript has no eval, no string-compiled code and no remote code', () => {
    requireDist();
    const bundles = filesUnder(DIST, '.js');
    expect(bundles.length).toBeGreaterThan(5);
    const problems = bundles.flatMap((file) =>
      forbiddenCodeIn(readFileSync(file, 'utf8')).map(
        (problem) => `${relative(DIST, file)}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the audit itself catches each forbidden construct (and the zod allowance stays narrow)', () => {
    const samples = [
      'eval("1")',
      'x=new Function("return 1")',
      'let F=Function;',
      'setTimeout("alert(1)",5)',
      'importScripts("https://cdn.example.com/x.js")',
      'import x from "https://cdn.example.com/x.js"',
      'await import("//cdn.example.com/x.js")',
    ];
    for (const sample of samples) expect(forbiddenCodeIn(sample), sample).toHaveLength(1);
    expect(forbiddenCodeIn('try{return Function(``),!0}catch{return!1}')).toEqual([]);
    expect(forbiddenCodeIn('c=Function.call.bind(Object.prototype.hasOwnProperty)')).toEqual([]);
    // the allowance is the probe, not any Function call nearby
    expect(forbiddenCodeIn('try{return Function(`alert(1)`),!0}catch{return!1}')).toHaveLength(1);
  });
});
