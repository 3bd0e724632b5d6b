import { X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { IconButton } from '../../ui/IconButton.js';
import { useAuthor } from '../messages/MessageItem.js';
import { Embeds } from './BotMessageParts.js';
import './interactions.css';
import {
  type EphemeralMessage,
  interactions,
  RESPONSE_WINDOW_MS,
  type RunningCommand,
  useInteractions,
} from './interactions-store.js';

/**
 * Above the composer: the member's commands waiting for their bot ("did not respond" after
 * 3 s), and replies only they can see.
 */
export default function InteractionList({ channelId }: { channelId: string }) {
  const allRunning = useInteractions((s) => s.running);
  const allEphemeral = useInteractions((s) => s.ephemeral);
  const running = useMemo(
    () => Object.values(allRunning).filter((r) => r.channelId === channelId),
    [allRunning, channelId],
  );
  const ephemeral = useMemo(
    () => allEphemeral.filter((m) => m.channel_id === channelId),
    [allEphemeral, channelId],
  );
  if (running.length === 0 && ephemeral.length === 0) return null;
  return (
    <div className="interaction-feed">
      {running.map((command) => (
        <Waiting key={command.id} command={command} />
      ))}
      {ephemeral.map((message) => (
        <Ephemeral key={message.id} message={message} />
      ))}
    </div>
  );
}

function Waiting({ command }: { command: RunningCommand }) {
  const [late, setLate] = useState(Date.now() - command.startedAt >= RESPONSE_WINDOW_MS);
  useEffect(() => {
    if (late) return;
    const timer = setTimeout(() => setLate(true), RESPONSE_WINDOW_MS - (Date.now() - command.startedAt));
    return () => clearTimeout(timer);
  }, [late, command.startedAt]);
  const text =
    command.status === 'deferred'
      ? `${command.botName} is thinking…`
      : late
        ? `${command.botName} did not respond.`
        : `Sent /${command.commandName} to ${command.botName}…`;
  return (
    <div
      className={`interaction-status${late && command.status === 'pending' ? ' failed' : ''}`}
      role="status"
    >
      <span>
        /{command.commandName}: {text}
      </span>
      <IconButton
        label="Dismiss"
        icon={X}
        size={14}
        onClick={() => interactions.getState().dismiss(command.id)}
      />
    </div>
  );
}

function Ephemeral({ message }: { message: EphemeralMessage }) {
  const author = useAuthor(message.author_id);
  return (
    <article
      className="ephemeral-message"
      aria-label={`${author.name} (only you can see this): ${message.content}`}
    >
      <header>
        <strong>{author.name}</strong> <span className="bot-tag">BOT</span>{' '}
        <small>Only you can see this</small>
        <IconButton
          label="Dismiss message"
          icon={X}
          size={14}
          onClick={() => interactions.getState().dismiss(message.id)}
        />
      </header>
      {message.content && <div className="content">{message.content}</div>}
      <Embeds embeds={message.embeds} />
    </article>
  );
}
