import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The production build's index.html: what starts before any script runs.
const outDir = mkdtempSync(join(tmpdir(), 'harmony-web-build-'));
let html = '';

beforeAll(async () => {
  const saved = { url: process.env.VITE_SUPABASE_URL, key: process.env.VITE_SUPABASE_ANON_KEY };
  process.env.VITE_SUPABASE_URL = 'https://api.chat.example:8443/';
  process.env.VITE_SUPABASE_ANON_KEY = 'anon-key-for-the-build-test';
  try {
    await build({
      root: resolve(import.meta.dirname, '..'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    for (const [name, value] of [
      ['VITE_SUPABASE_URL', saved.url],
      ['VITE_SUPABASE_ANON_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  html = readFileSync(join(outDir, 'index.html'), 'utf8');
}, 180_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it('opens the connection to the API first, as an anonymous (cookie-less) connection', () => {
  const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
  const firstLink = /<link [^>]*>/.exec(head)?.[0];
  expect(firstLink).toBe('<link rel="preconnect" href="https://api.chat.example:8443" crossorigin>');
  expect(head.indexOf(firstLink as string)).toBeLessThan(head.indexOf('<script'));
});

it("preloads App's chunk alongside the entry", () => {
  const app = /<link rel="modulepreload" crossorigin href="\/assets\/(App-[^"]+\.js)">/.exec(html)?.[1];
  expect(app).toBeDefined();
  // The chunk main.tsx imports: the one that exports App.
  expect(readFileSync(join(outDir, 'assets', app as string), 'utf8')).toMatch(/\bas App\b/);
});
