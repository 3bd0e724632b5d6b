import { hasPermission, Permissions } from '@harmony/shared';
import { useEffect, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import { AuditLogTab } from '../../features/moderation/AuditLogTab.js';
import { ReportsTab } from '../../features/moderation/ReportsTab.js';
import { BansTab } from './BansTab.js';
import { InvitesTab } from './InvitesTab.js';
import { MembersTab } from './MembersTab.js';
import { OverviewTab } from './OverviewTab.js';
import { OverwritesTab } from './OverwritesTab.js';
import { RolesTab } from './RolesTab.js';
import { Tabs } from './Tabs.js';
import { useServerAccess } from './use-server-access.js';

type TabId = 'overview' | 'roles' | 'members' | 'channels' | 'bans' | 'invites' | 'reports' | 'audit';

/** Server settings: only the sections the user has a permission for are offered. */
export function ServerSettings({ serverId }: { serverId: string }) {
  const { detail, can, me } = useServerAccess(serverId);
  const manageableChannel = useManageableChannel(serverId, me);

  useEffect(() => {
    if (!detail) void stores.servers.getState().loadServer(serverId);
  }, [serverId, detail]);

  const tabs = [
    can('MANAGE_GUILD') && { id: 'overview' as const, label: 'Overview' },
    can('MANAGE_ROLES') && { id: 'roles' as const, label: 'Roles' },
    can('MANAGE_ROLES') && { id: 'members' as const, label: 'Members' },
    manageableChannel && { id: 'channels' as const, label: 'Channel permissions' },
    can('BAN_MEMBERS') && { id: 'bans' as const, label: 'Bans' },
    (can('CREATE_INSTANT_INVITE') || can('MANAGE_GUILD')) && { id: 'invites' as const, label: 'Invites' },
    // Who reviews reports: report_reviewer_permissions() in SQL.
    (can('MANAGE_MESSAGES') || can('KICK_MEMBERS') || can('BAN_MEMBERS') || can('MODERATE_MEMBERS')) && {
      id: 'reports' as const,
      label: 'Reports',
    },
    can('VIEW_AUDIT_LOG') && { id: 'audit' as const, label: 'Audit log' },
  ].filter((t): t is { id: TabId; label: string } => Boolean(t));
  const [chosen, setChosen] = useState<TabId | null>(null);
  const selected = tabs.find((t) => t.id === chosen)?.id ?? tabs[0]?.id;

  if (!detail) return <p aria-busy="true">Loading…</p>;
  if (!selected) return <p>You do not have permission to change this server's settings.</p>;

  return (
    <Tabs<TabId>
      label="Server settings sections"
      tabs={tabs}
      selected={selected}
      onSelect={(id) => setChosen(id)}
      className="settings"
    >
      {selected === 'overview' && <OverviewTab serverId={serverId} />}
      {selected === 'roles' && <RolesTab serverId={serverId} />}
      {selected === 'members' && <MembersTab serverId={serverId} />}
      {selected === 'channels' && <OverwritesTab serverId={serverId} />}
      {selected === 'bans' && <BansTab serverId={serverId} />}
      {selected === 'invites' && <InvitesTab serverId={serverId} />}
      {selected === 'reports' && <ReportsTab serverId={serverId} />}
      {selected === 'audit' && <AuditLogTab serverId={serverId} />}
    </Tabs>
  );
}

/** Whether any channel of the server lets the user edit its overwrites (MANAGE_ROLES there). */
function useManageableChannel(serverId: string, me: string | null): boolean {
  return useServers((s) =>
    me
      ? (s.details[serverId]?.channels ?? []).some((c) =>
          hasPermission(s.channelPermissions(c.id, me), Permissions.MANAGE_ROLES),
        )
      : false,
  );
}
