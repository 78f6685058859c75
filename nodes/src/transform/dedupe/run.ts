import { nodeMessages, type AllItemsRun, type Item } from '../../sdk/index.ts';
import { UNIT_MS, type Params } from './definition.ts';
import { words } from './words.en.ts';

const say = nodeMessages('transform.dedupe', words.messages);

/**
 * Passes on the items whose key it has not seen — in this run's items, and (across runs)
 * in earlier runs within the time to remember — and sends the others to "duplicates".
 * Remembering is done by the run: the same run asking again (after a crash, a retry)
 * gets the same answer, so a run that stopped half-way does not lose its new items.
 */
export const run: AllItemsRun<Params> = async ({ params, items, itemParams, memory }) => {
  const each = await itemParams();
  const keys = each.map((p, index) => {
    const key = p.key.trim();
    if (key === '') throw say.fail('emptyKey', { item: index + 1 });
    return key;
  });
  let firstSeen: Set<string> | null = null;
  if (params.across === 'runs') {
    if (!memory) throw say.fail('noMemory');
    firstSeen = await memory.firstSeen(keys, { rememberMs: params.rememberFor === 0 ? null : params.rememberFor * UNIT_MS[params.rememberUnit], maxEntries: params.maxEntries });
  }
  const main: Item[] = [];
  const duplicates: Item[] = [];
  const inThisRun = new Set<string>();
  items.forEach((item, index) => {
    const key = keys[index]!;
    const fresh = !inThisRun.has(key) && (firstSeen === null || firstSeen.has(key));
    inThisRun.add(key);
    (fresh ? main : duplicates).push({ json: item.json, pairedItem: index });
  });
  return { main, duplicates };
};
