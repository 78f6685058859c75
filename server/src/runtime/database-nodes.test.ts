/**
 * The database nodes through the whole runtime: a credential stored through the API,
 * opened by the vault in the worker, a workflow whose PostgreSQL steps take their values
 * from expressions (each item's own, the SQL itself taken as written), and a step that
 * goes on after a failed item. The node's own tests cover each operation in detail.
 */
import { randomBytes } from 'node:crypto';
import { closeSqlPools } from '@junction/nodes/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
const CANARY = `pw-${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  h = await startHarness();
  // The shop's own table, in the test's database (any PostgreSQL will do).
  await h.database.pool.query('create table shop_stock (id serial primary key, sku text not null unique, qty int not null)');
});

afterAll(async () => {
  await closeSqlPools();
  await h?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const edge = (source: string, target: string) => ({ source, sourcePort: 'main', target, targetPort: 'main' });

describe('connector.postgres in a run', () => {
  it('uses a credential from the vault, binds each item\'s values, and carries a failed item\'s error when going on', async () => {
    const url = new URL(h.database.url);
    const stored = await h.call('POST', '/api/credentials', {
      name: 'Shop database',
      type: 'postgres',
      // This machine's server trusts loopback logins: the password is there to be kept secret, not checked.
      data: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) || 'postgres', password: CANARY },
    });
    expect(stored.status).toBe(201);
    const credential = stored.body.id as string;

    const id = await h.createWorkflow({
      nodes: [
        manual,
        {
          id: 'save',
          type: 'connector.postgres',
          name: 'Save stock',
          params: {
            credential,
            action: {
              operation: 'insert',
              table: 'shop_stock',
              returnRows: true,
              columns: [
                { column: 'sku', value: '{{ $json.sku }}' },
                { column: 'qty', value: '{{ $json.qty * 2 }}' },
              ],
            },
          },
        },
        {
          id: 'read',
          type: 'connector.postgres',
          name: 'Read back',
          params: {
            credential,
            action: { operation: 'query', sql: "select sku, qty, '{{ $json.sku }}' as written from shop_stock where sku = $1", parameters: ['{{ $json.sku }}'] },
          },
        },
        {
          id: 'again',
          type: 'connector.postgres',
          name: 'Save again',
          onError: 'continue',
          params: {
            credential,
            batch: 'itemByItem',
            // The first item's key exists already (Save stock wrote it): that item fails, the other is saved.
            action: { operation: 'insert', table: 'shop_stock', columns: [{ column: 'sku', value: "{{ $json.qty > 5 ? $json.sku + ' (copy)' : $json.sku }}" }, { column: 'qty', value: 0 }] },
          },
        },
      ],
      edges: [edge('t', 'save'), edge('save', 'read'), edge('read', 'again')],
    });

    const hostile = "'); drop table shop_stock; --";
    const response = await h.call('POST', `/api/workflows/${id}/run`, [{ sku: 'TEA-1', qty: 2 }, { sku: hostile, qty: 3 }]);
    expect(response.status).toBe(202);
    const detail = await h.waitForRun(response.body.runId);
    expect(detail.status).toBe('succeeded');
    const steps = Object.fromEntries(detail.steps.map((step: { nodeId: string }) => [step.nodeId, step]));

    expect(steps.save.output.main).toEqual([
      { json: { id: 1, sku: 'TEA-1', qty: 4 }, pairedItem: 0 },
      { json: { id: 2, sku: hostile, qty: 6 }, pairedItem: 1 },
    ]);
    // The value is bound from each item; the {{ }} in the SQL stayed SQL text.
    expect(steps.read.output.main).toEqual([
      { json: { sku: 'TEA-1', qty: 4, written: '{{ $json.sku }}' }, pairedItem: 0 },
      { json: { sku: hostile, qty: 6, written: '{{ $json.sku }}' }, pairedItem: 1 },
    ]);
    expect(steps.again.status).toBe('succeeded');
    expect(steps.again.output.main).toEqual([
      {
        json: {
          sku: 'TEA-1',
          qty: 4,
          written: '{{ $json.sku }}',
          error: {
            name: 'NonRetriableError',
            message: 'Duplicate key: a row with sku = TEA-1 already exists (constraint shop_stock_sku_key) (SQL state 23505)',
            details: { sqlState: '23505', constraint: 'shop_stock_sku_key' },
          },
        },
        pairedItem: 0,
      },
      { json: { affectedRows: 1 }, pairedItem: 1 },
    ]);
    expect((await h.database.pool.query('select sku from shop_stock order by id')).rows.map((row: { sku: string }) => row.sku)).toEqual(['TEA-1', hostile, `${hostile} (copy)`]);

    const repeat = await h.call('POST', `/api/workflows/${id}/run`, [{ sku: 'TEA-8', qty: 1 }, { sku: 'TEA-8', qty: 1 }]);
    const second = await h.waitForRun(repeat.body.runId);
    // The insert of "Save stock" (one transaction) fails on the second TEA-8, and nothing of it is kept.
    expect(second.status).toBe('failed');
    expect(second.error.message).toBe(
      'Node "Save stock": Item 2 of 2: Duplicate key: a row with sku = TEA-8 already exists (constraint shop_stock_sku_key) (SQL state 23505). The transaction was rolled back: no item was saved',
    );
    expect((await h.database.pool.query("select count(*)::int as n from shop_stock where sku = 'TEA-8'")).rows).toEqual([{ n: 0 }]);

    for (const run of [detail, second]) expect(JSON.stringify(run)).not.toContain(CANARY);
  });
});
