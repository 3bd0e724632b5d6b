export type { Database, Json } from './database.types.js';
export {
  ALL_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  hasPermission,
  type PermissionName,
  Permissions,
  parsePermissions,
  permissionNames,
  serializePermissions,
} from './permissions/bits.js';
export {
  type ChannelPermissionInput,
  computeBasePermissions,
  computeChannelPermissions,
  type Overwrite,
  permissionsService,
} from './permissions/compute.js';
