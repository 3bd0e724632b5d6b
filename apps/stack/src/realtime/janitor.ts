import type pg from 'pg';
import type { Logger } from 'pino';
import { int } from './limits.js';

/**
 * Realtime's janitor, for realtime.messages: Supabase keeps the table partitioned by day and,
 * every JANITOR_SCHEDULE_TIMER_IN_MS (4 h; first run JANITOR_RUN_AFTER_IN_MS = 10 min after
 * start), drops every daily partition older than the day 72 hours ago. The platform table is
 * not partitioned, so the same rows (inserted before midnight of that day) are deleted in
 * batches instead of dropping partitions.
 */
export const RETENTION_HOURS = 72;
const BATCH_ROWS = 5_000;

const DELETE_BATCH_SQL = `
  with old as (
    select ctid from realtime.messages
     where inserted_at < date_trunc('day', localtimestamp - make_interval(hours => $1))
     limit $2
  )
  delete from realtime.messages m using old where m.ctid = old.ctid`;

export class MessagesJanitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly firstRunMs: number;
  private readonly intervalMs: number;

  constructor(
    private readonly admin: pg.Pool,
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.firstRunMs = int(env.JANITOR_RUN_AFTER_IN_MS, 10 * 60_000);
    this.intervalMs = int(env.JANITOR_SCHEDULE_TIMER_IN_MS, 4 * 60 * 60_000);
  }

  start(): void {
    if (!this.timer) this.schedule(this.firstRunMs);
  }

  stop(): Promise<unknown> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }

  /** Deletes the expired rows now; resolves with how many went. */
  run(): Promise<number> {
    this.running ??= this.deleteOld().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.run()
        .catch((error: unknown) =>
          this.log.warn({ err: error }, 'realtime: janitor could not delete old messages'),
        )
        .finally(() => {
          if (this.timer) this.schedule(this.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }

  private async deleteOld(): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.admin.query(DELETE_BATCH_SQL, [RETENTION_HOURS, BATCH_ROWS]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < BATCH_ROWS) return total;
    }
  }
}
