import type { HarmonyClient } from '../../lib/supabase.js';

export type CallStatus = 'ringing' | 'active' | 'declined' | 'missed' | 'ended';

/** Where a member of a group DM call stands (public.dm_call_members). */
export type MemberState = 'ringing' | 'joined' | 'declined' | 'left';

export interface CallMember {
  profile_id: string;
  state: MemberState;
}

/**
 * A row of public.dm_calls (migrations 20261206170000_dm_calls.sql, 20261206181000_group_dm_calls.sql).
 * Group DM calls have no callee; their call_update carries the members.
 */
export interface DmCall {
  id: string;
  channel_id: string;
  caller_id: string;
  callee_id: string | null;
  status: CallStatus;
  created_at: string;
  answered_at: string | null;
  ended_at: string | null;
  members?: CallMember[];
}

/** What get_dm_call_token signs: a LiveKit room of the call. */
export interface CallToken {
  token: string;
  url: string;
  room: string;
  identity: string;
}

/** How long a call rings before it is missed (the database's private.dm_call_ring_seconds). */
export const RING_SECONDS = 30;

/** get_dm_call_token's answer when the deployment has no LiveKit: the call goes peer to peer. */
const NOT_CONFIGURED = 'P0001';

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
    /** A LiveKit token for the call's room, or null when LiveKit is not set up here. */
    token: async (callId: string): Promise<CallToken | null> => {
      const { data, error } = await client.rpc('get_dm_call_token', { p_call_id: callId });
      if (error?.code === NOT_CONFIGURED) return null;
      if (error) throw error;
      // Returns jsonb: the CallToken object the function builds.
      return data as unknown as CallToken;
    },
  };
}

export type CallApi = ReturnType<typeof createCallApi>;
