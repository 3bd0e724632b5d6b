import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A tiny OpenID provider on 127.0.0.1: discovery, JWKS, an /authorize that approves at once
 * (as `nextUser`), and a /token that checks the client secret and PKCE and issues an RS256 ID token.
 */
export interface IdpUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

export const CLIENT_ID = 'harmony-test';
export const CLIENT_SECRET = 'shh-secret';

export async function startIdp() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const rogue = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; user: IdpUser }>();
  const idp = {
    issuer: '',
    nextUser: { sub: 'idp-1', email: 'idp@example.com', email_verified: true } as IdpUser,
    /** Sign the next ID token with a key the JWKS does not publish. */
    forgeNext: false,
    server: undefined as Server | undefined,
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', idp.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: idp.issuer,
        authorization_endpoint: `${idp.issuer}/authorize`,
        token_endpoint: `${idp.issuer}/token`,
        jwks_uri: `${idp.issuer}/jwks`,
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== CLIENT_ID || p.get('code_challenge_method') !== 'S256') return json(400, {});
      const code = `code-${codes.size}-${Date.now()}`;
      codes.set(code, {
        nonce: p.get('nonce') ?? '',
        challenge: p.get('code_challenge') ?? '',
        redirectUri: p.get('redirect_uri') ?? '',
        user: idp.nextUser,
      });
      const back = new URL(p.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
      const grant = codes.get(form.get('code') ?? '');
      const verifier = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (
        req.headers.authorization !== `Basic ${basic}` ||
        !grant ||
        verifier !== grant.challenge ||
        form.get('redirect_uri') !== grant.redirectUri
      ) {
        return json(400, { error: 'invalid_grant' });
      }
      codes.delete(form.get('code') ?? '');
      const key = idp.forgeNext ? rogue.privateKey : privateKey;
      idp.forgeNext = false;
      const idToken = await new SignJWT({ ...grant.user, nonce: grant.nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(idp.issuer)
        .setAudience(CLIENT_ID)
        .setSubject(grant.user.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
      return json(200, {
        access_token: 'idp-access',
        token_type: 'Bearer',
        id_token: idToken,
        expires_in: 300,
      });
    }
    json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  idp.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp.server = server;
  return idp;
}
