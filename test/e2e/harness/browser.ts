import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';

export const DIST_DIR = resolve(import.meta.dirname, '..', '..', '..', 'dist');

/** Debian's real Chromium binary; the `chromium` on PATH is a wrapper script that adds flags. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

/** A profile launched without the extension, e.g. a bench's baseline browser. */
export interface BareProfile {
  name: string;
  context: BrowserContext;
  /** uncaught errors and console errors from this profile's pages, for assertions */
  errors: string[];
  close(): Promise<void>;
}

export interface Profile extends BareProfile {
  extensionId: string;
  /** the service worker seen at launch; use worker() after it may have been restarted */
  serviceWorker: Worker;
  /** the extension's running service worker, waiting for it to start again if needed */
  worker(): Promise<Worker>;
  /** `chrome-extension://<id>/<path>` */
  extensionUrl(path: string): string;
}

export interface LaunchOptions {
  /** parent folder for the profile's user-data-dir */
  tempDir: string;
  /** loopback port of the HTTPS server standing in for every site host */
  sitePort: number;
  siteHosts: readonly string[];
  /** false: the same browser without the extension (a baseline); default true */
  extension?: boolean;
}

function extensionWorker(context: BrowserContext): Worker | undefined {
  return context.serviceWorkers().find((worker) => worker.url().startsWith('chrome-extension://'));
}

async function waitForExtensionWorker(context: BrowserContext): Promise<Worker> {
  return (
    extensionWorker(context) ??
    context.waitForEvent('serviceworker', {
      predicate: (worker) => worker.url().startsWith('chrome-extension://'),
      timeout: 30_000,
    })
  );
}

/**
 * A persistent Chromium context (its own user-data-dir, like one colleague's browser) with the
 * built extension loaded, every site host resolved to the local HTTPS fixture server. With
 * `extension: false` everything else about the launch stays the same.
 */
export async function launchProfile(
  name: string,
  options: LaunchOptions & { extension: false },
): Promise<BareProfile>;
export async function launchProfile(name: string, options: LaunchOptions): Promise<Profile>;
export async function launchProfile(
  name: string,
  options: LaunchOptions,
): Promise<Profile | BareProfile> {
  const withExtension = options.extension !== false;
  if (withExtension && !existsSync(join(DIST_DIR, 'manifest.json'))) {
    throw new Error(`No built extension in ${DIST_DIR}: run \`npx vite build\` first`);
  }
  const userDataDir = await mkdtemp(join(options.tempDir, `profile-${name}-`));
  const hostRules = options.siteHosts
    .map((host) => `MAP ${host} 127.0.0.1:${options.sitePort}`)
    .join(', ');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // Playwright disables extensions by default; this context exists to run one (a baseline
    // without it keeps the same flags, so the two differ by the extension alone).
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless=new',
      ...(withExtension
        ? [`--disable-extensions-except=${DIST_DIR}`, `--load-extension=${DIST_DIR}`]
        : []),
      `--host-resolver-rules=${hostRules}`,
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Playwright disables ThirdPartyStoragePartitioning, which Chrome ships enabled. Without it
      // this Chromium denies IndexedDB to third-party frames, the sidebar iframe included, so
      // restore Chrome's behaviour: a later --disable-features replaces Playwright's list.
      '--disable-features=MediaRouter,OptimizationHints,NetworkTimeServiceQuerying,LensOverlay',
    ],
  });
  const errors: string[] = [];
  context.on('weberror', (error) => errors.push(`${error.page()?.url() ?? '?'}: ${error.error()}`));
  context.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(`${message.page()?.url() ?? '?'}: ${message.text()}`);
  });
  const close = () => context.close();
  if (!withExtension) return { name, context, errors, close };

  let serviceWorker: Worker;
  try {
    serviceWorker = await waitForExtensionWorker(context);
  } catch (error) {
    await context.close();
    throw new Error(`The extension's service worker did not start in profile ${name}`, {
      cause: error,
    });
  }
  const extensionId = new URL(serviceWorker.url()).host;

  return {
    name,
    context,
    extensionId,
    serviceWorker,
    worker: () => waitForExtensionWorker(context),
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`,
    errors,
    close,
  };
}
