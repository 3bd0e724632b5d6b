import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { stores, useUi } from '../app/stores.js';
import {
  MemberSettingsBody,
  type MemberSettingsModal,
  useMemberDialogTitle,
} from '../features/server-admin/member-dialogs.js';
import { describeError } from '../lib/errors.js';
import { go, inviteUrl } from '../lib/route.js';
import type { Message } from '../lib/types.js';
import { Dialog as SharedDialog } from '../ui/Dialog.js';
import { CreateGroupDm } from './dms/CreateGroupDm.js';
import { ActionMessage, SubmitRow, useFormSubmit } from './settings/action.js';

const closeModal = () => stores.ui.getState().openModal(null);

function Dialog({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <SharedDialog title={title} onClose={closeModal} className={wide ? 'wide' : undefined}>
      {children}
    </SharedDialog>
  );
}

function CreateServer() {
  const [name, setName] = useState('');
  const { submit, error, busy } = useFormSubmit(async () => {
    const serverId = await stores.servers.getState().createServer(name.trim());
    closeModal();
    go({ kind: 'channel', serverId, channelId: null });
  });
  return (
    <Dialog title="Create a server">
      <form onSubmit={submit}>
        <label>
          Server name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <SubmitRow label="Create" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

const isRemoteServerAddress = (input: string) => /@|\/ap\/actors\//.test(input);

/** Accepts a bare code or a full invite link. */
function inviteCode(input: string): string {
  return input.trim().split('/').pop() ?? '';
}

function JoinServer({ code: initial }: { code?: string }) {
  const [code, setCode] = useState(initial ?? '');
  const { submit, error, busy } = useFormSubmit(async () => {
    // Invites never hold an @: `@server@host` or a Group URL is a server of another instance.
    const serverId = isRemoteServerAddress(code)
      ? await (await import('../features/federation/remote-servers-api.js')).joinRemoteServer(code)
      : await stores.servers.getState().joinByInvite(inviteCode(code));
    closeModal();
    go({ kind: 'channel', serverId, channelId: null });
  });
  return (
    <Dialog title="Join a server">
      <form onSubmit={submit}>
        <label>
          Invite link or code
          <input required value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <p className="hint">Or a server on another instance: @server@host</p>
        <SubmitRow label="Join" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

function Invite({ serverId }: { serverId: string }) {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    stores.servers
      .getState()
      .createInvite(serverId, { expiresInSeconds: 7 * 24 * 3600 })
      .then((code) => setLink(inviteUrl(code)))
      .catch((e: unknown) => setError(describeError(e)));
  }, [serverId]);
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    setCopied(true);
  };
  return (
    <Dialog title="Invite people">
      <ActionMessage error={error} />
      {link && (
        <div className="invite-link">
          <input readOnly aria-label="Invite link" value={link} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy'}
          </button>
          <p>This link expires in 7 days.</p>
        </div>
      )}
    </Dialog>
  );
}

function CreateChannel({
  serverId,
  categoryId,
  type: initialType,
}: {
  serverId: string;
  categoryId?: string;
  type: 'text' | 'voice';
}) {
  const [name, setName] = useState('');
  const [type, setType] = useState(initialType);
  const { submit, error, busy } = useFormSubmit(async () => {
    const channelId = await stores.servers.getState().createChannel(serverId, name.trim(), type, categoryId);
    closeModal();
    if (type === 'text') go({ kind: 'channel', serverId, channelId });
  });
  return (
    <Dialog title="Create a channel">
      <form onSubmit={submit}>
        <fieldset>
          <legend>Type</legend>
          <label>
            <input type="radio" checked={type === 'text'} onChange={() => setType('text')} /> Text
          </label>
          <label>
            <input type="radio" checked={type === 'voice'} onChange={() => setType('voice')} /> Voice
          </label>
        </fieldset>
        <label>
          Channel name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <SubmitRow label="Create" disabled={busy} error={error} />
      </form>
    </Dialog>
  );
}

function DeleteMessage({ message }: { message: Message }) {
  const { submit, error, busy } = useFormSubmit(async () => {
    await stores.messages.getState().remove(message.id);
    closeModal();
  });
  return (
    <Dialog title="Delete message">
      <form onSubmit={submit}>
        <p>Are you sure you want to delete this message? This cannot be undone.</p>
        <blockquote className="delete-preview">{message.content || 'Attachment'}</blockquote>
        <p className="hint">Tip: hold Shift while clicking Delete to skip this.</p>
        <ActionMessage error={error} />
        <div className="form-actions">
          <button type="button" onClick={closeModal}>
            Cancel
          </button>
          <button type="submit" className="danger-solid" disabled={busy}>
            Delete
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MemberSettings({ modal }: { modal: MemberSettingsModal }) {
  return (
    <Dialog title={useMemberDialogTitle(modal)}>
      <MemberSettingsBody modal={modal} />
    </Dialog>
  );
}

// Dialogs load on first open: together they are a large part of the code, and most visits open
// few of them (the first screen stays within its JavaScript budget, bench/web-client.ts).
const ChannelSettings = lazy(() =>
  import('../features/channels/ChannelSettings.js').then((m) => ({ default: m.ChannelSettings })),
);
const CategorySettings = lazy(() =>
  import('../features/channels/CategorySettings.js').then((m) => ({ default: m.CategorySettings })),
);
const SearchDialog = lazy(() => import('./SearchDialog.js').then((m) => ({ default: m.SearchDialog })));
const PinsDialog = lazy(() =>
  import('../features/messages/PinsDialog.js').then((m) => ({ default: m.PinsDialog })),
);
const ServerSettings = lazy(() =>
  import('./settings/ServerSettings.js').then((m) => ({ default: m.ServerSettings })),
);
const UserSettings = lazy(() =>
  import('./settings/UserSettings.js').then((m) => ({ default: m.UserSettings })),
);
const AddBotDialog = lazy(() =>
  import('../features/bots/AddBotDialog.js').then((m) => ({ default: m.AddBotDialog })),
);
const loading = (
  <p className="hint" role="status">
    Loading…
  </p>
);

export function Modals() {
  const modal = useUi((s) => s.modal);
  if (!modal) return null;
  switch (modal.kind) {
    case 'createServer':
      return <CreateServer />;
    case 'joinServer':
      return <JoinServer code={modal.code} />;
    case 'invite':
      return <Invite serverId={modal.serverId} />;
    case 'createChannel':
      return <CreateChannel serverId={modal.serverId} categoryId={modal.categoryId} type={modal.type} />;
    case 'addBot':
      return (
        <Dialog title="Add a bot">
          <Suspense fallback={loading}>
            <AddBotDialog botId={modal.botId} permissions={modal.permissions} />
          </Suspense>
        </Dialog>
      );
    case 'channelSettings':
      return (
        <Dialog title="Edit channel">
          <Suspense fallback={loading}>
            <ChannelSettings serverId={modal.serverId} channelId={modal.channelId} />
          </Suspense>
        </Dialog>
      );
    case 'category':
      return (
        <Dialog title={modal.categoryId ? 'Edit category' : 'Create a category'}>
          <Suspense fallback={loading}>
            <CategorySettings serverId={modal.serverId} categoryId={modal.categoryId} />
          </Suspense>
        </Dialog>
      );
    case 'memberSettings':
      return <MemberSettings modal={modal} />;
    case 'userSettings':
      return (
        <Dialog title="User settings" wide>
          <Suspense fallback={loading}>
            <UserSettings />
          </Suspense>
        </Dialog>
      );
    case 'serverSettings':
      return (
        <Dialog title="Server settings" wide>
          <Suspense fallback={loading}>
            <ServerSettings serverId={modal.serverId} />
          </Suspense>
        </Dialog>
      );
    case 'search':
      return (
        <Dialog title="Search" wide>
          <Suspense fallback={loading}>
            <SearchDialog serverId={modal.serverId} channelId={modal.channelId} />
          </Suspense>
        </Dialog>
      );
    case 'pins':
      return (
        <Dialog title="Pinned messages">
          <Suspense fallback={loading}>
            <PinsDialog channelId={modal.channelId} />
          </Suspense>
        </Dialog>
      );
    case 'deleteMessage':
      return <DeleteMessage message={modal.message} />;
    case 'createGroupDm':
      return (
        <Dialog title="Create a group DM">
          <CreateGroupDm />
        </Dialog>
      );
  }
}
