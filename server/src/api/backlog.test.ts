/**
 * After a database outage, senders' retries pile up: queued behind each other for a
 * connection, every webhook would be answered after its sender gave up. Past a backlog,
 * new webhook requests are refused at once (503, Retry-After), and those admitted finish.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false, webhookBacklog: 3 });
  const id = await h.createWorkflow({ nodes: [{ id: 'in', type: 'trigger.webhook', name: 'Order', params: { path: 'backlog' } }], edges: [] });
  expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

describe('webhooks behind a database backlog', () => {
  it('are refused at once with Retry-After past the backlog; those admitted are answered when it clears', async () => {
    // Every connection of the pool is taken: queries queue, as when the database is slow to come back.
    const held: pg.PoolClient[] = await Promise.all(Array.from({ length: h.database.pool.options.max ?? 10 }, () => h.database.pool.connect()));
    const admitted: Promise<{ status: number }>[] = [];
    for (let i = 0; i < 3; i++) {
      admitted.push(h.callAs(null, 'POST', '/hooks/backlog', { order: i }));
      await expect.poll(() => h.database.pool.waitingCount).toBe(i + 1);
    }
    const startedAt = Date.now();
    const refused = await Promise.all([1, 2, 3].map((order) => h.callAs(null, 'POST', '/hooks/backlog', { order })));
    expect(Date.now() - startedAt).toBeLessThan(2000);
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.body.error).toMatchObject({ code: 'database_unavailable', message: expect.stringContaining('3 queries wait for a connection') });
    }
    for (const client of held) client.release();
    expect((await Promise.all(admitted)).map((response) => response.status)).toEqual([202, 202, 202]);
    expect((await h.callAs(null, 'POST', '/hooks/backlog', { order: 9 })).status).toBe(202);
  });
});
