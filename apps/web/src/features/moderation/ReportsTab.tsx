import { hasPermission, Permissions } from '@harmony/shared';
import { useCallback, useEffect, useState } from 'react';
import { stores, useAuth, useProfiles, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { go } from '../../lib/route.js';
import { profileName } from '../../stores/social.js';
import { memberName } from './MemberCard.js';
import { useMemberActions } from './member-access.js';
import { moderation, type Report, type ReportAction, type ReportStatus } from './moderation-api.js';
import { moderationUi } from './moderation-store.js';
import { reasonLabel } from './report-reasons.js';
import { useReportChanges } from './report-signal.js';
import './moderation.css';

const PAGE = 25;
const STATUSES: { value: ReportStatus; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'dismissed', label: 'Dismissed' },
];
const OUTCOMES: Record<ReportAction, string> = {
  delete_message: 'message deleted',
  timeout: 'member timed out',
  kick: 'member kicked',
  ban: 'member banned',
  dismiss: 'dismissed',
};

/** The reports queue of a server, for members with a moderation permission. */
export function ReportsTab({ serverId }: { serverId: string }) {
  const [status, setStatus] = useState<ReportStatus>('open');
  const [reports, setReports] = useState<Report[] | null>(null);
  const [more, setMore] = useState(false);
  const load = useAction();

  const fetchPage = useCallback(
    async (beforeId: number | null) => {
      const page = await moderation.listReports(serverId, status, beforeId, PAGE);
      await stores.profiles
        .getState()
        .ensure(
          page
            .flatMap((r) => [r.reporter_id, r.target_id, r.resolved_by])
            .filter((id): id is string => Boolean(id)),
        );
      setReports((previous) => (beforeId === null ? page : [...(previous ?? []), ...page]));
      setMore(page.length === PAGE);
    },
    [serverId, status],
  );

  // A report arriving or handled by another moderator reloads the first page, live.
  const changes = useReportChanges(serverId);
  useEffect(() => {
    if (changes === 0) setReports(null);
    void load.run(() => fetchPage(null));
  }, [fetchPage, load.run, changes]);

  const handled = (id: number) => setReports((list) => list?.filter((r) => r.id !== id) ?? null);
  const last = reports?.at(-1)?.id ?? null;

  return (
    <section aria-label="Reports" className="settings-section">
      <div className="audit-filters">
        <label>
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value as ReportStatus)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={load.busy} onClick={() => void load.run(() => fetchPage(null))}>
          Refresh
        </button>
      </div>
      <ActionMessage error={load.error} />
      {reports?.length === 0 && (
        <p className="hint">{status === 'open' ? 'No open reports. All clear.' : 'No reports here.'}</p>
      )}
      <ul className="report-list" aria-busy={load.busy}>
        {reports?.map((report) => (
          <ReportItem key={report.id} report={report} onHandled={() => handled(report.id)} />
        ))}
      </ul>
      {more && last !== null && (
        <button type="button" disabled={load.busy} onClick={() => void load.run(() => fetchPage(last))}>
          Load older reports
        </button>
      )}
    </section>
  );
}

function usePersonName(serverId: string, profileId: string | null): string {
  const member = useServers((s) =>
    profileId ? s.details[serverId]?.members.find((m) => m.profile_id === profileId) : undefined,
  );
  const profile = useProfiles((s) => (profileId ? s.byId[profileId] : undefined));
  if (!profileId) return 'A former member';
  return member ? memberName(member) : (profileName(profile) ?? 'A former member');
}

function ReportItem({ report, onHandled }: { report: Report; onHandled: () => void }) {
  const serverId = report.server_id;
  const reporter = usePersonName(serverId, report.reporter_id);
  const target = usePersonName(serverId, report.target_id);
  const resolver = usePersonName(serverId, report.resolved_by);
  const channel = useServers((s) => s.details[serverId]?.channels.find((c) => c.id === report.channel_id));
  const me = useAuth((s) => s.profile?.id);
  const canDelete = useServers((s) =>
    Boolean(
      me &&
        report.channel_id &&
        hasPermission(s.channelPermissions(report.channel_id, me), Permissions.MANAGE_MESSAGES),
    ),
  );
  const actions = useMemberActions(serverId, report.target_id);
  const [note, setNote] = useState('');
  const action = useAction();
  const open = report.status === 'open';

  const resolve = (kind: 'delete_message' | 'dismiss') =>
    void action
      .run(() => moderation.resolveReport(report.id, kind, { note }))
      .then((ok) => {
        if (!ok) return;
        stores.ui.getState().toast(`Report handled: ${OUTCOMES[kind]}.`, 'info');
        onHandled();
      });

  // Kick, timeout and ban ask first, in the member menu's dialogs; confirming resolves the report.
  const confirm = (kind: 'timeout' | 'kick' | 'ban') =>
    moderationUi.getState().openDialog({
      kind,
      serverId,
      profileId: report.target_id,
      report: { id: report.id, reason: `Report: ${reasonLabel(report.reason)}` },
    });

  const jump = () => {
    if (!report.channel_id || !report.message_id) return;
    stores.ui.getState().openModal(null);
    go({ kind: 'channel', serverId, channelId: report.channel_id });
    stores.messages
      .getState()
      .jumpTo(report.channel_id, report.message_id)
      .catch(() => undefined);
  };

  return (
    <li className="report-item" aria-label={`Report about ${target}`}>
      <span>
        <strong>{reporter}</strong> reported {report.message_id ? 'a message by ' : ''}
        <strong>{target}</strong>
        {channel ? ` in #${channel.name}` : ''} · {reasonLabel(report.reason)}
      </span>
      {report.details && <span>“{report.details}”</span>}
      {report.message_content !== null && (
        <blockquote className="report-quote">{report.message_content || '(no text)'}</blockquote>
      )}
      <time dateTime={report.created_at}>{new Date(report.created_at).toLocaleString()}</time>
      {report.message_id && channel && (
        <button type="button" className="link" onClick={jump}>
          Open the message in #{channel.name}
        </button>
      )}
      {!open && (
        <span className="hint">
          {resolver}: {report.resolution ? OUTCOMES[report.resolution] : ''}
          {report.resolution_note ? ` — ${report.resolution_note}` : ''}
        </span>
      )}
      {open && (
        <>
          <label>
            Note for the audit log (optional)
            <input maxLength={512} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="report-actions">
            {report.message_id && canDelete && (
              <button
                type="button"
                className="danger"
                disabled={action.busy}
                onClick={() => resolve('delete_message')}
              >
                Delete message
              </button>
            )}
            {actions.timeout && (
              <button type="button" className="danger" onClick={() => confirm('timeout')}>
                Time out
              </button>
            )}
            {actions.kick && (
              <button type="button" className="danger" onClick={() => confirm('kick')}>
                Kick
              </button>
            )}
            {actions.ban && (
              <button type="button" className="danger" onClick={() => confirm('ban')}>
                Ban
              </button>
            )}
            <button type="button" disabled={action.busy} onClick={() => resolve('dismiss')}>
              Dismiss
            </button>
          </div>
          <ActionMessage error={action.error} />
        </>
      )}
    </li>
  );
}
