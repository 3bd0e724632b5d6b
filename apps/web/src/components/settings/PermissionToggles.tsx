import { type PermissionName, Permissions } from '@harmony/shared';
import {
  availableGroups,
  COMING_LATER,
  canToggleRoleBit,
  permissionLabel,
  toggleBit,
} from '../../lib/permission-editor.js';
import '../../features/roles/roles.css';

/**
 * A role's permissions as grouped checkboxes; bits the user may not grant are disabled. Those of
 * features not built yet sit apart, as coming later: they can be switched off, not on.
 */
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
  const toggle = (name: PermissionName, later = false) => {
    const bit = Permissions[name];
    const on = (mask & bit) === bit;
    const locked = disabled || !canToggleRoleBit(bit, on, mine) || (later && !on);
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
  };
  return (
    <div className="permission-groups">
      {availableGroups().map((group) => (
        <fieldset key={group.id} className={`permission-group ${group.id}`}>
          <legend>{group.label}</legend>
          {group.names.map((name: PermissionName) => toggle(name))}
        </fieldset>
      ))}
      <details className="coming-later">
        <summary>Coming later ({COMING_LATER.size})</summary>
        <p className="hint">
          Harmony does not have these features yet, so these permissions do nothing for now.
        </p>
        {[...COMING_LATER].map((name) => toggle(name, true))}
      </details>
    </div>
  );
}
