type Answer<T> = { data: T; error: null } | { data: null; error: unknown };

/** A supabase-js answer's data, or its error thrown as the database gave it. */
export async function unwrap<T>(result: PromiseLike<Answer<T>>): Promise<T> {
  const answer = await result;
  if (answer.error) throw answer.error;
  return answer.data as T;
}
