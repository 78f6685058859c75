/**
 * Durability with real worker processes: one killed with SIGKILL in the middle of a
 * step, and two sharing a queue of runs.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../db/queries/runs.ts';
import { spawnJunction, type JunctionProcess } from '../testing/processes.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

let h: Harness;
let server: LocalServer;
let baseUrl: string;
const calls: { path: string; key: string | undefined; at: number }[] = [];
/** Requests to /hold are left hanging until released (the worker gets killed meanwhile). */
let holdFirst = true;
/** Requests to /slow are answered after this long. */
let slowMs = 0;
const processes: JunctionProcess[] = [];

function record(req: IncomingMessage) {
  calls.push({ path: (req.url ?? '').split('?')[0]!, key: req.headers['idempotency-key'] as string | undefined, at: Date.now() });
}

beforeAll(async () => {
  h = await startHarness({ worker: false });
  server = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      record(req);
      if (req.url?.startsWith('/hold') && holdFirst) {
        holdFirst = false;
        return; // never answered: the worker dies waiting
      }
      setTimeout(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        },
        req.url?.startsWith('/slow') ? slowMs : 0,
      );
    });
  });
  baseUrl = server.url;
});

afterEach(async () => {
  for (const p of processes.splice(0)) await p.kill('SIGKILL');
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const worker = (extra: Record<string, string> = {}) => {
  const p = spawnJunction('worker', { DATABASE_URL: h.database.url, ...extra });
  processes.push(p);
  return p;
};

const http = (id: string, path: string) => ({ id, type: 'connector.http', name: `Call ${path}`, params: { method: 'POST', url: `${baseUrl}${path}`, body: { n: 1 } } });
const edge = (source: string, target: string) => ({ source, target });

describe('crash recovery', () => {
  it('finishes a run from its last checkpoint after its worker is killed with SIGKILL mid-step', { timeout: 60_000 }, async () => {
    holdFirst = true;
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        http('first', '/first'),
        { id: 'prep', type: 'transform.fields', name: 'Prepare', params: { operations: [{ op: 'set', field: 'x', value: 1 }] } },
        http('held', '/hold'),
        http('last', '/last'),
      ],
      edges: [edge('start', 'first'), edge('first', 'prep'), edge('prep', 'held'), edge('held', 'last')],
    });
    const [a, b] = [worker(), worker()];
    await Promise.all([a.waitFor(/worker started/), b.waitFor(/worker started/)]);
    const { body } = await h.call('POST', `/api/workflows/${workflowId}/run`, { order: 7 });
    const runId: string = body.runId;
    const deadline = Date.now() + 15_000;
    while (!calls.some((c) => c.path === '/hold') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.path === '/hold')).toBe(true);

    // The worker holding the run (its lease names it) is killed; the other goes on.
    const { rows } = await h.database.pool.query<{ lease_owner: string }>('select lease_owner from runs where id = $1', [runId]);
    const holds = (p: JunctionProcess) => p.output().includes(`"processId":"${rows[0]!.lease_owner}"`);
    const [killed, survivor] = holds(a) ? [a, b] : [b, a];
    expect(holds(killed)).toBe(true);
    await killed.kill('SIGKILL');
    const killedAt = Date.now();
    const detail = await h.waitForRun(runId, 30_000);
    const recoveredIn = Date.now() - killedAt;

    expect(detail.status).toBe('succeeded');
    // The other worker, on the same machine, sees at once that the killed one is gone (its
    // pid no longer runs) rather than waiting for its heartbeat to age (5 s).
    expect(recoveredIn).toBeLessThan(5_000);
    const byPath = (path: string) => calls.filter((c) => c.path === path);
    expect(byPath('/first')).toHaveLength(1);
    expect(byPath('/last')).toHaveLength(1);
    // Only the step in flight ran again, with the same idempotency key.
    expect(byPath('/hold')).toHaveLength(2);
    expect(byPath('/hold').map((c) => c.key)).toEqual([`${runId}:held`, `${runId}:held`]);
    expect(detail.steps.map((s: { nodeId: string; status: string }) => [s.nodeId, s.status])).toEqual([
      ['start', 'succeeded'],
      ['first', 'succeeded'],
      ['prep', 'succeeded'],
      ['held', 'succeeded'],
      ['last', 'succeeded'],
    ]);
    // History shows both calls: the one cut short, and the one that finished it.
    const held = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'held');
    expect(held.attempt).toBe(2);
    expect(held.attempts.map((a: { attempt: number; status: string }) => [a.attempt, a.status])).toEqual([
      [1, 'interrupted'],
      [2, 'succeeded'],
    ]);
    expect(survivor.output()).toMatch(/took over from dead workers/);
  });
});

describe('several workers', () => {
  it('executes 500 runs shared by two worker processes, each exactly once', { timeout: 120_000 }, async () => {
    calls.length = 0;
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'prep', type: 'transform.fields', name: 'Prepare', params: { operations: [{ op: 'set', field: 'seen', value: true }] } },
        http('call', '/effect'),
        { id: 'end', type: 'logic.noop', name: 'End' },
      ],
      edges: [edge('start', 'prep'), edge('prep', 'call'), edge('call', 'end')],
    });
    const workflow = (await h.call('GET', `/api/workflows/${workflowId}`)).body;
    const env = { JUNCTION_LOG_LEVEL: 'debug', JUNCTION_WORKER_CONCURRENCY: '8' };
    const [one, two] = [worker(env), worker(env)];
    await Promise.all([one.waitFor(/worker started/), two.waitFor(/worker started/)]);

    const runIds: string[] = [];
    for (let i = 0; i < 500; i++) {
      runIds.push(
        await enqueueRun(h.database.pool, {
          workflowId,
          versionId: workflow.versionId,
          triggerNodeId: 'start',
          mode: 'manual',
          input: [{ json: { i } }],
          timeoutSeconds: 600,
        }),
      );
    }
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { rows } = await h.database.pool.query<{ n: number }>(
        "select count(*)::int as n from runs where workflow_id = $1 and status in ('succeeded','failed','cancelled')",
        [workflowId],
      );
      if (rows[0]!.n === 500 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const statuses = await h.database.pool.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from runs where workflow_id = $1 group by status',
      [workflowId],
    );
    expect(statuses.rows).toEqual([{ status: 'succeeded', n: 500 }]);
    const steps = await h.database.pool.query<{ n: number; attempts: number }>(
      `select count(*)::int as n, max(jsonb_array_length(attempts))::int as attempts from steps s join runs r on r.id = s.run_id
       where r.workflow_id = $1 and s.status = 'succeeded'`,
      [workflowId],
    );
    expect(steps.rows[0]).toEqual({ n: 2000, attempts: 1 });
    // The outside effect happened once per run: one call per idempotency key.
    const keys = calls.filter((c) => c.path === '/effect').map((c) => c.key);
    expect(keys).toHaveLength(500);
    expect(new Set(keys).size).toBe(500);
    expect(new Set(keys)).toEqual(new Set(runIds.map((id) => `${id}:call`)));
    // Both processes took part.
    const finishedBy = (p: JunctionProcess) => (p.output().match(/run finished/g) ?? []).length;
    expect(finishedBy(one) + finishedBy(two)).toBe(500);
    expect(finishedBy(one)).toBeGreaterThan(0);
    expect(finishedBy(two)).toBeGreaterThan(0);
  });
});

describe('a worker that pauses past the dead-worker threshold', () => {
  it('cannot strand runs: paused, resumed, then the worker that took over is killed — every run finishes', { timeout: 120_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start' }, http('slow', '/slow'), { id: 'end', type: 'logic.noop', name: 'End' }],
      edges: [edge('start', 'slow'), edge('slow', 'end')],
    });
    const { versionId } = (await h.call('GET', `/api/workflows/${workflowId}`)).body;
    slowMs = 3000;
    const env = { JUNCTION_HEARTBEAT_MS: '300', JUNCTION_DEAD_AFTER_MS: '1500', JUNCTION_WORKER_CONCURRENCY: '8' };
    const [one, two] = [worker(env), worker(env)];
    await Promise.all([one.waitFor(/worker started/), two.waitFor(/worker started/)]);
    const runIds: string[] = [];
    for (let i = 0; i < 16; i++) {
      runIds.push(await enqueueRun(h.database.pool, { workflowId, versionId, triggerNodeId: 'start', mode: 'manual', input: [{ json: { i } }], timeoutSeconds: 600 }));
    }
    const deadline = Date.now() + 15_000;
    while (calls.filter((c) => c.path === '/slow').length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    // Paused well past the threshold: the other worker takes its runs over meanwhile.
    one.child.kill('SIGSTOP');
    await two.waitFor(/took over from dead workers/, 15_000);
    await new Promise((r) => setTimeout(r, 2000));
    one.child.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 2000));
    await two.kill('SIGKILL');
    const three = worker(env);
    await three.waitFor(/worker started/);

    for (const runId of runIds) expect((await h.waitForRun(runId, 60_000)).status).toBe('succeeded');
    const unfinished = await h.database.pool.query("select count(*)::int as n from runs where status not in ('succeeded','failed','cancelled')");
    expect(unfinished.rows[0].n).toBe(0);
    const keys = new Set(calls.filter((c) => c.path === '/slow').map((c) => c.key));
    expect(keys).toEqual(new Set(runIds.map((id) => `${id}:slow`)));
    slowMs = 0;
  });
});

describe('API and worker in different processes', () => {
  it('a waiting webhook gets its answer through NOTIFY, small or large', { timeout: 60_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'hook', type: 'trigger.webhook', name: 'Hook', params: { path: 'cross-process', respond: 'whenFinished' } },
        { id: 'tag', type: 'transform.fields', name: 'Tag', params: { operations: [{ op: 'set', field: 'seenBy', value: 'worker' }] } },
      ],
      edges: [edge('hook', 'tag')],
    });
    expect((await h.call('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);
    const w = worker();
    await w.waitFor(/worker started/);
    const small = await h.call('POST', '/hooks/cross-process', { order: 1 });
    expect(small).toMatchObject({ status: 200, body: { order: 1, seenBy: 'worker' } });
    // Too large for a notification's payload: the answer is read from the run.
    const note = 'x'.repeat(20_000);
    const large = await h.call('POST', '/hooks/cross-process', { order: 2, note });
    expect(large).toMatchObject({ status: 200, body: { order: 2, note, seenBy: 'worker' } });
  });
});
