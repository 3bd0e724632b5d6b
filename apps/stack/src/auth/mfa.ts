import type { AuthConfig } from './config.js';
import { isUuid, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { AuthApiError, badRequest, forbidden, unprocessable } from './errors.js';
import {
  deleteChallenge,
  deleteFactor,
  deleteUnverifiedFactors,
  downgradeSessionsOfFactor,
  type FactorRow,
  findChallenge,
  insertChallenge,
  insertTotpFactor,
  listFactors,
  markChallengeVerified,
  markFactorVerified,
} from './mfa-repo.js';
import { qrSvg } from './qr.js';
import { clientInfo, readBody, str } from './request.js';
import {
  addAmrClaim,
  deleteSessionRefreshTokens,
  deleteSessionsBelowAal2,
  insertRefreshToken,
  type SessionRow,
  setSessionAal,
} from './sessions-repo.js';
import { sessionResponse } from './tokens.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import { audit, findUserById } from './users-repo.js';

const sessionOf = (c: AuthContext) => c.get('session') as SessionRow;

/** POST /factors {factor_type: 'totp', friendly_name?, issuer?}: a new, unverified TOTP factor. */
export const enrollFactor = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const factorType = str(body, 'factor_type');
  const friendlyName = str(body, 'friendly_name');
  if (factorType === 'phone')
    throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone');
  if (factorType === 'webauthn') {
    throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
  }
  if (factorType !== 'totp')
    throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn');
  if (!config.totp.enroll)
    throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP');
  const user = c.get('user');
  const factors = await listFactors(ctx.db.auth, user.id);
  // GoTrue also rejects a second unnamed factor; only real names must be unique here.
  if (friendlyName && factors.some((f) => f.friendly_name === friendlyName)) {
    throw unprocessable(
      'mfa_factor_name_conflict',
      `A factor with the friendly name "${friendlyName}" for this user already exists`,
    );
  }
  if (factors.length >= config.maxEnrolledFactors) {
    throw unprocessable(
      'too_many_enrolled_mfa_factors',
      'Maximum number of verified factors reached, unenroll to continue',
    );
  }
  if (factors.some((f) => f.status === 'verified') && sessionOf(c).aal !== 'aal2') {
    throw forbidden('insufficient_aal', 'AAL2 required to enroll a new factor');
  }
  const issuer = str(body, 'issuer') || new URL(config.stack.siteUrl).host;
  const secret = generateTotpSecret();
  const uri = otpauthUri(issuer, user.email ?? '', secret);
  const factor = await insertTotpFactor(ctx.db.auth, user.id, friendlyName, secret);
  await audit(ctx.db.auth, 'factor_in_progress', user, clientInfo(c, config).ip, { factor_id: factor.id });
  return c.json({
    id: factor.id,
    type: 'totp',
    friendly_name: friendlyName,
    totp: { qr_code: qrSvg(uri), secret, uri },
  });
};

/** GoTrue's per-type switch in ChallengeFactor and VerifyFactor (only TOTP factors exist here). */
function mustBeVerifiable(config: AuthConfig, factor: FactorRow): void {
  if (factor.factor_type === 'totp' && !config.totp.verify) {
    throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
  }
}

/** POST /factors/:id/challenge: a challenge bound to the caller's IP, valid for 5 minutes. */
export const challengeFactor = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const ip = clientInfo(c, config).ip;
  d.limits.mfa.check(ip);
  const factor = c.get('factor');
  mustBeVerifiable(config, factor);
  const challenge = await insertChallenge(ctx.db.auth, factor.id, ip);
  await audit(ctx.db.auth, 'challenge_created', c.get('user'), ip, { factor_id: factor.id });
  return c.json({
    id: challenge.id,
    type: factor.factor_type,
    expires_at: Math.floor(challenge.created_at.getTime() / 1000) + config.mfaChallengeExpiry,
  });
};

/**
 * POST /factors/:id/verify {challenge_id, code}: a valid TOTP code verifies the factor and
 * raises the session to AAL2 with a new refresh token; the session's older refresh tokens are
 * dropped so an AAL1 token cannot be replayed into an AAL2 session.
 */
export const verifyFactor = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const ip = clientInfo(c, config).ip;
  d.limits.mfa.check(ip);
  const body = await readBody(c);
  const code = str(body, 'code').trim();
  const challengeId = str(body, 'challenge_id');
  if (!code) throw badRequest('validation_failed', 'Code needs to be non-empty');
  const factor = c.get('factor');
  mustBeVerifiable(config, factor);
  const challenge = isUuid(challengeId)
    ? await findChallenge(ctx.db.auth, factor.id, challengeId)
    : undefined;
  if (!challenge) {
    throw unprocessable('mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
  }
  if (challenge.verified_at || challenge.ip_address !== ip) {
    throw unprocessable('mfa_ip_address_mismatch', 'Challenge and verify IP addresses mismatch.');
  }
  if (challenge.created_at.getTime() + config.mfaChallengeExpiry * 1000 < Date.now()) {
    await deleteChallenge(ctx.db.auth, challenge.id);
    throw unprocessable(
      'mfa_challenge_expired',
      `MFA challenge ${challenge.id} has expired, verify against another challenge or create a new challenge.`,
    );
  }
  const user = c.get('user');
  if (!verifyTotp(factor.secret ?? '', code)) {
    await audit(ctx.db.auth, 'verification_attempted', user, ip, { factor_id: factor.id, result: 'failed' });
    throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered');
  }
  const session = sessionOf(c);
  const response = await transaction(ctx.db.auth, async (tx) => {
    await audit(tx, 'verification_attempted', user, ip, { factor_id: factor.id, challenge_id: challenge.id });
    await markChallengeVerified(tx, challenge.id);
    if (factor.status !== 'verified') await markFactorVerified(tx, factor.id);
    await addAmrClaim(tx, session.id, 'totp');
    await setSessionAal(tx, session.id, 'aal2', factor.id);
    await deleteSessionRefreshTokens(tx, session.id);
    const refresh = await insertRefreshToken(tx, user.id, session.id, null);
    await deleteSessionsBelowAal2(tx, user.id);
    await deleteUnverifiedFactors(tx, user.id, factor.factor_type);
    const fresh = (await findUserById(tx, user.id)) ?? user;
    return sessionResponse(tx, config, fresh, session.id, refresh.token);
  });
  return c.json(response);
};

/** DELETE /factors/:id: a verified factor can only be removed from an AAL2 session. */
export const unenrollFactor = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const factor = c.get('factor');
  if (factor.status === 'verified' && sessionOf(c).aal !== 'aal2') {
    throw new AuthApiError(422, 'insufficient_aal', 'AAL2 required to unenroll verified factor');
  }
  await transaction(ctx.db.auth, async (tx) => {
    await deleteFactor(tx, factor.id);
    await audit(tx, 'factor_unenrolled', c.get('user'), clientInfo(c, config).ip, { factor_id: factor.id });
    await downgradeSessionsOfFactor(tx, factor.id);
  });
  return c.json({ id: factor.id });
};
