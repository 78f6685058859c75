/**
 * Blame follows the call that was running: hostile code that wedges its sandbox process
 * (an isolate that cannot be stopped, an answer too big to make) fails alone, and the
 * ordinary calls that process was serving, or that reached it while it went down, are
 * sent to a fresh process and succeed. Real sandbox processes throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, SandboxFailure } from './index.ts';
import { testScope } from './testing.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ processes: 2, isolatesPerProcess: 2 });
});

afterAll(async () => {
  await sandbox?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HOSTILE = [
  // Allocation in a loop: isolated-vm's timeout does not stop it, nor does disposing of its isolate.
  'const keep = [];\nwhile (true) { keep.push(new Array(1000).fill(1)); if (keep.length > 5000) keep.length = 0; }',
  // An answer of 500 MB: making it (flattening and serialising the string) runs in native code.
  "return [{ json: { s: 'x'.repeat(500 * 1024 * 1024) } }];",
];

async function ordinary(round: number, i: number): Promise<string> {
  const scope = testScope(`ordinary-${round}-${i}`, { limits: { expressionTimeoutMs: 100 }, outputs: { Prepare: [{ json: { ref: `R-${i}` } }] } });
  try {
    const outcome = await sandbox.expressions(scope, { key: 'fields', step: 'fields', sources: ['$node("Prepare").json.ref', '$json.n * 2'], templates: [[0, ' ', 1]], items: [{ json: { n: i } }], count: 1 });
    return outcome.ok && outcome.values[0]![0] === `R-${i} ${i * 2}` ? 'ok' : JSON.stringify(outcome);
  } catch (error) {
    return error instanceof SandboxFailure ? `${error.failure.kind}: ${error.failure.message}` : String(error);
  }
}

describe('blame', () => {
  it('a hostile Code step beside 100 ordinary calls fails alone, ten times over', async () => {
    const collateral: string[] = [];
    for (let round = 0; round < 10; round++) {
      const hostile = sandbox
        .code(testScope(`hostile-${round}`, { limits: { codeTimeoutMs: 300 } }), { key: `hostile-${round % 2}`, step: 'code', code: HOSTILE[round % 2]!, mode: 'allItems', items: [] })
        .then(
          () => null,
          (error: unknown) => error,
        );
      const calls: Promise<string>[] = [];
      // Spread over the time the hostile call runs, is given up on, and its process goes.
      for (let i = 0; i < 100; i++) {
        calls.push(ordinary(round, i));
        await sleep(12);
      }
      const failure = await hostile;
      expect(failure).toBeInstanceOf(SandboxFailure);
      expect(['time', 'memory', 'output']).toContain((failure as SandboxFailure).failure.kind);
      collateral.push(...(await Promise.all(calls)).filter((outcome) => outcome !== 'ok').map((outcome) => `round ${round}: ${outcome}`));
    }
    expect(collateral).toEqual([]);
  }, 120_000);
});
