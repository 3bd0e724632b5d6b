import { describe, expect, it } from 'vitest';
import { cleanEmailCode } from '../src/features/account/account-api.js';
import { attachmentPaths } from '../src/features/account/account-files.js';
import { parseAuthLanding } from '../src/features/account/landing.js';
import { factorName } from '../src/stores/account.js';

describe('parseAuthLanding', () => {
  it('reads what an auth mail link lands with', () => {
    expect(parseAuthLanding('#access_token=x&refresh_token=y&type=recovery&sb=')).toEqual({
      kind: 'signedIn',
      type: 'recovery',
    });
    expect(
      parseAuthLanding(
        '#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid&sb=',
      ),
    ).toEqual({ kind: 'error', code: 'otp_expired', description: 'Email link is invalid' });
    expect(parseAuthLanding('#message=Confirmation+link+accepted&sb=')).toEqual({
      kind: 'message',
      message: 'Confirmation link accepted',
    });
    expect(parseAuthLanding('#/channels/@me')).toBeNull();
    expect(parseAuthLanding('', '?error_code=flow_state_not_found&error_description=x')).toMatchObject({
      kind: 'error',
      code: 'flow_state_not_found',
    });
  });
});

describe('account helpers', () => {
  it('names a backup factor after the ones taken', () => {
    expect(factorName([])).toBe('Authenticator app');
    expect(factorName(['Authenticator app'])).toBe('Backup authenticator app');
    expect(factorName(['Backup authenticator app'])).toBe('Authenticator app');
    expect(factorName(['Authenticator app', 'Backup authenticator app'])).toBe('Authenticator app 3');
  });

  it('cleans typed codes and lists exported attachment paths once', () => {
    expect(cleanEmailCode(' 123 456 ')).toBe('123456');
    expect(cleanEmailCode('12345')).toBeNull();
    expect(attachmentPaths({ attachments: [{ path: 'a/1' }, { path: 'a/1' }, { path: 'b/2' }, {}] })).toEqual(
      ['a/1', 'b/2'],
    );
  });
});
