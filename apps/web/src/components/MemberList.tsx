import { X } from 'lucide-react';
import { stores, useServers, useUi } from '../app/stores.js';
import { AuthorTag } from '../features/bots/BotMessageParts.js';
import { MemberTrigger } from '../features/moderation/MemberTrigger.js';
import { liveStatus, STATUS_TEXT } from '../features/presence/live-presence.js';
import type { PresenceInfo } from '../lib/realtime.js';
import type { MemberWithProfile } from '../stores/servers.js';
import { Avatar } from '../ui/Avatar.js';
import { IconButton } from '../ui/IconButton.js';

const NOBODY_ONLINE: Record<string, PresenceInfo> = {};

export function MemberList({ serverId }: { serverId: string }) {
  const detail = useServers((s) => s.details[serverId]);
  const presence = useUi((s) => s.presence[serverId] ?? NOBODY_ONLINE);
  if (!detail) return <aside className="member-list" aria-label="Members" />;

  const statusOf = (m: MemberWithProfile) => liveStatus({ [serverId]: presence }, m.profile_id);
  const hoisted = detail.roles.filter((r) => r.hoist && r.id !== serverId);
  const groupOf = (m: MemberWithProfile) => {
    if (statusOf(m) === 'offline') return 'Offline';
    return hoisted.find((r) => m.roleIds.includes(r.id))?.name ?? 'Online';
  };
  const groups = new Map<string, MemberWithProfile[]>();
  for (const name of [...hoisted.map((r) => r.name), 'Online', 'Offline']) groups.set(name, []);
  for (const member of detail.members) groups.get(groupOf(member))?.push(member);
  const nameOf = (m: MemberWithProfile) => m.nickname ?? m.profile.display_name ?? m.profile.username;

  return (
    <aside className="member-list" aria-label="Members">
      <IconButton
        label="Close member list"
        icon={X}
        className="narrow-only member-list-close"
        onClick={() => stores.ui.getState().toggleMemberList()}
      />
      {[...groups.entries()]
        .filter(([, members]) => members.length > 0)
        .map(([name, members]) => (
          <section key={name} aria-label={`${name} — ${members.length}`}>
            <h3>
              {name} — {members.length}
            </h3>
            <ul>
              {members
                .sort((a, b) => nameOf(a).localeCompare(nameOf(b)))
                .map((m) => {
                  const status = statusOf(m);
                  const topRole = detail.roles.find((r) => m.roleIds.includes(r.id) && r.color);
                  return (
                    <li key={m.profile_id} className={`member ${status}`}>
                      <MemberTrigger
                        serverId={serverId}
                        profileId={m.profile_id}
                        label={`${nameOf(m)}, ${STATUS_TEXT[status]}`}
                        className="member-row"
                      >
                        <span className="member-avatar">
                          <Avatar id={m.profile_id} name={nameOf(m)} url={m.profile.avatar_url} size={32} />
                          <span className={`presence-dot ${status}`} title={STATUS_TEXT[status]} />
                        </span>
                        <span className="sr-only">{STATUS_TEXT[status]}: </span>
                        <span
                          className="member-name"
                          style={
                            topRole ? { color: `#${topRole.color.toString(16).padStart(6, '0')}` } : undefined
                          }
                        >
                          {nameOf(m)}
                        </span>
                        {m.profile.is_bot && <AuthorTag kind="bot" />}
                      </MemberTrigger>
                    </li>
                  );
                })}
            </ul>
          </section>
        ))}
    </aside>
  );
}
