import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GITHUB_CLIENT_ID = 'gh-client';
export const GITHUB_SECRET = 'gh-secret';

export interface GithubAccount {
  id: number;
  login: string;
  name: string;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

/**
 * GitHub Enterprise's OAuth endpoints on 127.0.0.1 (what `[auth.external.github] url` points
 * GoTrue at): /login/oauth/authorize approves at once as `next`, /login/oauth/access_token
 * checks the client and the redirect URI and answers form-encoded (as GitHub does without
 * `Accept: application/json`) or JSON, and /api/v3/user(/emails) need the issued token.
 */
export async function startFakeGithub() {
  const codes = new Map<string, { redirectUri: string; account: GithubAccount }>();
  const tokens = new Map<string, GithubAccount>();
  const github = {
    url: '',
    next: { id: 4242, login: 'octo', name: 'Octo Cat', emails: [] } as GithubAccount,
    /** Scopes the last authorize request asked for. */
    lastScope: '',
    server: undefined as Server | undefined,
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', github.url);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/login/oauth/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== GITHUB_CLIENT_ID || p.get('response_type') !== 'code') return send(400, {});
      github.lastScope = p.get('scope') ?? '';
      const code = `gh-code-${codes.size}-${Date.now()}`;
      codes.set(code, { redirectUri: p.get('redirect_uri') ?? '', account: github.next });
      const back = new URL(p.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const valid =
        grant &&
        form.get('client_id') === GITHUB_CLIENT_ID &&
        form.get('client_secret') === GITHUB_SECRET &&
        form.get('redirect_uri') === grant.redirectUri;
      const answer: Record<string, string> = valid
        ? { access_token: `gho_${tokens.size}`, token_type: 'bearer', scope: 'user:email' }
        : { error: 'bad_verification_code' };
      if (valid && answer.access_token) tokens.set(answer.access_token, grant.account);
      if (req.headers.accept?.includes('application/json')) return send(200, answer);
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      return res.end(new URLSearchParams(answer).toString());
    }
    const account = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!account) return send(401, { message: 'Bad credentials' });
    if (url.pathname === '/api/v3/user') {
      return send(200, {
        id: account.id,
        login: account.login,
        name: account.name,
        avatar_url: `${github.url}/avatars/${account.id}`,
      });
    }
    if (url.pathname === '/api/v3/user/emails') return send(200, account.emails);
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  github.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  github.server = server;
  return github;
}
