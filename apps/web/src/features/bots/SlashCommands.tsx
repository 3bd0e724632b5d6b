import { type FormEvent, type RefObject, useEffect, useId, useMemo, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { type ChannelCommand, type CommandOption, channelCommands, invokeCommand } from './commands-api.js';
import { interactions } from './interactions-store.js';
import './interactions.css';

/**
 * The composer's `/` menu (loaded on the first `/`): the channel's commands, filtered by what
 * follows the slash, chosen with the arrow keys and Enter or Tab; then a field per option.
 * It handles the textarea's keys before the composer does while it is open.
 */
export default function SlashCommands({
  channelId,
  serverId,
  text,
  input,
  onDone,
}: {
  channelId: string;
  serverId: string;
  text: string;
  input: RefObject<HTMLTextAreaElement | null>;
  onDone(): void;
}) {
  const [commands, setCommands] = useState<ChannelCommand[] | null>(null);
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<ChannelCommand | null>(null);
  const listId = useId();
  useEffect(() => {
    let live = true;
    channelCommands(channelId)
      .then((rows) => live && setCommands(rows))
      .catch(() => live && setCommands([]));
    return () => {
      live = false;
    };
  }, [channelId]);
  const query = text.slice(1).split(/\s/)[0]?.toLowerCase() ?? '';
  const matches = useMemo(() => (commands ?? []).filter((c) => c.name.startsWith(query)), [commands, query]);

  const run = async (command: ChannelCommand, options: Record<string, unknown>) => {
    onDone();
    try {
      const id = await invokeCommand(channelId, command.id, options);
      interactions
        .getState()
        .started({ id, channelId, commandName: command.name, botName: command.bot_name });
    } catch (error) {
      stores.ui.getState().toast(describeError(error, 'use this command'));
    }
  };
  const pick = (command: ChannelCommand) => {
    if (command.options.length === 0) void run(command, {});
    else setChosen(command);
  };

  // Keys on the textarea, before the composer's own handler (which would send the text).
  useEffect(() => {
    const textarea = input.current;
    if (!textarea || chosen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onDone();
      else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && matches.length > 0)
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
      else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
        const command = matches[active] ?? matches[0];
        if (command) pick(command);
      } else return;
      event.preventDefault();
      event.stopPropagation();
    };
    textarea.addEventListener('keydown', onKey);
    return () => textarea.removeEventListener('keydown', onKey);
  });
  // A new query starts at the first match again.
  const [activeQuery, setActiveQuery] = useState(query);
  if (activeQuery !== query) {
    setActiveQuery(query);
    setActive(0);
  }

  if (chosen) return <OptionsForm command={chosen} serverId={serverId} onRun={run} onCancel={onDone} />;
  return (
    <div className="suggestions slash-commands">
      <p className="suggestions-title">Commands {query && <strong>{query}</strong>}</p>
      {commands === null ? (
        <p className="hint">Loading…</p>
      ) : matches.length === 0 ? (
        <p className="hint">No commands match. Bots added to this server bring their commands.</p>
      ) : (
        <div id={listId} role="listbox" aria-label="Commands">
          {matches.map((command, i) => (
            <div
              key={command.id}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onPointerDown={(e) => e.preventDefault()}
              onClick={() => pick(command)}
              onPointerMove={() => setActive(i)}
              onKeyDown={(e) => e.key === 'Enter' && pick(command)}
            >
              <span>/{command.name}</span>
              <small>
                {command.description} · {command.bot_name}
              </small>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** A field per option, typed: text, whole or decimal number, yes/no, a choice, a member, a channel or a role. */
function OptionsForm({
  command,
  serverId,
  onRun,
  onCancel,
}: {
  command: ChannelCommand;
  serverId: string;
  onRun(command: ChannelCommand, options: Record<string, unknown>): Promise<void>;
  onCancel(): void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const options: Record<string, unknown> = {};
    for (const option of command.options) {
      const raw = values[option.name] ?? '';
      if (raw === '') continue;
      options[option.name] =
        option.type === 'integer' ||
        option.type === 'number' ||
        typeof option.choices?.[0]?.value === 'number'
          ? Number(raw)
          : option.type === 'boolean'
            ? raw === 'true'
            : raw;
    }
    void onRun(command, options);
  };
  return (
    <form
      className="suggestions slash-options"
      aria-label={`Options of /${command.name}`}
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <p className="suggestions-title">
        /{command.name} <small>{command.description}</small>
      </p>
      {command.options.map((option, i) => (
        <OptionField
          key={option.name}
          option={option}
          serverId={serverId}
          autoFocus={i === 0}
          value={values[option.name] ?? ''}
          onChange={(value) => setValues((v) => ({ ...v, [option.name]: value }))}
        />
      ))}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Send /{command.name}
        </button>
      </div>
    </form>
  );
}

function OptionField({
  option,
  serverId,
  value,
  autoFocus,
  onChange,
}: {
  option: CommandOption;
  serverId: string;
  value: string;
  autoFocus: boolean;
  onChange(value: string): void;
}) {
  const detail = useServers((s) => s.details[serverId]);
  const id = useId();
  const label = `${option.name}${option.required ? '' : ' (optional)'}`;
  const common = { id, autoFocus, required: option.required, value, 'aria-description': option.description };
  const choices: { name: string; value: string }[] | undefined = option.choices
    ? option.choices.map((c) => ({ name: c.name, value: String(c.value) }))
    : option.type === 'boolean'
      ? [
          { name: 'Yes', value: 'true' },
          { name: 'No', value: 'false' },
        ]
      : option.type === 'user'
        ? (detail?.members ?? []).map((m) => ({
            name: m.nickname ?? m.profile.display_name ?? m.profile.username,
            value: m.profile_id,
          }))
        : option.type === 'channel'
          ? (detail?.channels ?? []).map((c) => ({ name: `#${c.name ?? ''}`, value: c.id }))
          : option.type === 'role'
            ? (detail?.roles ?? []).map((r) => ({ name: r.name, value: r.id }))
            : undefined;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {choices ? (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          <option value="">{option.required ? 'Choose…' : 'None'}</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.name}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={option.type === 'integer' || option.type === 'number' ? 'number' : 'text'}
          step={option.type === 'integer' ? 1 : 'any'}
          placeholder={option.description}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </>
  );
}
