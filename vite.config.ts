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

/** Each site's content script file, e.g. `content-gmail.js`; `generic` is registered at run time. */
const contentScriptFile = (site: string) => `content-${site}.js`;
const CONTENT_ENTRY = 'virtual:touchbase-content/';

/** `src/content/sites/<site>.ts` → `<site>` (the adapter's file, id and export share the name). */
function siteOf(adapterPath: string): string {
  const site = /^src\/content\/sites\/([a-z0-9-]+)\.ts$/.exec(adapterPath)?.[1];
  if (!site) throw new Error(`manifest content script ${adapterPath} is not a site adapter file`);
  return site;
}

/**
 * The content scripts are built on their own, one classic script (IIFE) per site: the core of
 * `src/content/index.ts` plus that site's adapter. MV3 content scripts cannot be ES modules, and
 * crxjs's module loader would make every chunk web-accessible, letting any page probe for the
 * extension. One self-contained file per site keeps each page's share small and makes the size
 * budget exact. The manifest names each site's adapter file; the built manifest names its bundle.
 */
function classicContentScripts(): Plugin {
  const sites = [
    ...manifest.content_scripts.map((script) => siteOf(script.js[0] ?? '')),
    'generic',
  ];
  const entries: Plugin = {
    name: 'touchbase:content-entries',
    // Vite resolves a library entry against the root first: match the id wherever it sits.
    resolveId(id) {
      const at = id.indexOf(CONTENT_ENTRY);
      return at === -1 ? undefined : `\0${id.slice(at)}`;
    },
    load(id) {
      if (!id.startsWith(`\0${CONTENT_ENTRY}`)) return undefined;
      const site = id.slice(CONTENT_ENTRY.length + 1);
      const root = import.meta.dirname;
      return [
        `import { startContentScript } from ${JSON.stringify(join(root, 'src/content/index.ts'))};`,
        `import { ${site} } from ${JSON.stringify(join(root, `src/content/sites/${site}.ts`))};`,
        `startContentScript(${site});`,
      ].join('\n');
    },
  };
  return {
    name: 'touchbase:classic-content-scripts',
    apply: 'build',
    enforce: 'post',
    async closeBundle() {
      for (const site of sites) {
        await build({
          configFile: false,
          logLevel: 'warn',
          plugins: [entries],
          build: {
            outDir,
            emptyOutDir: false,
            target: 'es2022',
            minify: true,
            lib: {
              entry: `${CONTENT_ENTRY}${site}`,
              formats: ['iife'],
              name: 'touchbase',
              fileName: () => contentScriptFile(site),
            },
          },
        });
      }
      const path = join(outDir, 'manifest.json');
      const built = JSON.parse(await readFile(path, 'utf8'));
      built.content_scripts = manifest.content_scripts.map((script) => ({
        ...script,
        js: [contentScriptFile(siteOf(script.js[0] ?? ''))],
      }));
      await writeFile(path, `${JSON.stringify(built, null, 2)}\n`);
    },
  };
}

export default defineConfig({
  plugins: [
    preact(),
    crx({ manifest: manifestFor(target), browser: target }),
    classicContentScripts(),
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
