/**
 * A Junction in the test's own process, on the test file's own database: the API app
 * (called with `app.request`, no socket) and, unless asked not to, a worker.
 */
import { serverCatalogue } from '@junction/nodes/server';
import type { ServerNode } from '@junction/nodes';
import { createApp } from '../api/app.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing/database.ts';
import { RUN_CANCEL_CHANNEL, RUN_FINISHED_CHANNEL } from '../runtime/checkpoint.ts';
import { RunEnqueuer } from '../runtime/enqueue.ts';
import { FinishedRuns } from '../runtime/finished.ts';
import { Listener } from '../runtime/listener.ts';
import { RUN_PROGRESS_CHANNEL, RunProgress } from '../runtime/progress.ts';
import { startWorker, type WorkerHandle } from '../runtime/worker.ts';
import { FINISHED_RUN_STATUSES } from '../db/schema.ts';
import { setLogLevel } from '../log.ts';

setLogLevel('warn');

export interface Harness {
  database: TestDatabase;
  app: ReturnType<typeof createApp>;
  worker: WorkerHandle | null;
  /** JSON request to the API; returns status and parsed body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** Creates a workflow from a graph and returns its id. */
  createWorkflow(graph: unknown, name?: string): Promise<string>;
  /** Polls until the run has finished; returns its detail. */
  waitForRun(runId: string, timeoutMs?: number): Promise<any>;
  startWorker(): Promise<WorkerHandle>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  worker?: boolean;
  /** Node types the worker runs (default: the server catalogue) — tests add their own. */
  nodes?: ReadonlyMap<string, ServerNode>;
  bodyLimit?: number;
  heartbeatMs?: number;
  deadAfterMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase({ max: 10 });
  const listener = new Listener(database.url);
  await listener.start([RUN_FINISHED_CHANNEL, RUN_CANCEL_CHANNEL, RUN_PROGRESS_CHANNEL]);
  const finished = new FinishedRuns(listener);
  const progress = new RunProgress(listener);
  const app = createApp({
    db: database.db,
    pool: database.pool,
    finished,
    progress,
    enqueuer: new RunEnqueuer(database.pool),
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
  });
  const workers: WorkerHandle[] = [];
  const spawnWorker = async () => {
    const worker = await startWorker({
      pool: database.pool,
      listener,
      nodes: options.nodes ?? serverCatalogue,
      concurrency: 8,
      heartbeatMs: options.heartbeatMs ?? 500,
      deadAfterMs: options.deadAfterMs ?? 3000,
      localWaiters: finished,
    });
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? null : await spawnWorker();

  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await app.request(path, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (the docs page): the text itself is the body.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };

  return {
    database,
    app,
    worker,
    call,
    startWorker: spawnWorker,
    async createWorkflow(graph, name = 'Test workflow') {
      const response = await call('POST', '/api/workflows', { name, graph });
      if (response.status !== 201) throw new Error(`creating the workflow failed: ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    },
    async waitForRun(runId, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await call('GET', `/api/runs/${runId}`);
        if (FINISHED_RUN_STATUSES.includes(response.body?.status)) return response.body;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish in ${timeoutMs} ms: ${JSON.stringify(response.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      for (const w of workers) await w.stop();
      progress.close();
      finished.close();
      await listener.stop();
      await database.drop();
    },
  };
}
