import { defineConfig } from 'drizzle-kit';

/**
 * drizzle-kit introspection of the tables apps/server reads or writes (scripts/schema.ts runs it
 * against a freshly migrated database; `pnpm db:server-schema`).
 */
export const SERVER_TABLES = [
  'notifications',
  'push_subscriptions',
  'push_deliveries',
  'profiles',
  'user_settings',
  'server_notification_settings',
  'channels',
  'servers',
  'messages',
];

export default defineConfig({
  dialect: 'postgresql',
  out: process.env.DRIZZLE_OUT ?? 'drizzle',
  schemaFilter: ['public', 'private'],
  tablesFilter: SERVER_TABLES,
  dbCredentials: { url: process.env.DRIZZLE_DATABASE_URL ?? '' },
});
