import { useServers, useUi } from '../app/stores.js';
import type { PresenceInfo } from '../lib/realtime.js';
import type { MemberWithProfile } from '../stores/servers.js';

const NOBODY_ONLINE: Record<string, PresenceInfo> = {};
const STATUS_LABEL = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', invisible: 'Offline' } as const;

export function MemberList({ serverId }: { serverId: string }) {
  const detail = useServers((s) => s.details[serverId]);
  const presence = useUi((s) => s.presence[serverId] ?? NOBODY_ONLINE);
  if (!detail) return <aside className="member-list" aria-label="Members" />;

  const hoisted = detail.roles.filter((r) => r.hoist && r.id !== serverId);
  const groupOf = (m: MemberWithProfile) => {
    if (!presence[m.profile_id]) return 'Offline';
    return hoisted.find((r) => m.roleIds.includes(r.id))?.name ?? 'Online';
  };
  const groups = new Map<string, MemberWithProfile[]>();
  for (const name of [...hoisted.map((r) => r.name), 'Online', 'Offline']) groups.set(name, []);
  for (const member of detail.members) groups.get(groupOf(member))?.push(member);

  return (
    <aside className="member-list" aria-label="Members">
      {[...groups.entries()]
        .filter(([, members]) => members.length > 0)
        .map(([name, members]) => (
          <section key={name} aria-label={`${name} — ${members.length}`}>
            <h3>
              {name} — {members.length}
            </h3>
            <ul>
              {members
                .sort((a, b) =>
                  (a.nickname ?? a.profile.username).localeCompare(b.nickname ?? b.profile.username),
                )
                .map((m) => {
                  const status = presence[m.profile_id]?.status;
                  const topRole = detail.roles.find((r) => m.roleIds.includes(r.id) && r.color);
                  return (
                    <li key={m.profile_id} className={`member ${status ?? 'offline'}`}>
                      <span className="presence-dot" title={status ? STATUS_LABEL[status] : 'Offline'} />
                      <span className="sr-only">{status ? STATUS_LABEL[status] : 'Offline'}: </span>
                      <span
                        style={
                          topRole ? { color: `#${topRole.color.toString(16).padStart(6, '0')}` } : undefined
                        }
                      >
                        {m.nickname ?? m.profile.display_name ?? m.profile.username}
                      </span>
                    </li>
                  );
                })}
            </ul>
          </section>
        ))}
    </aside>
  );
}
