import type pg from 'pg';
import { parseRequest } from '../apps/stack/src/rest/parse/request.js';
import { planRequest } from '../apps/stack/src/rest/plan/index.js';
import { loadSchema } from '../apps/stack/src/rest/schema-cache.js';
import { buildStatement } from '../apps/stack/src/rest/sql/statements.js';

/**
 * The client's page of a channel: the newest 50 messages with their authors. Messages have two
 * foreign keys to profiles (author_id, pinned_by) and a many-to-many through message_reactions, so
 * `author:profiles(...)` is ambiguous (300 PGRST201 on PostgREST as here); the hint names the relationship.
 */
export const PAGE_QUERY = (channel: string) =>
  `select=*,author:profiles!author_id(username,display_name)&channel_id=eq.${channel}&order=seq.desc&limit=50`;

/** The statement the stack's REST layer builds for GET /rest/v1/messages?<query>, from db's schema. */
export async function messagesStatement(db: pg.PoolClient, query: string) {
  const snapshot = await loadSchema(
    db,
    {
      base: {
        schemas: ['public', 'graphql_public'],
        maxRows: 1000,
        aggregatesEnabled: false,
        planEnabled: false,
        txEnd: 'commit',
        extraSearchPath: ['public', 'extensions'],
      },
      authenticator: 'authenticator',
      onInvalidSetting: () => undefined,
    },
    1,
    0,
  );
  const request = parseRequest(
    {
      method: 'GET',
      resource: { kind: 'relation', name: 'messages' },
      path: '/messages',
      query,
      headers: {},
      body: null,
    },
    { schemas: ['public', 'graphql_public'] },
  );
  return buildStatement(
    planRequest(snapshot, request, { maxRows: 1000, aggregatesEnabled: false, planEnabled: false }),
    request.preferences,
    1000,
  );
}
