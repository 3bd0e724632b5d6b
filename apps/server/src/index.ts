export { ConfigError, DEFAULT_PORT, loadServerConfig, type ServerConfig, type VapidKeys } from './config.js';
export { CRONTAB, JOBS } from './jobs/index.js';
export type { PushPayload } from './jobs/send-push.js';
export { localVapidKeys, startLocalServer } from './local.js';
export { type RunningService, type ServiceOptions, startService } from './service.js';
