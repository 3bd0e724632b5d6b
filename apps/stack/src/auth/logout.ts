import type { AuthContext, AuthDeps } from './deps.js';
import { badRequest } from './errors.js';
import { clientInfo } from './request.js';
import { deleteSession, deleteUserSessions } from './sessions-repo.js';
import { audit } from './users-repo.js';

/**
 * POST /logout?scope=global|local|others. Ending a session deletes it, which cascades to its
 * refresh tokens; access tokens stay valid until they expire but /user refuses them.
 */
export const logout = (d: AuthDeps) => async (c: AuthContext) => {
  const scope = c.req.query('scope') ?? '';
  if (!['', 'global', 'local', 'others'].includes(scope)) {
    throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
  }
  const { db } = d.ctx;
  const user = c.get('user');
  const session = c.get('session');
  await audit(db.auth, 'logout', user, clientInfo(c, d.config).ip);
  if (session && scope === 'local') await deleteSession(db.auth, session.id);
  else if (session && scope === 'others') await deleteUserSessions(db.auth, user.id, session.id);
  else await deleteUserSessions(db.auth, user.id);
  return c.body(null, 204);
};
