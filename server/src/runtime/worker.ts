/**
 * A worker process: executes runs from the graphile-worker queue, proves it is alive
 * with a heartbeat, and takes over the runs of worker processes that stopped proving it.
 *
 * graphile-worker on its own keeps a dead worker's job locks for four hours. Here every
 * worker process registers in `worker_processes` with the ids its job locks carry; a
 * process whose heartbeat is older than `deadAfterMs` is removed by whichever live
 * process sweeps first, its job locks are released (`force_unlock_workers`) and its runs'
 * leases become free, so another process resumes them from their last checkpoint.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type pg from 'pg';
import { run as runGraphileWorker, type Runner, type WorkerEvents } from 'graphile-worker';
import type { ServerNode } from '@junction/nodes';
import { graphileLogger, log } from '../log.ts';
import { RUN_CANCEL_CHANNEL, RUN_TASK } from './checkpoint.ts';
import { executeRun, type RuntimeContext } from './execute.ts';
import type { SandboxRuntime } from './sandbox-scope.ts';
import type { Listener } from './listener.ts';
import type { Keyring } from '../vault/keyring.ts';
import { CredentialResolver } from '../vault/resolve.ts';

export interface WorkerOptions {
  pool: pg.Pool;
  listener: Listener;
  nodes: ReadonlyMap<string, ServerNode>;
  sandbox: SandboxRuntime;
  concurrency: number;
  heartbeatMs: number;
  deadAfterMs: number;
  /** Largest JSON one step's record may be (see JUNCTION_STEP_DATA_LIMIT). */
  stepDataLimit: number;
  localWaiters?: RuntimeContext['localWaiters'];
  /** Opens credentials for the steps that use them. */
  keyring: Keyring;
}

export interface WorkerHandle {
  processId: string;
  stop(): Promise<void>;
}

const RunPayload = (payload: unknown): string => {
  const runId = (payload as { runId?: unknown } | null)?.runId;
  if (typeof runId !== 'string') throw new Error(`a run job needs {"runId": "..."}, got ${JSON.stringify(payload)}`);
  return runId;
};

export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const { pool } = options;
  const processId = randomUUID();
  const lockIds = new Set<string>();
  const shutdown = new AbortController();

  const register = () =>
    pool.query(
      `insert into worker_processes (id, lock_ids, hostname, pid) values ($1, $2, $3, $4)
       on conflict (id) do update set heartbeat_at = now(), lock_ids = excluded.lock_ids`,
      [processId, [...lockIds], hostname(), process.pid],
    );
  await register();

  const cancelHandlers = new Map<string, Set<() => void>>();
  const unlistenCancel = options.listener.on(RUN_CANCEL_CHANNEL, (runId) => {
    for (const abort of cancelHandlers.get(runId) ?? []) abort();
  });
  const runtime: RuntimeContext = {
    pool,
    processId,
    nodes: options.nodes,
    sandbox: options.sandbox,
    credentials: new CredentialResolver(pool, options.keyring),
    localWaiters: options.localWaiters,
    stepDataLimit: options.stepDataLimit,
    onCancel(runId, abort) {
      let handlers = cancelHandlers.get(runId);
      if (!handlers) cancelHandlers.set(runId, (handlers = new Set()));
      handlers.add(abort);
      return () => {
        handlers.delete(abort);
        if (handlers.size === 0) cancelHandlers.delete(runId);
      };
    },
  };

  const events: WorkerEvents = new EventEmitter();
  const addLockId = (id: string) => {
    lockIds.add(id);
    register().catch((error: Error) => log.warn('could not record a worker lock id', { error: error.message }));
  };
  events.on('pool:create', ({ workerPool }) => addLockId(workerPool.id));
  events.on('worker:create', ({ worker }) => addLockId(worker.workerId));

  const runner: Runner = await runGraphileWorker({
    pgPool: pool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: graphileLogger,
    events,
    taskList: {
      [RUN_TASK]: (payload) => executeRun(runtime, RunPayload(payload), shutdown.signal),
    },
    preset: {
      worker: {
        localQueue: { size: options.concurrency },
        completeJobBatchDelay: 2,
        failJobBatchDelay: 2,
      },
    },
  });

  const heartbeat = setInterval(() => {
    pool
      .query('update worker_processes set heartbeat_at = now() where id = $1', [processId])
      .then(async (result) => {
        if (result.rowCount === 0 && !shutdown.signal.aborted) {
          // We were presumed dead (a long pause?): our runs may have moved on; come back.
          log.warn('this worker was presumed dead by another; registering again', { processId });
          await register();
        }
      })
      .catch((error: Error) => log.warn('heartbeat failed', { error: error.message }));
  }, options.heartbeatMs);

  const sweep = setInterval(() => {
    sweepDeadWorkers(pool, options.deadAfterMs).catch((error: Error) => log.warn('sweep for dead workers failed', { error: error.message }));
  }, Math.max(250, Math.floor(options.deadAfterMs / 3)));

  log.info('worker started', { processId, concurrency: options.concurrency });

  return {
    processId,
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweep);
      shutdown.abort();
      await runner.stop();
      unlistenCancel();
      // Our runs were handed back; our locks go with us.
      await pool.query('delete from worker_processes where id = $1', [processId]);
      if (lockIds.size > 0) await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [[...lockIds]]);
      log.info('worker stopped', { processId });
    },
  };
}

/**
 * Removes worker processes whose heartbeat is older than `deadAfterMs` and releases the
 * job locks no live process owns (also covers a process that died before registering
 * its lock ids). Safe to run from many processes at once.
 */
export async function sweepDeadWorkers(pool: pg.Pool, deadAfterMs: number): Promise<{ dead: string[]; unlocked: string[] }> {
  const result = await pool.query<{ dead: string[] | null; orphans: string[] | null }>(
    `with dead as (
       delete from worker_processes where heartbeat_at < now() - make_interval(secs => $1::float8 / 1000)
       returning id
     ), orphans as (
       select distinct j.locked_by from graphile_worker.jobs j
       where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1::float8 / 1000)
         and not exists (
           select 1 from worker_processes w
           where j.locked_by = any(w.lock_ids) and w.id not in (select id from dead))
     )
     select (select array_agg(id) from dead) as dead, (select array_agg(locked_by) from orphans) as orphans`,
    [deadAfterMs],
  );
  const dead = result.rows[0]?.dead ?? [];
  const unlocked = result.rows[0]?.orphans ?? [];
  if (unlocked.length > 0) await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [unlocked]);
  if (dead.length > 0 || unlocked.length > 0) log.warn('took over from dead workers', { dead, unlocked });
  return { dead, unlocked };
}
