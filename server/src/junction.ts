/**
 * Starts the parts of Junction a process runs — API, worker, or both — against one
 * PostgreSQL, and stops them in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeEmailTransports, closeSqlPools, configureOutbound, serverCatalogue } from '@junction/nodes/server';
import { setInstanceTimeZone } from '@junction/nodes';
import { createApp, requestListener, securityOptions } from './api/app.ts';
import { bootstrapFromEnvironment } from './auth/bootstrap.ts';
import { loadKeyring } from './vault/keyring.ts';
import { outboundSettings, sandboxAdminLimits, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { instanceSecret } from './db/queries/instance-secrets.ts';
import { RESUME_SECRET } from './runtime/resume.ts';
import { log } from './log.ts';
import { RUN_CANCEL_CHANNEL, RUN_FINISHED_CHANNEL } from './db/queries/notifications.ts';
import { RunEnqueuer } from './runtime/enqueue.ts';
import { FinishedRuns } from './runtime/finished.ts';
import { Listener } from './db/listener.ts';
import { RunProgress } from './runtime/progress.ts';
import { RUN_PROGRESS_CHANNEL } from './db/queries/notifications.ts';
import { startWorker, type WorkerHandle } from './runtime/worker.ts';
import { variableValues } from './db/queries/variables.ts';
import { VariableCache } from './runtime/variables.ts';
import { Sandbox } from './sandbox/index.ts';
import type { SandboxRuntime } from './runtime/sandbox-scope.ts';

export type Role = 'api' | 'worker' | 'all';

export interface Junction {
  database: Database;
  /** The API's address, when this process serves it. */
  url: string | null;
  worker: WorkerHandle | null;
  /**
   * Stops in order: takes no more work (the HTTP server stops accepting, the worker stops
   * fetching), lets the steps and requests in flight finish for up to
   * JUNCTION_SHUTDOWN_GRACE_MS, hands unfinished runs back, then stops the sandbox
   * processes, closes the pools and stops the embedded PostgreSQL. Calling it again
   * returns the same stop.
   */
  stop(): Promise<void>;
  /** Ends the grace period of a stop under way: steps in flight are cut short now (their runs are handed back all the same). */
  skipGrace(): void;
}

export interface StartOptions {
  /** This process can no longer execute runs (see WorkerOptions.onFatal); main.ts exits. */
  onFatal?(error: Error): void;
}

export async function startJunction(config: Config, role: Role, start: StartOptions = {}): Promise<Junction> {
  setInstanceTimeZone(config.JUNCTION_TIMEZONE);
  // Before anything can connect out: steps run in the worker, credential tests in the API.
  configureOutbound(outboundSettings(config));
  let embedded: EmbeddedDatabase | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir);
    url = embedded.url;
  }
  const database = openDatabase(url, { max: Math.max(8, Math.min(60, config.JUNCTION_WORKER_CONCURRENCY + 6)) });
  const listener = new Listener(url);
  let server: Server | null = null;
  let worker: WorkerHandle | null = null;
  let finished: FinishedRuns | null = null;
  let sandbox: Promise<Sandbox> | null = null;
  const variables = new VariableCache(() => variableValues(database.db));
  // Started with the worker; in an API-only process, at the first expression preview.
  // Refuses to start with an isolated-vm older than 7.0.1 (a known escape).
  const sandboxRuntime = async (): Promise<SandboxRuntime> => {
    sandbox ??= Sandbox.start({
      processes: config.JUNCTION_SANDBOX_PROCESSES,
      isolatesPerProcess: config.JUNCTION_SANDBOX_ISOLATES,
      maxIsolatesPerProcess: config.JUNCTION_SANDBOX_ISOLATES_MAX,
    });
    sandbox.catch(() => (sandbox = null));
    return { sandbox: await sandbox, limits: sandboxAdminLimits(config), variables: (revision) => variables.get(revision) };
  };
  let progress: RunProgress | null = null;

  const grace = new AbortController();
  const stopInOrder = async () => {
    const graceTimer = setTimeout(() => grace.abort(), config.JUNCTION_SHUTDOWN_GRACE_MS);
    // Live run streams end first: they would hold the HTTP server open.
    progress?.close();
    const serverClosed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : null;
    server?.closeIdleConnections();
    // Requests still going (a webhook waiting for its run) get the grace period, then are cut.
    const cutRequests = () => server?.closeAllConnections();
    grace.signal.addEventListener('abort', cutRequests, { once: true });
    await Promise.all([serverClosed, worker?.stop({ grace: grace.signal })]);
    clearTimeout(graceTimer);
    grace.signal.removeEventListener('abort', cutRequests);
    // No step runs any more: the connections nodes keep open to outside systems close.
    await Promise.allSettled([closeSqlPools(), closeEmailTransports()]);
    if (sandbox) await (await sandbox.catch(() => null))?.stop();
    finished?.close();
    await listener.stop();
    await database.close();
    if (embedded) await embedded.stop();
  };
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopInOrder());
  const skipGrace = () => grace.abort();

  try {
    await migrate(database);
    const keyring = await loadKeyring(config);
    const resume = { secret: await instanceSecret(database.pool, RESUME_SECRET), publicUrl: config.publicUrl };
    await listener.start([RUN_FINISHED_CHANNEL, RUN_CANCEL_CHANNEL, ...(role === 'worker' ? [] : [RUN_PROGRESS_CHANNEL])]);
    if (role !== 'worker') {
      finished = new FinishedRuns(listener);
      progress = new RunProgress(listener);
    }
    if (role !== 'api') {
      worker = await startWorker({
        sandbox: await sandboxRuntime(),
        pool: database.pool,
        listener,
        nodes: serverCatalogue,
        concurrency: config.JUNCTION_WORKER_CONCURRENCY,
        heartbeatMs: config.JUNCTION_HEARTBEAT_MS,
        deadAfterMs: config.JUNCTION_DEAD_AFTER_MS,
        stepDataLimit: config.JUNCTION_STEP_DATA_LIMIT,
        localWaiters: finished ?? undefined,
        keyring,
        resume,
        onFatal: start.onFatal,
      });
    }
    let address: string | null = null;
    if (role !== 'worker') {
      await bootstrapFromEnvironment(database.db, config);
      const enqueuer = new RunEnqueuer(database.pool);
      const app = createApp({
        db: database.db,
        pool: database.pool,
        finished: finished!,
        enqueuer,
        bodyLimit: config.JUNCTION_BODY_LIMIT,
        security: securityOptions(config, keyring),
        progress: progress!,
        editorDir: config.editorDir,
        sandbox: sandboxRuntime,
        sandboxLimits: sandboxAdminLimits(config),
        workerHealth: worker ? () => worker!.health() : undefined,
        resume,
      });
      server = createServer(requestListener(app));
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.PORT, config.HOST, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      address = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${port}`;
      log.info(`Junction is serving on ${address}`, { role });
    }
    return { database, url: address, worker, stop, skipGrace };
  } catch (error) {
    await stop().catch((stopError: Error) => log.error('could not stop cleanly after a failed start', { error: stopError.message }));
    throw error;
  }
}
