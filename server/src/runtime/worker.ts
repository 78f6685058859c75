/**
 * A worker process: executes runs from the graphile-worker queue, proves it is alive
 * with a heartbeat, and takes over the runs of worker processes that stopped proving it.
 *
 * - graphile-worker on its own keeps a dead worker's job locks for four hours. Here every
 *   worker process registers in `worker_processes` with the pool ids its job locks carry;
 *   one whose heartbeat is older than `deadAfterMs` — or that is certainly gone, its pid no
 *   longer running on this machine — is removed by whichever live process sweeps first,
 *   its job locks are released, and its runs' leases become free, so another process
 *   resumes them from their last checkpoint.
 * - The job runner can stop on its own (a database restart under load used to do that);
 *   then a new one is started, and the old one's jobs are released once it has let go.
 * - Every unfinished run has a job, or a live process holding it: each sweep gives a job
 *   to a run that has neither (its job was lost, or used up its attempts).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { run as runGraphileWorker, type Runner, type WorkerEvents } from 'graphile-worker';
import type { ServerNode } from '@junction/nodes';
import { graphileLogger, log } from '../log.ts';
import { ping } from '../db/client.ts';
import {
  forceUnlock,
  giveJobsToUnfinishedRuns,
  heartbeat,
  jobsLockedBy,
  registerWorker,
  releaseLeases,
  sweepDeadWorkers,
  unlockJobs,
  unregisterWorker,
  workersOnMachine,
} from '../db/queries/workers.ts';
import { RUN_TASK } from '../db/queries/jobs.ts';
import { TRIGGER_TASK, type TriggerJob } from '../db/queries/triggers.ts';
import { fireTimer } from './timers.ts';
import { RUN_CANCEL_CHANNEL } from '../db/queries/notifications.ts';
import { executeRun, type RuntimeContext } from './execute.ts';
import { isGone, ownIdentity } from './process-identity.ts';
import type { SandboxRuntime } from './sandbox-scope.ts';
import type { ResumeLinks } from './resume.ts';
import type { Listener } from '../db/listener.ts';
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
  /** Signs waiting steps' resume URLs. */
  resume?: ResumeLinks;
  /**
   * The job runner cannot be started again although the database answers: this process
   * can execute nothing, and must go (main.ts exits) so that others take its runs over.
   */
  onFatal?(error: Error): void;
  /** Observers of the job runner's events (graphile-worker's `pool:create`, `job:start`, ...): metrics, tests. */
  events?: WorkerEvents;
}

/** What `/api/health` tells of a worker. */
export interface WorkerHealth {
  /** `restarting`: the job runner stopped and a new one is being started. */
  state: 'running' | 'restarting' | 'stopping';
  since: string;
  /** Times the job runner had to be started again since the process started. */
  restarts: number;
  /** Why it last stopped, when it did. */
  lastError?: string;
  runsInFlight: number;
}

export interface WorkerHandle {
  processId: string;
  health(): WorkerHealth;
  /**
   * Takes no more work, lets the steps in flight finish until `grace` aborts (without it,
   * cuts them short at once), hands every run back at its last checkpoint and
   * unregisters. Calling it again returns the same stop.
   */
  stop(options?: { grace?: AbortSignal }): Promise<void>;
}

interface RunnerHandle {
  runner: Runner;
  poolId: string;
  /** It stopped on its own and a new one was asked for. */
  down: boolean;
}

const RunPayload = (payload: unknown): string => {
  const runId = (payload as { runId?: unknown } | null)?.runId;
  if (typeof runId !== 'string') throw new Error(`a run job needs {"runId": "..."}, got ${JSON.stringify(payload)}`);
  return runId;
};

/** How often (and after how long) jobs locked for this process that never reached it are looked for. */
const LOST_LOCK_CHECK_MS = 10_000;
/** Starting the job runner again failing this many times in a row while the database answers is fatal. */
const MAX_FAILED_STARTS = 5;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const { pool } = options;
  const processId = randomUUID();
  const identity = ownIdentity();
  /** The job-runner pools whose locks this process holds (jobs are locked by pool id). */
  const lockIds = new Set<string>();
  /** Asked to stop: it takes no new work, and its runs hand themselves back once their steps in flight have finished. */
  const stopping = new AbortController();
  /** The grace period is over: steps in flight are cut short, and their runs handed back at once. */
  const shutdown = new AbortController();

  const register = () =>
    registerWorker(pool, {
      id: processId,
      lockIds: [...lockIds],
      hostname: hostname(),
      pid: process.pid,
      machine: identity?.machine ?? null,
      processStart: identity?.start ?? null,
    });
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
    resume: options.resume,
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

  // One execution of a run at a time in this process: a second job of the same run (left
  // by a job runner that was replaced, or added by the sweep) waits for the first to end.
  const executions = new Map<string, Promise<void>>();
  // Runs whose execution failed (the database went away mid-way) may still name this
  // process as their lease owner: given up as soon as the database answers, so that the
  // run's job, or the sweep, brings it back to whichever process is free.
  const leasesToRelease = new Set<string>();
  const executeJob = async (payload: unknown) => {
    const runId = RunPayload(payload);
    for (let running = executions.get(runId); running; running = executions.get(runId)) await running.catch(() => undefined);
    const execution = executeRun(runtime, runId, shutdown.signal, stopping.signal);
    executions.set(runId, execution);
    leasesToRelease.delete(runId);
    try {
      await execution;
    } catch (error) {
      leasesToRelease.add(runId);
      throw error;
    } finally {
      executions.delete(runId);
    }
  };
  const releaseFailedLeases = async () => {
    const idle = [...leasesToRelease].filter((runId) => !executions.has(runId));
    if (idle.length === 0) return;
    await releaseLeases(pool, idle, processId);
    for (const runId of idle) leasesToRelease.delete(runId);
  };

  const events: WorkerEvents = new EventEmitter();
  if (options.events) {
    // Observers hear everything; this worker's own listeners stay on its own emitter.
    const observer = options.events as EventEmitter;
    const emit = events.emit.bind(events) as EventEmitter['emit'];
    (events as EventEmitter).emit = (name, ...args) => {
      observer.emit(name, ...args);
      return emit(name, ...args);
    };
  }
  let createdPool: string | null = null;
  events.on('pool:create', ({ workerPool }) => {
    createdPool = workerPool.id;
    lockIds.add(workerPool.id);
    register().catch((error: Error) => log.warn('could not record a worker lock id', { error: error.message }));
  });

  // Jobs this process's runners received. A job locked by one of our pools that never
  // arrived is one whose fetch committed while its answer was lost (the connection cut
  // between PostgreSQL's commit and our reading it): nobody would run it for four hours.
  const received = new Map<string, number>();
  events.on('localQueue:getJobs:complete', ({ jobs }) => {
    for (const job of jobs) received.set(job.id, Date.now());
  });
  events.on('job:complete', ({ job }) => received.delete(job.id));
  events.on('localQueue:returnJobs', ({ jobs }) => {
    for (const job of jobs) received.delete(job.id);
  });
  let lostLocksCheckedAt = 0;
  const releaseLostLocks = async () => {
    if (Date.now() - lostLocksCheckedAt < LOST_LOCK_CHECK_MS) return;
    lostLocksCheckedAt = Date.now();
    for (const [id, at] of received) if (at < Date.now() - 3_600_000) received.delete(id);
    const locks = [...lockIds];
    const lost = (await jobsLockedBy(pool, locks, LOST_LOCK_CHECK_MS)).filter((id) => !received.has(id));
    if (lost.length === 0) return;
    await unlockJobs(pool, lost, locks);
    log.warn('released jobs locked for this worker whose fetch never reached it (connection cut)', { jobs: lost.length });
  };

  let current: RunnerHandle | null = null;
  let health: Omit<WorkerHealth, 'runsInFlight'> = { state: 'running', since: new Date().toISOString(), restarts: 0 };

  const startRunner = async (): Promise<RunnerHandle> => {
    createdPool = null;
    const runner = await runGraphileWorker({
      pgPool: pool,
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: graphileLogger,
      events,
      taskList: {
        [RUN_TASK]: executeJob,
        [TRIGGER_TASK]: (payload) => fireTimer({ ...runtime, signal: shutdown.signal }, payload as TriggerJob),
      },
      preset: {
        worker: {
          localQueue: { size: options.concurrency },
          completeJobBatchDelay: 2,
          failJobBatchDelay: 2,
        },
      },
    });
    const handle: RunnerHandle = { runner, poolId: createdPool ?? '', down: false };
    // Since graphile-worker 0.17 the promise resolves, not rejects, when the pool stops on
    // an error: any end that this process did not ask for is a runner gone down.
    runner.promise.then(
      () => void replaceRunner(handle, 'the job runner stopped'),
      (error: unknown) => void replaceRunner(handle, message(error)),
    );
    return handle;
  };

  // The pool announces that it is stopping before its jobs in flight have ended (which
  // may take a while): a new runner starts at once rather than after them.
  events.on('pool:gracefulShutdown', ({ workerPool, message: reason }) => {
    if (current && workerPool.id === current.poolId) void replaceRunner(current, reason);
  });

  const replaceRunner = async (dead: RunnerHandle, reason: string) => {
    if (dead.down || stopping.signal.aborted || dead !== current) return;
    dead.down = true;
    health = { state: 'restarting', since: new Date().toISOString(), restarts: health.restarts + 1, lastError: reason };
    log.error('the job runner stopped; starting a new one', { reason });
    // What the old runner still holds once it has let go (jobs it could not complete or
    // return while the database was away) is released for any process to take.
    void dead.runner.promise.catch(() => undefined).then(() => releaseLocksOf(dead.poolId));
    let failedStarts = 0;
    for (let attempt = 0; !stopping.signal.aborted; attempt++) {
      if (attempt > 0) await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)), undefined, { signal: stopping.signal }).catch(() => undefined);
      if (stopping.signal.aborted) return;
      try {
        current = await startRunner();
        health = { ...health, state: 'running', since: new Date().toISOString() };
        log.warn('the job runner is running again', { restarts: health.restarts });
        return;
      } catch (error) {
        // A database that does not answer is an outage to ride out; one that answers
        // while the runner still cannot start will not get better by waiting.
        const databaseAnswers = await ping(pool).then(() => true, () => false);
        failedStarts = databaseAnswers ? failedStarts + 1 : 0;
        log.warn('could not start the job runner; trying again', { error: message(error), databaseAnswers });
        if (failedStarts >= MAX_FAILED_STARTS) {
          const fatal = new Error(`the job runner could not be started ${failedStarts} times in a row: ${message(error)}`, { cause: error });
          // This process executes nothing any more: it stops claiming to be alive, so the
          // others take its runs over, and is told to go.
          clearInterval(heartbeats);
          clearInterval(sweeps);
          await unregisterWorker(pool, processId).catch(() => undefined /* others find it silent instead */);
          if (options.onFatal) options.onFatal(fatal);
          else log.error(fatal.message);
          return;
        }
      }
    }
  };

  const releaseLocksOf = async (poolId: string) => {
    for (let attempt = 0; !shutdown.signal.aborted; attempt++) {
      try {
        await forceUnlock(pool, [poolId]);
        lockIds.delete(poolId);
        await register();
        return;
      } catch (error) {
        log.debug('could not release a stopped job runner\'s jobs yet', { error: message(error) });
        await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  };

  current = await startRunner();

  // Heartbeats measure how long this process has been in touch with the database: one
  // just back from an outage does not take the others' runs before they can be back too.
  let inTouchSince: number | null = Date.now();
  const beat = async () => {
    try {
      if (!(await heartbeat(pool, processId)) && !shutdown.signal.aborted) {
        // We were presumed dead (a long pause?): our runs may have moved on; come back.
        log.warn('this worker was presumed dead by another; registering again', { processId });
        await register();
      }
      inTouchSince ??= Date.now();
      await releaseFailedLeases();
    } catch (error) {
      inTouchSince = null;
      log.warn('heartbeat failed', { error: message(error) });
    }
  };
  const heartbeats = setInterval(() => void beat(), options.heartbeatMs);

  const sweep = async () => {
    const gone = identity
      ? (await workersOnMachine(pool, identity.machine, processId)).filter((other) => isGone(other, identity)).map((other) => other.id)
      : [];
    const byHeartbeat = inTouchSince !== null && Date.now() - inTouchSince >= options.deadAfterMs;
    const { dead, unlocked } = await sweepDeadWorkers(pool, { self: processId, gone, deadAfterMs: byHeartbeat ? options.deadAfterMs : null });
    if (dead.length > 0 || unlocked.length > 0) log.warn('took over from dead workers', { dead, unlocked, certain: gone });
    await releaseLostLocks();
    const { stranded, nextSeq } = await giveJobsToUnfinishedRuns(pool, sweptUpTo);
    sweptUpTo = nextSeq;
    if (stranded.length > 0) log.warn('gave a job to unfinished runs that had none', { runs: stranded.length, first: stranded[0] });
  };
  let sweeping: Promise<void> | null = null;
  /** Where the check for runs without a job goes on from (it looks at a batch a sweep). */
  let sweptUpTo = 0;
  const sweepOnce = () => {
    sweeping ??= sweep()
      .catch((error: unknown) => log.warn('sweep for dead workers failed', { error: message(error) }))
      .finally(() => (sweeping = null));
    return sweeping;
  };
  // At once: a worker started in place of one that was killed takes its runs over now.
  void sweepOnce();
  const sweeps = setInterval(() => void sweepOnce(), Math.max(250, Math.min(1000, Math.floor(options.deadAfterMs / 3))));

  const stopWorker = async (grace: AbortSignal | undefined) => {
    // Taking no more work: the sweeps (which take runs over from dead workers) end, and
    // the job runner fetches nothing more; heartbeats go on while steps finish, or the
    // others would take this process's runs over under it.
    clearInterval(sweeps);
    health = { ...health, state: 'stopping', since: new Date().toISOString() };
    stopping.abort();
    const cutShort = () => shutdown.abort();
    if (!grace || grace.aborted) cutShort();
    else grace.addEventListener('abort', cutShort, { once: true });
    const runner = current;
    current = null;
    // A runner that stopped on its own has nothing left to stop. Stopping it waits for the
    // jobs in flight: each hands its run back once its steps in flight are done (or cut short).
    if (runner && !runner.down) await runner.runner.stop().catch((error: unknown) => log.warn('stopping the job runner failed', { error: message(error) }));
    await Promise.allSettled([...executions.values()]);
    grace?.removeEventListener('abort', cutShort);
    shutdown.abort();
    clearInterval(heartbeats);
    await sweeping;
    unlistenCancel();
    try {
      await releaseFailedLeases();
      // Our runs were handed back; our locks go with us.
      await unregisterWorker(pool, processId);
      await forceUnlock(pool, [...lockIds]);
    } catch (error) {
      log.warn(`could not hand back this worker's runs; other workers take them over within ${options.deadAfterMs} ms`, { error: message(error) });
      return;
    }
    log.info('worker stopped', { processId });
  };
  let stopped: Promise<void> | null = null;

  log.info('worker started', { processId, concurrency: options.concurrency });

  return {
    processId,
    health: () => ({ ...health, runsInFlight: executions.size }),
    stop({ grace } = {}) {
      stopped ??= stopWorker(grace);
      return stopped;
    },
  };
}
