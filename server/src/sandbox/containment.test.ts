/**
 * Crash containment through real runs: hostile code fails its own step, never the
 * worker or another run — while 100 other runs execute on the same sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ sandboxProcesses: 2 });
});

afterAll(async () => {
  await h?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };

async function codeFlow(code: string, settings: object = {}) {
  return h.createWorkflow({
    nodes: [
      manual,
      { id: 'c', type: 'code.javascript', name: 'Code', params: { mode: 'perItem', code } },
      { id: 'f', type: 'transform.fields', name: 'Label', params: { operations: [{ op: 'set', field: 'label', value: 'order {{ $json.n }} → {{ $json.n * 2 }}' }] } },
    ],
    edges: [
      { source: 't', target: 'c' },
      { source: 'c', target: 'f' },
    ],
    settings,
  });
}

async function start(workflowId: string, input: unknown): Promise<string> {
  const response = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  expect(response.status).toBe(202);
  return response.body.runId;
}

async function normalRuns(workflowId: string, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => start(workflowId, { n: i })));
}

async function expectAllSucceeded(runIds: string[]) {
  const details = await Promise.all(runIds.map((id) => h.waitForRun(id, 60_000)));
  const failed = details.filter((d) => d.status !== 'succeeded').map((d) => ({ id: d.id, error: d.error }));
  expect(failed).toEqual([]);
  for (const [i, detail] of details.entries()) {
    const label = detail.steps.find((s: any) => s.nodeId === 'f').output.main[0].json.label;
    expect(label).toBe(`order ${i} → ${i * 2}`);
  }
}

describe('crash containment', () => {
  it('an allocation bomb and an endless loop fail alone while 100 other runs succeed', async () => {
    const normal = await codeFlow('return { ...$json, seen: true };');
    const bomb = await codeFlow('const keep = [];\nwhile (true) keep.push(new Array(1e5).fill(keep.length));', { memoryMb: 64 });
    const loop = await codeFlow('await null;\nwhile (true) {}', { codeTimeoutMs: 1500 });
    const pids = h.sandbox!.pids();

    const hostile = [await start(bomb, { n: -1 }), await start(loop, { n: -2 })];
    const others = await normalRuns(normal, 100);
    await expectAllSucceeded(others);

    const [bombRun, loopRun] = await Promise.all(hostile.map((id) => h.waitForRun(id, 60_000)));
    expect(bombRun.status).toBe('failed');
    expect(bombRun.error).toMatchObject({ nodeId: 'c', details: { limit: 'memory' } });
    expect(loopRun.status).toBe('failed');
    expect(loopRun.error).toMatchObject({ nodeId: 'c', details: { limit: 'time' } });
    // Both were stopped inside their sandbox process: no process had to be replaced.
    expect(h.sandbox!.pids()).toEqual(pids);
    // The worker goes on running.
    await expectAllSucceeded(await normalRuns(normal, 3));
  });

  it('a sandbox process that dies mid-load is replaced, and the runs it was serving still succeed', async () => {
    const normal = await codeFlow('let x = 0;\nfor (let i = 0; i < 2e5; i++) x += i;\nreturn { ...$json, x };');
    const before = h.sandbox!.pids();
    const runs = normalRuns(normal, 100);
    // As a V8 abort would: the process is gone at once, with calls in flight.
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(before[0]!, 'SIGKILL');
    await expectAllSucceeded(await runs);
    const after = h.sandbox!.pids();
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(before[1]);
  });
});
