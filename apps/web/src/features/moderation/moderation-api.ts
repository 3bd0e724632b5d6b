import type { SupabaseClient } from '@supabase/supabase-js';
import { client } from '../../app/stores.js';
import type { Row } from '../../lib/types.js';

/*
 * The moderation calls: kick, ban, timeout and nickname (11_functions_servers.sql), reports
 * (migration 20261206110100_reports.sql) and the audit log. Every call throws the database's
 * refusal as is; callers show it through describeError.
 */

/** Reports and the audit actions added with them are newer than the generated database types. */
const db = client as unknown as SupabaseClient;

export type ReportReason =
  | 'spam'
  | 'harassment'
  | 'hate'
  | 'sexual_content'
  | 'violence'
  | 'self_harm'
  | 'impersonation'
  | 'other';

export type ReportStatus = 'open' | 'resolved' | 'dismissed';
export type ReportAction = 'delete_message' | 'timeout' | 'kick' | 'ban' | 'dismiss';

export interface Report {
  id: number;
  server_id: string;
  reporter_id: string | null;
  target_id: string;
  message_id: string | null;
  channel_id: string | null;
  message_content: string | null;
  reason: ReportReason;
  details: string | null;
  status: ReportStatus;
  resolution: ReportAction | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

export type AuditEntry = Omit<Row<'audit_log'>, 'action'> & { action: string };

const unwrap = async <T>(result: PromiseLike<{ data: T; error: unknown }>): Promise<T> => {
  const { data, error } = await result;
  if (error) throw error;
  return data;
};

/** Blank is none; undefined leaves the parameter to its SQL default (null). */
const orNone = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);

export const moderation = {
  kick: (serverId: string, profileId: string, reason?: string) =>
    unwrap(
      client.rpc('kick_member', { p_server_id: serverId, p_profile_id: profileId, p_reason: orNone(reason) }),
    ),

  ban: (serverId: string, profileId: string, reason: string | undefined, deleteMessageSeconds: number) =>
    unwrap(
      client.rpc('ban_member', {
        p_server_id: serverId,
        p_profile_id: profileId,
        p_reason: orNone(reason),
        p_delete_message_seconds: deleteMessageSeconds,
      }),
    ),

  /** `seconds` null lifts the timeout. */
  timeout: (serverId: string, profileId: string, seconds: number | null, reason?: string) =>
    unwrap(
      db.rpc('timeout_member', {
        p_server_id: serverId,
        p_profile_id: profileId,
        p_until: seconds === null ? null : new Date(Date.now() + seconds * 1000).toISOString(),
        p_reason: orNone(reason),
      }),
    ),

  setNickname: (serverId: string, profileId: string, nickname: string) =>
    unwrap(
      db.rpc('set_nickname', {
        p_server_id: serverId,
        p_profile_id: profileId,
        p_nickname: orNone(nickname),
      }),
    ),

  reportMessage: (messageId: string, reason: ReportReason, details?: string) =>
    unwrap(
      db.rpc('report_message', { p_message_id: messageId, p_reason: reason, p_details: orNone(details) }),
    ),

  reportMember: (serverId: string, profileId: string, reason: ReportReason, details?: string) =>
    unwrap(
      db.rpc('report_member', {
        p_server_id: serverId,
        p_profile_id: profileId,
        p_reason: reason,
        p_details: orNone(details),
      }),
    ),

  /** A page of the queue, newest first; `beforeId` is the last id of the previous page. */
  listReports: async (serverId: string, status: ReportStatus, beforeId: number | null, limit: number) =>
    (await unwrap(
      db.rpc('list_reports', {
        p_server_id: serverId,
        p_status: status,
        p_before_id: beforeId,
        p_limit: limit,
      }),
    )) as Report[],

  resolveReport: (
    reportId: number,
    action: ReportAction,
    options: { note?: string; timeoutSeconds?: number; deleteMessageSeconds?: number } = {},
  ) =>
    unwrap(
      db.rpc('resolve_report', {
        p_report_id: reportId,
        p_action: action,
        p_note: orNone(options.note),
        p_timeout_seconds: options.timeoutSeconds ?? null,
        p_delete_message_seconds: options.deleteMessageSeconds ?? 0,
      }),
    ),

  /** Servers the signed-in user shares with someone: RLS shows only memberships of one's own servers. */
  mutualServerIds: async (profileId: string) =>
    ((await unwrap(client.from('server_members').select('server_id').eq('profile_id', profileId))) ?? []).map(
      (row) => row.server_id,
    ),

  /** A page of the audit log, newest first, keyset-paged on id. */
  auditLog: async (
    serverId: string,
    filter: { action?: string; actorId?: string; beforeId?: number | null },
    limit: number,
  ) => {
    let query = db.from('audit_log').select('*').eq('server_id', serverId);
    if (filter.action) query = query.eq('action', filter.action);
    if (filter.actorId) query = query.eq('actor_id', filter.actorId);
    if (filter.beforeId) query = query.lt('id', filter.beforeId);
    return (await unwrap(query.order('id', { ascending: false }).limit(limit))) as AuditEntry[];
  },
};
