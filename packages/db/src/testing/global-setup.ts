import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { collectMigrationFiles, schemaFingerprint } from '../migrate/files.js';
import { migrate } from '../migrate/runner.js';
import { connectionUrl, freePort, startPostgres } from '../postgres.js';

export interface TestCluster {
  port: number;
  /** Database holding the fully migrated schema, cloned for each test file. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    harmonyPostgres: TestCluster;
  }
}

/**
 * One throwaway cluster per test run: migrated once into a template database, then
 * cloned per test file (a file copy, far faster than migrating again).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'harmony-test-pg-'));
  const server = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
  try {
    const template = await buildTemplate(server.port, loadConfig().schemaDir);
    project.provide('harmonyPostgres', { port: server.port, template });
  } catch (error) {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

export async function buildTemplate(port: number, schemaDir: string): Promise<string> {
  const name = `harmony_template_${schemaFingerprint(collectMigrationFiles(schemaDir))}`;
  const admin = new pg.Client({ connectionString: connectionUrl(port) });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: connectionUrl(port, name) });
  await client.connect();
  try {
    await migrate(client, schemaDir);
  } finally {
    await client.end();
  }
  return name;
}
