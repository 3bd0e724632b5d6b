import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * graphile-worker releases the jobs of a worker that died mid-job only after 4 hours. Each
 * replica therefore holds a session advisory lock named after its pool id for as long as its
 * connection lives; a locked job whose pool holds no such lock (its process or connection is
 * gone) is unlocked with graphile_worker.force_unlock_workers and retried, counting as one
 * attempt. Jobs locked in the last few seconds are left alone: a pool takes its lock right
 * after it starts.
 */
const LOCK_NAMESPACE_SQL = `hashtext('harmony_server.worker_pool')`;

/** The session holding this replica's pool lock; taken again on a new connection if that one breaks. */
export class PoolLock {
  private client: pg.PoolClient | null = null;
  private poolId: string | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  async hold(poolId: string): Promise<void> {
    this.poolId = poolId;
    await this.ensure();
  }

  async ensure(): Promise<void> {
    if (this.client || !this.poolId) return;
    const client = await this.pool.connect();
    let lost = false;
    client.on('error', (error) => {
      if (lost) return;
      lost = true;
      this.log.warn({ err: error }, 'worker pool lock connection lost; taking it again');
      if (this.client === client) {
        this.client = null;
        client.release(true);
      }
    });
    try {
      await client.query(`select pg_advisory_lock(${LOCK_NAMESPACE_SQL}, hashtext($1))`, [this.poolId]);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.client = client;
  }

  end(): void {
    this.client?.release(true);
    this.client = null;
  }
}

const RELEASE_ABANDONED_SQL = `
  with abandoned as (
    select distinct j.locked_by as pool_id
      from graphile_worker._private_jobs j
     where j.locked_by is not null
       and j.locked_at < now() - make_interval(secs => $1)
       and not exists (
         select 1 from pg_locks l
          where l.locktype = 'advisory' and l.granted and l.objsubid = 2
            and l.database = (select d.oid from pg_database d where d.datname = current_database())
            and l.classid = ${LOCK_NAMESPACE_SQL}::oid
            and l.objid = hashtext(j.locked_by)::oid)
  )
  select array_agg(pool_id) as pools,
         graphile_worker.force_unlock_workers(array_agg(pool_id)) is null as unlocked
    from abandoned
  having count(*) > 0`;

/** Unlocks the jobs of dead pools; returns their ids. */
export async function releaseAbandonedJobs(
  pool: pg.Pool,
  log: Logger,
  graceSeconds: number,
): Promise<string[]> {
  const { rows } = await pool.query<{ pools: string[] }>(RELEASE_ABANDONED_SQL, [graceSeconds]);
  const pools = rows[0]?.pools ?? [];
  if (pools.length > 0)
    log.warn({ pools }, 'released jobs of worker pools that stopped without finishing them');
  return pools;
}

/** Jobs enqueued before the queue's tables existed (private.enqueue_job) move into the queue. */
export async function drainOutbox(pool: pg.Pool, log: Logger): Promise<number> {
  const { rows } = await pool.query<{ moved: number }>(`
    with moved as (delete from private.job_outbox returning task, payload, job_key)
    select count(graphile_worker.add_job(task, payload::json, job_key => job_key))::integer as moved from moved`);
  const moved = rows[0]?.moved ?? 0;
  if (moved > 0) log.info({ moved }, 'jobs enqueued before the queue existed moved into it');
  return moved;
}
