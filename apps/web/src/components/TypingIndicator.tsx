import { useEffect, useState } from 'react';
import { useUi } from '../app/stores.js';

export function TypingIndicator({ channelId }: { channelId: string }) {
  const typing = useUi((s) => s.typing[channelId]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const names = Object.values(typing ?? {})
    .filter((t) => t.until > now)
    .map((t) => t.name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.join(', ')} are typing…`
          : 'Several people are typing…';
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}
