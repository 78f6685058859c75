/**
 * The worker keeps its promise when its parts fail: a job runner that stops on its own is
 * replaced, a run that lost its job gets one, a run left by a dead worker is resumed (its
 * cut attempt recorded as such) or cancelled at once.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { WorkerPool } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { PortItems } from '@junction/nodes';
import { enqueueRun } from '../db/queries/runs.ts';
import { writeChunks } from '../db/queries/step-data.ts';
import { encodeOutput } from '../db/step-data.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

let erp: LocalServer;
const effects: string[] = [];

beforeAll(async () => {
  erp = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      effects.push(String(req.headers['idempotency-key']));
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, 100);
    });
  });
});

afterAll(async () => {
  await erp?.close();
});

const graph = () => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start' },
    { id: 'erp', type: 'connector.http', name: 'Create order', params: { method: 'POST', url: `${erp.url}/orders`, body: { n: 1 } } },
    { id: 'end', type: 'logic.noop', name: 'End' },
  ],
  edges: [
    { source: 'start', target: 'erp' },
    { source: 'erp', target: 'end' },
  ],
});

/** A run as a worker that no longer exists left it, set up in one transaction (no live worker sees it half made). */
async function strandedRun(
  h: Harness,
  workflowId: string,
  setup: (query: (sql: string, values: unknown[]) => Promise<unknown>, runId: string, client: pg.PoolClient) => Promise<void>,
): Promise<string> {
  const { versionId } = (await h.call('GET', `/api/workflows/${workflowId}`)).body;
  const client = await h.database.pool.connect();
  try {
    await client.query('begin');
    const runId = await enqueueRun(client, { workflowId, versionId, triggerNodeId: 'start', mode: 'manual', input: [{ json: {} }], timeoutSeconds: 600 });
    await client.query(`delete from graphile_worker._private_jobs where key = $1`, [`run:${runId}`]);
    await client.query(`update runs set status = 'running', lease_owner = $2, started_at = now(), version = version + 1 where id = $1`, [runId, randomUUID()]);
    await setup((sql, values) => client.query(sql, values), runId, client);
    await client.query('commit');
    return runId;
  } finally {
    client.release();
  }
}

/** A step's output as a worker stores it: its chunks written (on `client`, or a connection of `pool`), what its row names returned (as JSON). */
async function storedOutput(db: pg.Pool | pg.PoolClient, runId: string, output: PortItems): Promise<string> {
  const encoded = encodeOutput('start', output, new Set(), Infinity);
  const client = 'release' in db ? db : await db.connect();
  try {
    await writeChunks(client, runId, 'start', encoded.chunks);
  } finally {
    if (client !== db) client.release();
  }
  return JSON.stringify(encoded.output);
}

async function newRuns(h: Harness, workflowId: string, count: number): Promise<string[]> {
  const { versionId } = (await h.call('GET', `/api/workflows/${workflowId}`)).body;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(await enqueueRun(h.database.pool, { workflowId, versionId, triggerNodeId: 'start', mode: 'manual', input: [{ json: { i } }], timeoutSeconds: 600 }));
  }
  return ids;
}

describe('a job runner that stops on its own', () => {
  let h: Harness;
  const events = new EventEmitter();
  const pools: WorkerPool[] = [];
  events.on('pool:create', ({ workerPool }: { workerPool: WorkerPool }) => pools.push(workerPool));
  beforeAll(async () => {
    h = await startHarness({ workerEvents: events as never });
  });
  afterAll(async () => h?.close());

  it('is replaced by a new one, and every run finishes', { timeout: 60_000 }, async () => {
    const workflowId = await h.createWorkflow(graph());
    const runIds = await newRuns(h, workflowId, 30);
    // Some runs are in flight (the ERP answers after 100 ms) when the pool stops.
    while (effects.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pools).toHaveLength(1);
    void pools[0]!.gracefulShutdown('a failure the pool could not survive');
    await expect.poll(() => h.worker!.health().restarts).toBe(1);
    for (const runId of runIds) expect((await h.waitForRun(runId, 30_000)).status).toBe('succeeded');
    expect(pools).toHaveLength(2);
    expect(h.worker!.health()).toMatchObject({ state: 'running', restarts: 1, lastError: 'a failure the pool could not survive' });
    expect((await h.call('GET', '/api/health')).body).toMatchObject({ status: 'ok', worker: { state: 'running', restarts: 1 } });
    // No job is left behind, locked by the pool that stopped or otherwise.
    await expect.poll(async () => (await h.database.pool.query('select count(*)::int as n from graphile_worker.jobs')).rows[0].n).toBe(0);
  });
});

describe('runs that nobody will bring back', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false, deadAfterMs: 1500, heartbeatMs: 300 });
  });
  afterAll(async () => h?.close());

  it('a run whose job was lost gets one, and one left running by a dead worker resumes with its cut attempt recorded', { timeout: 60_000 }, async () => {
    const workflowId = await h.createWorkflow(graph());
    const [lost, left] = await newRuns(h, workflowId, 2);
    const pool = h.database.pool;
    // `lost`: its job is gone (as a stale worker's completion used to delete it).
    await pool.query(`delete from graphile_worker._private_jobs where key = $1`, [`run:${lost}`]);
    // `left`: a worker that no longer exists was calling the ERP for it.
    const ghost = randomUUID();
    await pool.query(`delete from graphile_worker._private_jobs where key = $1`, [`run:${left}`]);
    await pool.query(`update runs set status = 'running', lease_owner = $2, started_at = now(), version = version + 2 where id = $1`, [left, ghost]);
    const startedAt = new Date(Date.now() - 5000).toISOString();
    await pool.query(
      `insert into steps (run_id, node_id, status, attempt, output, attempts, position, started_at)
       values ($1, 'start', 'succeeded', 1, $2, '[]', 1, $3), ($1, 'erp', 'running', 1, null, $4, 2, $3)`,
      [left, await storedOutput(pool, left!, { main: [{ json: { i: 1 } }] }), startedAt, JSON.stringify([{ attempt: 1, startedAt, status: 'running' }])],
    );

    await h.startWorker();
    const [lostRun, leftRun] = [await h.waitForRun(lost!, 20_000), await h.waitForRun(left!, 20_000)];
    expect(lostRun.status).toBe('succeeded');
    expect(leftRun.status).toBe('succeeded');
    const erpStep = leftRun.steps.find((s: { nodeId: string }) => s.nodeId === 'erp');
    expect(erpStep.attempt).toBe(2);
    expect(erpStep.attempts.map((a: { attempt: number; status: string; error?: { name: string } }) => [a.attempt, a.status, a.error?.name])).toEqual([
      [1, 'interrupted', 'Interrupted'],
      [2, 'succeeded', undefined],
    ]);
  });

  it('a run left by a dead worker is cancelled at once, with its unfinished step', async () => {
    const workflowId = await h.createWorkflow(graph());
    const runId = await strandedRun(h, workflowId, async (query, id) => {
      await query(`insert into steps (run_id, node_id, status, attempt, attempts, position) values ($1, 'erp', 'running', 1, '[]', 1)`, [id]);
    });
    const cancel = await h.call('POST', `/api/runs/${runId}/cancel`);
    expect(cancel).toMatchObject({ status: 202, body: { status: 'cancelled' } });
    const run = (await h.call('GET', `/api/runs/${runId}`)).body;
    expect(run.status).toBe('cancelled');
    expect(run.steps.find((s: { nodeId: string }) => s.nodeId === 'erp')).toMatchObject({ status: 'failed', error: { name: 'Cancelled' } });
  });

  it('a step that keeps stopping its worker fails after five interrupted attempts instead of looping', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow(graph());
    const startedAt = new Date(Date.now() - 5000).toISOString();
    const attempts = [1, 2, 3, 4].map((attempt) => ({ attempt, startedAt, status: 'interrupted', error: { name: 'Interrupted', message: 'x', retriable: true } }));
    attempts.push({ attempt: 5, startedAt, status: 'running' } as never);
    const before = effects.length;
    const runId = await strandedRun(h, workflowId, async (query, id, client) => {
      await query(
        `insert into steps (run_id, node_id, status, attempt, output, attempts, position, started_at)
         values ($1, 'start', 'succeeded', 1, $2, '[]', 1, $3), ($1, 'erp', 'running', 5, null, $4, 2, $3)`,
        [id, await storedOutput(client, id, { main: [{ json: {} }] }), startedAt, JSON.stringify(attempts)],
      );
    });
    const run = await h.waitForRun(runId!, 20_000);
    expect(run.status).toBe('failed');
    expect(run.error.message).toMatch(/stopped during this step 5 times/);
    expect(effects.length).toBe(before);
  });
});
