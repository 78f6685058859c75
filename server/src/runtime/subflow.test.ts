/**
 * Sub-workflows and error workflows with a real worker: a step runs another workflow and
 * waits for it holding no worker, once or per item, or goes on at once; a child's failure
 * fails the step; cancelling the parent cancels its children; loops are refused when saved
 * and stopped at a depth when they could not be seen; a failed run starts its workflow's
 * error workflow, which does not start itself when it fails too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const called = (nodes: unknown[], edges: unknown[] = [], settings: Record<string, unknown> = {}) => ({
  nodes: [{ id: 'in', type: 'trigger.subflow', name: 'Called', params: { inputs: ['qty'] } }, ...nodes],
  edges,
  settings: { timezone: 'UTC', ...settings },
});

const caller = (workflowId: string, params: Record<string, unknown> = {}) => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start' },
    { id: 'sub', type: 'logic.subflow', name: 'Price it', params: { workflowId, ...params } },
  ],
  edges: [{ source: 'start', target: 'sub' }],
});

async function run(workflowId: string, input: unknown): Promise<any> {
  const { body } = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  return h.waitForRun(body.runId, 20_000);
}

const step = (detail: any, nodeId: string) => detail.steps.find((s: { nodeId: string }) => s.nodeId === nodeId);

describe('sub-workflows', () => {
  let doubler: string;
  beforeAll(async () => {
    doubler = await h.createWorkflow(
      called([{ id: 'calc', type: 'transform.fields', name: 'Double', params: { operations: [{ op: 'set', field: 'qty', value: '{{ $json.qty * 2 }}' }] } }], [{ source: 'in', target: 'calc' }]),
      'Doubler',
    );
  });

  it('runs another workflow with the items, waits for it, and goes on with what its last step gave', async () => {
    const parent = await h.createWorkflow(caller(doubler));
    const detail = await run(parent, [{ qty: 2 }, { qty: 5 }]);
    expect(detail.status).toBe('succeeded');
    const sub = step(detail, 'sub');
    expect(sub.output.main.map((item: { json: { qty: number } }) => item.json.qty)).toEqual([4, 10]);
    expect(sub.wait).toMatchObject({ resumed: { by: 'runs' } });
    const [childId] = sub.wait.runs;
    const child = (await h.call('GET', `/api/runs/${childId}`)).body;
    expect(child).toMatchObject({ status: 'succeeded', mode: 'subflow' });
    const listed = (await h.call('GET', `/api/runs?workflowId=${doubler}`)).body.runs.find((r: { id: string }) => r.id === childId);
    expect(listed.parentRunId).toBe(detail.id);
  });

  it('once per item: each item its own run, its results paired with it', async () => {
    const parent = await h.createWorkflow(caller(doubler, { callPer: 'item' }));
    const detail = await run(parent, [{ qty: 1 }, { qty: 3 }, { qty: 7 }]);
    const sub = step(detail, 'sub');
    expect(sub.wait.runs).toHaveLength(3);
    expect(sub.output.main).toEqual([
      { json: { qty: 2 }, pairedItem: 0 },
      { json: { qty: 6 }, pairedItem: 1 },
      { json: { qty: 14 }, pairedItem: 2 },
    ]);
  });

  it('without waiting: goes on at once with each item naming the run it started', async () => {
    const parent = await h.createWorkflow(caller(doubler, { waitForResult: false }));
    const detail = await run(parent, [{ qty: 4 }]);
    const runId = step(detail, 'sub').output.main[0].json.subflowRunId;
    expect((await h.waitForRun(runId)).status).toBe('succeeded');
  });

  it('a child that fails fails the step, saying which run and why', async () => {
    const parent = await h.createWorkflow(caller(doubler));
    const detail = await run(parent, [{ price: 1 }]);
    expect(detail.status).toBe('failed');
    expect(step(detail, 'sub').error.message).toMatch(/The sub-workflow’s run [0-9a-f-]+ failed: .*lacks the fields this workflow expects: qty/);
  });

  it('cancelling the parent cancels the children that run for it', async () => {
    const waiter = await h.createWorkflow(called([{ id: 'hold', type: 'logic.wait', name: 'Hold', params: { waitFor: { mode: 'callback' } } }], [{ source: 'in', target: 'hold' }]), 'Holder');
    const parent = await h.createWorkflow(caller(waiter));
    const { body } = await h.call('POST', `/api/workflows/${parent}/run`, [{ qty: 1 }]);
    await expect.poll(async () => (await h.call('GET', `/api/runs/${body.runId}`)).body.status).toBe('waiting');
    const childId = step((await h.call('GET', `/api/runs/${body.runId}`)).body, 'sub').wait.runs[0];
    await expect.poll(async () => (await h.call('GET', `/api/runs/${childId}`)).body.status).toBe('waiting');
    expect((await h.call('POST', `/api/runs/${body.runId}/cancel`)).body.status).toBe('cancelled');
    expect((await h.call('GET', `/api/runs/${childId}`)).body.status).toBe('cancelled');
  });

  it('refuses a loop of calls when saved, and a missing workflow or trigger', async () => {
    const a = await h.createWorkflow(called([{ id: 'noop', type: 'logic.noop', name: 'Noop' }], [{ source: 'in', target: 'noop' }]), 'A');
    const b = await h.createWorkflow({ ...called([]), nodes: [...called([]).nodes, { id: 'callA', type: 'logic.subflow', name: 'Call A', params: { workflowId: a } }], edges: [{ source: 'in', target: 'callA' }] }, 'B');
    const loop = await h.call('PUT', `/api/workflows/${a}`, {
      graph: { ...called([]), nodes: [...called([]).nodes, { id: 'callB', type: 'logic.subflow', name: 'Call B', params: { workflowId: b } }], edges: [{ source: 'in', target: 'callB' }] },
    });
    expect(loop.status).toBe(400);
    expect(loop.body.error).toMatchObject({ path: 'graph.nodes[1].params.workflowId' });
    expect(loop.body.error.message).toMatch(/comes back to this workflow \(B → A → this one\)|comes back to this workflow/);
    const missing = await h.call('POST', '/api/workflows', { name: 'x', graph: caller('0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b') });
    expect(missing.body.error.message).toMatch(/does not exist, or you may not see it/);
    const noTrigger = await h.call('POST', '/api/workflows', { name: 'y', graph: caller(await h.createWorkflow(caller(doubler))) });
    expect(noTrigger.body.error.message).toMatch(/has no "When called by another workflow" trigger/);
  });

  it('stops a loop the editor could not see at a depth of ten calls', async () => {
    const self = await h.createWorkflow(called([{ id: 'noop', type: 'logic.noop', name: 'Noop' }], [{ source: 'in', target: 'noop' }]), 'Self');
    // Made to call itself behind the save's back (the save refuses it).
    await h.database.pool.query(
      `update workflow_versions set graph = jsonb_set(graph, '{nodes,1}', $2::jsonb) where workflow_id = $1`,
      [self, JSON.stringify({ id: 'noop', type: 'logic.subflow', name: 'Again', params: { workflowId: self, waitForResult: true, callPer: 'call' }, position: [0, 0] })],
    );
    const parent = await h.createWorkflow(caller(self));
    const detail = await run(parent, [{ qty: 1 }]);
    expect(detail.status).toBe('failed');
    const { rows } = await h.database.pool.query('select max(depth)::int as depth from runs where workflow_id = $1', [self]);
    expect(rows[0].depth).toBe(10);
  }, 60_000);
});

describe('error workflows', () => {
  it('a failed run starts its error workflow with what failed; a failing error workflow does not start itself', async () => {
    const onError = await h.createWorkflow(
      {
        nodes: [
          { id: 'failed', type: 'trigger.error', name: 'A workflow failed' },
          { id: 'boom', type: 'code.javascript', name: 'Boom', params: { code: 'throw new Error("the notifier broke")' } },
        ],
        edges: [{ source: 'failed', target: 'boom' }],
      },
      'Notify on failure',
    );
    // It names itself as its own error workflow: still, its failure starts nothing more.
    expect((await h.call('PUT', `/api/workflows/${onError}`, { graph: { ...(await h.call('GET', `/api/workflows/${onError}`)).body.graph, settings: { timezone: 'UTC', timeoutSeconds: 3600, errorWorkflowId: onError } } })).status).toBe(200);
    const failing = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'bad', type: 'code.javascript', name: 'Check stock', params: { code: 'throw new Error("no stock table")' } },
      ],
      edges: [{ source: 'start', target: 'bad' }],
      settings: { timezone: 'UTC', errorWorkflowId: onError },
    });
    const detail = await run(failing, {});
    expect(detail.status).toBe('failed');
    await expect.poll(async () => (await h.database.pool.query('select count(*)::int as n from runs where workflow_id = $1', [onError])).rows[0].n).toBe(1);
    const { rows } = await h.database.pool.query('select id, mode, input from runs where workflow_id = $1', [onError]);
    expect(rows[0].mode).toBe('error');
    expect(rows[0].input[0].json).toMatchObject({
      run: { id: detail.id, url: `http://junction.test/runs/${detail.id}` },
      workflow: { id: failing },
      failedNode: { id: 'bad', name: 'Check stock' },
      error: { message: expect.stringMatching(/no stock table/) },
    });
    expect((await h.waitForRun(rows[0].id)).status).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await h.database.pool.query('select count(*)::int as n from runs where workflow_id = $1', [onError])).rows[0].n).toBe(1);
  });

  it('refuses an error workflow that does not exist or has no failure trigger', async () => {
    const plain = await h.createWorkflow(caller('0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b'.replace('8b', '8c')).nodes ? { nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start' }], edges: [] } : {});
    const response = await h.call('POST', '/api/workflows', { name: 'z', graph: { nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start' }], edges: [], settings: { timezone: 'UTC', errorWorkflowId: plain } } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ path: 'graph.settings.errorWorkflowId' });
    expect(response.body.error.message).toMatch(/has no "When a workflow fails" trigger/);
  });
});
