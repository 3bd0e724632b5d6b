import { describe, expect, it } from 'vitest';
import { describeError } from '../src/lib/errors.js';

describe('describeError', () => {
  it('never shows the database wording of a refusal', () => {
    const rls = { code: '42501', message: 'new row violates row-level security policy for table "messages"' };
    expect(describeError(rls)).toBe('You do not have permission to do that.');
    expect(describeError(rls, 'send messages in #lounge')).toBe(
      'You do not have permission to send messages in #lounge.',
    );
    expect(describeError({ code: '42501', message: 'permission denied for table messages' })).toBe(
      'You do not have permission to do that.',
    );
    const storage = {
      statusCode: '403',
      error: 'Unauthorized',
      message: 'new row violates row-level security policy',
    };
    expect(describeError(storage)).toBe('You do not have permission to do that.');
  });

  it('keeps the sentences our functions raise, as sentences', () => {
    expect(describeError({ code: '42501', message: 'you cannot delete this message' })).toBe(
      'You cannot delete this message.',
    );
    expect(describeError({ code: '23514', message: 'a channel can have at most 50 pinned messages' })).toBe(
      'A channel can have at most 50 pinned messages.',
    );
    expect(describeError({ code: 'PT404', message: 'channel not found', status: 404 })).toBe(
      'This channel does not exist or you do not have access to it.',
    );
    expect(describeError({ code: 'PT404', message: 'thread not found', status: 404 })).toBe(
      'This thread does not exist or you do not have access to it.',
    );
    expect(describeError({ code: '42501', message: 'this thread is locked' })).toBe('This thread is locked.');
    expect(describeError({ code: 'PT404', message: 'call not found', status: 404 })).toBe(
      'This call is over, or you are no longer in this conversation.',
    );
  });

  it('says how long to wait when an attempt limit is reached', () => {
    const limited = (message: string) => ({ code: 'PT429', message, details: null, hint: null });
    expect(describeError(limited('too many wrong attempts: try again in 15 minutes'))).toBe(
      'Too many wrong attempts. Try again in 15 minutes.',
    );
    expect(describeError(limited('too many wrong attempts: try again in 1 minute'))).toBe(
      'Too many wrong attempts. Try again in 1 minute.',
    );
    expect(describeError(limited('slow down'))).toBe(
      'Too many wrong attempts. Wait a few minutes and try again.',
    );
    expect(describeError(limited('too many joins: wait a minute'))).toBe('Too many joins: wait a minute.');
    expect(describeError({ code: '42501', message: 'the password is not correct' })).toBe(
      'The password is not correct.',
    );
  });

  it('turns constraint, input and server errors into plain words', () => {
    expect(
      describeError({ code: '23505', message: 'duplicate key value violates unique constraint "x"' }),
    ).toBe('That already exists.');
    expect(describeError({ code: '22P02', message: 'invalid input syntax for type uuid: "abc"' })).toBe(
      'That is not a valid value.',
    );
    expect(describeError({ code: 'XX000', message: 'relation "public.x" does not exist' })).toBe(
      'Something went wrong. Try again in a moment.',
    );
    expect(describeError({ status: 500, message: 'Internal Server Error' })).toBe(
      'Something went wrong. Try again in a moment.',
    );
    expect(
      describeError({ code: 'PGRST116', message: 'JSON object requested, multiple (or no) rows returned' }),
    ).toBe('That could not be found. It may have been deleted.');
    expect(describeError(new TypeError('Failed to fetch'))).toBe(
      'Cannot reach the server. Check your connection.',
    );
  });

  it('turns Supabase Auth error codes into sentences', () => {
    const auth = (status: number, code: string, message: string) => ({
      name: 'AuthApiError',
      status,
      code,
      message,
    });
    expect(describeError(auth(403, 'otp_expired', 'Token has expired or is invalid'))).toBe(
      'This link or code has expired or was already used. Ask for a new one.',
    );
    expect(
      describeError(
        auth(
          429,
          'over_email_send_rate_limit',
          'For security purposes, you can only request this after 42 seconds.',
        ),
      ),
    ).toBe('Wait 42 seconds before asking for another email.');
    expect(describeError(auth(429, 'over_email_send_rate_limit', 'email rate limit exceeded'))).toBe(
      'Too many emails were sent. Wait a while and try again.',
    );
    expect(
      describeError(auth(400, 'reauthentication_needed', 'Password update requires reauthentication')),
    ).toBe('For your security, confirm it is you with the code we email you.');
    expect(
      describeError(auth(422, 'same_password', 'New password should be different from the old password.')),
    ).toBe('Choose a password different from your current one.');
    expect(describeError(auth(422, 'weak_password', 'Password should be at least 6 characters.'))).toBe(
      'Password should be at least 6 characters.',
    );
    expect(
      describeError(auth(422, 'email_exists', 'A user with this email address has already been registered')),
    ).toBe('An account with this email address already exists.');
    expect(describeError(auth(400, 'invalid_credentials', 'Invalid login credentials'))).toBe(
      'The email or password is not correct.',
    );
  });
  it('says in words that Storage refused a file too large or of a type the bucket does not take', () => {
    const storage = (statusCode: string, error: string, message: string) => ({ statusCode, error, message });
    expect(
      describeError(storage('413', 'Payload too large', 'The object exceeded the maximum allowed size')),
    ).toBe('That file is too large to upload here.');
    expect(describeError(storage('415', 'invalid_mime_type', 'mime type text/html is not supported'))).toBe(
      'That type of file cannot be uploaded here.',
    );
  });
});
