/**
 * logic.if's "matches" with the real sandbox: the user's pattern runs there, under the
 * expression time limit, so a catastrophic pattern fails its step instead of stalling
 * the worker.
 */
import { Condition } from '../../../nodes/src/logic/if/definition.ts';
import { test as holds } from '../../../nodes/src/logic/if/run.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function route(conditions: object[], input: unknown, settings?: object) {
  const id = await h.createWorkflow({
    nodes: [
      { id: 't', type: 'trigger.manual', name: 'Start' },
      { id: 'if', type: 'logic.if', name: 'SKU?', params: { conditions } },
    ],
    edges: [{ source: 't', target: 'if' }],
    ...(settings ? { settings } : {}),
  });
  const response = await h.call('POST', `/api/workflows/${id}/run`, input);
  return h.waitForRun(response.body.runId);
}

const branch = (detail: any, port: 'true' | 'false') => detail.steps.find((s: any) => s.nodeId === 'if').output[port].map((i: any) => i.json.sku);

describe('logic.if matches, in the sandbox', () => {
  it('tests text and numbers against a pattern, with the case option', async () => {
    const detail = await route([{ left: '{{ $json.sku }}', op: 'matches', right: '^SKU-\\d{4}$' }], [{ sku: 'SKU-0042' }, { sku: 'sku-0042' }, { sku: 1234 }, { sku: { a: 1 } }]);
    expect(branch(detail, 'true')).toEqual(['SKU-0042']);
    expect(branch(detail, 'false')).toEqual(['sku-0042', 1234, { a: 1 }]);
    const insensitive = await route([{ left: '{{ $json.sku }}', op: 'matches', right: '^sku-\\d+$', caseSensitive: false }, { left: '{{ $json.n }}', op: 'matches', right: '^\\d+$' }], [{ sku: 'SKU-7', n: 12 }]);
    expect(branch(insensitive, 'true')).toEqual(['SKU-7']);
  });

  it('stops a catastrophic pattern at the expression time limit, failing only that step', async () => {
    const started = Date.now();
    const detail = await route([{ left: '{{ $json.sku }}', op: 'matches', right: '^(a+)+$' }], { sku: `${'a'.repeat(40)}b` }, { expressionTimeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(detail.status).toBe('failed');
    expect(detail.error).toMatchObject({ nodeId: 'if', details: { limit: 'time' } });
    expect(detail.error.message).toMatch(/The regular expression of "SKU\?" ran longer than the 100 ms time limit/);
  });

  it('fails for good on a pattern computed at run time that is not a regular expression', async () => {
    const detail = await route([{ left: 'a', op: 'matches', right: '{{ $json.pattern }}' }], { pattern: '(' });
    expect(detail.error).toMatchObject({ retriable: false, message: expect.stringMatching(/Not a valid regular expression: Invalid regular expression/) });
    expect(Condition.safeParse({ left: 'a', op: 'matches', right: '(' }).success).toBe(false);
    expect(() => holds({ left: 'a', op: 'matches', right: 'a', caseSensitive: true })).toThrow(/sandbox/);
  });
});
