import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, PostgresLaunchError, runningPort, startPostgres } from '../src/postgres.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'harmony-launcher-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL launcher', () => {
  it('creates a PostgreSQL 17 cluster with logical WAL, then reopens it with its data', async () => {
    const dataDir = join(tempDir(), 'pg');
    const first = await startPostgres({ dataDir, port: await freePort() });
    expect(first.created).toBe(true);
    expect(String(await scalar(first.url(), 'show server_version'))).toMatch(/^17\./);
    expect(await scalar(first.url(), 'show wal_level')).toBe('logical');
    await scalar(first.url(), 'create table kept as select $$still here$$ as v');
    expect(runningPort(dataDir)).toBe(first.port);
    await first.stop();
    expect(runningPort(dataDir)).toBeUndefined();

    const second = await startPostgres({ dataDir, port: await freePort() });
    try {
      expect(second.created).toBe(false);
      expect(await scalar(second.url(), 'select v from kept')).toBe('still here');
    } finally {
      await second.stop();
    }
  });

  it('says clearly when the port is taken', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const attempt = startPostgres({ dataDir: join(tempDir(), 'pg'), port });
      await expect(attempt).rejects.toThrow(PostgresLaunchError);
      await expect(attempt).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a data directory made by another PostgreSQL major version', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'PG_VERSION'), '15\n');
    await expect(startPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      /holds a PostgreSQL 15 cluster but Harmony runs PostgreSQL 17/,
    );
  });

  it('refuses a non-empty directory that is not a data directory', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'photos'));
    await expect(startPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      /not a PostgreSQL data directory/,
    );
  });

  it('`start` migrates, serves, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'pg');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HARMONY_PG_DATA: dataDir, HARMONY_PG_PORT: String(port), DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await expect.poll(() => output, { timeout: 45_000, interval: 200 }).toContain('Ctrl-C stops it.');
    expect(output).toContain(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`);
    expect(
      await scalar(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, 'select current_user'),
    ).toBe('postgres');

    child.kill('SIGTERM');
    // A requested stop is a clean exit.
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: stopping PostgreSQL');
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });
});
