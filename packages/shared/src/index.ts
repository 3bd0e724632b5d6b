export type { Database, Json } from './database.types.js';
export { type MentionNames, mentionsToPlainText } from './notifications/mentions.js';
export { isQuietTime, type QuietHours } from './notifications/quiet-hours.js';
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
  threadPermissions,
} from './permissions/compute.js';
