/**
 * Worker processes and what the live ones owe the dead: registration and heartbeats,
 * taking over the job locks of processes that stopped proving they are alive, and the
 * invariant that every unfinished run has a job to bring it back.
 */
import type pg from 'pg';
import { RUN_TASK } from './jobs.ts';

export interface WorkerRegistration {
  id: string;
  lockIds: string[];
  hostname: string;
  pid: number;
  machine: string | null;
  processStart: string | null;
}

/** Registers the process, or refreshes its heartbeat and lock ids. */
export async function registerWorker(pool: pg.Pool, worker: WorkerRegistration): Promise<void> {
  await pool.query(
    `insert into worker_processes (id, lock_ids, hostname, pid, machine, process_start) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do update set heartbeat_at = now(), lock_ids = excluded.lock_ids`,
    [worker.id, worker.lockIds, worker.hostname, worker.pid, worker.machine, worker.processStart],
  );
}

/** Proves the process alive; false when it was presumed dead and removed meanwhile. */
export async function heartbeat(pool: pg.Pool, id: string): Promise<boolean> {
  const result = await pool.query('update worker_processes set heartbeat_at = now() where id = $1', [id]);
  return result.rowCount === 1;
}

export async function unregisterWorker(pool: pg.Pool, id: string): Promise<void> {
  await pool.query('delete from worker_processes where id = $1', [id]);
}

/** Frees the jobs locked by these graphile-worker pools and workers, for any process to take. */
export async function forceUnlock(pool: pg.Pool, lockIds: string[]): Promise<void> {
  if (lockIds.length > 0) await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [lockIds]);
}

/** Jobs locked by these pools for longer than `olderThanMs`. */
export async function jobsLockedBy(pool: pg.Pool, lockIds: string[], olderThanMs: number): Promise<string[]> {
  if (lockIds.length === 0) return [];
  const result = await pool.query<{ id: string }>(
    `select id::text from graphile_worker.jobs where locked_by = any($1::text[]) and locked_at < now() - make_interval(secs => $2::float8 / 1000)`,
    [lockIds, olderThanMs],
  );
  return result.rows.map((row) => row.id);
}

/**
 * Unlocks these jobs if these pools still hold them. graphile-worker offers this only for
 * whole pools (force_unlock_workers), which would take the pool's running jobs too.
 */
export async function unlockJobs(pool: pg.Pool, jobIds: string[], lockIds: string[]): Promise<void> {
  await pool.query(
    `update graphile_worker._private_jobs set locked_by = null, locked_at = null
     where id = any($1::bigint[]) and locked_by = any($2::text[])`,
    [jobIds, lockIds],
  );
}

export interface SameMachineWorker {
  id: string;
  pid: number;
  machine: string;
  start: string;
}

/** The other processes registered from this machine (whose pids this process can check). */
export async function workersOnMachine(pool: pg.Pool, machine: string, self: string): Promise<SameMachineWorker[]> {
  const result = await pool.query<SameMachineWorker>(
    `select id, pid, machine, process_start as start from worker_processes
     where machine = $1 and id <> $2 and process_start is not null`,
    [machine, self],
  );
  return result.rows;
}

export interface SweepOptions {
  /** This process: never swept by itself. */
  self: string;
  /** Processes known to be gone (their pid no longer runs): removed whatever their heartbeat. */
  gone: string[];
  /** Remove processes whose heartbeat is older than this; null: only those known gone. */
  deadAfterMs: number | null;
}

/**
 * Removes dead worker processes and releases the job locks no live process owns (also
 * covers a process that died before registering its lock ids). Safe to run from many
 * processes at once.
 */
export async function sweepDeadWorkers(pool: pg.Pool, options: SweepOptions): Promise<{ dead: string[]; unlocked: string[] }> {
  const result = await pool.query<{ dead: string[] | null; orphans: string[] | null }>(
    `with dead as (
       delete from worker_processes
       where id <> $1 and (id = any($2::text[])
         or ($3::float8 is not null and heartbeat_at < now() - make_interval(secs => $3::float8 / 1000)))
       returning id, lock_ids
     ), orphans as (
       select distinct j.locked_by from graphile_worker.jobs j
       where j.locked_by is not null
         and (j.locked_by in (select unnest(lock_ids) from dead)
           or ($3::float8 is not null and j.locked_at < now() - make_interval(secs => $3::float8 / 1000)))
         and not exists (
           select 1 from worker_processes w
           where j.locked_by = any(w.lock_ids) and w.id not in (select id from dead))
     )
     select (select array_agg(id) from dead) as dead, (select array_agg(locked_by) from orphans) as orphans`,
    [options.self, options.gone, options.deadAfterMs],
  );
  const dead = result.rows[0]?.dead ?? [];
  const unlocked = result.rows[0]?.orphans ?? [];
  await forceUnlock(pool, unlocked);
  return { dead, unlocked };
}

/** Gives up leases this process holds on runs it no longer executes (its execution failed). */
export async function releaseLeases(pool: pg.Pool, runIds: string[], owner: string): Promise<void> {
  await pool.query('update runs set lease_owner = null where id = any($1::uuid[]) and lease_owner = $2', [runIds, owner]);
}

/** The job key of a run: at most one job waits for each run. */
export const runJobKey = (runId: string) => `${RUN_TASK}:${runId}`;

/** How many unfinished runs one sweep looks at: the check's cost stays flat however many runs wait. */
const SWEEP_BATCH = 2000;

/**
 * Every unfinished run must have a job that brings it back, unless a live worker process
 * holds it. One that has none (its job was lost, or used up its attempts while the
 * database was away) gets one here. Each call looks at the next `SWEEP_BATCH` unfinished
 * runs after `afterSeq` (0 to start over): thousands of waiting runs are gone through a
 * batch a sweep. Returns the runs that got a job, and where to go on from.
 */
export async function giveJobsToUnfinishedRuns(pool: pg.Pool, afterSeq = 0): Promise<{ stranded: string[]; nextSeq: number }> {
  const result = await pool.query<{ id: string | null; last_seq: string | null }>(
    `with batch as (
       select r.id, r.seq, r.lease_owner from runs r
       where r.status in ('queued', 'running', 'waiting') and r.seq > $1
       order by r.seq limit ${SWEEP_BATCH}
     ), added as (
       select j.payload->>'runId' as id from graphile_worker.add_jobs(array(
         select row('${RUN_TASK}', json_build_object('runId', b.id), null, null, 25, '${RUN_TASK}:' || b.id, null, null)::graphile_worker.job_spec
         from batch b
         where (b.lease_owner is null or not exists (select 1 from worker_processes w where w.id = b.lease_owner))
           and not exists (
             select 1 from graphile_worker.jobs j
             where j.key = '${RUN_TASK}:' || b.id and j.attempts < j.max_attempts))) j
     )
     select a.id, (select case when count(*) < ${SWEEP_BATCH} then null else max(seq)::text end from batch) as last_seq
     from (select id from added union all select null where not exists (select 1 from added)) a`,
    [afterSeq],
  );
  const lastSeq = result.rows[0]?.last_seq;
  return { stranded: result.rows.flatMap((row) => (row.id ? [row.id] : [])), nextSeq: lastSeq ? Number(lastSeq) : 0 };
}

/** How many Junction processes (API or worker) are serving on this database: each holds a listening connection named junction-listener. */
export async function servingProcesses(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ serving: number }>(
    `select count(*)::int as serving from pg_stat_activity where datname = current_database() and application_name = 'junction-listener'`,
  );
  return rows[0]?.serving ?? 0;
}
