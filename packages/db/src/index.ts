export { type DbConfig, DEFAULT_PORT, loadConfig, repoRoot } from './config.js';
export { collectMigrationFiles, type MigrationFile, schemaFingerprint } from './migrate/files.js';
export { recreateDatabase } from './migrate/reset.js';
export { LOCK_ROLE_CATALOGS, type MigrateResult, MigrationError, migrate } from './migrate/runner.js';
export { splitSql } from './migrate/split-sql.js';
export {
  assertPortFree,
  connectionUrl,
  freePort,
  handleSignalsYourself,
  LOCAL_PASSWORD,
  POSTGRES_MAJOR,
  PostgresLaunchError,
  type RunningPostgres,
  runningPort,
  SUPERUSER,
  socketConnectionUrl,
  startPostgres,
} from './postgres.js';
