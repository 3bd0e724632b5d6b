import { describe, expect, it } from 'vitest';
import { voiceErrorMessage } from '../src/stores/voice.js';

describe('voiceErrorMessage', () => {
  it('explains refusals from the database', () => {
    for (const code of ['PT404', '42501']) {
      expect(voiceErrorMessage({ code })).toBe('You do not have permission to join this voice channel.');
    }
    expect(voiceErrorMessage({ code: 'P0001' })).toBe('Voice is not set up on this Harmony server yet.');
  });

  it('explains microphone and camera problems with how to fix them', () => {
    expect(voiceErrorMessage({ name: 'NotAllowedError' })).toMatch(
      /^Microphone access is blocked\. Click the icon at the left of the address bar, allow the microphone/,
    );
    expect(voiceErrorMessage({ name: 'NotAllowedError' }, 'camera')).toMatch(/^Camera access is blocked/);
    expect(voiceErrorMessage({ name: 'NotFoundError' })).toBe(
      'No microphone was found. Plug one in, or choose another in your browser or system settings, then try again.',
    );
    expect(voiceErrorMessage({ name: 'NotReadableError' }, 'camera')).toMatch(/camera is in use/);
  });

  it('treats everything else as an unreachable server', () => {
    expect(voiceErrorMessage(new Error('could not establish signal connection'))).toBe(
      'The voice server is unreachable. Try again in a moment.',
    );
  });
});
