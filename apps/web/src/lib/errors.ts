/**
 * Every error a person may see goes through here: what supabase-js, the database, Storage or
 * the browser returned becomes a sentence they can act on. Messages our own SQL functions
 * raise are already written for people (e.g. "you cannot delete this message") and are kept;
 * PostgreSQL's and the API's own wording never reaches the screen.
 */
export function describeError(error: unknown, action?: string): string {
  if (!error) return GENERIC;
  if (typeof error === 'string') return sentence(error);
  const e = error as {
    message?: string;
    code?: string;
    status?: number;
    statusCode?: string | number;
    name?: string;
  };
  const message = e.message ?? '';
  const status = Number(e.status ?? e.statusCode ?? 0);
  if (e.name === 'TypeError' && /fetch|network/i.test(message))
    return 'Cannot reach the server. Check your connection.';
  if (e.name === 'AbortError') return 'The request was cancelled.';
  const byAuthCode = e.code ? AUTH_CODES[e.code] : undefined;
  if (byAuthCode) return typeof byAuthCode === 'function' ? byAuthCode(message) : byAuthCode;
  if (e.code === '42501' || status === 403 || /row-level security|permission denied for/i.test(message)) {
    if (e.code === '42501' && isOwnSentence(message)) return sentence(message);
    return action ? `You do not have permission to ${action}.` : 'You do not have permission to do that.';
  }
  if (status === 401 || /\bjwt\b/i.test(message)) return 'Your session has expired. Sign in again.';
  // Our functions answer PT429 (HTTP 429) when an attempt limit is reached, saying how long to wait.
  if (e.code === 'PT429' && /^too many (joins|lookups): wait a minute$/i.test(message))
    return sentence(message);
  if (e.code === 'PT429') {
    const wait = /try again in (\d+ minutes?)/.exec(message)?.[1];
    return wait
      ? `Too many wrong attempts. Try again in ${wait}.`
      : 'Too many wrong attempts. Wait a few minutes and try again.';
  }
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  // Storage: a file over the bucket's size limit, or of a type the bucket does not take.
  if (status === 413) return 'That file is too large to upload here.';
  if (status === 415) return 'That type of file cannot be uploaded here.';
  // Our functions raise PT404 (PostgREST answers 404) for what does not exist or is hidden.
  if (e.code === 'PT404' && /^channel not found$/i.test(message))
    return 'This channel does not exist or you do not have access to it.';
  if (e.code === 'PT404' && /^thread not found$/i.test(message))
    return 'This thread does not exist or you do not have access to it.';
  // A DM call that ended, or one of a group DM the caller has left (group-dm-calls migration).
  if (e.code === 'PT404' && /^call not found$/i.test(message))
    return 'This call is over, or you are no longer in this conversation.';
  const byCode = e.code ? DATABASE_CODES[e.code] : undefined;
  if (byCode && !isOwnSentence(message)) return byCode;
  if (e.code === 'PGRST116' || status === 404) return 'That could not be found. It may have been deleted.';
  if (status >= 500 || !isOwnSentence(message)) return GENERIC;
  return sentence(message);
}

const GENERIC = 'Something went wrong. Try again in a moment.';

/** Supabase Auth's error codes (the `code` of supabase-js's AuthApiError). */
const AUTH_CODES: Record<string, string | ((message: string) => string)> = {
  invalid_credentials: 'The email or password is not correct.',
  email_not_confirmed: 'Confirm your email address first: open the link we sent you.',
  otp_expired: 'This link or code has expired or was already used. Ask for a new one.',
  over_email_send_rate_limit: (message) => {
    const seconds = /after (\d+) seconds?/.exec(message)?.[1];
    return seconds
      ? `Wait ${seconds} seconds before asking for another email.`
      : 'Too many emails were sent. Wait a while and try again.';
  },
  over_request_rate_limit: 'Too many attempts. Wait a few minutes and try again.',
  over_sms_send_rate_limit: 'Too many messages were sent. Wait a while and try again.',
  reauthentication_needed: 'For your security, confirm it is you with the code we email you.',
  reauthentication_not_valid: 'That code is not valid or has expired. Ask for a new one.',
  same_password: 'Choose a password different from your current one.',
  weak_password: (message) =>
    /characters/.test(message) && isOwnSentence(message) ? sentence(message) : 'Choose a stronger password.',
  email_exists: 'An account with this email address already exists.',
  user_already_exists: 'An account with this email address already exists.',
  email_address_invalid: 'That email address is not valid.',
  validation_failed: 'Check the details you entered.',
  signup_disabled: 'New accounts cannot be created here.',
  otp_disabled: 'Signing in with an email link is switched off.',
  user_not_found: 'There is no account with this email address.',
  insufficient_aal: 'Enter a code from your authenticator app first.',
  mfa_verification_failed: 'That code is not correct. Try the current one from your app.',
  mfa_challenge_expired: 'The code request expired. Try again.',
  session_not_found: 'Your session has ended. Sign in again.',
  flow_state_not_found: 'This link was opened in another browser. Open it where you asked for it.',
  email_address_not_authorized: 'Email cannot be sent to this address.',
};

/** PostgreSQL's own constraint and input errors (our functions raise these codes with their own words). */
const DATABASE_CODES: Record<string, string> = {
  '23505': 'That already exists.',
  '23503': 'That no longer exists.',
  '23514': 'That value is not allowed.',
  '23502': 'Something required is missing.',
  '22001': 'That is too long.',
  '22P02': 'That is not a valid value.',
};

/**
 * A message written for people: no quoted identifiers, SQL terms or API codes. Constraint
 * violations, "relation … does not exist", "invalid input syntax" and the like are not.
 */
function isOwnSentence(message: string): boolean {
  if (!message.trim()) return false;
  return !/["{}]|violates|row-level|permission denied for|constraint|relation |column |syntax|does not exist|duplicate key|invalid input|PGRST|[A-Z]{2,}\d|internal server error/i.test(
    message,
  );
}

/** First letter upper case, a full stop at the end. */
function sentence(message: string): string {
  const text = message.trim();
  if (!text) return GENERIC;
  const capitalised = text[0]?.toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
