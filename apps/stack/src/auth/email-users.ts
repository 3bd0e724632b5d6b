import type { Queryable } from './db.js';
import { insertIdentity, insertUser, type UserRow, updateUser } from './users-repo.js';

export const EMAIL_APP_METADATA = { provider: 'email', providers: ['email'] };

/**
 * A new, unconfirmed email account with its email identity, as GoTrue's signupNewUser: the
 * user_metadata are the identity data (subject, address, flags) plus the sign-up data's other keys.
 */
export async function insertEmailUser(
  tx: Queryable,
  u: { email: string; encryptedPassword: string; data: Record<string, unknown>; confirmationSent?: boolean },
): Promise<UserRow> {
  const user = await insertUser(tx, {
    email: u.email,
    encryptedPassword: u.encryptedPassword,
    appMetadata: EMAIL_APP_METADATA,
    userMetadata: u.data,
    emailConfirmed: false,
    confirmationSent: u.confirmationSent,
  });
  const identityData: Record<string, unknown> = {
    sub: user.id,
    email: u.email,
    email_verified: false,
    phone_verified: false,
  };
  for (const [key, value] of Object.entries(u.data)) if (!(key in identityData)) identityData[key] = value;
  await insertIdentity(tx, user.id, 'email', identityData);
  return updateUser(tx, user.id, { raw_user_meta_data: identityData });
}

/** GoTrue's User.Confirm: the address is verified, on the user and on its email identity. */
export async function confirmEmailUser(tx: Queryable, user: UserRow): Promise<UserRow> {
  await tx.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
     where user_id = $1 and provider = 'email' and lower(identity_data->>'email') = lower($2)`,
    [user.id, user.email ?? ''],
  );
  return updateUser(tx, user.id, {
    email_confirmed_at: new Date(),
    confirmation_token: '',
    raw_user_meta_data: { ...(user.raw_user_meta_data ?? {}), email_verified: true },
  });
}
