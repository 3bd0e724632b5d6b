import type pg from 'pg';

export type JwtClaims = Record<string, unknown>;

export interface Requester {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** The transaction-local settings PostgREST makes before running a request's SQL. */
export const REQUEST_SETTINGS_SQL = `select
  set_config('role', $1, true),
  set_config('request.jwt.claims', $2, true),
  set_config('request.method', $3, true),
  set_config('request.path', $4, true),
  set_config('request.headers', $5, true)`;

export function requestSettings(claims: JwtClaims): unknown[] {
  const role = typeof claims.role === 'string' ? claims.role : 'anon';
  return [role, JSON.stringify(claims), 'POST', '/', '{}'];
}

export function userClaims(claims: JwtClaims & { sub: string }): JwtClaims {
  return { aud: 'authenticated', role: 'authenticated', aal: 'aal1', is_anonymous: false, ...claims };
}

export const ANON_CLAIMS: JwtClaims = { role: 'anon' };
export const SERVICE_CLAIMS: JwtClaims = { role: 'service_role' };
