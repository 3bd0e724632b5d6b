import { spawn } from 'node:child_process';
import { ensureChromium } from '../apps/web/scripts/chromium.js';

/**
 * `pnpm test`: every vitest project, then the browser end-to-end tests, then one closing
 * line with the combined counts. Each runner's own summary line is `N passed, N failed, N skipped`.
 */
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

function run(
  command: string,
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number; counts: number[] }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let counts = [0, 0, 0];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = SUMMARY.exec(line.trim());
        if (match) counts = match.slice(1).map(Number);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, counts }));
  });
}

// Before anything runs: a machine without a browser gets it installed (as root) or one sentence.
try {
  process.env.CHROMIUM_PATH = ensureChromium();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const unit = await run('pnpm', ['exec', 'vitest', 'run']);
const e2e = await run('pnpm', ['exec', 'playwright', 'test'], 'apps/web');
// Federation between two complete instances: its own config (two servers of its own).
const federation = await run(
  'pnpm',
  ['exec', 'playwright', 'test', '-c', 'playwright.federation.config.ts'],
  'apps/web',
);
const runs = [unit, e2e, federation];
const [passed, failed, skipped] = [0, 1, 2].map((i) => runs.reduce((sum, r) => sum + (r.counts[i] ?? 0), 0));
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
// A runner that reported failures fails the run even if its exit status said otherwise.
process.exit(runs.some((r) => r.code !== 0) || failed > 0 ? 1 : 0);
