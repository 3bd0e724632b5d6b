import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { body, createRestUser, type RestUser, rest } from './rest-fixtures.js';

// Harmony's views are read-only. A client writing to one must get PostgREST's answer for a
// relation it holds no write privilege on (401 signed out, 403 signed in, code 42501), never a
// 500 from PostgreSQL's "cannot update view" (issue 11 item 4b).

let t: TestStack;
let ada: RestUser;
beforeAll(async () => {
  t = await startTestStack();
  ada = await createRestUser(t, 'ada');
});
afterAll(() => t.stop());

const VIEWS = ['public_server_directory', 'trending_servers', 'server_member_counts'];
const id = randomUUID();
const WRITES: Array<{ method: string; query: string; payload?: unknown }> = [
  { method: 'POST', query: '', payload: { server_id: id } },
  { method: 'PATCH', query: `?server_id=eq.${id}`, payload: { server_id: id } },
  { method: 'DELETE', query: `?server_id=eq.${id}` },
];

describe.each(VIEWS)('writes to the view %s', (view) => {
  it.each(WRITES)(
    '$method answers 401 to anon and 403 to a signed-in user',
    async ({ method, query, payload }) => {
      for (const [who, token, status] of [
        ['anon', undefined, 401],
        ['ada', ada.token, 403],
        ['service_role', t.stack.keys.serviceRole, 403],
      ] as const) {
        const res = await rest(t, `/${view}${query}`, {
          method,
          token,
          headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' },
          body: payload === undefined ? undefined : JSON.stringify(payload),
        });
        expect({ who, status: res.status, body: await body(res) }).toEqual({
          who,
          status,
          body: { code: '42501', message: `permission denied for view ${view}`, details: null, hint: null },
        });
      }
    },
  );
});
