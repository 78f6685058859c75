import { describe, expect, it } from 'vitest';
import type { Item, KeyMemory } from '../../sdk/index.ts';
import { allItemsContext } from '../../sdk/testing.ts';
import { definition } from './definition.ts';
import { run } from './run.ts';

const items: Item[] = ['SO-1', 'SO-2', 'SO-1', 'SO-3'].map((order) => ({ json: { order } }));
const keyed = (item: Item) => ({ key: String(item.json.order) });

/** A memory as the runtime's, in a Map: what another run saw first is not this run's. */
function memoryOf(seenByOthers: string[]): KeyMemory & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    async firstSeen(keys) {
      asked.push(keys);
      return new Set(keys.filter((key) => !seenByOthers.includes(key)));
    },
  };
}

describe('transform.dedupe', () => {
  it('within a run: the first of each key goes on, repeats go to duplicates, each paired to its item', async () => {
    const ctx = allItemsContext(definition, (item: Item) => ({ ...keyed(item), across: 'run' }), items);
    expect(await run(ctx)).toEqual({
      main: [
        { json: { order: 'SO-1' }, pairedItem: 0 },
        { json: { order: 'SO-2' }, pairedItem: 1 },
        { json: { order: 'SO-3' }, pairedItem: 3 },
      ],
      duplicates: [{ json: { order: 'SO-1' }, pairedItem: 2 }],
    });
  });

  it('across runs: keys another run saw first are duplicates; what to remember goes to the memory', async () => {
    const memory = memoryOf(['SO-2']);
    const ctx = { ...allItemsContext(definition, (item: Item) => ({ ...keyed(item), rememberFor: 2, rememberUnit: 'hours', maxEntries: 10 }), items), memory };
    const out = await run(ctx);
    expect(out.main!.map((i) => i.json.order)).toEqual(['SO-1', 'SO-3']);
    expect(out.duplicates!.map((i) => i.json.order)).toEqual(['SO-2', 'SO-1']);
    expect(memory.asked).toEqual([['SO-1', 'SO-2', 'SO-1', 'SO-3']]);
  });

  it('an empty key says which item', async () => {
    const ctx = allItemsContext(definition, (item: Item) => ({ key: item.json.order === 'SO-2' ? ' ' : String(item.json.order), across: 'run' }), items);
    await expect(run(ctx)).rejects.toThrow('Item 2 has an empty key');
  });
});
