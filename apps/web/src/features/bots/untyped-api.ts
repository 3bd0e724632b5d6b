import { client } from '../../app/stores.js';

type Result<T> = PromiseLike<{ data: T | null; error: unknown }>;

/**
 * The bots/webhooks RPCs and tables by name: database.types.ts is regenerated from the schema
 * at release, so these calls are typed here, at their one place of use.
 */
export function rpc<T>(fn: string, args: Record<string, unknown>): Result<T> {
  return (client.rpc as unknown as (f: string, a: Record<string, unknown>) => Result<T>)(fn, args);
}

export async function call<T>(result: Result<T>): Promise<T> {
  const { data, error } = await result;
  if (error) throw error;
  return data as T;
}

// biome-ignore lint/suspicious/noExplicitAny: a table the generated types do not list yet
export const table = (name: string) => (client.from as unknown as (t: string) => any)(name);
