import { isUuid, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { AuthApiError, isUniqueViolation, notFound, unprocessable } from './errors.js';
import { emailFromIdentities, refreshProviders } from './external-users.js';
import { providerRedirectUrl } from './oauth.js';
import { clientInfo } from './request.js';
import { audit, listIdentities } from './users-repo.js';

/**
 * GET /user/identities/authorize?provider=…: the provider URL of a manual linking flow for the
 * signed-in user, as JSON with skip_http_redirect=true (what supabase-js asks for) or a redirect.
 */
export const linkIdentity = (d: AuthDeps) => async (c: AuthContext) => {
  const url = await providerRedirectUrl(d, c, c.get('user').id);
  return c.req.query('skip_http_redirect') === 'true' ? c.json({ url }) : c.redirect(url, 302);
};

/** DELETE /user/identities/:identityId: GoTrue's DeleteIdentity; the last identity stays. */
export const unlinkIdentity = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const id = c.req.param('identityId') ?? '';
  if (!isUuid(id)) throw notFound('validation_failed', 'identity_id must be an UUID');
  const user = c.get('user');
  const identities = await listIdentities(ctx.db.auth, user.id);
  if (identities.length <= 1) {
    throw unprocessable(
      'single_identity_not_deletable',
      'User must have at least 1 identity after unlinking',
    );
  }
  const identity = identities.find((i) => i.id === id);
  if (!identity) throw unprocessable('identity_not_found', "Identity doesn't exist");
  try {
    await transaction(ctx.db.auth, async (tx) => {
      await audit(tx, 'identity_unlinked', user, clientInfo(c, config).ip, {
        identity_id: identity.id,
        provider: identity.provider,
        provider_id: identity.provider_id,
      });
      await tx.query('delete from auth.identities where id = $1', [identity.id]);
      await refreshProviders(tx, await emailFromIdentities(tx, config, user));
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_partial_key')) {
      throw new AuthApiError(
        422,
        'email_conflict_identity_not_deletable',
        'Unable to unlink identity due to email conflict',
      );
    }
    throw error;
  }
  return c.json({});
};
