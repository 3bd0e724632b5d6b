import { closestCenter, DndContext, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { Lock } from 'lucide-react';
import { stores, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { colorToHex, sortRoles } from '../../lib/permission-editor.js';
import type { Role } from '../../lib/types.js';
import { SortableRow } from '../../ui/SortableRow.js';
import { sortableAnnouncements, sortableInstructions, useSortableSensors } from '../../ui/sortable.js';
import { hierarchy, lockedCount, moveRole, roleLockReason } from './role-order.js';
import { useRoleAccess } from './use-role-access.js';
import './roles.css';

/**
 * The server's roles, highest first, @everyone last. Roles below the user's highest role can be
 * dragged (pointer, or keyboard from their handle) to change the hierarchy; the whole new order
 * is saved in one call. Roles the user cannot move say why.
 */
export function RoleHierarchy({
  serverId,
  selectedId,
  onSelect,
}: {
  serverId: string;
  selectedId: string | undefined;
  onSelect(roleId: string): void;
}) {
  const roles = useServers((s) => s.details[serverId]?.roles ?? []);
  const access = useRoleAccess(serverId);
  const sensors = useSortableSensors();
  const move = useAction();
  const ordered = hierarchy(roles);
  const everyone = sortRoles(roles).find((r) => r.id === r.server_id);
  const locked = lockedCount(ordered, access.myTop);
  const movable = access.canManageRoles && (access.isOwner || access.myTopRole !== null);
  const nameOf = (id: string) => `role ${roles.find((r) => r.id === id)?.name ?? ''}`;

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = ordered.findIndex((r) => r.id === active.id);
    const to = ordered.findIndex((r) => r.id === over.id);
    const order = moveRole(ordered, access.myTop, from, to);
    if (!order) {
      move.setError(
        `You can only move roles below your highest role${access.myTopRole ? `, ${access.myTopRole.name}` : ''}.`,
      );
      return;
    }
    void move.run(() => stores.channelAdmin.getState().reorderRoles(serverId, order));
  };

  const pill = (role: Role) => {
    const reason = roleLockReason(role, access);
    return (
      <button
        type="button"
        className={`role-pill${role.id === selectedId ? ' active' : ''}`}
        aria-current={role.id === selectedId ? 'true' : undefined}
        onClick={() => onSelect(role.id)}
      >
        <span className="role-swatch" style={{ background: colorToHex(role.color) }} aria-hidden="true" />
        {role.name}
        {reason && (
          <span className="role-lock" title={reason}>
            <Lock aria-hidden="true" size={12} />
            <span className="sr-only"> (locked)</span>
          </span>
        )}
      </button>
    );
  };

  return (
    <>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        accessibility={{
          announcements: sortableAnnouncements(nameOf),
          screenReaderInstructions: sortableInstructions,
        }}
        onDragEnd={onDragEnd}
      >
        <SortableContext items={ordered.map((r) => r.id)} strategy={verticalListSortingStrategy}>
          <ul aria-label="Roles, highest first" className="role-hierarchy">
            {ordered.map((role, index) => (
              <SortableRow
                key={role.id}
                id={role.id}
                label={`Move role ${role.name}`}
                disabled={!movable || index < locked}
                className="role-row"
              >
                {pill(role)}
              </SortableRow>
            ))}
            {everyone && <li className="role-row">{pill(everyone)}</li>}
          </ul>
        </SortableContext>
      </DndContext>
      {movable && <p className="hint">Drag roles to change their rank. Higher roles outrank lower ones.</p>}
      <ActionMessage error={move.error} />
    </>
  );
}
