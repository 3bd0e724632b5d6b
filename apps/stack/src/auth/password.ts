import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { AuthApiError, badRequest } from './errors.js';

/** GoTrue's bcrypt cost (Go's bcrypt.DefaultCost). */
const COST = 10;
/** bcrypt ignores bytes past 72; GoTrue refuses such passwords instead of truncating them. */
const MAX_BYTES = 72;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

/** A hash no password matches, compared against for unknown users so timing does not tell. */
let dummyHash: Promise<string> | undefined;

/** Compares in constant-ish time whether or not the account (or its password) exists. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash?.startsWith('$2')) {
    dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), COST);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}

/** The reasons GoTrue reports in `weak_password.reasons`; only length is configured here. */
export function passwordWeakness(password: string, minLength: number): string[] {
  return [...password].length < minLength ? ['length'] : [];
}

export const weakPasswordMessage = (minLength: number) =>
  `Password should be at least ${minLength} characters.`;

/** 422 weak_password with `weak_password: {reasons}` (auth-js raises AuthWeakPasswordError). */
export function checkPasswordStrength(password: string, minLength: number): void {
  if (Buffer.byteLength(password) > MAX_BYTES) {
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_BYTES} characters`);
  }
  const reasons = passwordWeakness(password, minLength);
  if (reasons.length) {
    throw new AuthApiError(422, 'weak_password', weakPasswordMessage(minLength), {
      weak_password: { reasons },
    });
  }
}
