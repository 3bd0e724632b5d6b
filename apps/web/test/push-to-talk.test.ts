import { describe, expect, it } from 'vitest';
import { bindPushToTalk, keyLabel } from '../src/features/voice/push-to-talk.js';

const key = (type: 'keydown' | 'keyup', code: string, extra: { repeat?: boolean; target?: unknown } = {}) => {
  const event = new Event(type);
  Object.defineProperties(event, {
    code: { value: code },
    repeat: { value: extra.repeat ?? false },
    target: { value: extra.target ?? null },
  });
  return event;
};

describe('push to talk', () => {
  it('opens the microphone while the key is held, once per press, and closes it on release or blur', () => {
    const window = new EventTarget();
    const calls: string[] = [];
    const unbind = bindPushToTalk(window, 'Backquote', {
      press: () => calls.push('press'),
      release: () => calls.push('release'),
    });
    window.dispatchEvent(key('keydown', 'Backquote'));
    window.dispatchEvent(key('keydown', 'Backquote', { repeat: true }));
    window.dispatchEvent(key('keyup', 'Backquote'));
    window.dispatchEvent(key('keydown', 'KeyA'));
    window.dispatchEvent(key('keydown', 'Backquote'));
    window.dispatchEvent(new Event('blur'));
    window.dispatchEvent(key('keyup', 'Backquote'));
    expect(calls).toEqual(['press', 'release', 'press', 'release']);
    unbind();
    window.dispatchEvent(key('keydown', 'Backquote'));
    expect(calls).toHaveLength(4);
  });

  it('ignores the key while typing in a field', () => {
    const window = new EventTarget();
    const calls: string[] = [];
    bindPushToTalk(window, 'KeyV', {
      press: () => calls.push('press'),
      release: () => calls.push('release'),
    });
    window.dispatchEvent(
      key('keydown', 'KeyV', { target: { tagName: 'TEXTAREA', isContentEditable: false } }),
    );
    window.dispatchEvent(key('keyup', 'KeyV'));
    expect(calls).toEqual([]);
  });

  it('names keys as people know them', () => {
    expect([keyLabel('Backquote'), keyLabel('KeyV'), keyLabel('Digit1'), keyLabel('F13')]).toEqual([
      '`',
      'V',
      '1',
      'F13',
    ]);
  });
});
