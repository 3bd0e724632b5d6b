import { isUuid, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { AuthApiError, badRequest, databaseRejection } from './errors.js';
import { accountForIdentity, linkIdentityToUser } from './external-users.js';
import {
  bindFlowStateUser,
  deleteFlowState,
  type FlowStateRow,
  findFlowState,
  insertFlowState,
} from './flow-repo.js';
import { callbackUrl, redirectTarget, withParams } from './redirects.js';
import { clientInfo, pkceParams } from './request.js';
import { issueSession } from './tokens.js';
import { audit } from './users-repo.js';

/**
 * The provider URL a sign-in (or, with a target user, a manual linking) round trip starts at.
 * Records the round trip in auth.flow_state (its id is the OAuth `state`), with PKCE and a
 * nonce towards the provider as well (GoTrue's GetExternalProviderRedirectURL).
 */
export async function providerRedirectUrl(
  d: AuthDeps,
  c: AuthContext,
  linkingTargetId?: string,
): Promise<string> {
  const name = (c.req.query('provider') ?? '').toLowerCase();
  const client = d.oidc.get(name);
  if (!client) {
    throw badRequest('validation_failed', `Unsupported provider: Provider ${name} could not be found`);
  }
  const { codeChallenge, codeChallengeMethod } = pkceParams(
    c.req.query('code_challenge') ?? '',
    c.req.query('code_challenge_method') ?? '',
  );
  const flow = await insertFlowState(d.ctx.db.auth, {
    providerType: name,
    authenticationMethod: 'oauth',
    codeChallenge,
    codeChallengeMethod,
    referrer: redirectTarget(d.config, c.req.query('redirect_to')),
    linkingTargetId,
  });
  try {
    return await client.authorizationUrl(flow.id, callbackUrl(d.config), c.req.query('scopes') ?? '');
  } catch (error) {
    d.ctx.log.error({ err: error, provider: name }, 'provider discovery failed');
    throw new AuthApiError(500, 'unexpected_failure', `Unable to reach the ${name} provider`);
  }
}

/** GET /authorize?provider=<name>&redirect_to=…[&scopes=…][&code_challenge=…&code_challenge_method=s256] */
export const authorize = (d: AuthDeps) => async (c: AuthContext) =>
  c.redirect(await providerRedirectUrl(d, c), 302);

/** Sends the browser back to the app with GoTrue's error parameters. */
function failRedirect(
  c: AuthContext,
  flow: FlowStateRow,
  code: string,
  description: string,
  error = 'server_error',
) {
  const params = { error, error_code: code, error_description: description, sb: '' };
  let target = withParams(flow.referrer ?? '', params, 'fragment');
  // PKCE clients read the query (exchangeCodeForSession is never reached).
  if (flow.code_challenge)
    target = withParams(target, { error, error_code: code, error_description: description }, 'query');
  return c.redirect(target, 302);
}

/**
 * GET|POST /callback?code&state: exchanges the code, verifies the ID token, finds or creates the
 * account, then redirects to redirect_to with the session in the fragment (implicit flow) or
 * ?code= for POST /token?grant_type=pkce.
 */
export const callback = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const params = new URLSearchParams(c.req.query());
  if (c.req.method === 'POST') {
    // response_mode=form_post
    for (const [key, value] of new URLSearchParams(await c.req.text())) params.set(key, value);
  }
  const state = params.get('state') ?? '';
  const found = isUuid(state) ? await findFlowState(ctx.db.auth, state) : undefined;
  if (!found) throw badRequest('bad_oauth_state', 'OAuth callback with invalid state');
  const flow: FlowStateRow = { ...found, referrer: found.referrer || config.stack.siteUrl };

  if (flow.created_at.getTime() + config.flowStateExpiry * 1000 < Date.now()) {
    await deleteFlowState(ctx.db.auth, flow.id);
    return failRedirect(c, flow, 'flow_state_expired', 'Flow state has expired, sign in again');
  }
  const providerError = params.get('error');
  if (providerError) {
    await deleteFlowState(ctx.db.auth, flow.id);
    const description = params.get('error_description') ?? providerError;
    return failRedirect(c, flow, 'bad_oauth_callback', description, providerError);
  }
  const code = params.get('code');
  const client = d.oidc.get(flow.provider_type);
  if (!code || !client)
    return failRedirect(c, flow, 'bad_oauth_callback', 'OAuth callback with missing authorization code');

  let tokens: Awaited<ReturnType<typeof client.exchange>>;
  try {
    tokens = await client.exchange(flow.id, code, callbackUrl(config));
  } catch (error) {
    ctx.log.warn({ err: error, provider: flow.provider_type }, 'provider code exchange failed');
    return failRedirect(c, flow, 'bad_oauth_callback', 'Unable to exchange external code');
  }

  const info = clientInfo(c, config);
  try {
    const result = await transaction(ctx.db.auth, async (tx) => {
      const user = flow.linking_target_id
        ? await linkIdentityToUser(tx, config, flow.linking_target_id, flow.provider_type, tokens.claims)
        : await accountForIdentity(tx, config, flow.provider_type, tokens.claims);
      if (user.banned_until && user.banned_until.getTime() > Date.now()) {
        throw new AuthApiError(403, 'user_banned', 'User is banned');
      }
      await audit(tx, 'login', user, info.ip, { provider: flow.provider_type });
      if (flow.code_challenge) {
        const locked = await findFlowState(tx, flow.id, true);
        if (!locked || locked.user_id)
          throw badRequest('flow_state_already_used', 'State has already been used');
        await bindFlowStateUser(tx, flow.id, user.id, tokens.accessToken, tokens.refreshToken);
        return { kind: 'code' as const, code: locked.auth_code ?? '' };
      }
      const { response } = await issueSession(tx, config, user, 'oauth', info);
      await deleteFlowState(tx, flow.id);
      return { kind: 'session' as const, response };
    });
    if (result.kind === 'code')
      return c.redirect(withParams(flow.referrer ?? '', { code: result.code }, 'query'), 302);
    const s = result.response;
    const fragment: Record<string, string> = {
      access_token: s.access_token,
      expires_at: String(s.expires_at),
      expires_in: String(s.expires_in),
      provider_token: tokens.accessToken,
      refresh_token: s.refresh_token,
      sb: '',
      token_type: 'bearer',
    };
    if (tokens.refreshToken) fragment.provider_refresh_token = tokens.refreshToken;
    return c.redirect(withParams(flow.referrer ?? '', fragment, 'fragment'), 302);
  } catch (error) {
    const known = error instanceof AuthApiError ? error : databaseRejection(error);
    if (!known) throw error;
    return failRedirect(c, flow, known.code, known.message);
  }
};
