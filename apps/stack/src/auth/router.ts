import { Hono, type MiddlewareHandler } from 'hono';
import type { StackContext, StackEnv } from '../context.js';
import { createMailer } from '../mail/mailer.js';
import {
  adminCreateUser,
  adminDeleteFactor,
  adminDeleteUser,
  adminGetUser,
  adminListFactors,
  adminListUsers,
  adminUpdateUser,
} from './admin.js';
import { type AuthConfig, loadAuthConfig } from './config.js';
import { type AuthDeps, rateLimiters } from './deps.js';
import { passkeysDisabled, requireManualLinking, samlDisabled } from './disabled.js';
import { errorResponse } from './errors.js';
import { generateLink } from './generate-link.js';
import { linkIdentity, unlinkIdentity } from './identities.js';
import { invite } from './invite.js';
import { logout } from './logout.js';
import { challengeFactor, enrollFactor, unenrollFactor, verifyFactor } from './mfa.js';
import {
  type AuthEnv,
  loadOwnFactor,
  loadTargetUser,
  requireAdmin,
  requireSessionUser,
  requireUser,
} from './middleware.js';
import { authorize, callback } from './oauth.js';
import { OAuth2Client } from './oauth2-client.js';
import { oidcClients } from './oidc-client.js';
import { otp } from './otp.js';
import { reauthenticate } from './reauthenticate.js';
import { recover } from './recover.js';
import { resend } from './resend.js';
import { health, jwks, settings } from './settings.js';
import { signup } from './signup.js';
import { token } from './token.js';
import { getUser, updateUserHandler } from './user.js';
import { verifyGet, verifyPost } from './verify.js';

/**
 * The GoTrue-compatible Auth API, mounted at /auth/v1. Every route and the middleware in front of
 * it is listed here; handlers live in one module per concern.
 */
export function createAuthRouter(
  ctx: StackContext,
  apiKey: MiddlewareHandler<StackEnv>,
  config: AuthConfig = loadAuthConfig(ctx.config),
): Hono<AuthEnv> {
  const d: AuthDeps = {
    ctx,
    config,
    limits: rateLimiters(config),
    mailer: createMailer(config.email.smtp, config.email.templates, ctx.log),
    oidc: new Map([
      ...oidcClients(config.oidcProviders.values(), ctx.config.jwtSecret),
      ...config.oauth2Providers.map((p) => [p.name, new OAuth2Client(p)] as const),
    ]),
  };
  const r = new Hono<AuthEnv>();
  const user = requireUser(ctx, config);
  const admin = requireAdmin(config);
  const factor = loadOwnFactor(ctx);
  const target = loadTargetUser(ctx);

  // Open routes: Kong lets these through without an apikey (browser redirects land here).
  r.get('/verify', verifyGet(d));
  r.post('/verify', verifyPost(d));
  r.get('/authorize', authorize(d));
  r.get('/callback', callback(d));
  r.post('/callback', callback(d));
  r.get('/.well-known/jwks.json', jwks(d));

  // Everything below needs the project's apikey (registered after the open routes, so those never reach it).
  r.use('*', apiKey);

  r.get('/health', health(d));
  r.get('/settings', settings(d));
  r.post('/signup', signup(d));
  r.post('/token', token(d));
  r.post('/otp', otp(d));
  r.post('/recover', recover(d));
  r.post('/resend', resend(d));
  r.all('/sso', samlDisabled());
  r.all('/sso/*', samlDisabled());
  r.all('/passkeys', passkeysDisabled());
  r.all('/passkeys/*', passkeysDisabled());
  r.use('/user/identities/*', user, requireManualLinking(config));
  r.get('/user/identities/authorize', linkIdentity(d));
  r.delete('/user/identities/:identityId', unlinkIdentity(d));
  r.post('/logout', user, logout(d));
  r.get('/user', user, getUser(d));
  r.put('/user', user, updateUserHandler(d));
  r.get('/reauthenticate', user, reauthenticate(d));

  r.post('/factors', user, requireSessionUser, enrollFactor(d));
  r.post('/factors/:factorId/challenge', user, requireSessionUser, factor, challengeFactor(d));
  r.post('/factors/:factorId/verify', user, requireSessionUser, factor, verifyFactor(d));
  r.delete('/factors/:factorId', user, requireSessionUser, factor, unenrollFactor(d));

  r.post('/invite', admin, invite(d));
  r.post('/admin/generate_link', admin, generateLink(d));
  r.get('/admin/users', admin, adminListUsers(d));
  r.post('/admin/users', admin, adminCreateUser(d));
  r.get('/admin/users/:userId', admin, target, adminGetUser(d));
  r.put('/admin/users/:userId', admin, target, adminUpdateUser(d));
  r.delete('/admin/users/:userId', admin, target, adminDeleteUser(d));
  r.get('/admin/users/:userId/factors', admin, target, adminListFactors(d));
  r.delete('/admin/users/:userId/factors/:factorId', admin, target, adminDeleteFactor(d));

  r.onError((error, c) => {
    const response = errorResponse(c, error);
    if (response.status >= 500) ctx.log.error({ err: error, path: c.req.path }, 'auth: unexpected error');
    return response;
  });
  return r;
}
