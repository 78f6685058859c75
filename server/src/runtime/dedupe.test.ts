/**
 * Remove duplicates across runs, against the real database: an order id that arrives in
 * two runs goes through once; the same run asking again (a crash, a retry) gets the same
 * answer; what is too old, or beyond the most to remember, is forgotten.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSeenBy } from '../db/queries/dedupe.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('transform.dedupe in runs', () => {
  it('lets an order id through once across runs, and sends the repeat to duplicates', async () => {
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'once', type: 'transform.dedupe', name: 'Once per order', params: { key: '{{ $json.channel }}:{{ $json.orderId }}' } },
      ],
      edges: [{ source: 'start', target: 'once' }],
    });
    const runWith = async (orders: [string, string][]) => {
      const { body } = await h.call('POST', `/api/workflows/${workflowId}/run`, orders.map(([channel, orderId]) => ({ channel, orderId })));
      const run = await h.waitForRun(body.runId);
      const step = run.steps.find((s: { nodeId: string }) => s.nodeId === 'once');
      const ids = (port: string) => (step.output[port] as { json: { orderId: string } }[]).map((item) => item.json.orderId);
      return { main: ids('main'), duplicates: ids('duplicates') };
    };
    expect(await runWith([['web', 'A'], ['web', 'B'], ['web', 'A']])).toEqual({ main: ['A', 'B'], duplicates: ['A'] });
    expect(await runWith([['web', 'B'], ['pos', 'B'], ['web', 'C']])).toEqual({ main: ['B', 'C'], duplicates: ['B'] });
  });

  it('answers the same run the same way, forgets what is older than it remembers, and keeps at most so many', async () => {
    const scope = (runId: string) => ({ workflowId: randomUUID(), nodeId: 'once', runId });
    const first = { ...scope(randomUUID()) };
    const second = { ...first, runId: randomUUID() };
    const options = { rememberMs: 3_600_000, maxEntries: 1000 };
    expect(await firstSeenBy(h.database.pool, first, ['a', 'b'], options)).toEqual(new Set(['a', 'b']));
    // The same run again (its worker died after the first call): the same answer.
    expect(await firstSeenBy(h.database.pool, first, ['a', 'b'], options)).toEqual(new Set(['a', 'b']));
    expect(await firstSeenBy(h.database.pool, second, ['a', 'c'], options)).toEqual(new Set(['c']));
    await h.database.pool.query(`update dedupe_keys set seen_at = now() - interval '2 hours' where workflow_id = $1 and key = 'a'`, [first.workflowId]);
    expect(await firstSeenBy(h.database.pool, second, ['a'], options)).toEqual(new Set(['a']));
    // At most two remembered: the oldest goes.
    const small = { ...scope(randomUUID()) };
    for (const key of ['x', 'y', 'z']) {
      await firstSeenBy(h.database.pool, small, [key], { rememberMs: null, maxEntries: 2 });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { rows } = await h.database.pool.query('select key from dedupe_keys where workflow_id = $1 order by key', [small.workflowId]);
    expect(rows.map((row) => row.key)).toEqual(['y', 'z']);
  });
});
