import { MoreHorizontal } from 'lucide-react';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { colorToHex, sortRoles } from '../../lib/permission-editor.js';
import type { MemberWithProfile } from '../../stores/servers.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/IconButton.js';
import { isManaged } from '../roles/role-order.js';
import { useMemberActions } from './member-access.js';
import { moderation } from './moderation-api.js';
import { type MemberCardState, moderationUi, useModerationUi } from './moderation-store.js';
import { formatCountdown, useTimeoutLeft } from './timeout.js';
import { usePopover } from './use-popover.js';
import './moderation.css';

export const memberName = (m: MemberWithProfile) =>
  m.nickname ?? m.profile.display_name ?? m.profile.username;

/** The open profile card or actions menu, if any. */
export function MemberPopover() {
  const card = useModerationUi((s) => s.card);
  if (!card) return null;
  const key = `${card.serverId}:${card.profileId}:${card.view}:${card.anchor.x}:${card.anchor.y}`;
  return <MemberPopoverFor key={key} card={card} />;
}

function MemberPopoverFor({ card }: { card: MemberCardState }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => moderationUi.getState().closeCard(), []);
  // Escape gives focus back to the name or picture that opened the card.
  const dismiss = useCallback(() => {
    moderationUi.getState().closeCard();
    card.opener?.focus();
  }, [card.opener]);
  const position = usePopover(ref, card.anchor, close, dismiss);
  const member = useServers((s) =>
    s.details[card.serverId]?.members.find((m) => m.profile_id === card.profileId),
  );
  // The member left or was removed while their card was open.
  useEffect(() => {
    if (!member) close();
  }, [member, close]);

  if (!member) return null;
  return (
    <div ref={ref} className="member-popover" style={position}>
      {card.view === 'card' ? (
        <MemberCard serverId={card.serverId} member={member} />
      ) : (
        <MemberActionsMenu serverId={card.serverId} member={member} />
      )}
    </div>
  );
}

function MemberCard({ serverId, member }: { serverId: string; member: MemberWithProfile }) {
  // Selected as stored, derived here: a selector returning a new array would re-render forever.
  const allRoles = useServers((s) => s.details[serverId]?.roles);
  const roles = sortRoles(allRoles ?? []).filter((r) => r.id !== serverId && member.roleIds.includes(r.id));
  const servers = useServers((s) => s.servers);
  const [mutual, setMutual] = useState<string[] | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const actions = useMemberActions(serverId, member.profile_id);
  const left = useTimeoutLeft(member.timed_out_until);
  const name = memberName(member);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
    moderation
      .mutualServerIds(member.profile_id)
      .then(setMutual)
      .catch(() => setMutual([]));
  }, [member.profile_id]);

  const mutualServers = servers.filter((s) => mutual?.includes(s.id));
  const anyAction =
    actions.roles || actions.nickname || actions.timeout || actions.kick || actions.ban || actions.report;

  return (
    <section className="member-card" role="dialog" aria-label={`Profile of ${name}`}>
      <div className="member-card-banner" />
      <div className="member-card-head">
        <Avatar id={member.profile_id} name={name} url={member.profile.avatar_url} size={72} />
        {anyAction && (
          <IconButton
            label={`More actions for ${name}`}
            icon={MoreHorizontal}
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen(!menuOpen)}
          />
        )}
      </div>
      <h3 ref={headingRef} tabIndex={-1}>
        {name}
      </h3>
      <p className="member-card-username">
        @{member.profile.username}
        {member.profile.pronouns ? ` · ${member.profile.pronouns}` : ''}
      </p>
      {left > 0 && (
        <p className="member-card-timeout" role="status">
          Timed out · {formatCountdown(left)} left
        </p>
      )}
      {menuOpen && <MemberActionsMenu serverId={serverId} member={member} />}
      <h4>Member since</h4>
      <p>
        <time dateTime={member.joined_at}>{new Date(member.joined_at).toLocaleDateString()}</time>
      </p>
      <h4>Roles</h4>
      {roles.length ? (
        <ul className="member-card-roles" aria-label="Roles">
          {roles.map((r) => (
            <li key={r.id}>
              <span
                className="role-dot"
                style={{ background: colorToHex(r.color || 0x99aab5) }}
                aria-hidden
              />
              {r.name}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No roles</p>
      )}
      <h4>Mutual servers</h4>
      {mutual === null ? (
        <p className="hint" aria-busy="true">
          Loading…
        </p>
      ) : mutualServers.length ? (
        <ul className="member-card-servers" aria-label="Mutual servers">
          {mutualServers.map((s) => (
            <li key={s.id}>
              <Avatar id={s.id} name={s.name} url={s.icon_url} size={20} shape="rounded" />
              {s.name}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None</p>
      )}
    </section>
  );
}

/** The moderation actions the user may take on a member, as a keyboard-navigable menu. */
export function MemberActionsMenu({ serverId, member }: { serverId: string; member: MemberWithProfile }) {
  const actions = useMemberActions(serverId, member.profile_id);
  const allRoles = useServers((s) => s.details[serverId]?.roles);
  const roles = sortRoles(allRoles ?? []).filter(
    (r) => r.id !== serverId && r.position < actions.myTop && !isManaged(r),
  );
  const [busyRole, setBusyRole] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const name = memberName(member);
  const dialog = (kind: 'timeout' | 'kick' | 'ban' | 'nickname' | 'reportMember') => () =>
    moderationUi.getState().openDialog({ kind, serverId, profileId: member.profile_id });
  const timedOut = Boolean(member.timed_out_until && Date.parse(member.timed_out_until) > Date.now());

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
  }, []);

  const toggleRole = async (roleId: string, on: boolean) => {
    setBusyRole(roleId);
    const settings = stores.serverSettings.getState();
    try {
      if (on) await settings.assignRole(serverId, member.profile_id, roleId);
      else await settings.removeRole(serverId, member.profile_id, roleId);
    } catch (e) {
      stores.ui.getState().toast(describeError(e, 'change this member’s roles'));
    } finally {
      setBusyRole(null);
    }
  };

  const liftTimeout = () => {
    moderationUi.getState().closeCard();
    moderation
      .timeout(serverId, member.profile_id, null)
      .then(() => stores.ui.getState().toast(`${name}’s timeout was removed.`, 'info'))
      .catch((e: unknown) => stores.ui.getState().toast(describeError(e, 'remove this timeout')));
  };

  // Arrow keys move between items, as in a WAI-ARIA menu.
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (!step || items.length === 0) return;
    event.preventDefault();
    items[(index + step + items.length) % items.length]?.focus();
  };

  const nothing =
    !actions.nickname &&
    !actions.roles &&
    !actions.timeout &&
    !actions.kick &&
    !actions.ban &&
    !actions.report;
  return (
    <div className="member-menu-box">
      <div ref={ref} role="menu" aria-label={`Actions for ${name}`} className="member-menu" onKeyDown={move}>
        {actions.nickname && (
          <button type="button" role="menuitem" onClick={dialog('nickname')}>
            {actions.self ? 'Change nickname' : 'Change nickname…'}
          </button>
        )}
        {actions.roles && roles.length > 0 && (
          <fieldset className="member-menu-roles">
            <legend>Roles</legend>
            {roles.map((role) => {
              const on = member.roleIds.includes(role.id);
              return (
                <button
                  key={role.id}
                  type="button"
                  role="menuitemcheckbox"
                  aria-checked={on}
                  disabled={busyRole !== null}
                  onClick={() => void toggleRole(role.id, !on)}
                >
                  <span
                    className="role-dot"
                    style={{ background: colorToHex(role.color || 0x99aab5) }}
                    aria-hidden
                  />
                  {role.name}
                  <span className="member-menu-check" aria-hidden>
                    {on ? '✓' : ''}
                  </span>
                </button>
              );
            })}
          </fieldset>
        )}
        {actions.timeout &&
          (timedOut ? (
            <button type="button" role="menuitem" onClick={liftTimeout}>
              Remove timeout
            </button>
          ) : (
            <button type="button" role="menuitem" className="danger" onClick={dialog('timeout')}>
              Time out {name}
            </button>
          ))}
        {actions.kick && (
          <button type="button" role="menuitem" className="danger" onClick={dialog('kick')}>
            Kick {name}
          </button>
        )}
        {actions.ban && (
          <button type="button" role="menuitem" className="danger" onClick={dialog('ban')}>
            Ban {name}
          </button>
        )}
        {actions.report && (
          <button type="button" role="menuitem" onClick={dialog('reportMember')}>
            Report {name}
          </button>
        )}
      </div>
      {actions.rankNote && <p className="hint member-menu-note">{actions.rankNote}</p>}
      {nothing && !actions.rankNote && <p className="hint member-menu-note">Nothing you can do here.</p>}
    </div>
  );
}
