import type { EmailOtpType } from '@supabase/supabase-js';
import { type HarmonyClient, readConfig } from '../../lib/supabase.js';

/** Where links in auth mails bring people back: this app (Supabase Auth checks it is allowed). */
export const appUrl = () => `${window.location.origin}${window.location.pathname}`;

/** A 6-digit code as typed ("123 456") → "123456", or null. */
export function cleanEmailCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6,10}$/.test(code) ? code : null;
}

function check<T extends { error: unknown }>(result: T): T {
  if (result.error) throw result.error;
  return result;
}

/**
 * The account flows over email, as supabase-js offers them on Supabase Auth: links land back
 * here (landing.ts reads what they bring), codes are typed in.
 */
export function createAccountApi(client: HarmonyClient) {
  return {
    async resendConfirmation(email: string) {
      check(await client.auth.resend({ type: 'signup', email, options: { emailRedirectTo: appUrl() } }));
    },

    /** A code from a mail: sign-up confirmation and sign-in codes are both type `email`. */
    async verifyCode(email: string, input: string, type: EmailOtpType = 'email') {
      const token = cleanEmailCode(input);
      if (!token) throw new Error('Enter the 6-digit code from the email.');
      check(await client.auth.verifyOtp({ email, token, type }));
    },

    async sendPasswordReset(email: string) {
      check(await client.auth.resetPasswordForEmail(email, { redirectTo: appUrl() }));
    },

    /** A magic link and a 6-digit code in one mail, for existing accounts only. */
    async sendSignInEmail(email: string) {
      check(
        await client.auth.signInWithOtp({
          email,
          options: { shouldCreateUser: false, emailRedirectTo: appUrl() },
        }),
      );
    },

    async setPassword(password: string, nonce?: string) {
      check(await client.auth.updateUser({ password, nonce }));
    },

    /** Mails confirmation links (to both addresses with secure email change); returns the pending address. */
    async changeEmail(email: string): Promise<string | null> {
      const { data } = check(await client.auth.updateUser({ email }, { emailRedirectTo: appUrl() }));
      return data.user?.new_email ?? null;
    },

    /** The address still waiting for its confirmations, if any. */
    async pendingEmail(): Promise<string | null> {
      const { data } = check(await client.auth.getUser());
      return data.user?.new_email ?? null;
    },

    /** Mails the signed-in user a code proving it is them (reauthentication). */
    async sendReauthenticationCode() {
      check(await client.auth.reauthenticate());
    },

    /**
     * Checks the current password without touching this tab's session: a password sign-in of
     * its own, signed out again at once.
     */
    async checkPassword(email: string, password: string): Promise<boolean> {
      const config = readConfig();
      if (!config) throw new Error('Harmony is not configured.');
      const url = config.url.replace(/\/+$/, '');
      const key = config.anonKey;
      const res = await fetch(`${url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: key, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (res.status === 400) return false;
      if (!res.ok) throw await authError(res);
      const { access_token } = (await res.json()) as { access_token: string };
      await fetch(`${url}/auth/v1/logout?scope=local`, {
        method: 'POST',
        headers: { apikey: key, authorization: `Bearer ${access_token}` },
      }).catch(() => undefined);
      return true;
    },

    async deleteAccount(input: { password?: string; code?: string; deleteMessages: boolean }) {
      check(
        await client.rpc('delete_my_account', {
          ...(input.password ? { p_password: input.password } : {}),
          ...(input.code ? { p_code: input.code } : {}),
          p_delete_messages: input.deleteMessages,
        }),
      );
    },

    async exportData(): Promise<Record<string, unknown>> {
      const { data } = check(await client.rpc('export_my_data'));
      return data as unknown as Record<string, unknown>;
    },
  };
}

export type AccountApi = ReturnType<typeof createAccountApi>;

async function authError(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error_code?: string; msg?: string };
  return Object.assign(new Error(body.msg ?? res.statusText), { status: res.status, code: body.error_code });
}
