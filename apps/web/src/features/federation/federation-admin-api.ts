import { client } from '../../app/stores.js';
import { unwrap } from '../../lib/unwrap.js';

export interface FederationAdminSettings {
  paused: boolean;
  blocked_domains: string[];
}

type Answer = PromiseLike<{ data: unknown; error: null } | { data: null; error: unknown }>;
/** is_instance_admin and federation_admin_settings join the generated database types when they are next regenerated. */
const call = (fn: string, args?: Record<string, unknown>) =>
  (client as unknown as { rpc(fn: string, args?: Record<string, unknown>): Answer }).rpc(fn, args);

/** Whether the signed-in user administers this instance (the database decides: public.instance_admins). */
export const isInstanceAdmin = async (): Promise<boolean> =>
  (await unwrap(call('is_instance_admin'))) === true;

export async function loadFederationAdminSettings(): Promise<FederationAdminSettings> {
  const rows = (await unwrap(call('federation_admin_settings'))) as FederationAdminSettings[];
  return rows[0] ?? { paused: false, blocked_domains: [] };
}

export const setFederationPaused = (paused: boolean) =>
  unwrap(client.rpc('set_federation_paused', { p_paused: paused }));

export const setInstanceBlocked = (domain: string, blocked: boolean) =>
  unwrap(client.rpc('set_instance_blocked', { p_domain: domain, p_blocked: blocked }));
