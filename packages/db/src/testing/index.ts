export { createTestDatabase, type Session, TestDatabase } from './database.js';
export { buildTemplate, type TestCluster } from './global-setup.js';
export { type JwtClaims, REQUEST_SETTINGS_SQL, type Requester, requestSettings } from './requester.js';
