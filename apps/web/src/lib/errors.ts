/** A message a person can act on, from whatever supabase-js or the database returned. */
export function describeError(error: unknown): string {
  if (!error) return 'Something went wrong';
  if (typeof error === 'string') return error;
  const e = error as { message?: string; code?: string; status?: number; name?: string };
  if (e.name === 'TypeError' && /fetch/i.test(e.message ?? ''))
    return 'Cannot reach the server. Check your connection.';
  if (e.code === '42501' || e.status === 403)
    return e.message && !/permission denied for/.test(e.message)
      ? e.message
      : 'You do not have permission to do that.';
  return e.message || 'Something went wrong';
}
