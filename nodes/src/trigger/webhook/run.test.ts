import { describe, expect, it } from 'vitest';
import type { AllItemsContext, Item } from '../../sdk/index.ts';
import { definition, normalizeWebhookPath, Params } from './definition.ts';
import { run } from './run.ts';
import { allItemsContext } from '../../sdk/testing.ts';

function ctx(items: Item[], params: unknown = { path: 'orders' }): AllItemsContext<Params> {
  return allItemsContext(definition, params, items);
}

describe('trigger.webhook', () => {
  it('passes the request items on as its output', async () => {
    const items = [{ json: { orderId: 17, total: 1250 } }];
    expect(await run(ctx(items))).toEqual({ main: items });
  });

  it('fills in defaults for the method, the answer and what an item holds', () => {
    expect(Params.parse({ path: 'orders' })).toEqual({
      path: 'orders',
      method: 'POST',
      respond: 'immediately',
      responseTimeoutSeconds: 30,
      include: 'body',
      auth: { kind: 'none' },
    });
  });

  it('normalises the path and refuses paths that cannot be routed', () => {
    expect(normalizeWebhookPath('  /shop/orders/ ')).toBe('shop/orders');
    expect(Params.parse({ path: '//shop/orders//' }).path).toBe('shop/orders');
    for (const path of ['', '/', 'a//b', 'orders?x=1', '../admin', 'with space', 'x'.repeat(201)]) {
      expect(Params.safeParse({ path }).success, path).toBe(false);
    }
    expect(Params.safeParse({ path: 'orders', method: 'HEAD' }).success).toBe(false);
    expect(Params.safeParse({ path: 'orders', responseTimeoutSeconds: 301 }).success).toBe(false);
  });

  it('is a webhook trigger with no inputs', () => {
    expect(definition.trigger).toEqual({ kind: 'webhook' });
    expect(definition.inputs).toEqual([]);
  });
});
