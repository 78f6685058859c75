/**
 * A Junction in the test's own process, on the test file's own database: the API app
 * (called with `app.request`, no socket) and, unless asked not to, a worker.
 *
 * Every harness has an owner with an API key, and `call` sends that key: tests talk to
 * the API as a signed-in owner unless they choose otherwise (`callAs(null, ...)` for an
 * anonymous caller, `createUser(role)` for others).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverCatalogue } from '@junction/nodes/server';
import type { ServerNode } from '@junction/nodes';
import { createApp, type SecurityOptions } from '../api/app.ts';
import type { ProxyTrust } from '../api/request.ts';
import { createOwner, createOwnerKey } from '../auth/bootstrap.ts';
import { hashPassword } from '../auth/passwords.ts';
import { ROLE_CAPABILITIES, type Role } from '../auth/roles.ts';
import { createApiKey } from '../db/queries/api-keys.ts';
import { createUser } from '../db/queries/users.ts';
import { Keyring } from '../vault/keyring.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing/database.ts';
import { RUN_CANCEL_CHANNEL, RUN_FINISHED_CHANNEL } from '../db/queries/notifications.ts';
import { RunEnqueuer } from '../runtime/enqueue.ts';
import { FinishedRuns } from '../runtime/finished.ts';
import { Listener } from '../db/listener.ts';
import { RunProgress } from '../runtime/progress.ts';
import { RUN_PROGRESS_CHANNEL } from '../db/queries/notifications.ts';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../runtime/worker.ts';
import { FINISHED_RUN_STATUSES } from '../db/schema.ts';
import { setLogLevel } from '../log.ts';
import { variableValues } from '../db/queries/variables.ts';
import { VariableCache } from '../runtime/variables.ts';
import { Sandbox } from '../sandbox/index.ts';
import { instanceSecret } from '../db/queries/instance-secrets.ts';
import { RESUME_SECRET, type ResumeLinks } from '../runtime/resume.ts';
import { DEFAULT_ADMIN_LIMITS, type SandboxAdminLimits } from '../sandbox/limits.ts';

setLogLevel('warn');

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** An API key of this user with every capability of the role. */
  key: string;
}

export type CallResult = { status: number; body: any; headers: Headers };

export interface Harness {
  database: TestDatabase;
  /** Signs resume URLs: what a test uses to call a waiting step (runtime/resume.ts). */
  resume: ResumeLinks;
  app: ReturnType<typeof createApp>;
  worker: WorkerHandle | null;
  sandbox: Sandbox | null;
  security: SecurityOptions;
  /** The owner every harness starts with; `call` uses their API key. */
  owner: TestUser;
  /** JSON request to the API as the owner; returns status and parsed body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult>;
  /** The same with another API key, or none (`null`: an anonymous caller). */
  callAs(key: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult>;
  /** A user of the given role, with an API key. */
  createUser(role: Exclude<Role, 'owner'>, name?: string): Promise<TestUser>;
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
  /** Sandbox limits (defaults: the shipped ones). */
  sandboxLimits?: Partial<SandboxAdminLimits>;
  /** Sandbox processes (default 1). */
  sandboxProcesses?: number;
  webhookRateLimit?: number;
  /** Queries waiting for a connection past which webhooks are refused (default: the shipped 200). */
  webhookBacklog?: number;
  /** Behind reverse proxies: whose X-Forwarded-For entries are believed (default: none). */
  proxy?: ProxyTrust;
  /** Largest JSON one step's record may be (default: the shipped 64 MiB). */
  stepDataLimit?: number;
  /** The credentials key (default: a fresh one) — give it to worker processes the test starts. */
  encryptionKey?: Buffer;
  /** Receives the worker's job-runner events (to reach its pool). */
  workerEvents?: WorkerOptions['events'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase({ max: 10 });
  const listener = new Listener(database.url);
  await listener.start([RUN_FINISHED_CHANNEL, RUN_CANCEL_CHANNEL, RUN_PROGRESS_CHANNEL]);
  const finished = new FinishedRuns(listener);
  const resume: ResumeLinks = { secret: await instanceSecret(database.pool, RESUME_SECRET), publicUrl: 'http://junction.test' };
  const security: SecurityOptions = {
    keyring: options.encryptionKey ? new Keyring(options.encryptionKey) : Keyring.generate(),
    sessionTtlMs: 7 * 24 * 3_600_000,
    sessionIdleMs: 24 * 3_600_000,
    trustProxy: false,
    ...options.proxy,
    webhookRateLimit: options.webhookRateLimit ?? 2000,
    webhookBacklog: options.webhookBacklog,
  };
  const progress = new RunProgress(listener);
  // A stand-in for the built editor: its catch-all routes are mounted as in a real server,
  // so every API test also proves they open nothing of the API.
  const editorDir = await mkdtemp(join(tmpdir(), 'junction-editor-'));
  await writeFile(join(editorDir, 'index.html'), '<!doctype html><title>Junction</title><div id="root"></div>');
  const app = createApp({
    db: database.db,
    pool: database.pool,
    finished,
    progress,
    enqueuer: new RunEnqueuer(database.pool),
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    security,
    sandbox: () => sandboxRuntime(),
    sandboxLimits: { ...DEFAULT_ADMIN_LIMITS, ...options.sandboxLimits },
    editorDir,
    workerHealth: () => workers[0]?.health(),
    resume,
  });
  const ownerPassword = `owner-${randomUUID()}`;
  const ownerRow = (await createOwner(database.db, { email: 'owner@junction.test', password: ownerPassword, name: 'Owner', via: 'environment' }))!;
  const owner: TestUser = { id: ownerRow.id, email: ownerRow.email, password: ownerPassword, role: 'owner', key: (await createOwnerKey(database.db, { name: 'test harness', via: 'environment' }))!.key };
  const workers: WorkerHandle[] = [];
  let sandbox: Sandbox | null = null;
  const variables = new VariableCache(() => variableValues(database.db));
  let sandboxStarting: Promise<Sandbox> | null = null;
  const sandboxRuntime = async () => ({
    sandbox: (sandbox = await (sandboxStarting ??= Sandbox.start({ processes: options.sandboxProcesses ?? 1, isolatesPerProcess: 2 }))),
    limits: { ...DEFAULT_ADMIN_LIMITS, ...options.sandboxLimits },
    variables: (revision?: number) => variables.get(revision),
  });
  const spawnWorker = async () => {
    const worker = await startWorker({
      sandbox: await sandboxRuntime(),
      pool: database.pool,
      listener,
      nodes: options.nodes ?? serverCatalogue,
      concurrency: 8,
      heartbeatMs: options.heartbeatMs ?? 500,
      deadAfterMs: options.deadAfterMs ?? 3000,
      stepDataLimit: options.stepDataLimit ?? 64 * 1024 * 1024,
      localWaiters: finished,
      keyring: security.keyring,
      events: options.workerEvents,
      resume,
    });
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? null : await spawnWorker();

  const callAs: Harness['callAs'] = async (key, method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } };
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
  const call: Harness['call'] = (method, path, body, headers) => callAs(owner.key, method, path, body, headers);
  let users = 0;

  return {
    database,
    resume,
    app,
    worker,
    get sandbox() {
      return sandbox;
    },
    security,
    owner,
    call,
    callAs,
    async createUser(role, name = `${role} ${++users}`) {
      const password = `password-${randomUUID()}`;
      const email = `${name.replace(/\W+/g, '-').toLowerCase()}-${randomUUID().slice(0, 8)}@junction.test`;
      const user = await createUser(database.db, { email, name, role, passwordHash: await hashPassword(password) });
      const { key } = await createApiKey(database.db, { userId: user.id, name: 'test', scopes: [...ROLE_CAPABILITIES[role]] });
      return { id: user.id, email, password, role, key };
    },
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
      await sandbox?.stop();
      progress.close();
      finished.close();
      await listener.stop();
      await database.drop();
      await rm(editorDir, { recursive: true, force: true });
    },
  };
}
