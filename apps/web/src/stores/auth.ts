import type { Session } from '@supabase/supabase-js';
import { createStore } from 'zustand/vanilla';
import { takeEarlyProfile } from '../boot/early-fetch.js';
import { clearLandingFromUrl, initialLanding } from '../features/account/landing.js';
import { describeError } from '../lib/errors.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Profile, ProfileChange } from '../lib/types.js';

export type AuthStatus = 'loading' | 'signedOut' | 'mfaRequired' | 'signedIn';

export interface AuthState {
  status: AuthStatus;
  session: Session | null;
  profile: Profile | null;
  error: string | null;
  /** A sentence for the auth screens, e.g. what an auth mail's link landed with. */
  notice: string | null;
  /** Signed in through a recovery link: asked for a new password before anything else. */
  recovering: boolean;
  /** Signed in through an invite link: asked to choose a username and a password first. */
  welcoming: boolean;
  init(): Promise<void>;
  /** 'confirm' when the address must be confirmed by mail before signing in. */
  signUp(input: {
    email: string;
    password: string;
    username: string;
  }): Promise<'signedIn' | 'confirm' | 'failed'>;
  /** Settles the client's current session (after a code or link signed in). */
  refresh(): Promise<void>;
  finishRecovery(): void;
  finishWelcome(): void;
  signIn(email: string, password: string): Promise<void>;
  /** Completes sign-in with a TOTP code when the account has MFA. */
  verifyMfa(code: string): Promise<void>;
  signOut(scope?: 'local' | 'global' | 'others'): Promise<void>;
  signInWithProvider(provider: string): Promise<void>;
  updateProfile(
    fields: Partial<Pick<Profile, 'username' | 'display_name' | 'bio' | 'avatar_url' | 'custom_status'>>,
  ): Promise<void>;
  /** The user's profile changed on another device (profile_update). */
  profileChanged(change: ProfileChange): void;
  clearError(): void;
}

export function createAuthStore(client: HarmonyClient) {
  return createStore<AuthState>()((set, get) => {
    const loadProfile = async (session: Session) => {
      const early = await takeEarlyProfile(session.user.id);
      if (early) return early as Profile;
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

    const fail = (error: unknown) => set({ error: describeError(error) });

    return {
      status: 'loading',
      session: null,
      profile: null,
      error: null,
      notice: null,
      recovering: false,
      welcoming: false,

      async init() {
        client.auth.onAuthStateChange((event, session) => {
          if (event === 'TOKEN_REFRESHED' && session) set({ session });
          if (event === 'PASSWORD_RECOVERY') set({ recovering: true });
          if (event === 'SIGNED_OUT') set({ status: 'signedOut', session: null, profile: null });
        });
        const landing = initialLanding;
        if (landing?.kind === 'error')
          set({ error: describeError({ code: landing.code, message: landing.description }) });
        if (landing?.kind === 'message') set({ notice: landingNotice(landing.message) });
        clearLandingFromUrl();
        if (landing?.kind === 'signedIn') {
          if (landing.type === 'recovery') set({ recovering: true });
          if (landing.type === 'invite') set({ welcoming: true });
          const notice = LANDED[landing.type];
          if (notice) set({ notice });
        }
        // A failed first load (server busy or restarting) is tried again: otherwise the app
        // would stay on its loading screen for good.
        for (let attempt = 0; ; attempt++) {
          try {
            const { data } = await client.auth.getSession();
            await settle(data.session);
            if (attempt > 0) set({ error: null });
            return;
          } catch (error) {
            fail(error);
          }
          if (get().status !== 'loading') return;
          await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 8000)));
        }
      },

      async signUp({ email, password, username }) {
        set({ error: null });
        const { data, error } = await client.auth.signUp({
          email,
          password,
          options: { data: { username }, emailRedirectTo: window.location.origin },
        });
        if (error) {
          fail(error);
          return 'failed';
        }
        if (!data.session) return 'confirm';
        await settle(data.session).catch(fail);
        return 'signedIn';
      },

      async refresh() {
        set({ error: null, notice: null });
        const { data } = await client.auth.getSession();
        await settle(data.session).catch(fail);
      },

      finishRecovery() {
        set({ recovering: false });
      },

      finishWelcome() {
        set({ welcoming: false });
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
        const enrolled = factors?.totp ?? [];
        if (listError || !enrolled.length)
          return fail(listError ?? new Error('No authenticator app is enrolled'));
        // Any enrolled app's code will do (the main one or a backup).
        let failure: unknown;
        for (const factor of enrolled) {
          const { error } = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code });
          failure = error;
          if (!error) break;
        }
        if (failure) return fail(failure);
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

      profileChanged(change) {
        const profile = get().profile;
        if (profile?.id === change.id) set({ profile: { ...profile, ...change } });
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
        set({ error: null, notice: null });
      },
    };
  });
}

/** What a link that signed the browser in did, by its type. */
const LANDED: Record<string, string> = {
  signup: 'Your email address is confirmed. Welcome to Harmony!',
  email_change: 'Your email address is changed.',
};

/** The first of two email-change confirmations lands with GoTrue's sentence; ours says what is next. */
function landingNotice(message: string): string {
  return /other email/i.test(message)
    ? 'Confirmed. Now open the link we sent to your other email address to finish the change.'
    : describeError(message);
}
