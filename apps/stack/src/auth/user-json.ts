import type { Queryable } from './db.js';
import { type FactorRow, listFactors } from './mfa-repo.js';
import { type IdentityRow, listIdentities, type UserRow } from './users-repo.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/** Drops undefined members, as Go's `omitempty` leaves unset timestamps out entirely. */
const compact = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const identityJson = (i: IdentityRow) => ({
  identity_id: i.id,
  id: i.provider_id,
  user_id: i.user_id,
  identity_data: i.identity_data,
  provider: i.provider,
  last_sign_in_at: iso(i.last_sign_in_at) ?? null,
  created_at: iso(i.created_at) ?? null,
  updated_at: iso(i.updated_at) ?? null,
  email: i.email ?? '',
});

export const factorJson = (f: FactorRow) =>
  compact({
    id: f.id,
    friendly_name: f.friendly_name || undefined,
    factor_type: f.factor_type,
    status: f.status,
    created_at: iso(f.created_at),
    updated_at: iso(f.updated_at),
    last_challenged_at: iso(f.last_challenged_at) ?? null,
  });

/** models.User as GoTrue serialises it (field order and omitempty rules included). */
export function userJson(u: UserRow, identities: IdentityRow[], factors: FactorRow[] = []) {
  return compact({
    id: u.id,
    aud: u.aud ?? '',
    role: u.role ?? '',
    email: u.email ?? '',
    email_confirmed_at: iso(u.email_confirmed_at),
    invited_at: iso(u.invited_at),
    phone: u.phone ?? '',
    phone_confirmed_at: iso(u.phone_confirmed_at),
    confirmation_sent_at: iso(u.confirmation_sent_at),
    confirmed_at: iso(u.confirmed_at),
    recovery_sent_at: iso(u.recovery_sent_at),
    new_email: u.email_change || undefined,
    email_change_sent_at: iso(u.email_change_sent_at),
    new_phone: u.phone_change || undefined,
    phone_change_sent_at: iso(u.phone_change_sent_at),
    reauthentication_sent_at: iso(u.reauthentication_sent_at),
    last_sign_in_at: iso(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    factors: factors.length ? factors.map(factorJson) : undefined,
    identities: identities.map(identityJson),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    banned_until: iso(u.banned_until),
    deleted_at: iso(u.deleted_at),
    is_anonymous: u.is_anonymous,
  });
}

export type UserJson = ReturnType<typeof userJson>;

/** Loads identities and factors and serialises the user. */
export async function loadUserJson(q: Queryable, user: UserRow): Promise<UserJson> {
  const [identities, factors] = await Promise.all([listIdentities(q, user.id), listFactors(q, user.id)]);
  return userJson(user, identities, factors);
}
