import type { Session } from '@supabase/supabase-js';
import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Profile } from '../lib/types.js';

export type AuthStatus = 'loading' | 'signedOut' | 'mfaRequired' | 'signedIn';

export interface AuthState {
  status: AuthStatus;
  session: Session | null;
  profile: Profile | null;
  error: string | null;
  init(): Promise<void>;
  signUp(input: { email: string; password: string; username: string }): Promise<boolean>;
  signIn(email: string, password: string): Promise<void>;
  /** Completes sign-in with a TOTP code when the account has MFA. */
  verifyMfa(code: string): Promise<void>;
  signOut(scope?: 'local' | 'global' | 'others'): Promise<void>;
  signInWithProvider(provider: string): Promise<void>;
  updateProfile(
    fields: Partial<Pick<Profile, 'display_name' | 'bio' | 'avatar_url' | 'custom_status'>>,
  ): Promise<void>;
  clearError(): void;
}

export function createAuthStore(client: HarmonyClient) {
  return createStore<AuthState>()((set, get) => {
    const loadProfile = async (session: Session) => {
      const { data, error } = await client
        .from('profiles')
        .select('*')
        .eq('user_id', session.user.id)
        .single();
      if (error) throw error;
      return data;
    };

    /** Decides the status for a session: MFA-enrolled accounts need aal2 before entering. */
    const settle = async (session: Session | null) => {
      if (!session) {
        set({ status: 'signedOut', session: null, profile: null });
        return;
      }
      const { data: aal } = await client.auth.mfa.getAuthenticatorAssuranceLevel();
      if (aal && aal.nextLevel === 'aal2' && aal.currentLevel !== 'aal2') {
        set({ status: 'mfaRequired', session });
        return;
      }
      set({ status: 'signedIn', session, profile: await loadProfile(session) });
    };

    const fail = (error: unknown) => set({ error: (error as Error).message ?? String(error) });

    return {
      status: 'loading',
      session: null,
      profile: null,
      error: null,

      async init() {
        client.auth.onAuthStateChange((event, session) => {
          if (event === 'TOKEN_REFRESHED' && session) set({ session });
          if (event === 'SIGNED_OUT') set({ status: 'signedOut', session: null, profile: null });
        });
        const { data } = await client.auth.getSession();
        await settle(data.session).catch(fail);
      },

      async signUp({ email, password, username }) {
        set({ error: null });
        const { data, error } = await client.auth.signUp({
          email,
          password,
          options: { data: { username } },
        });
        if (error) {
          fail(error);
          return false;
        }
        await settle(data.session).catch(fail);
        return true;
      },

      async signIn(email, password) {
        set({ error: null });
        const { data, error } = await client.auth.signInWithPassword({ email, password });
        if (error) return fail(error);
        await settle(data.session).catch(fail);
      },

      async verifyMfa(code) {
        set({ error: null });
        const { data: factors, error: listError } = await client.auth.mfa.listFactors();
        const factor = factors?.totp[0];
        if (listError || !factor) return fail(listError ?? new Error('No authenticator app is enrolled'));
        const { error } = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code });
        if (error) return fail(error);
        const { data } = await client.auth.getSession();
        await settle(data.session).catch(fail);
      },

      async signOut(scope = 'local') {
        // Temporary memberships end with the session; a failure must not keep anyone signed in.
        if (scope !== 'others')
          await client.rpc('end_temporary_memberships').then(undefined, () => undefined);
        await client.auth.signOut({ scope });
        // Signing out the other sessions keeps this one.
        if (scope !== 'others') set({ status: 'signedOut', session: null, profile: null });
      },

      async signInWithProvider(provider) {
        const { error } = await client.auth.signInWithOAuth({
          provider: provider as never,
          options: { redirectTo: window.location.origin },
        });
        if (error) fail(error);
      },

      async updateProfile(fields) {
        const profile = get().profile;
        if (!profile) return;
        const { data, error } = await client
          .from('profiles')
          .update(fields)
          .eq('id', profile.id)
          .select()
          .single();
        if (error) throw error;
        set({ profile: data });
      },

      clearError() {
        set({ error: null });
      },
    };
  });
}
