/**
 * Sharing the sandbox between runs: a Code step that loops for its whole time limit
 * holds one isolate's thread, and nothing else waits behind it; a cancelled call stops
 * at once and frees its CPU; a time limit says whether the code was computing or
 * waiting on a promise. Real sandbox processes throughout.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox, SandboxFailure } from './index.ts';
import { cpuMs, testScope } from './testing.ts';

const started: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(started.map((sandbox) => sandbox.stop()));
});

async function startSandbox(processes: number, isolatesPerProcess: number): Promise<Sandbox> {
  const sandbox = await Sandbox.start({ processes, isolatesPerProcess });
  started.push(sandbox);
  return sandbox;
}

const light = (sandbox: Sandbox, runId: string) =>
  sandbox.code(testScope(runId), { key: 'light', step: 'code', code: 'return $input.all().map((item) => ({ n: item.json.n * 2 }));', mode: 'allItems', items: [{ json: { n: 21 } }] });

const loop = (sandbox: Sandbox, runId: string, codeTimeoutMs: number, signal?: AbortSignal) =>
  sandbox.code(testScope(runId, { limits: { codeTimeoutMs }, signal }), { key: 'loop', step: 'code', code: 'while (true) {}', mode: 'allItems', items: [] });


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fairness', () => {
  it.each([
    { processes: 1, isolates: 2 },
    { processes: 2, isolates: 1 },
  ])('runs whose context sits beside an endless loop ($processes process(es), $isolates isolate(s) each) finish at once', async ({ processes, isolates }) => {
    const sandbox = await startSandbox(processes, isolates);
    const runs = Array.from({ length: 20 }, (_, i) => `light-${i}`);
    // Every run gets its context first, spread over all the isolates, including the one the loop will hold.
    await Promise.all(runs.map((runId) => light(sandbox, runId)));
    const looping = loop(sandbox, runs[0]!, 2000);
    const loopFailed = looping.then(
      () => null,
      (error: unknown) => error,
    );
    await sleep(100);
    const timings = await Promise.all(
      runs.slice(1).map(async (runId) => {
        const start = Date.now();
        const outcome = await light(sandbox, runId);
        expect(outcome).toMatchObject({ ok: true, items: [{ json: { n: 42 } }] });
        return Date.now() - start;
      }),
    );
    // All of them while the loop still runs (it stops once it has computed 2 s).
    expect(Math.max(...timings)).toBeLessThan(1000);
    const failure = await loopFailed;
    expect(failure).toBeInstanceOf(SandboxFailure);
    expect((failure as SandboxFailure).failure).toEqual({ kind: 'time', message: 'ran longer than the 2000 ms time limit' });
    // The looping run goes on too, in a fresh context.
    await expect(light(sandbox, runs[0]!)).resolves.toMatchObject({ ok: true });
  }, 60_000);
});

describe('the bound on isolates', () => {
  it('adds isolates while all are busy up to the maximum, then calls wait their turn', async () => {
    const sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: 1, maxIsolatesPerProcess: 2 });
    started.push(sandbox);
    const loops = [loop(sandbox, 'busy-1', 1000), loop(sandbox, 'busy-2', 1000)];
    for (const pending of loops) pending.catch(() => undefined);
    await sleep(100);
    const start = Date.now();
    await expect(light(sandbox, 'waits')).resolves.toMatchObject({ ok: true });
    // It waited for one of the loops to hit its time limit.
    expect(Date.now() - start).toBeGreaterThan(700);
    const [health] = (await sandbox.health()) as { isolates: unknown[] }[];
    expect(health!.isolates).toHaveLength(2);
    await Promise.allSettled(loops);
  });
});

describe('cancel', () => {
  it('stops a running call at once, frees its CPU, and the runs beside it go on', async () => {
    const sandbox = await startSandbox(1, 1);
    await light(sandbox, 'neighbour');
    const [pid] = sandbox.pids();
    const controller = new AbortController();
    const looping = loop(sandbox, 'cancelled', 20_000, controller.signal);
    looping.catch(() => undefined);
    await sleep(300);
    const cancelledAt = Date.now();
    controller.abort('cancel');
    await expect(looping).rejects.toMatchObject({ failure: { kind: 'cancelled', message: 'was cancelled' } });
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    const start = Date.now();
    await expect(light(sandbox, 'neighbour')).resolves.toMatchObject({ ok: true, items: [{ json: { n: 42 } }] });
    expect(Date.now() - start).toBeLessThan(500);
    // Nothing burns on: the sandbox process sits idle.
    await sleep(200);
    const before = cpuMs(pid!);
    await sleep(1000);
    expect(cpuMs(pid!) - before).toBeLessThan(300);
  });

  it('does not start a call whose signal is already aborted', async () => {
    const sandbox = await startSandbox(1, 1);
    const controller = new AbortController();
    controller.abort('cancel');
    await expect(loop(sandbox, 'late', 1000, controller.signal)).rejects.toMatchObject({ failure: { kind: 'cancelled' } });
  });
});

describe('the time limit', () => {
  it('says the code was computing when it was, and stops it', async () => {
    const sandbox = await startSandbox(1, 1);
    // Allocation in a loop: isolated-vm 7.0.1's timeout does not interrupt it, nor does disposing of the isolate.
    const code = 'const keep = [];\nwhile (true) { keep.push(new Array(1000).fill(1)); if (keep.length > 5000) keep.length = 0; }';
    const [pid] = sandbox.pids();
    const failure = await sandbox.code(testScope('alloc', { limits: { codeTimeoutMs: 500 } }), { key: 'alloc', step: 'code', code, mode: 'allItems', items: [] }).catch((error: unknown) => error);
    expect((failure as SandboxFailure).failure).toEqual({ kind: 'time', message: 'ran longer than the 500 ms time limit' });
    await expect(light(sandbox, 'after-alloc')).resolves.toMatchObject({ ok: true });
    // Its process went (nothing else could stop the loop); the one serving now sits idle.
    // (It exits right after answering; until the worker has reaped it, /proc still lists it.)
    await expect.poll(() => existsSync(`/proc/${pid}`), { timeout: 5000 }).toBe(false);
    const [replacement] = sandbox.pids();
    await sleep(200);
    const before = cpuMs(replacement!);
    await sleep(1000);
    expect(cpuMs(replacement!) - before).toBeLessThan(300);
  });

  it('names a promise that never settles when the code was waiting', async () => {
    const sandbox = await startSandbox(1, 1);
    const failure = await sandbox
      .code(testScope('idle', { limits: { codeTimeoutMs: 300 } }), { key: 'idle', step: 'code', code: 'await new Promise(() => {});', mode: 'allItems', items: [] })
      .catch((error: unknown) => error);
    expect((failure as SandboxFailure).failure).toEqual({ kind: 'time', message: 'did not finish within the 300 ms time limit: it was waiting for a promise that never settles' });
  });
});
