import type { AuthContext, AuthDeps } from './deps.js';
import { forbidden } from './errors.js';
import { redirectTarget, withParams } from './redirects.js';

/**
 * /verify checks email links and OTPs. This stack sends no mail, so no such token exists and
 * every verification fails the way GoTrue answers an unknown or expired one.
 */
export const verifyGet = (d: AuthDeps) => (c: AuthContext) => {
  const target = redirectTarget(d.config, c.req.query('redirect_to'));
  const error = {
    error: 'access_denied',
    error_code: 'otp_expired',
    error_description: 'Email link is invalid or has expired',
    sb: '',
  };
  return c.redirect(withParams(target, error, 'fragment'), 303);
};

export const verifyPost = () => () => {
  throw forbidden('otp_expired', 'Token has expired or is invalid');
};
