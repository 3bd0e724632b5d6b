import { describe, expect, it } from 'vitest';
import { voiceErrorMessage } from '../src/stores/voice.js';

describe('voiceErrorMessage', () => {
  it('explains refusals from the database', () => {
    for (const code of ['PT404', '42501']) {
      expect(voiceErrorMessage({ code })).toBe('You do not have permission to join this voice channel.');
    }
    expect(voiceErrorMessage({ code: 'P0001' })).toBe('Voice is not set up on this Harmony server yet.');
  });

  it('explains microphone problems', () => {
    expect(voiceErrorMessage({ name: 'NotAllowedError' })).toMatch(/Microphone access was denied/);
    expect(voiceErrorMessage({ name: 'NotFoundError' })).toBe('No microphone was found.');
  });

  it('treats everything else as an unreachable server', () => {
    expect(voiceErrorMessage(new Error('could not establish signal connection'))).toBe(
      'The voice server is unreachable. Try again in a moment.',
    );
  });
});
