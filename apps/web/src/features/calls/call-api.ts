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

/** The call RPCs (not yet in the generated database types, hence the casts). */
export function createCallApi(client: HarmonyClient) {
  const call = async (fn: string, args: Record<string, unknown>): Promise<DmCall> => {
    const { data, error } = await client.rpc(fn as never, args as never);
    if (error) throw error;
    return data as unknown as DmCall;
  };
  return {
    start: (channelId: string) => call('start_dm_call', { p_channel_id: channelId }),
    answer: (callId: string, accept: boolean) =>
      call('answer_dm_call', { p_call_id: callId, p_accept: accept }),
    end: (callId: string) => call('end_dm_call', { p_call_id: callId }),
  };
}

export type CallApi = ReturnType<typeof createCallApi>;
