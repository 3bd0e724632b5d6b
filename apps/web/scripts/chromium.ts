import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * The Chromium the browser tests drive. Playwright never downloads a browser here (its CDN is
 * unreachable), so the tests use a system build: CHROMIUM_PATH, else the usual install paths.
 */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
];

export const MISSING_CHROMIUM =
  'No Chromium for the browser tests: install Debian\'s "chromium" package (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.';

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** CHROMIUM_PATH if set (it must exist), else the first installed candidate, else undefined. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  executable: (path: string) => boolean = isExecutable,
): string | undefined {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!executable(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file.`);
    return configured;
  }
  return CHROMIUM_CANDIDATES.find(executable);
}

/**
 * Finds Chromium, or installs Debian's package when running as root on a Debian-like system
 * (what CI and a fresh container need), or stops with one sentence naming CHROMIUM_PATH.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const found = findChromium();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (root && isExecutable('/usr/bin/apt-get')) {
    log('Installing Debian\'s "chromium" package for the browser tests (apt-get)…');
    const apt = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    execFileSync('apt-get', ['update', '-qq'], apt);
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], apt);
    const installed = findChromium();
    if (installed) return installed;
  }
  throw new Error(MISSING_CHROMIUM);
}
