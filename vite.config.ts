import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { build, defineConfig, type Plugin } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/**
 * `npm run build` → dist/ for Chrome; `TARGET=firefox` → dist-firefox/ with the manifest keys
 * Firefox needs (background scripts instead of a service worker, a gecko id).
 */
const target = process.env.TARGET === 'firefox' ? 'firefox' : 'chrome';
const outDir = target === 'firefox' ? 'dist-firefox' : 'dist';
const CONTENT_SCRIPT_FILE = 'content.js';

function manifestFor(browser: 'chrome' | 'firefox'): ManifestV3Export {
  // crxjs never sees the content script: see classicContentScript below.
  const { content_scripts: _content, ...chrome } = manifest;
  if (browser === 'chrome') return chrome as ManifestV3Export;
  const { background, minimum_chrome_version: _minimum, ...rest } = chrome;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: {
      gecko: {
        id: 'touchbase@touchbase.dev',
        strict_min_version: '140.0',
        // Notes the user writes (about people) go to the company's own Touchbase server.
        data_collection_permissions: {
          required: ['personallyIdentifyingInfo', 'personalCommunications'],
        },
      },
    },
  } as unknown as ManifestV3Export;
}

/**
 * The content script is built on its own as one classic script (IIFE). MV3 content scripts
 * cannot be ES modules, and crxjs's module loader would make every chunk web-accessible, letting
 * any page probe for the extension. One self-contained file also makes its size budget exact.
 */
function classicContentScript(): Plugin {
  return {
    name: 'touchbase:classic-content-script',
    apply: 'build',
    enforce: 'post',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          minify: true,
          lib: {
            entry: manifest.content_scripts[0]?.js[0] ?? '',
            formats: ['iife'],
            name: 'touchbase',
            fileName: () => CONTENT_SCRIPT_FILE,
          },
        },
      });
      const path = join(outDir, 'manifest.json');
      const built = JSON.parse(await readFile(path, 'utf8'));
      built.content_scripts = manifest.content_scripts.map((script) => ({
        ...script,
        js: [CONTENT_SCRIPT_FILE],
      }));
      await writeFile(path, `${JSON.stringify(built, null, 2)}\n`);
    },
  };
}

export default defineConfig({
  plugins: [
    preact(),
    crx({ manifest: manifestFor(target), browser: target }),
    classicContentScript(),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      // The sidebar is only reachable as a web-accessible page, so crxjs needs it as an input.
      input: { sidebar: 'src/sidebar/index.html' },
    },
  },
});
