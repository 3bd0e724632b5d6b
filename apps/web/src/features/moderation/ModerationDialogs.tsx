import { type ReactNode, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import { SubmitRow, useFormSubmit } from '../../components/settings/action.js';
import { Dialog as SharedDialog } from '../../ui/Dialog.js';
import { memberName } from './MemberCard.js';
import { moderation, type ReportReason } from './moderation-api.js';
import {
  type ModerationDialog,
  moderationUi,
  type ResolvingReport,
  useModerationUi,
} from './moderation-store.js';
import { REPORT_REASONS } from './report-reasons.js';
import { BAN_DELETE_CHOICES, TIMEOUT_CHOICES } from './timeout.js';

/** The open moderation dialog (timeout, kick, ban, nickname, report), if any. */
export function ModerationDialogs() {
  const dialog = useModerationUi((s) => s.dialog);
  if (!dialog) return null;
  return <DialogFor key={JSON.stringify(dialog)} dialog={dialog} />;
}

const close = () => moderationUi.getState().closeDialog();
const notify = (text: string) => stores.ui.getState().toast(text, 'info');

function DialogFor({ dialog }: { dialog: ModerationDialog }) {
  const member = useServers((s) =>
    s.details[dialog.serverId]?.members.find((m) => m.profile_id === dialog.profileId),
  );
  const name = member ? memberName(member) : 'this member';
  const { serverId, profileId } = dialog;
  switch (dialog.kind) {
    case 'timeout':
      return <TimeoutDialog serverId={serverId} profileId={profileId} name={name} report={dialog.report} />;
    case 'kick':
      return (
        <ReasonDialog
          title={`Kick ${name} from the server`}
          hint={`${name} can come back with a new invite.`}
          submit="Kick"
          initialReason={dialog.report?.reason}
          act={async (reason) => {
            if (dialog.report) await moderation.resolveReport(dialog.report.id, 'kick', { note: reason });
            else await moderation.kick(serverId, profileId, reason);
            notify(`${name} was kicked.`);
          }}
        />
      );
    case 'ban':
      return <BanDialog serverId={serverId} profileId={profileId} name={name} report={dialog.report} />;
    case 'nickname':
      return (
        <NicknameDialog serverId={serverId} profileId={profileId} name={name} current={member?.nickname} />
      );
    case 'reportMember':
      return (
        <ReportDialog
          title={`Report ${name}`}
          send={(reason, details) => moderation.reportMember(serverId, profileId, reason, details)}
        />
      );
    case 'reportMessage':
      return (
        <ReportDialog
          title={`Report a message by ${name}`}
          send={(reason, details) => moderation.reportMessage(dialog.messageId, reason, details)}
        />
      );
  }
}

/** A moderation dialog: dismissing it closes this layer's state. */
function Dialog({ title, children }: { title: string; children: ReactNode }) {
  return (
    <SharedDialog title={title} onClose={close} className="moderation-dialog">
      {children}
    </SharedDialog>
  );
}

/** Submits, shows the refusal as a sentence, closes on success. */
function useSubmit(action: () => Promise<void>) {
  return useFormSubmit(async () => {
    await action();
    close();
  });
}

function ReasonField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <label>
      Reason (shown in the audit log)
      <textarea maxLength={512} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

function ReasonDialog({
  title,
  hint,
  submit: label,
  initialReason = '',
  act,
}: {
  title: string;
  hint: string;
  submit: string;
  initialReason?: string;
  act(reason: string): Promise<void>;
}) {
  const [reason, setReason] = useState(initialReason);
  const { submit, error, busy } = useSubmit(() => act(reason));
  return (
    <Dialog title={title}>
      <form onSubmit={submit}>
        <p className="hint">{hint}</p>
        <ReasonField value={reason} onChange={setReason} />
        <SubmitRow label={label} className="primary danger" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

/** Kick, timeout and ban from the reports queue resolve the report, with the same dialog. */
interface ActionDialogProps {
  serverId: string;
  profileId: string;
  name: string;
  report?: ResolvingReport;
}

function TimeoutDialog({ serverId, profileId, name, report }: ActionDialogProps) {
  const [seconds, setSeconds] = useState<number>(TIMEOUT_CHOICES[0].seconds);
  const [reason, setReason] = useState(report?.reason ?? '');
  const { submit, error, busy } = useSubmit(async () => {
    if (report)
      await moderation.resolveReport(report.id, 'timeout', { note: reason, timeoutSeconds: seconds });
    else await moderation.timeout(serverId, profileId, seconds, reason);
    const label = TIMEOUT_CHOICES.find((c) => c.seconds === seconds)?.label ?? '';
    notify(`${name} was timed out for ${label}.`);
    await stores.servers.getState().loadServer(serverId);
  });
  return (
    <Dialog title={`Time out ${name}`}>
      <form onSubmit={submit}>
        <p className="hint">They can read but not send messages, react, or join voice until it ends.</p>
        <fieldset className="choice-list">
          <legend>Duration</legend>
          {TIMEOUT_CHOICES.map((choice) => (
            <label key={choice.seconds} className="choice">
              <input
                type="radio"
                name="timeout-duration"
                checked={seconds === choice.seconds}
                onChange={() => setSeconds(choice.seconds)}
              />
              {choice.label}
            </label>
          ))}
        </fieldset>
        <ReasonField value={reason} onChange={setReason} />
        <SubmitRow label="Time out" className="primary danger" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

function BanDialog({ serverId, profileId, name, report }: ActionDialogProps) {
  const [reason, setReason] = useState(report?.reason ?? '');
  const [deleteSeconds, setDeleteSeconds] = useState(0);
  const { submit, error, busy } = useSubmit(async () => {
    if (report)
      await moderation.resolveReport(report.id, 'ban', { note: reason, deleteMessageSeconds: deleteSeconds });
    else await moderation.ban(serverId, profileId, reason, deleteSeconds);
    notify(`${name} was banned.`);
  });
  return (
    <Dialog title={`Ban ${name}`}>
      <form onSubmit={submit}>
        <p className="hint">{name} is removed and cannot join again until unbanned.</p>
        <label>
          Delete their messages
          <select value={deleteSeconds} onChange={(e) => setDeleteSeconds(Number(e.target.value))}>
            {BAN_DELETE_CHOICES.map((choice) => (
              <option key={choice.seconds} value={choice.seconds}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <ReasonField value={reason} onChange={setReason} />
        <SubmitRow label="Ban" className="primary danger" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

function NicknameDialog({
  serverId,
  profileId,
  name,
  current,
}: {
  serverId: string;
  profileId: string;
  name: string;
  current: string | null | undefined;
}) {
  const [nickname, setNickname] = useState(current ?? '');
  const { submit, error, busy } = useSubmit(async () => {
    await moderation.setNickname(serverId, profileId, nickname);
    await stores.servers.getState().loadServer(serverId);
  });
  return (
    <Dialog title={`Nickname of ${name}`}>
      <form onSubmit={submit}>
        <label>
          Nickname (leave empty to reset)
          <input maxLength={32} value={nickname} onChange={(e) => setNickname(e.target.value)} />
        </label>
        <SubmitRow label="Save" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

function ReportDialog({
  title,
  send,
}: {
  title: string;
  send(reason: ReportReason, details: string): Promise<unknown>;
}) {
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [details, setDetails] = useState('');
  const { submit, error, busy } = useSubmit(async () => {
    if (!reason) throw new Error('Choose a reason for the report.');
    await send(reason, details);
    notify('Thank you. Your report was sent to the moderators.');
  });
  return (
    <Dialog title={title}>
      <form onSubmit={submit}>
        <p className="hint">Only the server’s moderators see reports and who sent them.</p>
        <fieldset className="choice-list">
          <legend>What is wrong?</legend>
          {REPORT_REASONS.map((r) => (
            <label key={r.value} className="choice">
              <input
                type="radio"
                name="report-reason"
                checked={reason === r.value}
                onChange={() => setReason(r.value)}
              />
              {r.label}
            </label>
          ))}
        </fieldset>
        <label>
          Anything else moderators should know (optional)
          <textarea maxLength={1000} rows={3} value={details} onChange={(e) => setDetails(e.target.value)} />
        </label>
        <SubmitRow label="Send report" disabled={busy || !reason} error={error} />
      </form>
    </Dialog>
  );
}
