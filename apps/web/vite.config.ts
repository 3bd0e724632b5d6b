import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Twemoji's SVGs (CC-BY 4.0, @twemoji/svg) served at /emoji/<codepoints>.svg: emoji look the
 * same everywhere, also where the system has no colour emoji font. Copied into the build as
 * plain files, so none of them is part of the JavaScript.
 */
function twemoji(): Plugin {
  const source = dirname(createRequire(import.meta.url).resolve('@twemoji/svg/package.json'));
  return {
    name: 'harmony-twemoji',
    configureServer(server) {
      server.middlewares.use('/emoji/', (req, res, next) => {
        const file = join(source, basename((req.url ?? '').split('?')[0] ?? ''));
        if (!file.endsWith('.svg') || !existsSync(file)) return next();
        res.setHeader('content-type', 'image/svg+xml');
        res.setHeader('cache-control', 'public, max-age=86400');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const name of readdirSync(source).filter((f) => f.endsWith('.svg')))
        this.emitFile({ type: 'asset', fileName: `emoji/${name}`, source: readFileSync(join(source, name)) });
    },
  };
}

/** An entry of the service worker's precache manifest (workbox-build's). */
interface ManifestEntry {
  url: string;
  revision: string | null;
  size: number;
}

/**
 * The service worker precaches only the app shell: index.html, the scripts and styles it loads
 * itself (entry and modulepreloads), icons and the manifest. Lazy chunks are cached by the worker
 * as they are first used (src/sw.ts), so installing it does not download every screen.
 */
function pwaShell() {
  let outDir = 'dist';
  const plugin: Plugin = {
    name: 'harmony-pwa-shell',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
  };
  const manifestTransform = async (entries: ManifestEntry[]) => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const shell = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1]));
    return { manifest: entries.filter((entry) => !entry.url.startsWith('assets/') || shell.has(entry.url)) };
  };
  return { plugin, manifestTransform };
}

/**
 * Installable app and service worker (src/sw.ts: offline shell, Web Push, notification clicks).
 * The page registers the worker itself (features/notifications/service-worker.ts), after load.
 * Precached: the shell (pwaShell above); lazy chunks and emoji SVGs are fetched as used.
 */
const shell = pwaShell();
const pwa = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'src',
  filename: 'sw.ts',
  injectRegister: false,
  manifest: {
    name: 'Harmony',
    short_name: 'Harmony',
    description: 'Chat with your communities and friends',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#1e1f22',
    background_color: '#313338',
    icons: [
      { src: '/pwa-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/pwa-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/pwa-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  injectManifest: {
    globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
    globIgnores: ['emoji/**'],
    manifestTransforms: [shell.manifestTransform],
  },
  devOptions: {
    enabled: true,
    type: 'module',
    // Its scratch files stay out of the work tree.
    resolveTempFolder: () => join(import.meta.dirname, 'node_modules/.vite-pwa-dev'),
  },
});

/**
 * The app in one chunk: every module App.tsx reaches through static imports (what the first
 * render needs anyway). Left to itself the bundler splits off each module a lazy feature also
 * uses, and the ~40 small chunks that makes compress ~12 KB worse than one (208 vs 196 KB gzip).
 */
function appChunk() {
  const modules = new Set<string>();
  const plugin: Plugin = {
    name: 'harmony-app-chunk',
    buildEnd() {
      const pending = [...this.getModuleIds()].filter((id) => id.endsWith('/src/App.tsx'));
      for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
        if (modules.has(id)) continue;
        modules.add(id);
        pending.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
  return { plugin, group: { name: 'app', test: (id: string) => modules.has(id) } };
}
const app = appChunk();

/**
 * What the first screen waits for, started from index.html. main.tsx imports App.tsx only once
 * it knows a backend is configured, so the browser would ask for App's chunk after the entry has
 * run: a modulepreload link fetches it alongside the entry. A preconnect opens the connection to
 * the API (TCP and TLS) while the scripts load; supabase-js's requests carry no cookies, hence
 * `crossorigin` (the anonymous connection pool).
 */
function preloadFirstScreen(): Plugin {
  let apiOrigin: string | null = null;
  return {
    name: 'harmony-preload-first-screen',
    apply: 'build',
    configResolved(config) {
      const url = config.env.VITE_SUPABASE_URL;
      apiOrigin = typeof url === 'string' && URL.canParse(url) ? new URL(url).origin : null;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const tags: HtmlTagDescriptor[] = [];
        if (apiOrigin)
          tags.push({
            tag: 'link',
            attrs: { rel: 'preconnect', href: apiOrigin, crossorigin: true },
            injectTo: 'head-prepend',
          });
        const app = Object.values(bundle ?? {}).find(
          (output) => output.type === 'chunk' && output.facadeModuleId?.endsWith('/src/App.tsx'),
        );
        if (app)
          tags.push({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${app.fileName}` },
            injectTo: 'head',
          });
        return tags;
      },
    },
  };
}

/**
 * apps/server's public routes under /api and federation's (WebFinger, NodeInfo, actors and
 * inboxes), as nginx proxies them in the compose files. The Host header is kept: HTTP
 * signatures cover it.
 */
const serverUrl = process.env.HARMONY_SERVER_URL ?? 'http://127.0.0.1:54330';
const serverProxy = Object.fromEntries(
  ['/api', '/.well-known/webfinger', '/.well-known/nodeinfo', '/nodeinfo/', '/ap/'].map((path) => [
    path,
    serverUrl,
  ]),
);

export default defineConfig({
  plugins: [react(), twemoji(), shell.plugin, pwa, app.plugin, preloadFirstScreen()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: serverProxy },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The early fetches run before the app chunk is evaluated (src/boot/early-fetch.ts).
          groups: [{ name: 'boot', test: /\/src\/(boot\/|lib\/route\.ts$)/, priority: 1 }, app.group],
        },
      },
    },
  },
});
