import type { HarmonyClient } from '../../lib/supabase.js';

export type CallStatus = 'ringing' | 'active' | 'declined' | 'missed' | 'ended';

/** A row of public.dm_calls (migration 20261206170000_dm_calls.sql). */
export interface DmCall {
  id: string;
  channel_id: string;
  caller_id: string;
  callee_id: string;
  status: CallStatus;
  created_at: string;
  answered_at: string | null;
  ended_at: string | null;
}

/** How long a call rings before it is missed (the database's private.dm_call_ring_seconds). */
export const RING_SECONDS = 30;

/** The call RPCs; each answers the call's row as it is after the change. */
export function createCallApi(client: HarmonyClient) {
  const row = ({ data, error }: { data: unknown; error: unknown }): DmCall => {
    if (error) throw error;
    return data as DmCall;
  };
  return {
    start: async (channelId: string) => row(await client.rpc('start_dm_call', { p_channel_id: channelId })),
    answer: async (callId: string, accept: boolean) =>
      row(await client.rpc('answer_dm_call', { p_call_id: callId, p_accept: accept })),
    end: async (callId: string) => row(await client.rpc('end_dm_call', { p_call_id: callId })),
  };
}

export type CallApi = ReturnType<typeof createCallApi>;
