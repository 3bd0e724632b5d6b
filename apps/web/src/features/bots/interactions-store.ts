import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Row } from '../../lib/types.js';

/** A reply only the invoker sees (ephemeral_messages). */
export type EphemeralMessage = Row<'ephemeral_messages'>;

export type InteractionStatus = 'pending' | 'deferred' | 'responded';

export interface RunningCommand {
  id: string;
  channelId: string;
  commandName: string;
  botName: string;
  status: InteractionStatus;
  startedAt: number;
}

/** A bot that has not answered (nor deferred) within this long "did not respond". */
export const RESPONSE_WINDOW_MS = 3_000;

interface InteractionsState {
  running: Record<string, RunningCommand>;
  /** Statuses that arrived before invoke_command returned the interaction's id. */
  early: Record<string, InteractionStatus>;
  ephemeral: EphemeralMessage[];
  started(command: Omit<RunningCommand, 'status' | 'startedAt'>): void;
  /** An event of the user's personal topic (interaction_update, ephemeral_message). */
  receive(event: string, record: Record<string, unknown>): void;
  dismiss(id: string): void;
}

/** The member's own commands in flight and the ephemeral replies they got (this session only). */
export const interactions = createStore<InteractionsState>()((set) => ({
  running: {},
  early: {},
  ephemeral: [],
  started: (command) =>
    set((s) => {
      const status = s.early[command.id] ?? 'pending';
      if (status === 'responded') return s;
      return { running: { ...s.running, [command.id]: { ...command, status, startedAt: Date.now() } } };
    }),
  receive: (event, record) =>
    set((s) => {
      if (event === 'ephemeral_message')
        return { ephemeral: [...s.ephemeral, record as unknown as EphemeralMessage] };
      if (event !== 'interaction_update') return s;
      const id = String(record.id);
      const status = record.status as InteractionStatus;
      const current = s.running[id];
      if (!current) return { early: { ...s.early, [id]: status } };
      const { [id]: _done, ...rest } = s.running;
      return { running: status === 'responded' ? rest : { ...s.running, [id]: { ...current, status } } };
    }),
  dismiss: (id) =>
    set((s) => {
      const { [id]: _gone, ...running } = s.running;
      return { running, ephemeral: s.ephemeral.filter((m) => m.id !== id) };
    }),
}));

export const useInteractions = <T>(select: (s: InteractionsState) => T) => useStore(interactions, select);
