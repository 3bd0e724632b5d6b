/** The key that opens the microphone while held, as KeyboardEvent.code; Backquote (`) by default. */
export const DEFAULT_PUSH_TO_TALK_KEY = 'Backquote';

/** "KeyV" → "V", "Backquote" → "`": how the key is shown in the settings. */
export function keyLabel(code: string): string {
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  return { Backquote: '`', Space: 'Space', CapsLock: 'Caps Lock' }[code] ?? code;
}

/** Typing in a field must not key the microphone (unless it is a modifier-free dedicated key). */
function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || typeof element.tagName !== 'string') return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

/**
 * Calls `press` when `code` goes down and `release` when it comes up (or the window loses focus
 * while it is held: a key released elsewhere never sends keyup here). Auto-repeat is ignored.
 */
export function bindPushToTalk(
  target: EventTarget,
  code: string,
  handlers: { press(): void; release(): void },
): () => void {
  let held = false;
  const down = (event: Event) => {
    const key = event as KeyboardEvent;
    if (key.code !== code || key.repeat || held || typingIn(key.target)) return;
    held = true;
    handlers.press();
  };
  const up = (event: Event) => {
    if ((event as KeyboardEvent).code !== code || !held) return;
    held = false;
    handlers.release();
  };
  const blur = () => {
    if (!held) return;
    held = false;
    handlers.release();
  };
  target.addEventListener('keydown', down);
  target.addEventListener('keyup', up);
  target.addEventListener('blur', blur);
  return () => {
    target.removeEventListener('keydown', down);
    target.removeEventListener('keyup', up);
    target.removeEventListener('blur', blur);
  };
}
