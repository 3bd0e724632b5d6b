import type { AuthConfig } from './config.js';
import type { Queryable } from './db.js';
import { AuthApiError, DUPLICATE_EMAIL, unprocessable } from './errors.js';
import {
  findIdentity,
  findUserByEmail,
  findUserById,
  type IdentityRow,
  insertIdentity,
  insertUser,
  type Json,
  listIdentities,
  mergeMetadata,
  type UserRow,
  updateIdentity,
  updateUser,
} from './users-repo.js';

/** provider.Claims as GoTrue stores them in identity_data (empty members left out). */
export function identityData(claims: Json): Json {
  const s = (key: string) =>
    typeof claims[key] === 'string' && claims[key] ? (claims[key] as string) : undefined;
  const data: Json = {
    iss: s('iss'),
    sub: String(claims.sub),
    name: s('name'),
    email: s('email')?.toLowerCase(),
    email_verified: claims.email_verified === true || claims.email_verified === 'true',
    phone_verified: claims.phone_verified === true || claims.phone_verified === 'true',
    picture: s('picture'),
    preferred_username: s('preferred_username'),
    user_name: s('user_name'),
    full_name: s('full_name') ?? s('name'),
    avatar_url: s('avatar_url') ?? s('picture'),
    provider_id: String(claims.sub),
    custom_claims:
      claims.custom_claims && typeof claims.custom_claims === 'object' ? claims.custom_claims : undefined,
  };
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

function withProvider(appMetadata: Json | null, provider: string): Json {
  const current = appMetadata ?? {};
  const providers = Array.isArray(current.providers) ? (current.providers as string[]) : [];
  return {
    ...current,
    provider: current.provider ?? provider,
    providers: providers.includes(provider) ? providers : [...providers, provider],
  };
}

/**
 * Finds or creates the account for a provider identity, as GoTrue's account linking decides:
 * a known identity signs in; a verified email of an existing account links to it; otherwise
 * a new account is created (confirmed if the provider verified the email, or autoconfirm).
 */
export async function accountForIdentity(
  tx: Queryable,
  config: AuthConfig,
  provider: string,
  claims: Json,
): Promise<UserRow> {
  const data = identityData(claims);
  const known = await findIdentity(tx, provider, String(data.sub));
  if (known) {
    await updateIdentity(tx, known.id, data);
    const user = await findUserById(tx, known.user_id, true);
    if (!user || user.deleted_at) throw new AuthApiError(400, 'user_not_found', 'User not found');
    return updateUser(tx, user.id, { raw_user_meta_data: mergeMetadata(user.raw_user_meta_data, data) });
  }
  const email = typeof data.email === 'string' ? data.email : '';
  if (!email)
    throw new AuthApiError(400, 'bad_oauth_callback', 'Error getting user email from external provider');
  const verified = data.email_verified === true;
  const existing = await findUserByEmail(tx, email);
  if (existing) {
    // Linking on an unverified address would let the provider's user take over the account.
    if (!verified) throw unprocessable('email_exists', DUPLICATE_EMAIL);
    await insertIdentity(tx, existing.id, provider, data);
    return updateUser(tx, existing.id, {
      raw_user_meta_data: mergeMetadata(existing.raw_user_meta_data, data),
      raw_app_meta_data: withProvider(existing.raw_app_meta_data, provider),
    });
  }
  if (!verified && !config.stack.autoconfirm) {
    throw unprocessable(
      'provider_email_needs_verification',
      `Unverified email with ${provider}. Verify the email with ${provider} and sign in again.`,
    );
  }
  const user = await insertUser(tx, {
    email,
    encryptedPassword: '',
    appMetadata: { provider, providers: [provider] },
    userMetadata: data,
    emailConfirmed: true,
  });
  await insertIdentity(tx, user.id, provider, data);
  return user;
}

/** GoTrue's UpdateAppMetaDataProviders: app_metadata.providers from the identities, oldest first. */
export async function refreshProviders(tx: Queryable, user: UserRow): Promise<UserRow> {
  const providers = [...new Set((await listIdentities(tx, user.id)).map((i) => i.provider))];
  const appMetadata: Json = { ...(user.raw_app_meta_data ?? {}), providers };
  if (providers[0]) appMetadata.provider = providers[0];
  return updateUser(tx, user.id, { raw_app_meta_data: appMetadata });
}

const identityEmail = (identity: IdentityRow) =>
  typeof identity.identity_data.email === 'string' ? identity.identity_data.email : '';

/**
 * GoTrue's UpdateUserEmailFromIdentities: a user whose address no identity carries any more
 * takes the address of an identity, provider-verified ones first, then the oldest.
 */
export async function emailFromIdentities(tx: Queryable, config: AuthConfig, user: UserRow) {
  const identities = await listIdentities(tx, user.id);
  if (identities.some((i) => identityEmail(i) === (user.email ?? ''))) return user;
  const rank = (i: IdentityRow) => (!identityEmail(i) ? 2 : i.identity_data.email_verified === true ? 0 : 1);
  const primary = identities.toSorted((a, b) => rank(a) - rank(b))[0];
  if (!primary) return user;
  const verified = rank(primary) === 0 || config.stack.autoconfirm;
  return updateUser(tx, user.id, {
    email: identityEmail(primary) || null,
    email_confirmed_at: verified && identityEmail(primary) ? new Date() : null,
  });
}

/**
 * GoTrue's linkIdentityToUser: the provider identity joins the signed-in user who started
 * the linking flow, unless it already belongs to someone.
 */
export async function linkIdentityToUser(
  tx: Queryable,
  config: AuthConfig,
  targetId: string,
  provider: string,
  claims: Json,
): Promise<UserRow> {
  const data = identityData(claims);
  let target = await findUserById(tx, targetId, true);
  if (!target || target.deleted_at) throw new AuthApiError(400, 'user_not_found', 'User not found');
  const known = await findIdentity(tx, provider, String(data.sub));
  if (known) {
    throw unprocessable(
      'identity_already_exists',
      known.user_id === target.id
        ? 'Identity is already linked'
        : 'Identity is already linked to another user',
    );
  }
  await insertIdentity(tx, target.id, provider, data);
  if (!target.email) {
    if (data.email_verified !== true && !config.stack.autoconfirm) {
      throw unprocessable(
        'email_not_confirmed',
        `Unverified email with ${provider}. A confirmation email has been sent to your ${provider} email`,
      );
    }
    target = await emailFromIdentities(tx, config, target);
    if (target.is_anonymous) target = await updateUser(tx, target.id, { is_anonymous: false });
  }
  return refreshProviders(tx, target);
}
