import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  type LogLevel,
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import { drainOutbox, PoolLock, releaseAbandonedJobs } from './liveness.js';

export interface QueueOptions {
  pool: pg.Pool;
  log: Logger;
  tasks: TaskList;
  crontab: string;
  concurrency: number;
  /** How often this replica looks for jobs of dead pools. */
  sweepIntervalMs: number;
  /** A job locked this recently is never treated as abandoned. */
  abandonedAfterSeconds: number;
}

export interface Queue {
  runner: Runner;
  poolId: string;
  /** Releases dead pools' jobs and moves outbox jobs into the queue now (also done periodically). */
  sweep(): Promise<void>;
  /** Stops taking jobs, lets running ones finish (then aborts and releases them), disconnects. */
  stop(): Promise<void>;
}

const LEVELS: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
};

function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    log[LEVELS[level]](
      { scope: { label: scope.label, workerId: scope.workerId, jobId: scope.jobId }, ...meta },
      message,
    );
  });
}

/** Log lines for what happens to jobs; a job out of attempts is the dead letter. */
function logJobEvents(events: WorkerEvents, log: Logger): void {
  events.on('job:error', ({ job, error }) => {
    // The last attempt is reported by job:failed.
    if (job.attempts >= job.max_attempts) return;
    log.warn(
      {
        job: job.task_identifier,
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        err: error,
        retryAt: job.run_at,
      },
      'job failed; will retry',
    );
  });
  events.on('job:failed', ({ job, error }) => {
    log.error(
      {
        job: job.task_identifier,
        jobId: job.id,
        attempts: job.attempts,
        payload: job.payload,
        err: error,
        deadLetter: true,
      },
      'job failed permanently (dead letter: kept in graphile_worker.jobs with attempts = max_attempts)',
    );
  });
}

export async function startQueue(options: QueueOptions): Promise<Queue> {
  const { pool, log } = options;
  const events: WorkerEvents = new EventEmitter();
  logJobEvents(events, log);
  let poolId: string | undefined;
  let locked: Promise<void> = Promise.resolve();
  const lock = new PoolLock(pool, log);
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
    locked = lock.hold(workerPool.id);
  });
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      taskList: options.tasks,
      crontab: options.crontab,
      concurrency: options.concurrency,
      noHandleSignals: true,
      logger: graphileLogger(log),
      events,
      schema: 'graphile_worker',
    });
    await locked;
  } catch (error) {
    lock.end();
    throw error;
  }
  if (!poolId) throw new Error('graphile-worker started no worker pool');
  const sweep = async () => {
    await lock.ensure();
    await releaseAbandonedJobs(pool, log, options.abandonedAfterSeconds);
    await drainOutbox(pool, log);
  };
  await sweep();
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.warn({ err: error }, 'queue sweep failed'));
  }, options.sweepIntervalMs);
  timer.unref();
  log.info({ poolId, concurrency: options.concurrency }, 'job queue started');
  return {
    runner,
    poolId,
    sweep,
    async stop() {
      clearInterval(timer);
      try {
        await runner.stop();
      } finally {
        // Ending the session drops the pool lock only after its jobs are finished or released.
        lock.end();
      }
    },
  };
}
