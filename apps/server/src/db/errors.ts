/** The SQLSTATE of a database error, also when drizzle wraps the driver's error as its cause. */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The message of the database error itself (not drizzle's "Failed query: …" wrapper). */
export function sqlMessage(error: unknown): string {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (typeof (e as { code?: unknown }).code === 'string')
      return String((e as { message?: unknown }).message);
  }
  return error instanceof Error ? error.message : String(error);
}
