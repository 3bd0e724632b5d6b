import type { Queryable } from './db.js';
import { insertFlowState } from './flow-repo.js';
import type { pkceParams } from './request.js';
import type { UserRow } from './users-repo.js';

export type Pkce = ReturnType<typeof pkceParams>;

/** /verify's PKCE answer needs the flow of this method: GoTrue's authentication methods by link type. */
export const FLOW_METHODS: Record<string, string> = {
  signup: 'email/signup',
  invite: 'invite',
  magiclink: 'magiclink',
  recovery: 'recovery',
  email_change: 'email_change',
};

/**
 * The PKCE half of an email flow (GoTrue's generateFlowState with the user): the link then
 * lands with ?code=, which the client exchanges with its code verifier.
 */
export const startEmailFlow = (
  tx: Queryable,
  user: UserRow,
  method: string,
  providerType: string,
  pkce: Pkce,
  referrer: string,
) =>
  insertFlowState(tx, {
    providerType,
    authenticationMethod: method,
    codeChallenge: pkce.codeChallenge,
    codeChallengeMethod: pkce.codeChallengeMethod,
    referrer,
    userId: user.id,
  });
