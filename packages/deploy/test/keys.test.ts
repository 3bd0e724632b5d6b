import { createECDH } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  API_KEYS,
  applyEnv,
  GENERATED_NAMES,
  generateKeys,
  isPlaceholder,
  KEY_LIFETIME_SECONDS,
  KeysError,
  MIN_JWT_SECRET_LENGTH,
  parseEnv,
  RANDOM_SECRETS,
  signApiKey,
} from '../src/keys.js';
import { ROOT, run } from './helpers.js';

const EXAMPLE = join(ROOT, '.env.example');

function workspace(env?: string): { dir: string; envPath: string; examplePath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'harmony-keys-'));
  const examplePath = join(dir, '.env.example');
  copyFileSync(EXAMPLE, examplePath);
  const envPath = join(dir, '.env');
  if (env !== undefined) writeFileSync(envPath, env);
  return { dir, envPath, examplePath };
}

const readEnv = (path: string) => parseEnv(readFileSync(path, 'utf8'));
const secretKey = (secret: string) => new TextEncoder().encode(secret);

describe('pnpm keys', () => {
  it('.env.example lists every secret it generates, as a placeholder', () => {
    const example = parseEnv(readFileSync(EXAMPLE, 'utf8'));
    for (const name of GENERATED_NAMES) {
      expect(example.has(name), name).toBe(true);
      expect(isPlaceholder(example.get(name)), name).toBe(true);
    }
  });

  it('creates .env from .env.example with fresh secrets and valid API keys', async () => {
    const { envPath, examplePath } = workspace();
    const lines: string[] = [];
    const now = 1_800_000_000;
    const result = await generateKeys({ envPath, examplePath, log: (l) => lines.push(l), now: () => now });
    expect(result.createdEnv).toBe(true);
    expect(result.generated.sort()).toEqual([...GENERATED_NAMES].sort());
    expect(result.kept).toEqual([]);
    expect(result.placeholders).toEqual(
      expect.arrayContaining(['VITE_SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SMTP_USER']),
    );
    expect(lines.join('\n')).toMatch(/still to fill in by hand: .*VITE_SUPABASE_ANON_KEY/);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);

    const env = readEnv(envPath);
    for (const name of GENERATED_NAMES) expect(isPlaceholder(env.get(name)), name).toBe(false);
    const secret = env.get('JWT_SECRET') as string;
    expect(secret.length).toBeGreaterThanOrEqual(MIN_JWT_SECRET_LENGTH);
    expect(env.get('POSTGRES_PASSWORD')).toMatch(/^[0-9a-f]{48}$/);
    expect(env.get('REALTIME_DB_ENC_KEY')).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((env.get('SECRET_KEY_BASE') as string).length).toBeGreaterThanOrEqual(64);
    expect((env.get('LIVEKIT_API_SECRET') as string).length).toBeGreaterThanOrEqual(32);
    for (const [name, role] of Object.entries(API_KEYS)) {
      const token = env.get(name) as string;
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const { payload } = await jwtVerify(token, secretKey(secret), { currentDate: new Date(now * 1000) });
      expect(payload).toEqual({ role, iss: 'supabase', iat: now, exp: now + KEY_LIFETIME_SECONDS });
    }
    // Comments and the other settings survive.
    const text = readFileSync(envPath, 'utf8');
    expect(text).toContain('# Configuration for docker-compose.full.yml');
    expect(env.get('SUPABASE_PUBLIC_URL')).toBe('http://localhost:8000');
  });

  it('makes the VAPID keys as one P-256 pair: the public key is the private key’s point', async () => {
    const { envPath, examplePath } = workspace();
    await generateKeys({ envPath, examplePath });
    const env = readEnv(envPath);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(env.get('VAPID_PRIVATE_KEY') as string, 'base64url'));
    expect(ecdh.getPublicKey().toString('base64url')).toBe(env.get('VAPID_PUBLIC_KEY'));
    expect(Buffer.from(env.get('VAPID_PUBLIC_KEY') as string, 'base64url')).toHaveLength(65);
  });

  it('keeps every real secret on a second run and says so', async () => {
    const { envPath, examplePath } = workspace();
    await generateKeys({ envPath, examplePath });
    const before = readFileSync(envPath, 'utf8');
    const lines: string[] = [];
    const result = await generateKeys({ envPath, examplePath, log: (l) => lines.push(l) });
    expect(result.generated).toEqual([]);
    expect(result.kept.sort()).toEqual([...GENERATED_NAMES].sort());
    expect(result.warnings).toEqual([]);
    expect(result.written).toBe(false);
    expect(readFileSync(envPath, 'utf8')).toBe(before);
    expect(lines.join('\n')).toContain('kept (already set): POSTGRES_PASSWORD');
  });

  it('fills only the placeholders, signing new API keys with the JWT_SECRET already there', async () => {
    const secret = 'an-operator-chosen-jwt-secret-that-is-long-enough-1234';
    const { envPath, examplePath } = workspace(
      `# mine\nPOSTGRES_PASSWORD=keep-me\nJWT_SECRET="${secret}"\nANON_KEY=\nSERVICE_ROLE_KEY=replace-with-pnpm-keys\n`,
    );
    const result = await generateKeys({ envPath, examplePath });
    expect(result.createdEnv).toBe(false);
    expect(result.kept).toEqual(['POSTGRES_PASSWORD', 'JWT_SECRET']);
    const env = readEnv(envPath);
    expect(env.get('POSTGRES_PASSWORD')).toBe('keep-me');
    expect(env.get('JWT_SECRET')).toBe(secret);
    await jwtVerify(env.get('ANON_KEY') as string, secretKey(secret));
    await jwtVerify(env.get('SERVICE_ROLE_KEY') as string, secretKey(secret));
    // Names the file lacked are appended, not lost.
    const text = readFileSync(envPath, 'utf8');
    expect(text.startsWith('# mine\nPOSTGRES_PASSWORD=keep-me\n')).toBe(true);
    expect(text).toContain('# Added by pnpm keys\n');
    for (const name of Object.keys(RANDOM_SECRETS)) expect(env.has(name), name).toBe(true);
  });

  it('refuses to pair kept API keys with a new JWT_SECRET, and warns about keys that do not verify', async () => {
    const orphan = workspace('JWT_SECRET=\nANON_KEY=eyJhbGciOiJIUzI1NiJ9.e30.x\n');
    await expect(generateKeys({ envPath: orphan.envPath, examplePath: orphan.examplePath })).rejects.toThrow(
      /ANON_KEY set but JWT_SECRET is not/,
    );
    expect(readFileSync(orphan.envPath, 'utf8')).toBe('JWT_SECRET=\nANON_KEY=eyJhbGciOiJIUzI1NiJ9.e30.x\n');

    const secret = 'x'.repeat(50);
    const wrong = await signApiKey('anon', 'y'.repeat(50), 1_800_000_000);
    const mismatch = workspace(`JWT_SECRET=${secret}\nANON_KEY=${wrong}\n`);
    const result = await generateKeys({ envPath: mismatch.envPath, examplePath: mismatch.examplePath });
    expect(result.warnings).toEqual(['ANON_KEY is not a anon JWT signed with JWT_SECRET']);
    expect(readEnv(mismatch.envPath).get('ANON_KEY')).toBe(wrong);
  });

  it('--force asks on a terminal, refuses without one, and regenerates everything with --yes', async () => {
    const { envPath, examplePath } = workspace();
    await generateKeys({ envPath, examplePath });
    const original = readFileSync(envPath, 'utf8');

    await expect(
      generateKeys({ envPath, examplePath, force: true, interactive: false }),
    ).rejects.toBeInstanceOf(KeysError);
    expect(readFileSync(envPath, 'utf8')).toBe(original);

    const questions: string[] = [];
    const declined = await generateKeys({
      envPath,
      examplePath,
      force: true,
      interactive: true,
      ask: async (q) => {
        questions.push(q);
        return false;
      },
    });
    expect(declined.written).toBe(false);
    expect(questions[0]).toMatch(
      new RegExp(`^Replace ${GENERATED_NAMES.length} existing secret\\(s\\) in .*\\[y/N\\] $`),
    );
    expect(readFileSync(envPath, 'utf8')).toBe(original);

    const accepted = await generateKeys({
      envPath,
      examplePath,
      force: true,
      interactive: true,
      ask: async () => true,
    });
    expect(accepted.generated.sort()).toEqual([...GENERATED_NAMES].sort());

    const before = readEnv(envPath);
    await generateKeys({ envPath, examplePath, force: true, yes: true, interactive: false });
    const after = readEnv(envPath);
    for (const name of GENERATED_NAMES) expect(after.get(name), name).not.toBe(before.get(name));
  });

  it('parses and rewrites dotenv lines without disturbing the rest', () => {
    const text = '# c\nexport A="x y"\nB = 2 # note\n\nC=\n';
    expect([...parseEnv(text)]).toEqual([
      ['A', 'x y'],
      ['B', '2'],
      ['C', ''],
    ]);
    expect(
      applyEnv(
        text,
        new Map([
          ['C', '3'],
          ['D', '4'],
        ]),
      ),
    ).toBe('# c\nexport A="x y"\nB = 2 # note\n\nC=3\n\n# Added by pnpm keys\nD=4\n');
  });

  it('runs as `pnpm keys` (no terminal: --force needs --yes)', async () => {
    const { envPath } = workspace();
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const script = join(ROOT, 'packages', 'deploy', 'src', 'keys.ts');
    const first = await run(tsx, [script, '--env-path', envPath], { cwd: ROOT });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('generated: POSTGRES_PASSWORD');
    const forced = await run(tsx, [script, '--env-path', envPath, '--force'], { cwd: ROOT });
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('--force --yes');
  });
});
