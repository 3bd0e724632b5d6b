import { type PermissionName, Permissions } from '@harmony/shared';
import {
  canToggleRoleBit,
  PERMISSION_GROUPS,
  permissionLabel,
  toggleBit,
} from '../../lib/permission-editor.js';

/** A role's permissions as grouped checkboxes; bits the user may not grant are disabled. */
export function PermissionToggles({
  mask,
  mine,
  disabled,
  onChange,
}: {
  mask: bigint;
  /** The user's own server permissions (they may only add bits they hold). */
  mine: bigint;
  disabled: boolean;
  onChange(mask: bigint): void;
}) {
  return (
    <div className="permission-groups">
      {PERMISSION_GROUPS.map((group) => (
        <fieldset key={group.id} className={`permission-group ${group.id}`}>
          <legend>{group.label}</legend>
          {group.names.map((name: PermissionName) => {
            const bit = Permissions[name];
            const on = (mask & bit) === bit;
            const locked = disabled || !canToggleRoleBit(bit, on, mine);
            return (
              <label key={name} className="toggle">
                <input
                  type="checkbox"
                  checked={on}
                  disabled={locked}
                  onChange={(e) => onChange(toggleBit(mask, bit, e.target.checked))}
                />
                <span>{permissionLabel(name)}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}
