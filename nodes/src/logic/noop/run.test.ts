import { describe, expect, it } from 'vitest';
import type { AllItemsContext, Item } from '../../sdk/index.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';
import { allItemsContext } from '../../sdk/testing.ts';

function ctx(items: Item[], params: unknown = {}): AllItemsContext<Params> {
  return allItemsContext(definition, params, items);
}

describe('logic.noop', () => {
  it('passes every item on unchanged, in order, remembering where each came from', async () => {
    const items = [{ json: { a: 1 } }, { json: { b: { c: 2 } } }, { json: {} }];
    const result = await run(ctx(items));
    expect(result).toEqual({
      main: [
        { json: { a: 1 }, pairedItem: 0 },
        { json: { b: { c: 2 } }, pairedItem: 1 },
        { json: {}, pairedItem: 2 },
      ],
    });
  });

  it('replaces lineage from an earlier step with its own', async () => {
    const result = await run(ctx([{ json: { a: 1 }, pairedItem: 7 }]));
    expect(result.main).toEqual([{ json: { a: 1 }, pairedItem: 0 }]);
  });

  it('emits nothing for no items', async () => {
    expect(await run(ctx([]))).toEqual({ main: [] });
  });

  it('does not modify the items it receives', async () => {
    const items: Item[] = [{ json: { a: 1 } }];
    await run(ctx(items));
    expect(items).toEqual([{ json: { a: 1 } }]);
  });

  it('takes no params and works on the whole list', () => {
    expect(Params.safeParse({ anything: 1 }).success).toBe(false);
    expect(definition.mode).toBe('allItems');
    expect(definition.sideEffects).toBe(false);
  });
});
