import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errors, type JWK, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { type JwtClaims, JwtError, type JwtFailure } from './jwt.js';

/**
 * The project's JWT keys, as GoTrue holds them (GOTRUE_JWT_SECRET + GOTRUE_JWT_KEYS): the
 * legacy HS256 secret, and optionally asymmetric keys from the JWK set file the Supabase CLI
 * reads through `[auth] signing_keys_path` (the array `supabase gen signing-key` writes).
 * With keys, access tokens are signed by the first key whose key_ops include "sign", with its
 * `kid` in the header; every key verifies tokens naming its kid. HS256 tokens without a known
 * kid are verified with the secret, so the legacy anon/service_role keys keep working (as a
 * hosted project's legacy secret does after moving to signing keys).
 */

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected base64url');
const keyOps = z.array(z.enum(['sign', 'verify'], { error: 'expected "sign" or "verify"' }));
const common = {
  kid: z.string({ error: 'a key id (kid) is required' }).min(1, 'a key id (kid) is required'),
  use: z.literal('sig').optional(),
  key_ops: keyOps.optional(),
  ext: z.boolean().optional(),
};
const ecKey = z.object({
  ...common,
  kty: z.literal('EC'),
  alg: z.literal('ES256'),
  crv: z.literal('P-256'),
  x: base64url,
  y: base64url,
  d: base64url.optional(),
});
const rsaKey = z.object({
  ...common,
  kty: z.literal('RSA'),
  alg: z.literal('RS256'),
  n: base64url,
  e: base64url,
  d: base64url.optional(),
  p: base64url.optional(),
  q: base64url.optional(),
  dp: base64url.optional(),
  dq: base64url.optional(),
  qi: base64url.optional(),
});
const keyFileSchema = z
  .array(
    z.discriminatedUnion('kty', [ecKey, rsaKey], { error: 'expected kty "EC" (ES256) or "RSA" (RS256)' }),
    {
      error: 'expected a JSON array of JWKs, as `supabase gen signing-key` writes',
    },
  )
  .min(1, 'expected at least one key');
type KeyFileEntry = z.infer<typeof ecKey> | z.infer<typeof rsaKey>;

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  publicKey: KeyObject;
  /** Present for the key that signs new tokens. */
  privateKey?: KeyObject;
  /** What /auth/v1/.well-known/jwks.json publishes: public parameters only, as GoTrue does. */
  publicJwk: JWK;
}

export class SigningKeysError extends Error {}

function publicJwk(entry: KeyFileEntry): JWK {
  const jwk: JWK = { kty: entry.kty, kid: entry.kid, use: 'sig', key_ops: ['verify'], alg: entry.alg };
  if (entry.ext !== undefined) jwk.ext = entry.ext;
  return entry.kty === 'EC'
    ? { ...jwk, crv: entry.crv, x: entry.x, y: entry.y }
    : { ...jwk, n: entry.n, e: entry.e };
}

/** `[0].crv` for an issue in the first key's crv; `file` for the whole file. */
const jsonPath = (path: readonly PropertyKey[]) =>
  path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('') || 'file';

/**
 * Reads and checks a JWK set file; errors name the file and the key. Only the signing key's
 * private part is kept: the others only verify.
 */
export function loadSigningKeys(file: string): SigningKey[] {
  const fail = (detail: string): never => {
    throw new SigningKeysError(`JWT signing keys ${file} (auth.signing_keys_path): ${detail}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'no such file' : `cannot read it as JSON: ${(error as Error).message}`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    fail(parsed.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`).join('; '));
  }
  const entries = parsed.data as KeyFileEntry[];
  const signer = entries.findIndex((entry) => entry.key_ops?.includes('sign'));
  if (signer < 0) fail('no signing key: give one key "key_ops": ["sign", "verify"]');
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    if (seen.has(entry.kid)) fail(`[${index}]: kid ${entry.kid} appears twice`);
    seen.add(entry.kid);
    const jwk = publicJwk(entry);
    try {
      const key: SigningKey = {
        kid: entry.kid,
        alg: entry.alg,
        publicKey: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }),
        publicJwk: jwk,
      };
      if (index === signer) {
        if (!entry.d) fail(`[${index}] (kid ${entry.kid}): the signing key has no private part (d)`);
        key.privateKey = createPrivateKey({ key: entry as JsonWebKey, format: 'jwk' });
      }
      return key;
    } catch (error) {
      if (error instanceof SigningKeysError) throw error;
      return fail(`[${index}] (kid ${entry.kid}): ${(error as Error).message}`);
    }
  });
}

/** Asymmetric algorithms accepted (the CLI's GOTRUE_JWT_VALID_METHODS); HMAC ones are per service. */
const ASYMMETRIC_ALGORITHMS = ['ES256', 'RS256'];

export interface VerifyOptions {
  /** HMAC algorithms the service accepts with the secret: PostgREST and GoTrue HS256, Realtime HS256/384/512. */
  hmacAlgorithms?: string[];
}

export class JwtKeys {
  private readonly secret: KeyObject;
  private readonly byKid: Map<string, SigningKey>;
  private readonly signer?: SigningKey;

  constructor(
    secret: string,
    readonly signingKeys: SigningKey[] = [],
  ) {
    this.secret = createSecretKey(new TextEncoder().encode(secret));
    this.byKid = new Map(signingKeys.map((key) => [key.kid, key]));
    this.signer = signingKeys.find((key) => key.privateKey);
  }

  /** GoTrue's /.well-known/jwks.json body: the public keys, never the secret. */
  jwks(): { keys: JWK[] } {
    return { keys: this.signingKeys.map((key) => key.publicJwk) };
  }

  /** Signs an access token: with the signing key (alg and kid from it) or, without keys, HS256. */
  async sign(claims: JwtClaims): Promise<string> {
    const { signer } = this;
    if (!signer?.privateKey) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(this.secret);
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
      .sign(signer.privateKey);
  }

  /**
   * Verifies a token as GoTrue's parseJWTClaims picks its key: a known `kid` selects that key,
   * otherwise an HMAC token is checked with the secret. Never an HMAC check with a public key.
   * Errors say why (JwtError.reason) with jose's words as Storage reports them.
   */
  async verify(token: string, { hmacAlgorithms = ['HS256'] }: VerifyOptions = {}): Promise<JwtClaims> {
    let header: JWTHeaderParameters | undefined;
    try {
      const { payload } = await jwtVerify(
        token,
        (protectedHeader) => {
          header = protectedHeader;
          const kid = protectedHeader.kid;
          const key = kid === undefined ? undefined : this.byKid.get(kid);
          // Storage's fallback: no key of the token's own kind, so jose refuses the secret's type.
          return key ? key.publicKey : this.secret;
        },
        { algorithms: [...hmacAlgorithms, ...ASYMMETRIC_ALGORITHMS] },
      );
      return payload as JwtClaims;
    } catch (error) {
      throw verifyError(error, header);
    }
  }
}

function verifyError(error: unknown, header: { alg?: string; kid?: string } = {}): JwtError {
  const detail = error instanceof Error ? error.message : String(error);
  const refused = (reason: JwtFailure) => new JwtError('invalid JWT', reason, detail, header);
  if (error instanceof errors.JWTExpired) return new JwtError('JWT expired', 'expired', detail, header);
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('signature');
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('algorithm');
  // jose's TypeError: the key found is not of the token's algorithm (unknown kid, wrong key type).
  if (error instanceof TypeError) return refused('key');
  return refused('invalid');
}
