import { describe, expect, it } from 'vitest';
import type { AllItemsContext, Item } from '../../sdk/index.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';
import { allItemsContext } from '../../sdk/testing.ts';

function ctx(items: Item[]): AllItemsContext<Params> {
  return allItemsContext(definition, {}, items);
}

describe('trigger.manual', () => {
  it('passes the run input items on as its output', async () => {
    const items = [{ json: { sku: 'A1', stock: 3 } }, { json: { sku: 'B2', stock: 0 } }];
    expect(await run(ctx(items))).toEqual({ main: items });
  });

  it('emits no items when started without data', async () => {
    expect(await run(ctx([]))).toEqual({ main: [] });
  });

  it('is a manual trigger with no params and no inputs', () => {
    expect(definition.trigger).toEqual({ kind: 'manual' });
    expect(definition.inputs).toEqual([]);
    expect(Params.safeParse({ path: 'x' }).success).toBe(false);
  });
});
