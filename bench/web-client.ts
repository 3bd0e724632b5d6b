import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '@harmony/db';
import { startLocalStack } from '@harmony/stack';
import { chromium } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { build, preview } from 'vite';

/**
 * The web client's cost to a person: initial JavaScript (gzip) of the production build,
 * time from navigation to the first rendered message list, and frame times while
 * scrolling back through 5,000 messages. Run: pnpm --filter @harmony/bench exec tsx web-client.ts
 */
const MESSAGES = 5000;
const webRoot = resolve(import.meta.dirname, '../apps/web');
const dataDir = mkdtempSync(join(tmpdir(), 'harmony-bench-web-'));
chmodSync(dataDir, 0o755);
const env = {
  ...process.env,
  DATABASE_URL: '',
  HARMONY_PG_DATA: join(dataDir, 'pg'),
  HARMONY_PG_PORT: String(await freePort()),
  HARMONY_STACK_PORT: String(await freePort()),
  HARMONY_STORAGE_DIR: join(dataDir, 'storage'),
  JWT_SECRET: 'bench-only-jwt-secret-with-at-least-32-characters',
  LOG_LEVEL: 'warn',
};
const local = await startLocalStack(env);
process.env.VITE_SUPABASE_URL = local.stack.url;
process.env.VITE_SUPABASE_ANON_KEY = local.stack.keys.anon;

// 1. The production build (its size is measured in the browser below).
const outDir = join(dataDir, 'dist');
await build({ root: webRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const gzip = (file: string) => gzipSync(readFileSync(join(outDir, file))).length;
const allJs = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
const totalGzip = allJs.reduce((sum, file) => sum + gzip(`assets/${file}`), 0);

// 2. Data: one user, one server, MESSAGES messages in #general.
const client = createClient(local.stack.url, local.stack.keys.anon, {
  auth: { persistSession: false },
});
const email = 'bench@example.test';
const password = 'bench-password-1';
const { data: signUp, error: signUpError } = await client.auth.signUp({
  email,
  password,
  options: { data: { username: 'bencher' } },
});
if (signUpError || !signUp.session) throw signUpError ?? new Error('no session');
const { data: serverId, error: rpcError } = await client.rpc('create_server', { p_name: 'Bench' });
if (rpcError) throw rpcError;
const db = new pg.Client({ connectionString: local.databaseUrl });
await db.connect();
const { rows } = await db.query<{ id: string; author: string }>(
  `select c.id, p.id as author from public.channels c, public.profiles p
    where c.server_id = $1 and c.type = 'text' and p.username = 'bencher' order by c.position limit 1`,
  [serverId],
);
const channel = rows[0];
if (!channel) throw new Error('no channel');
await db.query(
  `insert into public.messages (channel_id, author_id, content)
   select $1, $2, 'Benchmark message number ' || g || ' with **some** markdown and a link https://example.com/' || g
     from generate_series(1, $3) g`,
  [channel.id, channel.author, MESSAGES],
);
await db.end();

// 3. The browser: first render, then scroll to the top with frame timing.
const server = await preview({
  root: webRoot,
  build: { outDir },
  preview: { port: await freePort(), host: '127.0.0.1' },
});
const url = server.resolvedUrls?.local[0] ?? '';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
// Initial JavaScript: every script the browser fetched before the first screen (sign-in) shows,
// lazy chunks included, measured as the gzip of the built files.
const fetchedJs = new Set<string>();
page.on('request', (request) => {
  const path = new URL(request.url()).pathname;
  if (path.endsWith('.js')) fetchedJs.add(path.slice(1));
});
await page.goto(url);
await page.getByLabel('Email').waitFor();
const initialGzip = [...fetchedJs].reduce((sum, file) => sum + gzip(file), 0);
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.getByRole('navigation', { name: 'Servers' }).waitFor();

// Where a reload's time goes, from Chromium's own counters (renderer CPU time, so a busy
// machine inflates them less than wall time): layouts and style recalculations, script.
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const rendererMetrics = async (): Promise<Record<string, number>> => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
};
const RENDER_METRICS = [
  'LayoutCount',
  'RecalcStyleCount',
  'LayoutDuration',
  'RecalcStyleDuration',
  'ScriptDuration',
  'TaskDuration',
];
const firstRenders: number[] = [];
const renderCosts: Record<string, number>[] = [];
for (let i = 0; i < 5; i++) {
  await page.goto(`${url}#/channels/${serverId}/${channel.id}`);
  const started = Date.now();
  await page.reload();
  await page.locator('.message').first().waitFor();
  firstRenders.push(Date.now() - started);
  // The counters restart with each navigation: these are the reload's own.
  const spent = await rendererMetrics();
  renderCosts.push(Object.fromEntries(RENDER_METRICS.map((name) => [name, +(spent[name] ?? 0).toFixed(3)])));
}

// A string, not a function: the TypeScript loader would wrap named functions in a helper
// the page does not have.
const frames = (await page.evaluate(`(async () => {
  const scroller = document.querySelector('.message-scroller');
  const deltas = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => {
    deltas.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const deadline = performance.now() + 60000;
  let growths = 0;
  let lastHeight = scroller.scrollHeight;
  // Scroll up like a reader flicking a wheel, until the first message is loaded.
  while (performance.now() < deadline) {
    scroller.scrollTop = Math.max(0, scroller.scrollTop - 600);
    await new Promise((r) => requestAnimationFrame(r));
    if (document.querySelector('.channel-start') && scroller.scrollTop === 0) break;
    growths += scroller.scrollHeight > lastHeight ? 1 : 0;
    lastHeight = scroller.scrollHeight;
  }
  running = false;
  return {
    deltas: deltas.slice(1),
    reachedTop: Boolean(document.querySelector('.channel-start')),
    loaded: document.querySelectorAll('.message').length,
    pagesLoaded: growths,
    finalHeight: scroller.scrollHeight,
    finalTop: scroller.scrollTop,
  };
})()`)) as {
  deltas: number[];
  reachedTop: boolean;
  loaded: number;
  pagesLoaded: number;
  finalHeight: number;
  finalTop: number;
};

await browser.close();
await server.close();
await local.stop();
rmSync(dataDir, { recursive: true, force: true });

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const pct = (values: number[], p: number) =>
  sorted(values)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
const longFrames = frames.deltas.filter((d) => d > 1000 / 30).length;
console.log(
  JSON.stringify(
    {
      initialJsGzipKB: +(initialGzip / 1024).toFixed(1),
      allJsGzipKB: +(totalGzip / 1024).toFixed(1),
      firstMessageListMs: { p50: pct(firstRenders, 50), max: Math.max(...firstRenders) },
      // Durations in seconds of renderer time, counts per reload (median of 5).
      firstMessageListRenderer: Object.fromEntries(
        RENDER_METRICS.map((name) => [
          name,
          pct(
            renderCosts.map((c) => c[name] ?? 0),
            50,
          ),
        ]),
      ),
      scroll: {
        reachedTop: frames.reachedTop,
        frames: frames.deltas.length,
        frameMs: {
          p50: +pct(frames.deltas, 50).toFixed(1),
          p95: +pct(frames.deltas, 95).toFixed(1),
          p99: +pct(frames.deltas, 99).toFixed(1),
        },
        framesOver33ms: longFrames,
        domRowsAtEnd: frames.loaded,
        pagesLoaded: frames.pagesLoaded,
        finalScrollHeight: frames.finalHeight,
        finalScrollTop: frames.finalTop,
      },
    },
    null,
    2,
  ),
);
process.exit(0);
