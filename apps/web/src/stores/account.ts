import { createStore } from 'zustand/vanilla';
import { imagePath, imageProblem, qrImageSrc } from '../lib/images.js';
import type { HarmonyClient } from '../lib/supabase.js';

export type PresenceChoice = 'online' | 'idle' | 'dnd' | 'invisible';

export const PRESENCE_OPTIONS: { value: PresenceChoice; label: string; hint: string }[] = [
  { value: 'online', label: 'Online', hint: 'Shown as online' },
  { value: 'idle', label: 'Idle', hint: 'Shown as away' },
  { value: 'dnd', label: 'Do not disturb', hint: 'Shown as busy' },
  { value: 'invisible', label: 'Invisible', hint: 'Shown as offline to others' },
];

export interface MfaFactor {
  id: string;
  friendlyName: string | null;
  status: 'verified' | 'unverified';
  createdAt: string;
}

export interface MfaEnrollment {
  factorId: string;
  /** A safe <img> source for the QR code, or null to show only the secret. */
  qrSrc: string | null;
  secret: string;
  uri: string;
}

export interface AccountState {
  presence: PresenceChoice | null;
  factors: MfaFactor[];
  enrollment: MfaEnrollment | null;
  loadSettings(): Promise<void>;
  setPresence(status: PresenceChoice): Promise<void>;
  /** Uploads to avatars/<auth user id>/avatar-<timestamp>.<ext> and sets the profile's avatar_url. */
  uploadAvatar(file: File): Promise<string>;
  loadFactors(): Promise<void>;
  /** Enrols a TOTP factor, named after the ones already there ("Backup authenticator app"). */
  startEnrollment(): Promise<void>;
  verifyEnrollment(code: string): Promise<void>;
  cancelEnrollment(): Promise<void>;
  unenroll(factorId: string): Promise<void>;
}

export interface AccountDeps {
  updateProfile(fields: { avatar_url: string }): Promise<void>;
  /** Tells live presence (realtime) about the new status. */
  onPresence?(status: PresenceChoice): void;
}

/** A TOTP code as typed ("123 456") → "123456", or null when it is not six digits. */
export function cleanTotpCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** A name no enrolled factor has: the first app, then the backup, then numbered ones. */
export function factorName(taken: string[]): string {
  const candidates = ['Authenticator app', 'Backup authenticator app'];
  for (let n = 3; candidates.length < taken.length + 2; n += 1) candidates.push(`Authenticator app ${n}`);
  return candidates.find((name) => !taken.includes(name)) ?? `Authenticator app ${Date.now()}`;
}

export function createAccountStore(client: HarmonyClient, deps: AccountDeps) {
  return createStore<AccountState>()((set, get) => ({
    presence: null,
    factors: [],
    enrollment: null,

    async loadSettings() {
      const { data, error } = await client.from('user_settings').select('preferred_status').maybeSingle();
      if (error) throw error;
      const status = data?.preferred_status;
      set({ presence: status && status !== 'offline' ? status : 'online' });
    },

    async setPresence(status) {
      const previous = get().presence;
      set({ presence: status });
      const { error } = await client.rpc('set_presence', { p_status: status });
      if (error) {
        set({ presence: previous });
        throw error;
      }
      deps.onPresence?.(status);
    },

    async uploadAvatar(file) {
      const problem = imageProblem(file);
      if (problem) throw new Error(problem);
      const { data: session } = await client.auth.getSession();
      const userId = session.session?.user.id;
      if (!userId) throw new Error('Not signed in');
      const path = imagePath(userId, 'avatar', file);
      const bucket = client.storage.from('avatars');
      const { error } = await bucket.upload(path, file, { contentType: file.type, upsert: false });
      if (error) throw error;
      const url = bucket.getPublicUrl(path).data.publicUrl;
      await deps.updateProfile({ avatar_url: url });
      return url;
    },

    async loadFactors() {
      const { data, error } = await client.auth.mfa.listFactors();
      if (error) throw error;
      set({
        factors: data.all
          .filter((f) => f.factor_type === 'totp')
          .map((f) => ({
            id: f.id,
            friendlyName: f.friendly_name ?? null,
            status: f.status,
            createdAt: f.created_at,
          })),
      });
    },

    async startEnrollment() {
      // Leftovers of an abandoned enrolment would only clutter the list.
      for (const f of get().factors.filter((x) => x.status === 'unverified')) {
        await client.auth.mfa.unenroll({ factorId: f.id });
      }
      const names = get()
        .factors.filter((f) => f.status === 'verified')
        .map((f) => f.friendlyName ?? '');
      const { data, error } = await client.auth.mfa.enroll({
        factorType: 'totp',
        friendlyName: factorName(names),
      });
      if (error) throw error;
      if (data.type !== 'totp') throw new Error('Unexpected factor type');
      set({
        enrollment: {
          factorId: data.id,
          qrSrc: qrImageSrc(data.totp.qr_code),
          secret: data.totp.secret,
          uri: data.totp.uri,
        },
      });
      await get().loadFactors();
    },

    async verifyEnrollment(input) {
      const enrollment = get().enrollment;
      if (!enrollment) throw new Error('Start the set-up first');
      const code = cleanTotpCode(input);
      if (!code) throw new Error('Enter the 6-digit code from your authenticator app.');
      const { error } = await client.auth.mfa.challengeAndVerify({ factorId: enrollment.factorId, code });
      if (error) throw error;
      set({ enrollment: null });
      await get().loadFactors();
    },

    async cancelEnrollment() {
      const enrollment = get().enrollment;
      set({ enrollment: null });
      if (enrollment) await client.auth.mfa.unenroll({ factorId: enrollment.factorId });
      await get().loadFactors();
    },

    async unenroll(factorId) {
      const { error } = await client.auth.mfa.unenroll({ factorId });
      if (error) throw error;
      await get().loadFactors();
    },
  }));
}
