import type { Database } from '@harmony/shared';
import { client } from '../../app/stores.js';
import type { Row } from '../../lib/types.js';
import { unwrap } from '../../lib/unwrap.js';

/*
 * The moderation calls: kick, ban, timeout and nickname (11_functions_servers.sql), reports
 * (migration 20261206110100_reports.sql) and the audit log. Every call throws the database's
 * refusal as is; callers show it through describeError.
 */

type Enums = Database['public']['Enums'];
export type ReportReason = Enums['report_reason'];
export type ReportStatus = Enums['report_status'];
export type ReportAction = 'delete_message' | 'timeout' | 'kick' | 'ban' | 'dismiss';
/** resolution is text checked against the actions above in SQL (reports_resolution check). */
export type Report = Omit<
  Database['public']['Functions']['list_reports']['Returns'][number],
  'resolution'
> & {
  resolution: ReportAction | null;
};

export type AuditEntry = Row<'audit_log'>;
export type AuditAction = AuditEntry['action'];

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
      client.rpc('timeout_member', {
        p_server_id: serverId,
        p_profile_id: profileId,
        // The database ends it at its own now() + seconds; null lifts it (the RPC takes an explicit null).
        p_seconds: seconds as number,
        p_reason: orNone(reason),
      }),
    ),

  setNickname: (serverId: string, profileId: string, nickname: string) =>
    unwrap(
      client.rpc('set_nickname', {
        p_server_id: serverId,
        p_profile_id: profileId,
        // Blank clears it: set_nickname stores a blank nickname as none.
        p_nickname: nickname,
      }),
    ),

  reportMessage: (messageId: string, reason: ReportReason, details?: string) =>
    unwrap(
      client.rpc('report_message', { p_message_id: messageId, p_reason: reason, p_details: orNone(details) }),
    ),

  reportMember: (serverId: string, profileId: string, reason: ReportReason, details?: string) =>
    unwrap(
      client.rpc('report_member', {
        p_server_id: serverId,
        p_profile_id: profileId,
        p_reason: reason,
        p_details: orNone(details),
      }),
    ),

  /** A page of the queue, newest first; `beforeId` is the last id of the previous page. */
  listReports: async (serverId: string, status: ReportStatus, beforeId: number | null, limit: number) =>
    ((await unwrap(
      client.rpc('list_reports', {
        p_server_id: serverId,
        p_status: status,
        p_before_id: beforeId ?? undefined,
        p_limit: limit,
      }),
    )) ?? []) as Report[],

  resolveReport: (
    reportId: number,
    action: ReportAction,
    options: { note?: string; timeoutSeconds?: number; deleteMessageSeconds?: number } = {},
  ) =>
    unwrap(
      client.rpc('resolve_report', {
        p_report_id: reportId,
        p_action: action,
        p_note: orNone(options.note),
        p_timeout_seconds: options.timeoutSeconds,
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
    filter: { action?: AuditAction; actorId?: string; beforeId?: number | null },
    limit: number,
  ) => {
    let query = client.from('audit_log').select('*').eq('server_id', serverId);
    if (filter.action) query = query.eq('action', filter.action);
    if (filter.actorId) query = query.eq('actor_id', filter.actorId);
    if (filter.beforeId) query = query.lt('id', filter.beforeId);
    return (await unwrap(query.order('id', { ascending: false }).limit(limit))) ?? [];
  },
};
