/**
 * The time limits count computing, not waiting: on a machine whose cores are taken by
 * other processes, calls that compute little are not failed for the time they spent
 * waiting for a core, while code that really computes past its limit still stops there
 * and says so. Real sandbox processes, real CPU-burning processes beside them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { coerceStepError, withNodeName } from '@junction/nodes';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { failureError, Sandbox, SandboxFailure } from './index.ts';
import { testScope } from './testing.ts';

const started: Sandbox[] = [];
let burners: ChildProcess[] = [];

afterEach(() => {
  for (const burner of burners) burner.kill('SIGKILL');
  burners = [];
});

afterAll(async () => {
  await Promise.all(started.map((sandbox) => sandbox.stop()));
});

async function startSandbox(processes: number, isolatesPerProcess: number): Promise<Sandbox> {
  const sandbox = await Sandbox.start({ processes, isolatesPerProcess });
  started.push(sandbox);
  return sandbox;
}

/**
 * Linux's taskset, where the machine has it: the sandbox processes and the burning ones
 * share one core, so the test files running beside this one keep the others.
 */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

/** Processes that each keep a core busy for as long as the test runs (with the sandbox's, on one core). */
function burnCores(sandbox: Sandbox, count: number): void {
  const burn = [process.execPath, '-e', 'for (;;) {}'];
  for (let i = 0; i < count; i++) burners.push(TASKSET ? spawn(TASKSET, ['-c', '0', ...burn], { stdio: 'ignore' }) : spawn(burn[0]!, burn.slice(1), { stdio: 'ignore' }));
  if (TASKSET) for (const pid of sandbox.pids()) spawnSync(TASKSET, ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// How much of a core the sandbox gets is read from Linux's scheduler statistics; elsewhere
// wall time counts as CPU time, and these calls would fail for it as they used to.
describe.runIf(existsSync('/proc/self/task'))('on a machine busy with other work', () => {
  it('fails no light expression for the time limit: each finishes, or is reported busy and retriable', async () => {
    const sandbox = await startSandbox(2, 2);
    burnCores(sandbox, 3);
    await sleep(200);
    const outcomes = new Map<string, number>();
    // Twenty runs at a time, each evaluating its steps' expressions one call after another, as the runtime does.
    await Promise.all(
      Array.from({ length: 20 }, async (_, lane) => {
        for (let i = 0; i < 30; i++) {
          const scope = testScope(`lane-${lane}`, { limits: { expressionTimeoutMs: 50 }, outputs: { Prepare: [{ json: { ref: `R-${i}` } }] } });
          let outcome: string;
          try {
            const result = await sandbox.expressions(scope, { key: 'light', step: 's', sources: ['$node("Prepare").json.ref'], templates: [0], items: [{ json: { n: i } }], count: 1 });
            outcome = result.ok && result.values[0]![0] === `R-${i}` ? 'ok' : JSON.stringify(result);
          } catch (error) {
            outcome = error instanceof SandboxFailure ? `${error.failure.kind}: ${error.failure.message}` : String(error);
          }
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    const failures = [...outcomes].filter(([outcome]) => outcome !== 'ok' && !/^busy: could not finish because the machine was too busy \(CPU time about \d+ ms of the 50 ms limit, wall time \d+ ms\)$/.test(outcome));
    expect(failures).toEqual([]);
    expect(outcomes.get('ok')).toBeGreaterThan(500);
  }, 60_000);

  it('still stops an endless loop, as computing (or, starved of CPU, as busy), and names a promise that never settles', async () => {
    const sandbox = await startSandbox(1, 2);
    burnCores(sandbox, 3);
    await sleep(200);
    const [loop, idle] = await Promise.all(
      [
        { runId: 'loop', code: 'while (true) {}' },
        { runId: 'idle', code: 'await new Promise(() => {});' },
      ].map(({ runId, code }) =>
        sandbox.code(testScope(runId, { limits: { codeTimeoutMs: 200 } }), { key: runId, step: 'code', code, mode: 'allItems', items: [] }).then(
          () => null,
          (error: unknown) => (error as SandboxFailure).failure,
        ),
      ),
    );
    expect(loop!.message).toMatch(/^ran longer than the 200 ms time limit$|^could not finish because the machine was too busy/);
    expect(idle).toEqual({ kind: 'time', message: 'did not finish within the 200 ms time limit: it was waiting for a promise that never settles' });
  });
});

describe('code that cannot be stopped', () => {
  it('says what it hit, not that it waited, and its sandbox process ends at once', async () => {
    const sandbox = await startSandbox(1, 1);
    const [pid] = sandbox.pids();
    // Allocation in a tight loop outgrows its memory limit; isolated-vm disposes of the
    // isolate, but neither that nor its timeout stops the loop.
    const code = 'const keep = [];\nwhile (true) keep.push(new Array(1000).fill(1));';
    const started = Date.now();
    const failure = await sandbox
      .code(testScope('grows', { limits: { codeTimeoutMs: 4000, memoryMb: 64 } }), { key: 'grows', step: 'code', code, mode: 'allItems', items: [] })
      .then(
        () => null,
        (error: unknown) => (error as SandboxFailure).failure,
      );
    expect(failure).toEqual({ kind: 'memory', message: 'used more memory than the 64 MB limit' });
    // Told as soon as the loop is known to run on, not at its time limit.
    expect(Date.now() - started).toBeLessThan(3500);
    const failedAt = Date.now();
    // Gone within moments, not left holding its memory until the next call reaches it.
    await expect.poll(() => existsSync(`/proc/${pid}`), { timeout: 3000, interval: 50 }).toBe(false);
    expect(Date.now() - failedAt).toBeLessThan(2000);
    await expect(sandbox.code(testScope('after'), { key: 'after', step: 'code', code: 'return { ok: 1 };', mode: 'allItems', items: [] })).resolves.toMatchObject({ ok: true });
  });
});

describe('a call the machine was too busy for', () => {
  it('reaches its step as a retriable error named SandboxBusy, saying why', () => {
    const failure = { kind: 'busy' as const, message: 'could not finish because the machine was too busy (CPU time about 3 ms of the 200 ms limit, wall time 4012 ms)' };
    const error = withNodeName(failureError('Node "Fields": its expressions', failure, 'expressionTimeoutMs'), 'Fields');
    expect(coerceStepError(error)).toEqual({
      name: 'SandboxBusy',
      message: 'Node "Fields": its expressions could not finish because the machine was too busy (CPU time about 3 ms of the 200 ms limit, wall time 4012 ms); the step runs again',
      retriable: true,
      transient: true,
    });
    // What the code did wrong stays final.
    expect(coerceStepError(failureError('Code in "Code"', { kind: 'time', message: 'ran longer than the 200 ms time limit' }, 'codeTimeoutMs'))).toMatchObject({ retriable: false, details: { limit: 'time' } });
  });
});
